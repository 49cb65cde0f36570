// SPDX-License-Identifier: MIT
/*
 * vdispl_pixels_copy(): every source format's white, black, primaries and
 * dropped alpha into XRGB8888; same-format copies with and without padded
 * strides; clipping to the smaller rectangle; YUYV with odd widths.
 */
#include "common/pixel.h"

#include <drm_fourcc.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "tests/unit/tap.h"

#define OPAQUE 0xff000000u

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Convert one source pixel of @bytes octets into XRGB8888. */
static uint32_t convert_one(uint32_t fourcc, const uint8_t *pixel, size_t bytes)
{
	uint8_t src[8] = {0};
	uint8_t dst[4] = {0};
	/* A YUYV source holds the whole pair, so the pixel gets its chroma. */
	struct vdispl_pixels s = {src, 8, fourcc == DRM_FORMAT_YUYV ? 2 : 1, 1, fourcc};
	struct vdispl_pixels d = {dst, 4, 1, 1, DRM_FORMAT_XRGB8888};

	memcpy(src, pixel, bytes);
	if (vdispl_pixels_copy(&d, &s))
		return 0xdeadbeef;
	return get_le32(dst);
}

static uint32_t convert16(uint32_t fourcc, uint16_t v)
{
	uint8_t p[2] = {v & 0xff, v >> 8};

	return convert_one(fourcc, p, 2);
}

static uint32_t convert32(uint32_t fourcc, uint32_t v)
{
	uint8_t p[4] = {v & 0xff, v >> 8 & 0xff, v >> 16 & 0xff, v >> 24};

	return convert_one(fourcc, p, 4);
}

/* Two YUYV pixels sharing chroma, the first one's result. */
static uint32_t convert_yuv(uint8_t y, uint8_t cb, uint8_t cr)
{
	uint8_t p[4] = {y, cb, y, cr};

	return convert_one(DRM_FORMAT_YUYV, p, 4);
}

static void test_can_copy(void)
{
	TAP_CHECK(vdispl_pixels_can_copy(DRM_FORMAT_XRGB8888, DRM_FORMAT_XRGB8888),
		  "XRGB8888 copies to itself");
	TAP_CHECK(vdispl_pixels_can_copy(DRM_FORMAT_RGB565, DRM_FORMAT_RGB565),
		  "RGB565 copies to itself");
	TAP_CHECK(vdispl_pixels_can_copy(DRM_FORMAT_XRGB8888, DRM_FORMAT_YUYV),
		  "YUYV converts to XRGB8888");
	TAP_CHECK(!vdispl_pixels_can_copy(DRM_FORMAT_RGB565, DRM_FORMAT_XRGB8888),
		  "XRGB8888 does not convert to RGB565");
	TAP_CHECK(!vdispl_pixels_can_copy(DRM_FORMAT_XRGB8888, DRM_FORMAT_NV12),
		  "NV12 is not a protocol format");
	TAP_CHECK(!vdispl_pixels_can_copy(DRM_FORMAT_NV12, DRM_FORMAT_NV12),
		  "not even into itself");
}

static void test_unsupported(void)
{
	uint8_t buf[16] = {0};
	struct vdispl_pixels s = {buf, 8, 2, 2, DRM_FORMAT_XRGB8888};
	struct vdispl_pixels d = {buf + 8, 4, 1, 1, DRM_FORMAT_RGB565};

	TAP_EQ_INT(vdispl_pixels_copy(&d, &s), -ENOTSUP, "XRGB8888 -> RGB565 is -ENOTSUP");
	s.fourcc = DRM_FORMAT_NV12;
	d.fourcc = DRM_FORMAT_NV12;
	TAP_EQ_INT(vdispl_pixels_copy(&d, &s), -ENOTSUP, "NV12 -> NV12 is -ENOTSUP");
}

static void test_rgb565(void)
{
	uint32_t f = DRM_FORMAT_RGB565;

	TAP_EQ_INT(convert16(f, 0xffff), OPAQUE | 0xffffff, "RGB565 white");
	TAP_EQ_INT(convert16(f, 0x0000), OPAQUE | 0x000000, "RGB565 black");
	TAP_EQ_INT(convert16(f, 0xf800), OPAQUE | 0xff0000, "RGB565 red");
	TAP_EQ_INT(convert16(f, 0x07e0), OPAQUE | 0x00ff00, "RGB565 green");
	TAP_EQ_INT(convert16(f, 0x001f), OPAQUE | 0x0000ff, "RGB565 blue");
	/* 0x10 of 5 bits -> 0x84, 0x20 of 6 bits -> 0x82: replication, not shift. */
	TAP_EQ_INT(convert16(f, 0x8410), OPAQUE | 0x848284, "RGB565 mid grey replicates bits");
}

