/* SPDX-License-Identifier: MIT */
/*
 * Reading and writing PNG files through libpng, for the headless output and
 * the frame checks. Pixels in memory are XRGB8888 (DRM_FORMAT_XRGB8888:
 * 0x00RRGGBB in a native-endian uint32_t); files are 8-bit RGB.
 */
#ifndef VDISPL_COMMON_PNG_H
#define VDISPL_COMMON_PNG_H

#include <stdint.h>

/*
 * Write @height rows of @width XRGB8888 pixels, @stride octets apart, to
 * @path (through a temporary file and rename, so readers never see half a
 * file). Returns 0 or a negative errno (-EIO for libpng failures).
 */
int vdispl_png_write(const char *path, const void *pixels, uint32_t stride, uint32_t width,
		     uint32_t height);

/*
 * Read any 8-bit PNG (RGB, RGBA, gray, palette) into a newly allocated
 * tightly packed XRGB8888 array (free() it). Returns 0 or a negative errno
 * (-ENOENT, -EIO for a file that is not a PNG libpng can read).
 */
int vdispl_png_read(const char *path, uint32_t **pixels, uint32_t *width, uint32_t *height);

#endif
