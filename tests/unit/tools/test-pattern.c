// SPDX-License-Identifier: MIT
/*
 * The test picture: deterministic, different from frame to frame and from
 * connector to connector in most pixels (so a stale or misrouted frame shows
 * in a screendump), and it writes only inside width x height.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tools/pattern/pattern.h"
#include "tests/unit/tap.h"

struct size {
	uint32_t width, height;
};

static const struct size sizes[] = {
	{1024, 768},
	{1920, 1080},
};

static uint32_t *picture(uint32_t width, uint32_t height, uint32_t frame, uint32_t connector)
{
	uint32_t *p = malloc((size_t)width * height * 4);

	if (!p)
		abort();
	vdispl_pattern_fill(p, width * 4, width, height, frame, connector);
	return p;
}

static size_t count_differ(const uint32_t *a, const uint32_t *b, size_t n)
{
	size_t differ = 0;

	for (size_t i = 0; i < n; i++)
		differ += (a[i] ^ b[i]) & 0xffffff ? 1 : 0;
	return differ;
}

/* FNV-1a over the pixels: pins the picture, see test_golden(). */
static uint32_t checksum(const uint32_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

static void test_deterministic(void)
{
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		uint32_t w = sizes[s].width, h = sizes[s].height;
		size_t n = (size_t)w * h;
		uint32_t *a = picture(w, h, 7, 1);
		uint32_t *b = malloc(n * 4);
		bool x_clear = true;

		if (!b)
			abort();
		/* Every pixel is written: garbage underneath must not show. */
		memset(b, 0xa5, n * 4);
		vdispl_pattern_fill(b, w * 4, w, h, 7, 1);
		TAP_CHECK(!memcmp(a, b, n * 4), "%" PRIu32 "x%" PRIu32 ": same picture twice", w,
			  h);
		for (size_t i = 0; i < n; i++)
			x_clear &= !(a[i] >> 24);
		TAP_CHECK(x_clear, "%" PRIu32 "x%" PRIu32 ": X octet is 0", w, h);
		free(a);
		free(b);
	}
}

/* At least 90% of the pixels differ between @a and @b pictures. */
static void check_mostly_differ(uint32_t w, uint32_t h, uint32_t fa, uint32_t ca, uint32_t fb,
				uint32_t cb)
{
	size_t n = (size_t)w * h;
	uint32_t *a = picture(w, h, fa, ca);
	uint32_t *b = picture(w, h, fb, cb);
	size_t differ = count_differ(a, b, n);

	TAP_CHECK(differ * 10 >= n * 9,
		  "%" PRIu32 "x%" PRIu32 ": frame %" PRIu32 "/connector %" PRIu32
		  " vs frame %" PRIu32 "/connector %" PRIu32 ": %zu of %zu pixels differ",
		  w, h, fa, ca, fb, cb, differ, n);
	free(a);
	free(b);
}

static void test_frames_differ(void)
{
	/* Neighbours, including where the moving parts wrap around. */
	static const uint32_t frames[] = {0, 1, 2, 31, 32, 63, 64, 127, 128, 255, 299, 1000};

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (size_t f = 0; f < sizeof(frames) / sizeof(frames[0]); f++)
			check_mostly_differ(sizes[s].width, sizes[s].height, frames[f], 0,
					    frames[f] + 1, 0);
	}
	check_mostly_differ(1024, 768, 10, 1, 12, 1);
	check_mostly_differ(1024, 768, UINT32_MAX - 1, 0, UINT32_MAX, 0);

	/*
	 * Every pair of neighbours over a long run, at a size that is quick
	 * yet large enough that the number boxes stay under 10% of it.
	 */
	bool all = true;
	for (uint32_t f = 0; f < 600 && all; f++) {
		uint32_t *a = picture(640, 480, f, 0);
		uint32_t *b = picture(640, 480, f + 1, 0);

		all = count_differ(a, b, 640 * 480) * 10 >= 640 * 480 * 9;
		free(a);
		free(b);
		if (!all)
			printf("# frames %" PRIu32 " and %" PRIu32 " are too alike\n", f, f + 1);
	}
	TAP_CHECK(all, "640x480: frames 0..600 each differ from the next");
}

static void test_connectors_differ(void)
{
	for (uint32_t a = 0; a < 4; a++) {
		for (uint32_t b = a + 1; b < 4; b++)
			check_mostly_differ(1024, 768, 42, a, 42, b);
	}
	check_mostly_differ(1920, 1080, 300, 0, 300, 1);
}

static void test_stride_padding(void)
{
	const uint32_t w = 1023, h = 77, pad = 68;
	const uint32_t stride = w * 4 + pad;
	/* One extra row, which must stay untouched too. */
	size_t size = (size_t)stride * (h + 1);
	uint8_t *buf = malloc(size);
	uint32_t *tight = picture(w, h, 9, 2);
	bool padding_kept = true, rows_same = true, extra_kept = true;

	if (!buf)
		abort();
	memset(buf, 0x5a, size);
	vdispl_pattern_fill(buf, stride, w, h, 9, 2);
	for (uint32_t y = 0; y < h; y++) {
		const uint8_t *row = buf + (size_t)y * stride;

		rows_same &= !memcmp(row, tight + (size_t)y * w, (size_t)w * 4);
		for (uint32_t i = w * 4; i < stride; i++)
			padding_kept &= row[i] == 0x5a;
	}
	for (size_t i = (size_t)stride * h; i < size; i++)
		extra_kept &= buf[i] == 0x5a;
	TAP_CHECK(rows_same, "padded stride: rows equal the tightly packed picture");
	TAP_CHECK(padding_kept, "padded stride: padding octets untouched");
	TAP_CHECK(extra_kept, "padded stride: nothing written past the last row");
	free(buf);
	free(tight);
}

/* Sizes smaller than the digits and markers: clipped, nothing outside written. */
static void test_small(void)
{
	static const struct size small[] = {{1, 1}, {2, 3}, {17, 5}, {100, 30}, {3000, 2}};

	for (size_t s = 0; s < sizeof(small) / sizeof(small[0]); s++) {
		uint32_t w = small[s].width, h = small[s].height;
		size_t n = (size_t)w * h;
		uint32_t *buf = malloc((n + 16) * 4);
		bool guard_kept = true;

		if (!buf)
			abort();
		memset(buf, 0x3c, (n + 16) * 4);
		vdispl_pattern_fill(buf, w * 4, w, h, 123456789, 11);
		for (size_t i = n; i < n + 16; i++)
			guard_kept &= buf[i] == 0x3c3c3c3c;
		TAP_CHECK(guard_kept, "%" PRIu32 "x%" PRIu32 ": clipped", w, h);
		free(buf);
	}
}

/*
 * The guest and the host must draw the very same picture, possibly from
 * different builds: a change to the pattern must be deliberate, and then
 * these checksums change with it.
 */
static void test_golden(void)
{
	uint32_t *a = picture(64, 48, 5, 1);
	uint32_t *b = picture(1024, 768, 123456, 2);

	TAP_EQ_INT(checksum(a, 64 * 48), 0xb04f52cdu, "64x48 frame 5 connector 1 checksum");
	TAP_EQ_INT(checksum(b, 1024 * 768), 0x653e1c95u,
		   "1024x768 frame 123456 connector 2 checksum");
	free(a);
	free(b);
}

int main(void)
{
	test_deterministic();
	test_frames_differ();
	test_connectors_differ();
	test_stride_padding();
	test_small();
	test_golden();
	return tap_done();
}