static void test_rgb888(void)
{
	uint32_t f = DRM_FORMAT_RGB888;
	uint8_t white[3] = {0xff, 0xff, 0xff}, black[3] = {0, 0, 0};
	uint8_t red[3] = {0, 0, 0xff}, green[3] = {0, 0xff, 0}, blue[3] = {0xff, 0, 0};
	uint8_t mixed[3] = {0x56, 0x34, 0x12};

	TAP_EQ_INT(convert_one(f, white, 3), OPAQUE | 0xffffff, "RGB888 white");
	TAP_EQ_INT(convert_one(f, black, 3), OPAQUE | 0x000000, "RGB888 black");
	TAP_EQ_INT(convert_one(f, red, 3), OPAQUE | 0xff0000, "RGB888 red is the third octet");
	TAP_EQ_INT(convert_one(f, green, 3), OPAQUE | 0x00ff00, "RGB888 green");
	TAP_EQ_INT(convert_one(f, blue, 3), OPAQUE | 0x0000ff, "RGB888 blue is the first octet");
	TAP_EQ_INT(convert_one(f, mixed, 3), OPAQUE | 0x123456, "RGB888 0x123456");
}

static void test_argb8888(void)
{
	uint32_t f = DRM_FORMAT_ARGB8888;

	TAP_EQ_INT(convert32(f, 0xffffffff), OPAQUE | 0xffffff, "ARGB8888 white");
	TAP_EQ_INT(convert32(f, 0xff000000), OPAQUE | 0x000000, "ARGB8888 black");
	TAP_EQ_INT(convert32(f, 0x00ff0000), OPAQUE | 0xff0000,
		   "ARGB8888 transparent red: alpha dropped");
	TAP_EQ_INT(convert32(f, 0x8000ff00), OPAQUE | 0x00ff00, "ARGB8888 half green");
	TAP_EQ_INT(convert32(f, 0x120000ff), OPAQUE | 0x0000ff, "ARGB8888 blue");
}

static void test_4444(void)
{
	uint32_t fx = DRM_FORMAT_XRGB4444, fa = DRM_FORMAT_ARGB4444;

	TAP_EQ_INT(convert16(fx, 0x0fff), OPAQUE | 0xffffff, "XRGB4444 white");
	TAP_EQ_INT(convert16(fx, 0xf000), OPAQUE | 0x000000, "XRGB4444 black, X ignored");
	TAP_EQ_INT(convert16(fx, 0x0f00), OPAQUE | 0xff0000, "XRGB4444 red");
	TAP_EQ_INT(convert16(fx, 0x00f0), OPAQUE | 0x00ff00, "XRGB4444 green");
	TAP_EQ_INT(convert16(fx, 0x000f), OPAQUE | 0x0000ff, "XRGB4444 blue");
	TAP_EQ_INT(convert16(fa, 0x0fff), OPAQUE | 0xffffff, "ARGB4444 transparent white");
	TAP_EQ_INT(convert16(fa, 0x7a50), OPAQUE | 0xaa5500, "ARGB4444 0xa50 -> 0xaa5500");
}

static void test_1555(void)
{
	uint32_t fx = DRM_FORMAT_XRGB1555, fa = DRM_FORMAT_ARGB1555;

	TAP_EQ_INT(convert16(fx, 0x7fff), OPAQUE | 0xffffff, "XRGB1555 white");
	TAP_EQ_INT(convert16(fx, 0x8000), OPAQUE | 0x000000, "XRGB1555 black, X ignored");
	TAP_EQ_INT(convert16(fx, 0x7c00), OPAQUE | 0xff0000, "XRGB1555 red");
	TAP_EQ_INT(convert16(fx, 0x03e0), OPAQUE | 0x00ff00, "XRGB1555 green");
	TAP_EQ_INT(convert16(fx, 0x001f), OPAQUE | 0x0000ff, "XRGB1555 blue");
	TAP_EQ_INT(convert16(fa, 0x7fff), OPAQUE | 0xffffff, "ARGB1555 transparent white");
	TAP_EQ_INT(convert16(fa, 0xc210), OPAQUE | 0x848484, "ARGB1555 mid grey replicates bits");
}

