// SPDX-License-Identifier: MIT
/*
 * One EDID 1.4 base block, written field by field from the VESA E-EDID
 * standard (release A, revision 2) and the CVT 1.2 reduced blanking formula.
 * Everything is integer arithmetic so the same mode always yields the same
 * octets.
 */
#include "backend/edid.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* CVT reduced blanking, version 1. */
#define CVT_RB_H_BLANK 160u
#define CVT_RB_H_SYNC 32u
#define CVT_RB_H_FRONT_PORCH 48u
#define CVT_RB_V_FRONT_PORCH 3u
#define CVT_RB_MIN_V_BACK_PORCH 6u
#define CVT_RB_MIN_V_BLANK_US 460u
#define CVT_CLOCK_STEP_HZ 250000u

/* What the fields of a detailed timing descriptor can hold. */
#define DTD_MAX_ACTIVE 4095u
#define DTD_MAX_BLANK 4095u
#define DTD_MAX_CLOCK_10KHZ 65535u

/* Range limits hold rates up to 255, or 510 with the EDID 1.4 offset flag. */
#define RANGE_MAX_RATE 510u

#define DESCRIPTOR_SIZE 18u
#define DESCRIPTOR_TEXT_SIZE 13u

struct edid_timing {
	uint32_t width, height;
	uint32_t h_blank, h_front_porch, h_sync;
	uint32_t v_blank, v_front_porch, v_sync;
	uint32_t clock_10khz;
	uint32_t width_mm, height_mm;
};

struct edid_range {
	uint32_t v_min, v_max;
	uint32_t h_min_khz, h_max_khz;
	uint32_t max_clock_10mhz;
};

/* CVT picks the V sync width by aspect ratio so a sink can guess it back. */
static uint32_t cvt_v_sync(uint32_t width, uint32_t height)
{
	static const struct {
		uint32_t w, h, v_sync;
	} aspects[] = {
		{4, 3, 4}, {16, 9, 5}, {16, 10, 6}, {5, 4, 7}, {15, 9, 7},
	};

	for (size_t i = 0; i < sizeof(aspects) / sizeof(aspects[0]); i++) {
		if ((uint64_t)width * aspects[i].h == (uint64_t)height * aspects[i].w)
			return aspects[i].v_sync;
	}
	return 10;
}

/*
 * CVT-RB v1 with the active size kept exact: CVT would round the width down
 * to a multiple of 8, but the guest asked for this many pixels and the
 * virtual sink has no character cells.
 */
static int cvt_rb_timing(struct edid_timing *t, uint32_t width, uint32_t height,
			 uint32_t refresh_hz)
{
	uint64_t h_total, v_total, vbi, min_vbi, steps, vbi_numerator;

	/* Beyond this the range limits descriptor cannot hold the rate; it also
	 * keeps 1e6 / refresh above the 460 us blank, as the formula needs. */
	if (refresh_hz > RANGE_MAX_RATE)
		return -EINVAL;

	t->width = width;
	t->height = height;
	t->h_blank = CVT_RB_H_BLANK;
	t->h_front_porch = CVT_RB_H_FRONT_PORCH;
	t->h_sync = CVT_RB_H_SYNC;
	t->v_front_porch = CVT_RB_V_FRONT_PORCH;
	t->v_sync = cvt_v_sync(width, height);

	/*
	 * Lines of blanking = floor(460 us / line period estimate) + 1, with
	 * the estimate (1e6 / refresh - 460) / height: multiplied out so the
	 * floor is exact.
	 */
	vbi_numerator = (uint64_t)CVT_RB_MIN_V_BLANK_US * height * refresh_hz;
	vbi = vbi_numerator / (1000000u - (uint64_t)CVT_RB_MIN_V_BLANK_US * refresh_hz) + 1;
	min_vbi = CVT_RB_V_FRONT_PORCH + t->v_sync + CVT_RB_MIN_V_BACK_PORCH;
	if (vbi < min_vbi)
		vbi = min_vbi;
	if (vbi > DTD_MAX_BLANK)
		return -EINVAL;
	t->v_blank = (uint32_t)vbi;

	h_total = (uint64_t)width + t->h_blank;
	v_total = (uint64_t)height + t->v_blank;
	steps = refresh_hz * h_total * v_total / CVT_CLOCK_STEP_HZ;
	/* A zero clock would turn the DTD into a display descriptor. */
	if (!steps || steps * (CVT_CLOCK_STEP_HZ / 10000u) > DTD_MAX_CLOCK_10KHZ)
		return -EINVAL;
	t->clock_10khz = (uint32_t)(steps * (CVT_CLOCK_STEP_HZ / 10000u));
	return 0;
}

int vdispl_cvt_rb_mode(uint32_t width, uint32_t height, uint32_t refresh_hz,
		       struct vdispl_cvt_mode *mode)
{
	struct edid_timing t;
	int ret;

