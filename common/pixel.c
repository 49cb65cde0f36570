// SPDX-License-Identifier: MIT
/*
 * Guest pixels into an output buffer. Memory layouts are DRM's: every format
 * is little-endian, on any host.
 */
#include "common/pixel.h"

#include <drm_fourcc.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

typedef void (*row_convert_fn)(uint8_t *restrict dst, const uint8_t *restrict src, uint32_t width,
			       uint32_t src_width);

struct pixel_format {
	uint32_t fourcc;
	uint32_t bpp;
	/* One row into XRGB8888; @src_width lets YUYV stay inside the row. */
	row_convert_fn to_xrgb8888;
};

/*
 * DRM formats are little-endian. Word loads and stores through memcpy()
 * are alignment-safe and let the compiler vectorise the row loops.
 */
static inline uint32_t load_le16(const uint8_t *s)
{
	uint16_t v;

	memcpy(&v, s, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap16(v);
#endif
	return v;
}

static inline uint32_t load_le32(const uint8_t *s)
{
	uint32_t v;

	memcpy(&v, s, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

static inline void store_le32(uint8_t *d, uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	memcpy(d, &v, sizeof(v));
}

/*
 * The X octet of a converted pixel is 0xff: a consumer that reads the
 * buffer as ARGB8888 (a PNG writer, a compositor) then sees it opaque.
 */
static inline uint32_t xrgb(uint32_t r, uint32_t g, uint32_t b)
{
	return 0xff000000u | r << 16 | g << 8 | b;
}

/* Bit replication keeps full scale at full scale: 0x1f -> 0xff, not 0xf8. */
static inline uint32_t expand4(uint32_t v)
{
	return v << 4 | v;
}

static inline uint32_t expand5(uint32_t v)
{
	return v << 3 | v >> 2;
}

static inline uint32_t expand6(uint32_t v)
{
	return v << 2 | v >> 4;
}

static inline uint32_t from_rgb565(const uint8_t *s)
{
	uint32_t p = load_le16(s);

	return xrgb(expand5(p >> 11), expand6(p >> 5 & 0x3f), expand5(p & 0x1f));
}

/* DRM's RGB888 is [23:0] R:G:B little-endian: B first in memory. */
static inline uint32_t from_rgb888(const uint8_t *s)
{
	return xrgb(s[2], s[1], s[0]);
}

static inline uint32_t from_argb8888(const uint8_t *s)
{
	return 0xff000000u | load_le32(s);
}

static inline uint32_t from_argb4444(const uint8_t *s)
{
	uint32_t p = load_le16(s);

	return xrgb(expand4(p >> 8 & 0xf), expand4(p >> 4 & 0xf), expand4(p & 0xf));
}

static inline uint32_t from_argb1555(const uint8_t *s)
{
	uint32_t p = load_le16(s);

	return xrgb(expand5(p >> 10 & 0x1f), expand5(p >> 5 & 0x1f), expand5(p & 0x1f));
}

/*
 * One row function per format, each a copy of the same loop around an
 * inlined pixel function. Pixels go in blocks of ROW_BLOCK: GCC's -O2
 * vectoriser takes a loop whose trip count is a multiple of the vector
 * length, not an open-ended one, and vectorised rows run several times
 * faster.
 */
#define ROW_BLOCK 8

#define DEFINE_ROW(name, src_octets, pixel)                                                        \
	static void name(uint8_t *restrict d, const uint8_t *restrict s, uint32_t width,          \
			 uint32_t src_width)                                                       \
	{                                                                                          \
		size_t x = 0;                                                                      \
                                                                                                   \
		(void)src_width; /* only YUYV needs it */                                          \
		for (; x + ROW_BLOCK <= width; x += ROW_BLOCK) {                                   \
			for (size_t i = x; i < x + ROW_BLOCK; i++)                                 \
				store_le32(d + 4 * i, pixel(s + (src_octets) * i));                \
		}                                                                                  \
		for (; x < width; x++)                                                             \
			store_le32(d + 4 * x, pixel(s + (src_octets) * x));                        \
	}

DEFINE_ROW(row_rgb565, 2, from_rgb565)
DEFINE_ROW(row_rgb888, 3, from_rgb888)
DEFINE_ROW(row_argb8888, 4, from_argb8888)
DEFINE_ROW(row_argb4444, 2, from_argb4444)
DEFINE_ROW(row_argb1555, 2, from_argb1555)

/*
 * Clamp a value scaled by 256 into an 8-bit channel. Clamping below zero
 * before the shift keeps right shifts off negative numbers, whose result
 * C leaves to the implementation.
 */
static inline uint32_t clamp_scaled(int32_t v)
{
	if (v < 0)
		return 0;
	v = (v + 128) >> 8;
	return v > 255 ? 255 : (uint32_t)v;
}

/* BT.601 limited range (Y 16..235, Cb/Cr 16..240) in 8.8 fixed point. */
static inline void put_yuv(uint8_t *d, uint32_t y, uint32_t cb, uint32_t cr)
{
	int32_t c = 298 * ((int32_t)y - 16);
	int32_t u = (int32_t)cb - 128;
	int32_t v = (int32_t)cr - 128;

	store_le32(d, xrgb(clamp_scaled(c + 409 * v), clamp_scaled(c - 100 * u - 208 * v),
			   clamp_scaled(c + 516 * u)));
}

static inline void put_yuyv_pair(uint8_t *d, const uint8_t *s)
{
	uint32_t m = load_le32(s);
	uint32_t cb = m >> 8 & 0xff, cr = m >> 24;

	put_yuv(d, m & 0xff, cb, cr);
	put_yuv(d + 4, m >> 16 & 0xff, cb, cr);
}

/*
 * YUYV is [31:0] Cr0:Y1:Cb0:Y0: two pixels share one Cb/Cr pair in four
 * octets Y0 Cb Y1 Cr. A lone last pixel (odd copy width) takes the chroma
 * of its pair when the source row holds the whole pair. A source of odd
 * width, which DRM itself refuses for YUYV, ends in half a pair whose Cr is
 * past the row: that pixel borrows the previous pair's chroma (grey if it
 * has none) rather than read outside the buffer.
 */
static void row_yuyv(uint8_t *restrict d, const uint8_t *restrict s, uint32_t width,
		     uint32_t src_width)
{
	size_t pairs = width / 2, i = 0;

	/* Blocks of pairs, for the vectoriser as in DEFINE_ROW. */
	for (; i + ROW_BLOCK / 2 <= pairs; i += ROW_BLOCK / 2) {
		for (size_t j = i; j < i + ROW_BLOCK / 2; j++)
			put_yuyv_pair(d + 8 * j, s + 4 * j);
	}
	for (; i < pairs; i++)
		put_yuyv_pair(d + 8 * i, s + 4 * i);
	if (!(width & 1))
		return;
	s += 4 * pairs;
	d += 8 * pairs;
	if (width < src_width)
		put_yuv(d, s[0], s[1], s[3]);
	else if (pairs)
		put_yuv(d, s[0], s[-3], s[-1]);
	else
		put_yuv(d, s[0], 128, 128);
}

static const struct pixel_format formats[] = {
	{DRM_FORMAT_RGB565, 16, row_rgb565},     {DRM_FORMAT_RGB888, 24, row_rgb888},
	{DRM_FORMAT_XRGB8888, 32, row_argb8888}, {DRM_FORMAT_ARGB8888, 32, row_argb8888},
	{DRM_FORMAT_XRGB4444, 16, row_argb4444}, {DRM_FORMAT_ARGB4444, 16, row_argb4444},
	{DRM_FORMAT_XRGB1555, 16, row_argb1555}, {DRM_FORMAT_ARGB1555, 16, row_argb1555},
	{DRM_FORMAT_YUYV, 16, row_yuyv},
};

static const struct pixel_format *format_find(uint32_t fourcc)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (formats[i].fourcc == fourcc)
			return &formats[i];
	}
	return NULL;
}

bool vdispl_pixels_can_copy(uint32_t dst_fourcc, uint32_t src_fourcc)
{
	if (!format_find(src_fourcc))
		return false;
	return dst_fourcc == src_fourcc || dst_fourcc == DRM_FORMAT_XRGB8888;
}

static void copy_rows(const struct vdispl_pixels *dst, const struct vdispl_pixels *src,
		      uint32_t width, uint32_t height, uint32_t bpp)
{
	size_t row = ((size_t)width * bpp + 7) / 8;
	uint8_t *d = dst->data;
	const uint8_t *s = src->data;

	/* A whole frame with no padding, the usual case, is one memcpy. */
	if (dst->stride == row && src->stride == row) {
		memcpy(d, s, row * height);
		return;
	}
	for (uint32_t y = 0; y < height; y++, d += dst->stride, s += src->stride)
		memcpy(d, s, row);
}

static void convert_rows(const struct vdispl_pixels *dst, const struct vdispl_pixels *src,
			 uint32_t width, uint32_t height, row_convert_fn convert)
{
	uint8_t *d = dst->data;
	const uint8_t *s = src->data;

	for (uint32_t y = 0; y < height; y++, d += dst->stride, s += src->stride)
		convert(d, s, width, src->width);
}

int vdispl_pixels_copy(const struct vdispl_pixels *dst, const struct vdispl_pixels *src)
{
	const struct pixel_format *format = format_find(src->fourcc);
	uint32_t width = dst->width < src->width ? dst->width : src->width;
	uint32_t height = dst->height < src->height ? dst->height : src->height;

	if (!format || !vdispl_pixels_can_copy(dst->fourcc, src->fourcc))
		return -ENOTSUP;
	if (!width || !height)
		return 0;
	if (dst->fourcc == src->fourcc)
		copy_rows(dst, src, width, height, format->bpp);
	else
		convert_rows(dst, src, width, height, format->to_xrgb8888);
	return 0;
}
