// SPDX-License-Identifier: MIT
/*
 * vdispl-frame-check: compare a screendump with the test picture the guest
 * client drew, or write that picture. Exit 0 on a match, 1 on a mismatch,
 * 2 on usage or I/O errors.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/args/number.h"
#include "tools/pattern/pattern.h"
#include "common/png.h"

#define PROG "vdispl-frame-check"

enum { EXIT_MATCH = 0, EXIT_DIFFER = 1, EXIT_USAGE = 2 };

/* Large enough for any display, small enough that w * h * 4 cannot overflow. */
#define MAX_SIDE 32768u

#define RGB_MASK 0xffffffu
#define DIFF_COLOUR 0xff0000u

struct options {
	bool have_frame, have_connector, have_size;
	bool blank; /* expect black: buffers nobody drew into */
	bool find;  /* the picture is somewhere inside the shot, at --find's size */
	uint32_t frame, connector, width, height;
	const char *write_path;
	const char *diff_path;
	const char *shot_path;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: " PROG " --frame N --connector C [--size WxH] [--diff OUT.png] SHOT.png\n"
		"       " PROG " --blank [--size WxH] [--diff OUT.png] SHOT.png\n"
		"       " PROG " --find WxH --frame N --connector C SHOT.png\n"
		"       " PROG " --write OUT.png --size WxH (--frame N --connector C | --blank)\n"
		"\n"
		"Compare SHOT.png pixel for pixel (RGB) with test picture N of connector C\n"
		"at the size of SHOT.png, or write that picture to OUT.png.\n"
		"\n"
		"  --blank          expect every pixel black instead of a test picture\n"
		"  --frame N        frame number the guest client showed last\n"
		"  --connector C    connector index the picture was drawn for\n"
		"  --size WxH       expected size (check: a different size is a mismatch)\n"
		"  --diff OUT.png   on a mismatch, write differing pixels red over a dim copy\n"
		"                   of the expected picture\n"
		"  --find WxH       look for the WxH test picture anywhere in SHOT.png (a\n"
		"                   window on a compositor's screen): print where it is,\n"
		"                   every pixel equal\n"
		"  --write OUT.png  write the expected picture instead of checking\n"
		"  --help           show this help\n"
		"\n"
		"Exit status: 0 match (found, or written), 1 pixels or size differ (not found),\n"
		"2 usage or I/O error.\n");
}

static int parse_size(const char *s, uint32_t *width, uint32_t *height)
{
	char buf[32];
	char *x;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	x = strchr(buf, 'x');
	if (!x)
		return -EINVAL;
	*x = '\0';
	if (tool_parse_u32(buf, width) || tool_parse_u32(x + 1, height))
		return -EINVAL;
	if (!*width || !*height || *width > MAX_SIDE || *height > MAX_SIDE)
		return -EINVAL;
	return 0;
}

static int parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{"frame", required_argument, NULL, 'f'},
		{"connector", required_argument, NULL, 'c'},
		{"size", required_argument, NULL, 's'},
		{"diff", required_argument, NULL, 'd'},
		{"write", required_argument, NULL, 'w'},
		{"blank", no_argument, NULL, 'b'},
		{"find", required_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (tool_parse_u32(optarg, &opt->frame)) {
				fprintf(stderr, PROG ": --frame: not a frame number: '%s'\n",
					optarg);
				return -EINVAL;
			}
			opt->have_frame = true;
			break;
		case 'c':
			if (tool_parse_u32(optarg, &opt->connector)) {
				fprintf(stderr, PROG ": --connector: not an index: '%s'\n", optarg);
				return -EINVAL;
			}
			opt->have_connector = true;
			break;
		case 's':
			if (parse_size(optarg, &opt->width, &opt->height)) {
				fprintf(stderr, PROG ": --size: want WxH, 1 to %u each: '%s'\n",
					MAX_SIDE, optarg);
				return -EINVAL;
			}
			opt->have_size = true;
			break;
		case 'd':
			opt->diff_path = optarg;
			break;
		case 'w':
			opt->write_path = optarg;
			break;
		case 'b':
			opt->blank = true;
			break;
		case 'F':
			if (parse_size(optarg, &opt->width, &opt->height)) {
				fprintf(stderr, PROG ": --find: want WxH, 1 to %u each: '%s'\n",
					MAX_SIDE, optarg);
				return -EINVAL;
			}
			opt->find = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_MATCH);
		default:
			return -EINVAL;
		}
	}

	if (opt->blank ? opt->have_frame || opt->have_connector
		       : !opt->have_frame || !opt->have_connector) {
		fprintf(stderr, PROG ": want --frame and --connector, or --blank without them\n");
		return -EINVAL;
	}
	if (opt->find && (opt->blank || opt->have_size || opt->write_path || opt->diff_path)) {
		fprintf(stderr, PROG ": --find takes --frame and --connector, and no --blank, "
				"--size, --write or --diff\n");
		return -EINVAL;
	}
	if (opt->write_path) {
		if (!opt->have_size || optind != argc || opt->diff_path) {
			fprintf(stderr, PROG ": --write takes --size and no SHOT.png or --diff\n");
			return -EINVAL;
		}
		return 0;
	}
	if (optind + 1 != argc) {
		fprintf(stderr, PROG ": want exactly one SHOT.png\n");
		return -EINVAL;
	}
	opt->shot_path = argv[optind];
	return 0;
}

