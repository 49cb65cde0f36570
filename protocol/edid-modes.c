// SPDX-License-Identifier: MIT
#include "protocol/compat.h"

#include "protocol/edid-modes.h"

static const uint8_t edid_header[8] = { 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00 };

/* Offsets in the base block (VESA E-EDID 1.4). */
#define EXTENSION_COUNT 126u
#define DESCRIPTORS 54u
#define DESCRIPTOR_SIZE 18u

int vdispl_edid_check(const uint8_t *edid, uint32_t size)
{
	if (!edid || size < VDISPL_EDID_BLOCK || size % VDISPL_EDID_BLOCK)
		return -EINVAL;
	if (memcmp(edid, edid_header, sizeof(edid_header)))
		return -EINVAL;
	if ((uint32_t)edid[EXTENSION_COUNT] + 1 != size / VDISPL_EDID_BLOCK)
		return -EINVAL;

	for (uint32_t block = 0; block < size; block += VDISPL_EDID_BLOCK) {
		uint8_t sum = 0;

		for (uint32_t i = 0; i < VDISPL_EDID_BLOCK; i++)
			sum = (uint8_t)(sum + edid[block + i]);
		if (sum)
			return -EINVAL;
	}
	return 0;
}

/* One 18-octet detailed timing descriptor; false if it is not a usable one. */
static bool decode_timing(const uint8_t *d, struct vdispl_edid_timing *t)
{
	uint32_t hactive, hblank, hso, hsw, vactive, vblank, vso, vsw;
	uint32_t clock = (uint32_t)d[0] | (uint32_t)d[1] << 8;

	/* A pixel clock of 0 marks a display descriptor (name, limits...). */
	if (!clock)
		return false;

	hactive = d[2] | (uint32_t)(d[4] & 0xf0) << 4;
	hblank = d[3] | (uint32_t)(d[4] & 0x0f) << 8;
	vactive = d[5] | (uint32_t)(d[7] & 0xf0) << 4;
	vblank = d[6] | (uint32_t)(d[7] & 0x0f) << 8;
	hso = d[8] | (uint32_t)(d[11] & 0xc0) << 2;
	hsw = d[9] | (uint32_t)(d[11] & 0x30) << 4;
	vso = (d[10] >> 4) | (uint32_t)(d[11] & 0x0c) << 2;
	vsw = (d[10] & 0x0f) | (uint32_t)(d[11] & 0x03) << 4;

	if (!hactive || !vactive || !hblank || !vblank)
		return false;
	if (hso + hsw > hblank || vso + vsw > vblank)
		return false;

	*t = (struct vdispl_edid_timing){
		.clock_khz = clock * 10,
		.hdisplay = (uint16_t)hactive,
		.hsync_start = (uint16_t)(hactive + hso),
		.hsync_end = (uint16_t)(hactive + hso + hsw),
		.htotal = (uint16_t)(hactive + hblank),
		.vdisplay = (uint16_t)vactive,
		.vsync_start = (uint16_t)(vactive + vso),
		.vsync_end = (uint16_t)(vactive + vso + vsw),
		.vtotal = (uint16_t)(vactive + vblank),
		.interlaced = d[17] & 0x80,
	};
	/* Bits 4-3 = 11: digital separate sync, polarities in bits 2 and 1. */
	if ((d[17] & 0x18) == 0x18) {
		t->vsync_positive = d[17] & 0x04;
		t->hsync_positive = d[17] & 0x02;
	}
	return true;
}

int vdispl_edid_timings(const uint8_t *edid, uint32_t size, struct vdispl_edid_timing *out)
{
	int count = 0;

	if (vdispl_edid_check(edid, size) < 0)
		return -EINVAL;

	for (uint32_t i = 0; i < VDISPL_EDID_MAX_TIMINGS; i++) {
		if (decode_timing(edid + DESCRIPTORS + i * DESCRIPTOR_SIZE, &out[count]))
			count++;
	}
	return count;
}

uint32_t vdispl_edid_refresh_mhz(const struct vdispl_edid_timing *t)
{
	uint64_t area = (uint64_t)t->htotal * t->vtotal;

	if (!area)
		return 0;
	/* Rounded to the nearest millihertz; 64-bit: clock * 10^6 exceeds 32. */
	return (uint32_t)(((uint64_t)t->clock_khz * 1000000u + area / 2) / area);
}
