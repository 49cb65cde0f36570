/* SPDX-License-Identifier: MIT */
/*
 * The EDID the backend returns for GET_EDID: one 128-octet EDID 1.4 block
 * describing a digital display whose preferred (first detailed) timing is
 * the connector's resolution, computed with VESA CVT reduced blanking.
 */
#ifndef VDISPL_BACKEND_EDID_H
#define VDISPL_BACKEND_EDID_H

#include <stdint.h>

#define VDISPL_EDID_BLOCK_SIZE 128u

/* A display mode's timings, as VESA CVT reduced blanking gives them. */
struct vdispl_cvt_mode {
	uint32_t width, h_sync_start, h_sync_end, h_total;
	uint32_t height, v_sync_start, v_sync_end, v_total;
	uint32_t clock_khz;
};

/*
 * The CVT-RB timings of @width x @height at @refresh_hz, the active size kept
 * exact: for displays that lack a mode of the guest's size but take one
 * made up. Returns 0, or -EINVAL under the same limits as
 * vdispl_edid_build().
 */
int vdispl_cvt_rb_mode(uint32_t width, uint32_t height, uint32_t refresh_hz,
		       struct vdispl_cvt_mode *mode);

/*
 * Fill @edid for @width x @height at @refresh_hz. @name (at most 13
 * characters, longer is cut) goes in the monitor name descriptor and
 * @serial in the serial number field, so two connectors are told apart.
 * The block has a valid header, checksum, and range limits that include
 * the timing. Returns VDISPL_EDID_BLOCK_SIZE, or -EINVAL, leaving @edid
 * untouched, when a detailed timing descriptor cannot hold the mode (width
 * or height above 4095, vertical blanking above 4095 lines, pixel clock
 * above 655.35 MHz or below 0.25 MHz), when the range limits cannot
 * (refresh above 510 Hz or line rate above 510 kHz), or for a zero width,
 * height or refresh or a NULL pointer.
 */
int vdispl_edid_build(uint8_t edid[VDISPL_EDID_BLOCK_SIZE], uint32_t width, uint32_t height,
		      uint32_t refresh_hz, const char *name, uint32_t serial);

#endif