static void png_failed(const char *what, const char *path, int ret)
{
	if (ret == -EIO)
		fprintf(stderr, PROG ": %s %s: not a PNG file libpng can handle\n", what, path);
	else
		fprintf(stderr, PROG ": %s %s: %s\n", what, path, strerror(-ret));
}

static uint32_t *expected_picture(const struct options *opt, uint32_t width, uint32_t height)
{
	uint32_t *pixels = malloc((size_t)width * height * sizeof(*pixels));

	if (!pixels) {
		fprintf(stderr, PROG ": %" PRIu32 "x%" PRIu32 " picture: %s\n", width, height,
			strerror(ENOMEM));
		return NULL;
	}
	if (opt->blank)
		memset(pixels, 0, (size_t)width * height * sizeof(*pixels));
	else
		vdispl_pattern_fill(pixels, width * 4, width, height, opt->frame, opt->connector);
	return pixels;
}

static int write_expected(const struct options *opt)
{
	uint32_t *pixels = expected_picture(opt, opt->width, opt->height);
	int ret;

	if (!pixels)
		return EXIT_USAGE;
	ret = vdispl_png_write(opt->write_path, pixels, opt->width * 4, opt->width, opt->height);
	free(pixels);
	if (ret) {
		png_failed("writing", opt->write_path, ret);
		return EXIT_USAGE;
	}
	return EXIT_MATCH;
}

/* Dim grey where the pixels agree, so the red differences stand out in context. */
static uint32_t diff_pixel(uint32_t got, uint32_t want)
{
	uint32_t r = want >> 16 & 0xff, g = want >> 8 & 0xff, b = want & 0xff;
	uint32_t grey = (r + g + b) / 12;

	if ((got ^ want) & RGB_MASK)
		return DIFF_COLOUR;
	return grey << 16 | grey << 8 | grey;
}