	if (!width || !height || !refresh_hz || width > DTD_MAX_ACTIVE || height > DTD_MAX_ACTIVE ||
	    !mode)
		return -EINVAL;
	ret = cvt_rb_timing(&t, width, height, refresh_hz);
	if (ret)
		return ret;
	*mode = (struct vdispl_cvt_mode){
		.width = width,
		.h_sync_start = width + t.h_front_porch,
		.h_sync_end = width + t.h_front_porch + t.h_sync,
		.h_total = width + t.h_blank,
		.height = height,
		.v_sync_start = height + t.v_front_porch,
		.v_sync_end = height + t.v_front_porch + t.v_sync,
		.v_total = height + t.v_blank,
		.clock_khz = t.clock_10khz * 10u,
	};
	return 0;
}

/*
 * About 96 dpi, what desktops assume for an unknown screen: mm = px * 25.4
 * / 96, rounded. Below 1 cm on either side the size is left undefined (0),
 * because a zero in only one of the base block's cm fields means an aspect
 * ratio instead.
 */
static void physical_size(struct edid_timing *t)
{
	t->width_mm = (t->width * 254u + 480u) / 960u;
	t->height_mm = (t->height * 254u + 480u) / 960u;
	if (t->width_mm < 5 || t->height_mm < 5) {
		t->width_mm = 0;
		t->height_mm = 0;
	}
}

static void put_header(uint8_t *e, uint32_t serial)
{
	static const uint8_t magic[8] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
	/* "VDP": three 5-bit letters, 'A' = 1, big-endian. */
	uint16_t vendor = ('V' - '@') << 10 | ('D' - '@') << 5 | ('P' - '@');

	memcpy(e, magic, sizeof(magic));
	e[8] = vendor >> 8;
	e[9] = vendor & 0xff;
	e[10] = 0x01; /* product code 0x0001, little-endian */
	e[11] = 0x00;
	e[12] = serial & 0xff;
	e[13] = serial >> 8 & 0xff;
	e[14] = serial >> 16 & 0xff;
	e[15] = serial >> 24 & 0xff;
	e[16] = 0;	     /* week of manufacture unspecified */
	e[17] = 2024 - 1990; /* year of manufacture */
	e[18] = 1;	     /* EDID 1.4 */
	e[19] = 4;
}

static void put_basic_parameters(uint8_t *e, const struct edid_timing *t)
{
	/*
	 * sRGB primaries and D65 white as 10-bit binary fractions: red
	 * 0.640,0.330 green 0.300,0.600 blue 0.150,0.060 white 0.3127,0.3290.
	 */
	static const uint16_t chroma[8] = {655, 338, 307, 614, 154, 61, 320, 337};

	e[20] = 0x80 | 0x20 | 0x00; /* digital, 8 bits per primary, interface undefined */
	e[21] = (uint8_t)((t->width_mm + 5) / 10);
	e[22] = (uint8_t)((t->height_mm + 5) / 10);
	e[23] = 220 - 100; /* gamma 2.2 */
	/* No DPMS, RGB 4:4:4, sRGB default, preferred timing is native; one
	 * mode only, so not continuous frequency. */
	e[24] = 0x04 | 0x02;
	e[25] =
	    (chroma[0] & 3) << 6 | (chroma[1] & 3) << 4 | (chroma[2] & 3) << 2 | (chroma[3] & 3);
	e[26] =
	    (chroma[4] & 3) << 6 | (chroma[5] & 3) << 4 | (chroma[6] & 3) << 2 | (chroma[7] & 3);
	for (size_t i = 0; i < 8; i++)
		e[27 + i] = chroma[i] >> 2;
	/* No established timings (35..37 stay 0); standard timings unused. */
	memset(e + 38, 0x01, 16);
}

static void put_dtd(uint8_t *d, const struct edid_timing *t)
{
	d[0] = t->clock_10khz & 0xff;
	d[1] = t->clock_10khz >> 8;
	d[2] = t->width & 0xff;
	d[3] = t->h_blank & 0xff;
	d[4] = (t->width >> 8) << 4 | (t->h_blank >> 8);
	d[5] = t->height & 0xff;
	d[6] = t->v_blank & 0xff;
	d[7] = (t->height >> 8) << 4 | (t->v_blank >> 8);
	d[8] = t->h_front_porch & 0xff;
	d[9] = t->h_sync & 0xff;
	d[10] = (t->v_front_porch & 0xf) << 4 | (t->v_sync & 0xf);
	d[11] = (t->h_front_porch >> 8) << 6 | (t->h_sync >> 8) << 4 |
		(t->v_front_porch >> 4) << 2 | (t->v_sync >> 4);
	d[12] = t->width_mm & 0xff;
	d[13] = t->height_mm & 0xff;
	d[14] = (t->width_mm >> 8) << 4 | (t->height_mm >> 8);
	d[15] = 0; /* no borders */
	d[16] = 0;
	/* Digital separate sync, CVT-RB polarities: H positive, V negative. */
	d[17] = 0x18 | 0x02;
}