/* Standard Y'CbCr triplets are rounded, so primaries come out within 1. */
static bool near_rgb(uint32_t got, uint32_t want)
{
	for (int shift = 0; shift < 32; shift += 8) {
		int g = (int)(got >> shift & 0xff), w = (int)(want >> shift & 0xff);

		if (g - w > 1 || w - g > 1)
			return false;
	}
	return true;
}

static void test_yuyv_values(void)
{
	uint32_t got;

	TAP_EQ_INT(convert_yuv(16, 128, 128), OPAQUE | 0x000000, "YUYV black (Y 16)");
	TAP_EQ_INT(convert_yuv(235, 128, 128), OPAQUE | 0xffffff, "YUYV white (Y 235)");
	TAP_EQ_INT(convert_yuv(0, 128, 128), OPAQUE | 0x000000, "YUYV below black clamps");
	TAP_EQ_INT(convert_yuv(255, 128, 128), OPAQUE | 0xffffff, "YUYV above white clamps");
	TAP_EQ_INT(convert_yuv(126, 128, 128), OPAQUE | 0x808080, "YUYV mid grey");
	TAP_EQ_INT(convert_yuv(16, 255, 128), OPAQUE | 0x0000ff, "YUYV B clamps high, G low");
	/* BT.601 limited-range primaries (ITU-R BT.601 colour bars). */
	TAP_EQ_INT(convert_yuv(81, 90, 240), OPAQUE | 0xff0000, "YUYV red");
	got = convert_yuv(145, 54, 34);
	TAP_CHECK(near_rgb(got, OPAQUE | 0x00ff00), "YUYV green: %08x", got);
	got = convert_yuv(41, 240, 110);
	TAP_CHECK(near_rgb(got, OPAQUE | 0x0000ff), "YUYV blue: %08x", got);
}

static void test_yuyv_pairs(void)
{
	/* Two pairs: black/white sharing neutral chroma, then red/red. */
	uint8_t src[8] = {16, 128, 235, 128, 81, 90, 81, 240};
	uint8_t dst[4 * 4];
	struct vdispl_pixels s = {src, 8, 4, 1, DRM_FORMAT_YUYV};
	struct vdispl_pixels d = {dst, 16, 4, 1, DRM_FORMAT_XRGB8888};

	memset(dst, 0xaa, sizeof(dst));
	TAP_EQ_INT(vdispl_pixels_copy(&d, &s), 0, "YUYV 4x1 copies");
	TAP_EQ_INT(get_le32(dst + 0), OPAQUE | 0x000000, "Y0 of pair 0");
	TAP_EQ_INT(get_le32(dst + 4), OPAQUE | 0xffffff, "Y1 of pair 0");
	TAP_EQ_INT(get_le32(dst + 8), OPAQUE | 0xff0000, "Y0 of pair 1");
	TAP_EQ_INT(get_le32(dst + 12), OPAQUE | 0xff0000, "Y1 of pair 1");

	/* Odd copy width, source holds the whole pair: its own chroma. */
	memset(dst, 0xaa, sizeof(dst));
	d.width = 3;
	TAP_EQ_INT(vdispl_pixels_copy(&d, &s), 0, "YUYV 3 of 4 copies");
	TAP_EQ_INT(get_le32(dst + 8), OPAQUE | 0xff0000, "lone pixel uses its pair's chroma");
	TAP_EQ_INT(get_le32(dst + 12), 0xaaaaaaaa, "nothing past the copy width");

	/* Odd source width: the pair's Cr is outside the row. */
	src[7] = 0; /* would turn the red pixel green if read */
	s.width = 3;
	d.width = 4;
	TAP_EQ_INT(vdispl_pixels_copy(&d, &s), 0, "YUYV odd source copies");
	TAP_EQ_INT(get_le32(dst + 8), OPAQUE | 0x4c4c4c, "lone pixel borrows the previous chroma");

	s.width = 1;
	TAP_EQ_INT(vdispl_pixels_copy(&d, &s), 0, "YUYV 1-pixel source copies");
	TAP_EQ_INT(get_le32(dst + 0), OPAQUE | 0x000000, "lone first pixel is grey-chroma");
}

