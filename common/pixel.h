/* SPDX-License-Identifier: MIT */
/*
 * Copying guest pixels into an output buffer: the copy path's inner loop.
 *
 * The source is usually a guest buffer mapped from another domain, which the
 * guest may rewrite while we copy. That only tears the picture: pixel values
 * never steer control flow or index anything but fixed 256-entry tables.
 */
#ifndef VDISPL_COMMON_PIXEL_H
#define VDISPL_COMMON_PIXEL_H

#include <stdbool.h>
#include <stdint.h>

/* A rectangle of pixels in memory. */
struct vdispl_pixels {
	void *data;      /* first pixel of the first row */
	uint32_t stride; /* octets from one row to the next */
	uint32_t width;
	uint32_t height;
	uint32_t fourcc; /* DRM_FORMAT_* */
};

/*
 * True if vdispl_pixels_copy() can copy @src_fourcc into @dst_fourcc: the
 * same format (a row memcpy), or any format of protocol/format.h into
 * DRM_FORMAT_XRGB8888 (alpha dropped, YUYV through BT.601 limited range).
 */
bool vdispl_pixels_can_copy(uint32_t dst_fourcc, uint32_t src_fourcc);

/*
 * Copy the top-left min(width) x min(height) of @src into @dst, converting
 * the format as vdispl_pixels_can_copy() allows. Returns 0 or -ENOTSUP.
 * A same-format copy keeps every octet; a conversion writes X = 0xff and
 * widens channels by bit replication (white stays white). Reads stay
 * within ceil(@src->width * bpp / 8) octets of each source row.
 */
int vdispl_pixels_copy(const struct vdispl_pixels *dst, const struct vdispl_pixels *src);

#endif