static void put_descriptor_tag(uint8_t *d, uint8_t tag)
{
	memset(d, 0, DESCRIPTOR_SIZE);
	d[3] = tag;
}

/*
 * Range limits that just enclose the one timing: the vertical and
 * horizontal rates rounded outwards to whole Hz and kHz. Computed before
 * anything is written so a mode they cannot hold leaves @edid untouched.
 */
static int range_limits(struct edid_range *r, const struct edid_timing *t)
{
	uint64_t h_total = (uint64_t)t->width + t->h_blank;
	uint64_t frame = h_total * ((uint64_t)t->height + t->v_blank);
	uint64_t clock_hz = (uint64_t)t->clock_10khz * 10000u;
	uint64_t v_max = (clock_hz + frame - 1) / frame;
	uint64_t h_max = (clock_hz + h_total * 1000u - 1) / (h_total * 1000u);

	if (v_max > RANGE_MAX_RATE || h_max > RANGE_MAX_RATE)
		return -EINVAL;
	r->v_min = (uint32_t)(clock_hz / frame);
	r->v_max = (uint32_t)v_max;
	r->h_min_khz = (uint32_t)(clock_hz / (h_total * 1000u));
	r->h_max_khz = (uint32_t)h_max;
	if (!r->v_min)
		r->v_min = 1;
	if (!r->h_min_khz)
		r->h_min_khz = 1;
	/* 10 MHz units, rounded up; at most 66 for a 655.35 MHz clock. */
	r->max_clock_10mhz = (t->clock_10khz + 999) / 1000;
	return 0;
}

/* A rate above 255 is stored as rate - 255 with its offset flag set. */
static uint8_t range_rate(uint32_t rate, uint8_t *flags, uint8_t offset_flag)
{
	if (rate > 255) {
		*flags |= offset_flag;
		return (uint8_t)(rate - 255);
	}
	return (uint8_t)rate;
}

static void put_range_limits(uint8_t *d, const struct edid_range *r)
{
	uint8_t flags = 0;

	put_descriptor_tag(d, 0xfd);
	d[5] = range_rate(r->v_min, &flags, 0x01);
	d[6] = range_rate(r->v_max, &flags, 0x02);
	d[7] = range_rate(r->h_min_khz, &flags, 0x04);
	d[8] = range_rate(r->h_max_khz, &flags, 0x08);
	d[4] = flags;
	d[9] = (uint8_t)r->max_clock_10mhz;
	d[10] = 0x01; /* range limits only, no GTF or CVT formula */
	d[11] = 0x0a;
	memset(d + 12, 0x20, DESCRIPTOR_SIZE - 12);
}

/* Text descriptors end in a line feed and pad with spaces; 13 characters
 * leave no room for either. Non-printable characters would upset parsers. */
static void put_name(uint8_t *d, const char *name)
{
	size_t len = strnlen(name, DESCRIPTOR_TEXT_SIZE);

	put_descriptor_tag(d, 0xfc);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		d[5 + i] = c >= 0x20 && c < 0x7f ? c : '?';
	}
	if (len < DESCRIPTOR_TEXT_SIZE) {
		d[5 + len] = 0x0a;
		memset(d + 6 + len, 0x20, DESCRIPTOR_TEXT_SIZE - len - 1);
	}
}

static void put_checksum(uint8_t *e)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < VDISPL_EDID_BLOCK_SIZE - 1; i++)
		sum += e[i];
	e[VDISPL_EDID_BLOCK_SIZE - 1] = (uint8_t)(0x100 - sum);
}

int vdispl_edid_build(uint8_t edid[VDISPL_EDID_BLOCK_SIZE], uint32_t width, uint32_t height,
		      uint32_t refresh_hz, const char *name, uint32_t serial)
{
	struct edid_timing t;
	struct edid_range range;
	int ret;

	if (!edid || !name || !width || !height || !refresh_hz)
		return -EINVAL;
	if (width > DTD_MAX_ACTIVE || height > DTD_MAX_ACTIVE)
		return -EINVAL;
	ret = cvt_rb_timing(&t, width, height, refresh_hz);
	if (ret < 0)
		return ret;
	ret = range_limits(&range, &t);
	if (ret < 0)
		return ret;
	physical_size(&t);

	memset(edid, 0, VDISPL_EDID_BLOCK_SIZE);
	put_header(edid, serial);
	put_basic_parameters(edid, &t);
	put_dtd(edid + 54, &t);
	put_range_limits(edid + 72, &range);
	put_name(edid + 90, name);
	put_descriptor_tag(edid + 108, 0x10); /* dummy */
	edid[126] = 0;			      /* no extension blocks */
	put_checksum(edid);
	return VDISPL_EDID_BLOCK_SIZE;
}