static void test_same_format_packed(void)
{
	uint8_t src[4 * 3 * 4], dst[4 * 3 * 4];
	struct vdispl_pixels s = {src, 16, 4, 3, DRM_FORMAT_XRGB8888};
	struct vdispl_pixels d = {dst, 16, 4, 3, DRM_FORMAT_XRGB8888};

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)i;
	memset(dst, 0, sizeof(dst));
	TAP_EQ_INT(vdispl_pixels_copy(&d, &s), 0, "packed XRGB8888 copies");
	TAP_CHECK(!memcmp(src, dst, sizeof(src)), "packed copy is exact, X octet kept");
}

static void test_same_format_strides(void)
{
	/* 3x2 RGB565 (6 octets a row) from stride 10 into stride 8. */
	uint8_t src[10 * 2], dst[8 * 2];
	struct vdispl_pixels s = {src, 10, 3, 2, DRM_FORMAT_RGB565};
	struct vdispl_pixels d = {dst, 8, 3, 2, DRM_FORMAT_RGB565};

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i + 1);
	memset(dst, 0xee, sizeof(dst));
	TAP_EQ_INT(vdispl_pixels_copy(&d, &s), 0, "strided RGB565 copies");
	TAP_CHECK(!memcmp(dst, src, 6), "row 0 copied");
	TAP_CHECK(!memcmp(dst + 8, src + 10, 6), "row 1 copied from its stride");
	TAP_CHECK(dst[6] == 0xee && dst[7] == 0xee && dst[14] == 0xee && dst[15] == 0xee,
		  "destination padding untouched");
}

static void test_rgb888_same_format(void)
{
	/* 24 bpp rows are not a multiple of 4 octets. */
	uint8_t src[3 * 3], dst[12];
	struct vdispl_pixels s = {src, 9, 3, 1, DRM_FORMAT_RGB888};
	struct vdispl_pixels d = {dst, 12, 3, 1, DRM_FORMAT_RGB888};

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(0x10 + i);
	memset(dst, 0xee, sizeof(dst));
	TAP_EQ_INT(vdispl_pixels_copy(&d, &s), 0, "RGB888 copies");
	TAP_CHECK(!memcmp(dst, src, 9) && dst[9] == 0xee, "9 octets copied, no more");
}

static void test_clip_and_convert(void)
{
	/*
	 * Source 4x3 RGB565, stride 12 (4 octets padding); destination 2x5
	 * XRGB8888, stride 12 (one pixel padding): 2x3 are copied.
	 */
	uint16_t px[3][4] = {
		{0xf800, 0x07e0, 0x001f, 0xffff},
		{0x001f, 0xffff, 0xf800, 0x07e0},
		{0xffff, 0x0000, 0x07e0, 0x001f},
	};
	uint32_t want[3][2] = {
		{0xff0000, 0x00ff00},
		{0x0000ff, 0xffffff},
		{0xffffff, 0x000000},
	};
	uint8_t src[12 * 3], dst[12 * 5];
	struct vdispl_pixels s = {src, 12, 4, 3, DRM_FORMAT_RGB565};
	struct vdispl_pixels d = {dst, 12, 2, 5, DRM_FORMAT_XRGB8888};
	bool rows_ok = true;

	memset(src, 0x77, sizeof(src));
	for (int y = 0; y < 3; y++) {
		for (int x = 0; x < 4; x++) {
			src[y * 12 + x * 2] = px[y][x] & 0xff;
			src[y * 12 + x * 2 + 1] = px[y][x] >> 8;
		}
	}
	memset(dst, 0xee, sizeof(dst));
	TAP_EQ_INT(vdispl_pixels_copy(&d, &s), 0, "clipped RGB565 -> XRGB8888");
	for (int y = 0; y < 3; y++) {
		for (int x = 0; x < 2; x++) {
			if (get_le32(dst + y * 12 + x * 4) != (OPAQUE | want[y][x]))
				rows_ok = false;
		}
		if (get_le32(dst + y * 12 + 8) != 0xeeeeeeee)
			rows_ok = false;
	}
	TAP_CHECK(rows_ok, "2x3 converted, destination padding untouched");
	TAP_EQ_INT(get_le32(dst + 3 * 12), 0xeeeeeeee, "row 3 untouched: source has 3 rows");
	TAP_EQ_INT(get_le32(dst + 4 * 12 + 4), 0xeeeeeeee, "row 4 untouched");
}

