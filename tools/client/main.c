// SPDX-License-Identifier: MIT
/*
 * vdispl-client: runs inside the guest, shows the test picture on the
 * connectors of a DRM device (drm_xen_front) and measures how long each page
 * flip takes to complete. The lab parses its stdout; see usage().
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/client/display.h"
#include "tools/client/flip.h"
#include "tools/args/number.h"
#include "tools/client/keep.h"
#include "tools/pattern/pattern.h"

#define PROG "vdispl-client"

enum { EXIT_FLIPS_OK = 0, EXIT_FLIPS_LOST = 1, EXIT_SETUP = 2 };

#define MAX_SELECT 64

struct options {
	const char *device;
	uint32_t frames;
	uint32_t select[MAX_SELECT];
	size_t nselect; /* 0: all connected connectors */
	bool keep;
	bool quiet;
	bool no_draw;
	uint32_t fps; /* 0: as fast as the flip events come back */
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: " PROG " [--device PATH] [--frames N] [--connectors all|I,J,...]\n"
		"                     [--fps N] [--keep] [--quiet] [--no-draw] [--help]\n"
		"                     [--version]\n"
		"\n"
		"Show test picture 0 on each connector with a mode set, then pictures\n"
		"1..N with page flips, waiting for every flip's event before the next.\n"
		"\n"
		"  --device PATH      DRM device (default /dev/dri/card0)\n"
		"  --frames N         number of flips per connector (default 300)\n"
		"  --connectors LIST  'all' connected connectors (default), or indices\n"
		"                     among the device's connectors, comma separated\n"
		"  --fps N            pace the flips: frame n starts no earlier than n/N s\n"
		"                     after frame 1, as a guest bound to a display's refresh\n"
		"                     does (default: as fast as the events come back)\n"
		"  --keep             leave the last picture on screen: a child process\n"
		"                     keeps the device open until it is killed\n"
		"  --quiet            no line per flip\n"
		"  --no-draw          flip without mapping or drawing the buffers: for buffers\n"
		"                     the CPU cannot map (backend-allocated ones in a PV guest)\n"
		"\n"
		"Output on stdout:\n"
		"  " PROG ": connector <index> <name> <W>x<H> crtc <crtc-id>\n"
		"  flip connector=<index> frame=<n> latency_us=<us>\n"
		"  " PROG ": summary connector=<index> size=<W>x<H> frames=<N> flips=<n>\n"
		"      events=<n> lost=<n> latency_us_min=<us> latency_us_avg=<us>\n"
		"      latency_us_max=<us> last_frame=<n> elapsed_us=<us>   (one line)\n"
		"\n"
		"A flip whose event takes over %u ms is lost. Exit status: 0 every flip\n"
		"got its event, 1 some did not, 2 setup error.\n",
		CLIENT_FLIP_TIMEOUT_US / 1000);
}

/* "all", or distinct indices separated by commas. */
static int parse_connectors(const char *arg, struct options *opt)
{
	char *copy, *item, *save = NULL;
	int ret = 0;

	opt->nselect = 0;
	if (!strcmp(arg, "all"))
		return 0;
	copy = strdup(arg);
	if (!copy)
		return -ENOMEM;
	for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		uint32_t index;

		if (tool_parse_u32(item, &index) || opt->nselect == MAX_SELECT) {
			ret = -EINVAL;
			break;
		}
		for (size_t i = 0; i < opt->nselect; i++) {
			if (opt->select[i] == index)
				ret = -EINVAL;
		}
		if (ret)
			break;
		opt->select[opt->nselect++] = index;
	}
	free(copy);
	if (!ret && !opt->nselect)
		ret = -EINVAL;
	return ret;
}

static int parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{"device", required_argument, NULL, 'd'},
		{"frames", required_argument, NULL, 'n'},
		{"connectors", required_argument, NULL, 'c'},
		{"fps", required_argument, NULL, 'f'},
		{"keep", no_argument, NULL, 'k'},
		{"quiet", no_argument, NULL, 'q'},
		{"no-draw", no_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			opt->device = optarg;
			break;
		case 'n':
			if (tool_parse_u32(optarg, &opt->frames)) {
				fprintf(stderr, PROG ": --frames: not a number: '%s'\n", optarg);
				return -EINVAL;
			}
			break;
		case 'c':
			if (parse_connectors(optarg, opt)) {
				fprintf(stderr,
					PROG ": --connectors: want 'all' or distinct indices "
					     "like 0,1 (at most %d): '%s'\n",
					MAX_SELECT, optarg);
				return -EINVAL;
			}
			break;
		case 'f':
			if (tool_parse_u32(optarg, &opt->fps) || !opt->fps) {
				fprintf(stderr, PROG ": --fps: want a number above 0: '%s'\n", optarg);
				return -EINVAL;
			}
			break;
		case 'k':
			opt->keep = true;
			break;
		case 'q':
			opt->quiet = true;
			break;
		case 'D':
			opt->no_draw = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_FLIPS_OK);
		case 'V':
			printf(PROG " " VDISPL_VERSION "\n");
			exit(EXIT_FLIPS_OK);
		default:
			return -EINVAL;
		}
	}
	if (optind != argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* Frame 0 on every output with a full mode set; the flips build on it. */
static int show_first_frame(struct client_display *disp)
{
	for (size_t i = 0; i < disp->count; i++) {
		struct client_output *out = &disp->outputs[i];
		struct client_buffer *buf = &out->buffers[0];
		int ret;

		if (buf->map)
			vdispl_pattern_fill(buf->map, buf->pitch, out->width, out->height, 0,
					    out->index);
		ret = client_display_set_crtc(disp, out, 0);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Framebuffers live as long as the open file that made them (see keep.h);
 * once a child holds it, the parent must not remove them itself.
 */
static int keep_picture(struct client_display *disp, int status)
{
	pid_t pid = client_keep_open_files();

	if (pid < 0) {
		fprintf(stderr, PROG ": --keep: fork: %s\n", strerror(errno));
		client_display_close(disp);
		return EXIT_SETUP;
	}
	fprintf(stderr,
		PROG ": --keep: process %ld keeps %s open; kill it to release the display\n",
		(long)pid, disp->path);
	client_display_abandon(disp);
	return status;
}

int main(int argc, char **argv)
{
	struct options opt = {
		.device = "/dev/dri/card0",
		.frames = 300,
	};
	struct client_display disp;
	int ret, status;

	if (parse_options(argc, argv, &opt)) {
		usage(stderr);
		return EXIT_SETUP;
	}
	/* Line by line, so the lab sees progress even through a pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (client_display_open(&disp, opt.device, opt.nselect ? opt.select : NULL, opt.nselect,
				opt.no_draw))
		return EXIT_SETUP;
	for (size_t i = 0; i < disp.count; i++) {
		const struct client_output *out = &disp.outputs[i];

		printf(PROG ": connector %" PRIu32 " %s %" PRIu32 "x%" PRIu32 " crtc %" PRIu32 "\n",
		       out->index, out->name, out->width, out->height, out->crtc_id);
	}
	if (show_first_frame(&disp)) {
		client_display_close(&disp);
		return EXIT_SETUP;
	}

	ret = client_flip_run(&disp, opt.frames, opt.fps, opt.quiet);
	status = ret < 0 ? EXIT_SETUP : ret ? EXIT_FLIPS_LOST : EXIT_FLIPS_OK;
	if (opt.keep)
		return keep_picture(&disp, status);
	client_display_close(&disp);
	return status;
}
