// SPDX-License-Identifier: MIT
#include <stddef.h>
#include <stdint.h>

#include "tools/pattern/pattern.h"

/*
 * The background is col[x] + row(y): each channel of col[] and of row(y)
 * stays below 0x80, so the sum never carries into the next channel and the
 * inner loop is one load, one add and one store per pixel. col[] is
 * computed once per call in chunks on the stack, row(y) once per row.
 *
 * Red is (x + 4 * frame) & 0x7f plus a term in y: it moves by 4 (or by
 * -124 when it wraps) with every frame, so every background pixel of frame
 * n differs from frame n + 1 (and from n + k for k not a multiple of 32).
 * The connector shifts the y term by 40 per index, so pictures of two
 * connectors differ in every background pixel too (for up to 16 connectors).
 */
#define COL_CHUNK 1024u

#define DIGIT_W 5u
#define DIGIT_H 7u
#define SCALE 8u
#define MARGIN 16u
#define PAD 8u
#define BORDER 2u
#define MAX_DIGITS 10u /* UINT32_MAX */

#define BLACK 0x000000u
#define WHITE 0xffffffu

/* A 5x7 font for the digits; bit 4 of each row is the leftmost pixel. */
static const uint8_t font[10][DIGIT_H] = {
	{0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e}, /* 0 */
	{0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e}, /* 1 */
	{0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f}, /* 2 */
	{0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e}, /* 3 */
	{0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02}, /* 4 */
	{0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e}, /* 5 */
	{0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e}, /* 6 */
	{0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}, /* 7 */
	{0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e}, /* 8 */
	{0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c}, /* 9 */
};

/* Marker colours, one per connector index (modulo 8). */
static const uint32_t marker_colour[8] = {
	0xff4040, 0x40ff40, 0x4080ff, 0xffff40, 0xff40ff, 0x40ffff, 0xff9020, 0xc0c0c0,
};

struct canvas {
	uint8_t *pixels;
	uint32_t stride;
	uint32_t width;
	uint32_t height;
};

static uint32_t col_value(uint32_t x, uint32_t frame)
{
	uint32_t r = (x + 4 * frame) & 0x7f;
	uint32_t g = ((x >> 4) + 3 * frame) & 0x7f;
	uint32_t b = (((x + 8 * frame) >> 6) & 7) << 4; /* 64 px bars moving right */

	return r << 16 | g << 8 | b;
}

static uint32_t row_value(uint32_t y, uint32_t connector)
{
	uint32_t r = (y + 40 * connector) & 0x7f;
	uint32_t g = (y >> 4) & 0x7f;
	uint32_t b = (((y >> 6) + connector) & 7) << 4; /* 64 px bands */

	return r << 16 | g << 8 | b;
}

static uint32_t *row_at(const struct canvas *c, uint32_t y)
{
	/* DRM pitches are multiples of 4, so rows stay uint32_t aligned. */
	return (uint32_t *)(void *)(c->pixels + (size_t)y * c->stride);
}

/*
 * Four pixels a step: at -O2 GCC vectorizes only straight-line groups like
 * this one, and an emulated guest CPU gains most from fewer instructions.
 */
static void add_row(uint32_t *restrict dst, const uint32_t *restrict col, uint32_t n, uint32_t rv)
{
	uint32_t i = 0;

	for (; i + 4 <= n; i += 4) {
		dst[i + 0] = col[i + 0] + rv;
		dst[i + 1] = col[i + 1] + rv;
		dst[i + 2] = col[i + 2] + rv;
		dst[i + 3] = col[i + 3] + rv;
	}
	for (; i < n; i++)
		dst[i] = col[i] + rv;
}

static void fill_background(const struct canvas *c, uint32_t frame, uint32_t connector)
{
	uint32_t col[COL_CHUNK];

	for (uint32_t x0 = 0; x0 < c->width; x0 += COL_CHUNK) {
		uint32_t n = c->width - x0 < COL_CHUNK ? c->width - x0 : COL_CHUNK;

		for (uint32_t i = 0; i < n; i++)
			col[i] = col_value(x0 + i, frame);
		for (uint32_t y = 0; y < c->height; y++)
			add_row(row_at(c, y) + x0, col, n, row_value(y, connector));
	}
}

/* Fill a rectangle clipped to the canvas; coordinates may lie outside it. */
static void fill_rect(const struct canvas *c, int64_t x, int64_t y, int64_t w, int64_t h,
		      uint32_t colour)
{
	int64_t x1 = x + w, y1 = y + h;

	if (x < 0)
		x = 0;
	if (y < 0)
		y = 0;
	if (x1 > c->width)
		x1 = c->width;
	if (y1 > c->height)
		y1 = c->height;
	for (int64_t j = y; j < y1; j++) {
		uint32_t *row = row_at(c, (uint32_t)j);

		for (int64_t i = x; i < x1; i++)
			row[i] = colour;
	}
}

static unsigned int to_digits(uint32_t value, uint8_t digits[MAX_DIGITS])
{
	uint8_t rev[MAX_DIGITS];
	unsigned int n = 0;

	do {
		rev[n++] = (uint8_t)(value % 10);
		value /= 10;
	} while (value);
	for (unsigned int i = 0; i < n; i++)
		digits[i] = rev[n - 1 - i];
	return n;
}

/* The width of a boxed number: padding, digits one blank column apart. */
static int64_t number_box_width(unsigned int ndigits)
{
	return (int64_t)ndigits * (DIGIT_W + 1) * SCALE - SCALE + 2 * PAD;
}

/* @value in SCALE-times enlarged digits on a @bg box whose top-left is (x, y). */
static void draw_number(const struct canvas *c, int64_t x, int64_t y, uint32_t value, uint32_t fg,
			uint32_t bg)
{
	uint8_t digits[MAX_DIGITS];
	unsigned int n = to_digits(value, digits);

	fill_rect(c, x, y, number_box_width(n), DIGIT_H * SCALE + 2 * PAD, bg);
	for (unsigned int d = 0; d < n; d++) {
		int64_t dx = x + PAD + (int64_t)d * (DIGIT_W + 1) * SCALE;

		for (uint32_t r = 0; r < DIGIT_H; r++) {
			for (uint32_t b = 0; b < DIGIT_W; b++) {
				if (!(font[digits[d]][r] & (0x10 >> b)))
					continue;
				fill_rect(c, dx + b * SCALE, y + PAD + r * SCALE, SCALE, SCALE, fg);
			}
		}
	}
}

/* A white border shows at once whether a screenshot is cropped or shifted. */
static void draw_border(const struct canvas *c)
{
	fill_rect(c, 0, 0, c->width, BORDER, WHITE);
	fill_rect(c, 0, (int64_t)c->height - BORDER, c->width, BORDER, WHITE);
	fill_rect(c, 0, 0, BORDER, c->height, WHITE);
	fill_rect(c, (int64_t)c->width - BORDER, 0, BORDER, c->height, WHITE);
}

void vdispl_pattern_fill(void *pixels, uint32_t stride, uint32_t width, uint32_t height,
			 uint32_t frame, uint32_t connector)
{
	struct canvas c = {
		.pixels = pixels,
		.stride = stride,
		.width = width,
		.height = height,
	};
	uint8_t digits[MAX_DIGITS];
	int64_t marker_w = number_box_width(to_digits(connector, digits));

	fill_background(&c, frame, connector);
	draw_border(&c);
	draw_number(&c, MARGIN, MARGIN, frame, WHITE, BLACK);
	draw_number(&c, (int64_t)width - MARGIN - marker_w, MARGIN, connector, BLACK,
		    marker_colour[connector & 7]);
}
