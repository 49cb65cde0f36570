/* SPDX-License-Identifier: MIT */
/*
 * A GET_EDID answer to display modes, pure and I/O-free: the frontend's side.
 *
 * The EDID comes from the other domain: every length, header and checksum is
 * checked before a mode is taken from it, and only the base block's detailed
 * timing descriptors are read (the first one is the preferred mode, as EDID
 * 1.3 and later say).
 */
#ifndef VDISPL_PROTOCOL_EDID_MODES_H
#define VDISPL_PROTOCOL_EDID_MODES_H

#include "protocol/compat.h"

#define VDISPL_EDID_BLOCK 128u
/* A base block holds four 18-octet descriptors. */
#define VDISPL_EDID_MAX_TIMINGS 4u

struct vdispl_edid_timing {
	uint32_t clock_khz;
	uint16_t hdisplay, hsync_start, hsync_end, htotal;
	uint16_t vdisplay, vsync_start, vsync_end, vtotal;
	bool hsync_positive; /* digital separate sync polarities */
	bool vsync_positive;
	bool interlaced;
};

/*
 * Check @size octets of @edid: at least one block, a whole number of
 * blocks, the fixed header, every block's checksum, and the base block's
 * extension count matching @size. Returns 0 or -EINVAL.
 */
int vdispl_edid_check(const uint8_t *edid, uint32_t size);

/*
 * The detailed timings of a checked EDID's base block, preferred first, into
 * @out (room for VDISPL_EDID_MAX_TIMINGS). Descriptors that are not timings
 * (monitor name, range limits) and timings that cannot be a mode (a zero
 * size, sync past the total) are skipped. Returns how many were written, or
 * -EINVAL if vdispl_edid_check() refuses the EDID.
 */
int vdispl_edid_timings(const uint8_t *edid, uint32_t size, struct vdispl_edid_timing *out);

/* Refresh rate of @t in millihertz, 0 if it has no area. */
uint32_t vdispl_edid_refresh_mhz(const struct vdispl_edid_timing *t);

#endif