static void test_clip_same_format(void)
{
	/* Same strides but a narrower destination: rows, not one memcpy. */
	uint8_t src[8 * 2], dst[8 * 2];
	struct vdispl_pixels s = {src, 8, 2, 2, DRM_FORMAT_XRGB8888};
	struct vdispl_pixels d = {dst, 8, 1, 2, DRM_FORMAT_XRGB8888};

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i + 1);
	memset(dst, 0, sizeof(dst));
	TAP_EQ_INT(vdispl_pixels_copy(&d, &s), 0, "narrower destination copies");
	TAP_CHECK(!memcmp(dst, src, 4) && !memcmp(dst + 8, src + 8, 4), "first pixel of each row");
	TAP_CHECK(get_le32(dst + 4) == 0 && get_le32(dst + 12) == 0, "second pixel not copied");
}

/*
 * Rows convert in blocks with a scalar tail: a 21-pixel row of every format
 * (two blocks and five more) must match converting its pixels one by one.
 */
static void test_wide_rows(void)
{
	static const struct {
		uint32_t fourcc, octets;
		const char *name;
	} formats[] = {
		{DRM_FORMAT_RGB565, 2, "RGB565"},     {DRM_FORMAT_RGB888, 3, "RGB888"},
		{DRM_FORMAT_ARGB8888, 4, "ARGB8888"}, {DRM_FORMAT_XRGB4444, 2, "XRGB4444"},
		{DRM_FORMAT_ARGB1555, 2, "ARGB1555"},
	};
	enum { WIDTH = 21 };
	uint8_t src[WIDTH * 4 + 4], dst[WIDTH * 4];
	uint32_t seed = 12345;

	for (size_t i = 0; i < sizeof(src); i++) {
		seed = seed * 1103515245u + 12345u;
		src[i] = (uint8_t)(seed >> 16);
	}
	for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++) {
		struct vdispl_pixels s = {src, sizeof(src), WIDTH, 1, formats[f].fourcc};
		struct vdispl_pixels d = {dst, sizeof(dst), WIDTH, 1, DRM_FORMAT_XRGB8888};
		bool same = true;

		TAP_EQ_INT(vdispl_pixels_copy(&d, &s), 0, "%s 21-pixel row", formats[f].name);
		for (size_t x = 0; x < WIDTH; x++) {
			if (get_le32(dst + 4 * x) !=
			    convert_one(formats[f].fourcc, src + formats[f].octets * x,
					formats[f].octets))
				same = false;
		}
		TAP_CHECK(same, "%s row matches pixel by pixel", formats[f].name);
	}

	/* YUYV: 21 pixels of a 22-wide source, pair by pair. */
	{
		struct vdispl_pixels s = {src, sizeof(src), WIDTH + 1, 1, DRM_FORMAT_YUYV};
		struct vdispl_pixels d = {dst, sizeof(dst), WIDTH, 1, DRM_FORMAT_XRGB8888};
		bool same = true;

		TAP_EQ_INT(vdispl_pixels_copy(&d, &s), 0, "YUYV 21-pixel row");
		for (size_t x = 0; x < WIDTH; x++) {
			const uint8_t *pair = src + 4 * (x / 2);
			uint8_t one[4] = {pair[x & 1 ? 2 : 0], pair[1], 0, pair[3]};

			if (get_le32(dst + 4 * x) != convert_one(DRM_FORMAT_YUYV, one, 4))
				same = false;
		}
		TAP_CHECK(same, "YUYV row matches pixel by pixel");
	}
}

static void test_empty(void)
{
	uint8_t buf[4] = {1, 2, 3, 4};
	struct vdispl_pixels s = {NULL, 0, 0, 5, DRM_FORMAT_XRGB8888};
	struct vdispl_pixels d = {buf, 4, 1, 1, DRM_FORMAT_XRGB8888};

	TAP_EQ_INT(vdispl_pixels_copy(&d, &s), 0, "zero-width source copies nothing");
	TAP_EQ_INT(get_le32(buf), 0x04030201, "destination untouched");
}

int main(void)
{
	test_can_copy();
	test_unsupported();
	test_rgb565();
	test_rgb888();
	test_argb8888();
	test_4444();
	test_1555();
	test_yuyv_values();
	test_yuyv_pairs();
	test_same_format_packed();
	test_same_format_strides();
	test_rgb888_same_format();
	test_clip_and_convert();
	test_clip_same_format();
	test_wide_rows();
	test_empty();
	return tap_done();
}
