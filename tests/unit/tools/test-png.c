// SPDX-License-Identifier: MIT
/*
 * The PNG helpers: a written picture reads back the same, every colour type
 * decodes to the right XRGB8888 pixels, and failures are errno values with
 * no file left behind.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/pattern/pattern.h"
#include "common/png.h"
#include "tests/unit/tools/png-samples.h"
#include "tests/unit/tap.h"

static char dir[] = "/tmp/vdispl-test-png-XXXXXX";

static char *path_in_dir(const char *name)
{
	char *path;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		abort();
	return path;
}

static int write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	int ret = 0;

	if (!f)
		return -errno;
	if (size && fwrite(data, 1, size, f) != size)
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -EIO;
	return ret;
}

static size_t count_dir_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		abort();
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	}
	closedir(d);
	return n;
}

/* @got (tightly packed) holds the RGB of @src, a picture @stride octets a row. */
static bool same_pixels(const uint32_t *got, const uint8_t *src, uint32_t stride, uint32_t w,
			uint32_t h)
{
	for (uint32_t y = 0; y < h; y++) {
		const uint32_t *row = (const uint32_t *)(const void *)(src + (size_t)y * stride);

		for (uint32_t x = 0; x < w; x++) {
			if (got[(size_t)y * w + x] != (row[x] & 0xffffff))
				return false;
		}
	}
	return true;
}

static void check_reads_as(const char *path, const uint8_t *src, uint32_t stride, uint32_t w,
			   uint32_t h, const char *what)
{
	uint32_t *got = NULL, gw = 0, gh = 0;
	int ret = vdispl_png_read(path, &got, &gw, &gh);

	TAP_EQ_INT(ret, 0, "%s: read back", what);
	if (!ret) {
		TAP_CHECK(gw == w && gh == h, "%s: size %" PRIu32 "x%" PRIu32, what, gw, gh);
		TAP_CHECK(gw == w && gh == h && same_pixels(got, src, stride, w, h),
			  "%s: same pixels, X octet read as 0", what);
	}
	free(got);
}

/* Odd size and a padded stride whose X octets are not zero. */
static void test_round_trip(void)
{
	const uint32_t w = 333, h = 211, stride = w * 4 + 20;
	uint8_t *src = malloc((size_t)stride * h);
	char *path = path_in_dir("round-trip.png");

	if (!src)
		abort();
	memset(src, 0xee, (size_t)stride * h);
	vdispl_pattern_fill(src, stride, w, h, 77, 3);
	for (uint32_t y = 0; y < h; y++) {
		uint32_t *row = (uint32_t *)(void *)(src + (size_t)y * stride);

		for (uint32_t x = 0; x < w; x++)
			row[x] |= 0xff000000u;
	}
	TAP_EQ_INT(vdispl_png_write(path, src, stride, w, h), 0, "write %" PRIu32 "x%" PRIu32, w,
		   h);
	check_reads_as(path, src, stride, w, h, "round trip");

	/* Overwriting goes through a temporary file and leaves only the result. */
	vdispl_pattern_fill(src, stride, w, h, 78, 3);
	TAP_EQ_INT(vdispl_png_write(path, src, stride, w, h), 0, "overwrite");
	check_reads_as(path, src, stride, w, h, "overwritten");
	TAP_EQ_INT(count_dir_entries(), 1, "no temporary file left");

	unlink(path);
	free(path);
	free(src);
}

static void test_samples(void)
{
	for (size_t i = 0; i < sizeof(png_samples) / sizeof(png_samples[0]); i++) {
		const struct png_sample *s = &png_samples[i];
		char *path = path_in_dir(s->name);
		uint32_t *got = NULL, w = 0, h = 0;
		int ret;

		if (write_file(path, s->png, s->size))
			abort();
		ret = vdispl_png_read(path, &got, &w, &h);
		TAP_EQ_INT(ret, 0, "%s: read", s->name);
		if (!ret) {
			TAP_CHECK(w == s->width && h == s->height, "%s: size %" PRIu32 "x%" PRIu32,
				  s->name, w, h);
			TAP_CHECK(w == s->width && h == s->height &&
					  !memcmp(got, s->want, (size_t)w * h * 4),
				  "%s: pixels", s->name);
		}
		free(got);
		unlink(path);
		free(path);
	}
}

static void check_read_fails(const char *what, const char *path, int want)
{
	uint32_t *got = (uint32_t *)&got, w = 7, h = 7;

	TAP_EQ_INT(vdispl_png_read(path, &got, &w, &h), want, "read %s", what);
	TAP_CHECK(got == (uint32_t *)&got && w == 7 && h == 7, "read %s: outputs untouched", what);
}

static void test_read_errors(void)
{
	const struct png_sample *s = &png_samples[0];
	char *missing = path_in_dir("missing.png");
	char *text = path_in_dir("text.png");
	char *empty = path_in_dir("empty.png");
	char *cut = path_in_dir("cut.png");
	char *bad_crc = path_in_dir("bad-crc.png");
	uint8_t corrupt[sizeof(gray8_png)];

	check_read_fails("a missing file", missing, -ENOENT);

	if (write_file(text, "not a PNG at all\n", 17))
		abort();
	check_read_fails("a text file", text, -EIO);

	if (write_file(empty, "", 0))
		abort();
	check_read_fails("an empty file", empty, -EIO);

	/* A valid signature and header, then the file ends. */
	if (write_file(cut, s->png, 40))
		abort();
	check_read_fails("a truncated PNG", cut, -EIO);

	memcpy(corrupt, gray8_png, sizeof(corrupt));
	corrupt[20] ^= 0xff; /* inside IHDR: its CRC no longer matches */
	if (write_file(bad_crc, corrupt, sizeof(corrupt)))
		abort();
	check_read_fails("a PNG with a bad CRC", bad_crc, -EIO);

	check_read_fails("a directory", dir, -EISDIR);

	unlink(text);
	unlink(empty);
	unlink(cut);
	unlink(bad_crc);
	free(missing);
	free(text);
	free(empty);
	free(cut);
	free(bad_crc);
}

static void test_write_errors(void)
{
	uint32_t pixels[4] = {0};
	char *nodir = path_in_dir("no-such-dir/x.png");
	char *ok = path_in_dir("x.png");

	TAP_EQ_INT(vdispl_png_write(nodir, pixels, 8, 2, 2), -ENOENT,
		   "write into a missing folder");
	TAP_EQ_INT(vdispl_png_write(ok, pixels, 4, 2, 2), -EINVAL, "stride shorter than a row");
	TAP_EQ_INT(vdispl_png_write(ok, pixels, 8, 0, 2), -EINVAL, "width 0");
	TAP_EQ_INT(vdispl_png_write(ok, pixels, 8, 2, 0), -EINVAL, "height 0");
	TAP_EQ_INT(count_dir_entries(), 0, "failed writes leave no file");
	free(nodir);
	free(ok);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 99;
	}
	test_round_trip();
	test_samples();
	test_read_errors();
	test_write_errors();
	rmdir(dir);
	return tap_done();
}
