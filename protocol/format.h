/* SPDX-License-Identifier: MIT */
/*
 * Pixel formats a frontend may attach a framebuffer with: every format the
 * mainline frontend offers (xen_drm_front_conn.c plane_formats), by DRM
 * fourcc.
 */
#ifndef VDISPL_PROTOCOL_FORMAT_H
#define VDISPL_PROTOCOL_FORMAT_H

#include "protocol/compat.h"


struct vdispl_format {
	uint32_t fourcc;  /* DRM_FORMAT_* */
	uint8_t bpp;      /* bits per pixel of the single plane */
	bool has_alpha;
	bool is_yuv;
	const char *name; /* "XRGB8888", ... */
};

/* The format for @fourcc, or NULL if a frontend may not use it. */
const struct vdispl_format *vdispl_format_lookup(uint32_t fourcc);

/* All formats, for iteration; *count receives their number. */
const struct vdispl_format *vdispl_formats(size_t *count);

/* Octets in one tightly packed row of @width pixels: ceil(width * bpp / 8). */
uint64_t vdispl_format_row_size(uint32_t bpp, uint32_t width);

#endif