static int write_diff(const char *path, const uint32_t *got, const uint32_t *want,
		      uint32_t width, uint32_t height)
{
	size_t n = (size_t)width * height;
	uint32_t *diff = malloc(n * sizeof(*diff));
	int ret;

	if (!diff) {
		fprintf(stderr, PROG ": diff picture: %s\n", strerror(ENOMEM));
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		diff[i] = diff_pixel(got[i], want[i]);
	ret = vdispl_png_write(path, diff, width * 4, width, height);
	free(diff);
	if (ret)
		png_failed("writing", path, ret);
	return ret;
}

static int check_shot(const struct options *opt)
{
	uint32_t *got, *want, width, height;
	size_t n, differ = 0, first = 0;
	int ret;

	ret = vdispl_png_read(opt->shot_path, &got, &width, &height);
	if (ret) {
		png_failed("reading", opt->shot_path, ret);
		return EXIT_USAGE;
	}
	if (opt->have_size && (width != opt->width || height != opt->height)) {
		printf("%s: size %" PRIu32 "x%" PRIu32 ", want %" PRIu32 "x%" PRIu32 "\n",
		       opt->shot_path, width, height, opt->width, opt->height);
		free(got);
		return EXIT_DIFFER;
	}
	if (width > MAX_SIDE || height > MAX_SIDE) {
		fprintf(stderr, PROG ": %s: %" PRIu32 "x%" PRIu32 " is too large\n",
			opt->shot_path, width, height);
		free(got);
		return EXIT_USAGE;
	}
	want = expected_picture(opt, width, height);
	if (!want) {
		free(got);
		return EXIT_USAGE;
	}

	n = (size_t)width * height;
	for (size_t i = 0; i < n; i++) {
		if (!((got[i] ^ want[i]) & RGB_MASK))
			continue;
		if (!differ++)
			first = i;
	}

	ret = EXIT_MATCH;
	if (differ) {
		printf("%zu of %zu pixels differ; first at (%zu,%zu): got 0x%06" PRIx32
		       " want 0x%06" PRIx32 "\n",
		       differ, n, first % width, first / width, got[first] & RGB_MASK,
		       want[first] & RGB_MASK);
		ret = EXIT_DIFFER;
		if (opt->diff_path && write_diff(opt->diff_path, got, want, width, height))
			ret = EXIT_USAGE;
	} else if (opt->blank) {
		printf("%s: all %zu pixels are black\n", opt->shot_path, n);
	} else {
		printf("%s: all %zu pixels match frame %" PRIu32 " connector %" PRIu32 "\n",
		       opt->shot_path, n, opt->frame, opt->connector);
	}
	free(want);
	free(got);
	return ret;
}

/* Does @want (w x h) sit in @got (gw wide) with its top-left at (x, y)? RGB only. */
static bool found_at(const uint32_t *got, uint32_t gw, const uint32_t *want, uint32_t w,
		     uint32_t h, uint32_t x, uint32_t y)
{
	for (uint32_t row = 0; row < h; row++) {
		const uint32_t *g = got + (size_t)(y + row) * gw + x;
		const uint32_t *p = want + (size_t)row * w;

		for (uint32_t i = 0; i < w; i++)
			if ((g[i] ^ p[i]) & RGB_MASK)
				return false;
	}
	return true;
}

/* Every place the picture is, top-left corners, up to a few. */
static int find_in_shot(const struct options *opt)
{
	uint32_t *got, *want, width, height;
	unsigned int found = 0;
	int ret;

	ret = vdispl_png_read(opt->shot_path, &got, &width, &height);
	if (ret) {
		png_failed("reading", opt->shot_path, ret);
		return EXIT_USAGE;
	}
	if (width < opt->width || height < opt->height) {
		printf("%s: %" PRIu32 "x%" PRIu32 " cannot hold a %" PRIu32 "x%" PRIu32
		       " picture\n", opt->shot_path, width, height, opt->width, opt->height);
		free(got);
		return EXIT_DIFFER;
	}
	want = expected_picture(opt, opt->width, opt->height);
	if (!want) {
		free(got);
		return EXIT_USAGE;
	}
	for (uint32_t y = 0; y + opt->height <= height; y++) {
		for (uint32_t x = 0; x + opt->width <= width; x++) {
			/* The corner first: a full compare only where it could match. */
			if ((got[(size_t)y * width + x] ^ want[0]) & RGB_MASK)
				continue;
			if (!found_at(got, width, want, opt->width, opt->height, x, y))
				continue;
			if (found++ < 4)
				printf("%s: frame %" PRIu32 " connector %" PRIu32 " (%" PRIu32
				       "x%" PRIu32 ") at %" PRIu32 ",%" PRIu32 ", every pixel equal\n",
				       opt->shot_path, opt->frame, opt->connector, opt->width,
				       opt->height, x, y);
		}
	}
	if (!found)
		printf("%s: frame %" PRIu32 " connector %" PRIu32 " (%" PRIu32 "x%" PRIu32
		       ") is nowhere in this %" PRIu32 "x%" PRIu32 " picture\n",
		       opt->shot_path, opt->frame, opt->connector, opt->width, opt->height, width,
		       height);
	free(want);
	free(got);
	return found ? EXIT_MATCH : EXIT_DIFFER;
}

int main(int argc, char **argv)
{
	struct options opt = {0};

	if (parse_options(argc, argv, &opt)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (opt.write_path)
		return write_expected(&opt);
	if (opt.find)
		return find_in_shot(&opt);
	return check_shot(&opt);
}
