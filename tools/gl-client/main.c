// SPDX-License-Identifier: MIT
/*
 * vdispl-gl-client: the guest test picture rendered with OpenGL ES through
 * Mesa's GBM and EGL on a connector (the first connected one), shown with page
 * flips. What a GL compositor or kiosk in a guest does, and with no
 * environment variables: Mesa must find the device and its driver itself
 * (llvmpipe in a guest without a GPU).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>
#include <xf86drmMode.h>

#include "tools/args/number.h"
#include "tools/client/keep.h"
#include "tools/client/output.h"
#include "tools/gl-client/render.h"

#define PROG "vdispl-gl-client"
#define FLIP_TIMEOUT_MS 5000

enum { EXIT_OK = 0, EXIT_FLIPS_LOST = 1, EXIT_SETUP = 2 };

struct options {
	const char *device;
	uint32_t frames;
	int connector; /* index among the device's connectors; -1: the first connected */
	bool keep;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: " PROG " [--device PATH] [--connector I] [--frames N] [--keep]\n"
		"                        [--help]\n"
		"\n"
		"Render test picture 0 with OpenGL ES (GBM + EGL) on a connector, set its\n"
		"preferred mode, then render pictures 1..N and show each with a page\n"
		"flip, waiting for its event.\n"
		"\n"
		"  --device PATH   DRM device (default /dev/dri/card0)\n"
		"  --connector I   the device's connector I, counted from 0 (default: the\n"
		"                  first connected one)\n"
		"  --frames N      number of flips (default 60)\n"
		"  --keep          leave the last picture on screen: a child process keeps\n"
		"                  the device open until it is killed (not as DRM master,\n"
		"                  so another client can use the other connectors)\n"
		"\n"
		"Output on stdout:\n"
		"  " PROG ": device <path>: driver <name>, bus <bus or error>\n"
		"  " PROG ": EGL <version>, <vendor>\n"
		"  " PROG ": renderer <GL_RENDERER>\n"
		"  " PROG ": connector <name> <W>x<H> crtc <crtc-id>\n"
		"  " PROG ": summary frames=<N> flips=<n> events=<n> size=<W>x<H>\n"
		"\n"
		"Exit status: 0 every flip got its event, 1 some did not, 2 setup error.\n");
}

static int parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "frames", required_argument, NULL, 'f' },
		{ "connector", required_argument, NULL, 'c' },
		{ "keep", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			opt->device = optarg;
			break;
		case 'f':
			if (tool_parse_u32(optarg, &opt->frames) || opt->frames > 1000000) {
				fprintf(stderr, PROG ": --frames wants 0 to 1000000, not '%s'\n",
					optarg);
				return -1;
			}
			break;
		case 'c': {
			uint32_t index;

			if (tool_parse_u32(optarg, &index) || index > 63) {
				fprintf(stderr, PROG ": --connector wants 0 to 63, not '%s'\n", optarg);
				return -1;
			}
			opt->connector = (int)index;
			break;
		}
		case 'k':
			opt->keep = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		default:
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

/* How libdrm (and so Mesa) describes the device: what Mesa's EGL needs. */
static void describe_device(int fd, const char *path)
{
	static const char *const buses[] = {
		[DRM_BUS_PCI] = "pci", [DRM_BUS_USB] = "usb", [DRM_BUS_PLATFORM] = "platform",
		[DRM_BUS_HOST1X] = "host1x",
	};
	drmVersionPtr version = drmGetVersion(fd);
	drmDevicePtr device = NULL;
	int ret = drmGetDevice2(fd, 0, &device);

	printf(PROG ": device %s: driver %s, bus ", path, version ? version->name : "?");
	if (ret)
		printf("unknown (drmGetDevice2: %s)\n", strerror(-ret));
	else if (device->bustype >= 0 && (size_t)device->bustype < sizeof(buses) / sizeof(*buses) &&
		 buses[device->bustype])
		printf("%s\n", buses[device->bustype]);
	else
		printf("type %d\n", device->bustype);
	drmFreeDevice(&device);
	drmFreeVersion(version);
}

static void free_fb(struct gbm_bo *bo, void *data)
{
	uint32_t fb_id = (uint32_t)(uintptr_t)data;

	drmModeRmFB(gbm_device_get_fd(gbm_bo_get_device(bo)), fb_id);
}

/* The framebuffer of a GBM buffer, made once and kept with it. */
static uint32_t fb_of(int fd, struct gbm_bo *bo)
{
	uint32_t fb_id = (uint32_t)(uintptr_t)gbm_bo_get_user_data(bo);
	uint32_t handles[4] = { gbm_bo_get_handle(bo).u32 };
	uint32_t pitches[4] = { gbm_bo_get_stride(bo) };
	uint32_t offsets[4] = { 0 };

	if (fb_id)
		return fb_id;
	if (drmModeAddFB2(fd, gbm_bo_get_width(bo), gbm_bo_get_height(bo), gbm_bo_get_format(bo),
			  handles, pitches, offsets, &fb_id, 0)) {
		fprintf(stderr, PROG ": drmModeAddFB2 (pitch %u): %s\n", pitches[0],
			strerror(errno));
		return 0;
	}
	gbm_bo_set_user_data(bo, (void *)(uintptr_t)fb_id, free_fb);
	return fb_id;
}

static void flip_done(int fd, unsigned int seq, unsigned int sec, unsigned int usec, void *data)
{
	(void)fd, (void)seq, (void)sec, (void)usec;
	*(bool *)data = false;
}

/* Wait for the flip's event; false when it does not come in time. */
static bool wait_flip(int fd, bool *waiting)
{
	drmEventContext ev = { .version = 2, .page_flip_handler = flip_done };
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (*waiting) {
		int n = poll(&p, 1, FLIP_TIMEOUT_MS);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		drmHandleEvent(fd, &ev);
	}
	return true;
}

int main(int argc, char **argv)
{
	struct options opt = { .device = "/dev/dri/card0", .frames = 60, .connector = -1 };
	struct gl_render r;
	struct client_pick out = { 0 };
	struct gbm_bo *front, *next;
	uint32_t fb, flips = 0, events = 0;
	int fd, status = EXIT_SETUP;

	if (parse_options(argc, argv, &opt)) {
		usage(stderr);
		return EXIT_SETUP;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open(opt.device, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, PROG ": %s: %s\n", opt.device, strerror(errno));
		return EXIT_SETUP;
	}
	describe_device(fd, opt.device);
	if (client_pick_output(fd, opt.connector, PROG, &out))
		return EXIT_SETUP;
	printf(PROG ": connector %s %ux%u crtc %" PRIu32 "\n", out.name, out.mode.hdisplay,
	       out.mode.vdisplay, out.crtc_id);
	if (gl_render_init(&r, fd, out.mode.hdisplay, out.mode.vdisplay))
		goto out;
	printf(PROG ": renderer %s\n", gl_render_renderer());

	if (gl_render_frame(&r, 0))
		goto out;
	front = gbm_surface_lock_front_buffer(r.surface);
	fb = front ? fb_of(fd, front) : 0;
	if (!fb)
		goto out;
	if (drmModeSetCrtc(fd, out.crtc_id, fb, 0, 0, &out.connector_id, 1, &out.mode)) {
		fprintf(stderr, PROG ": drmModeSetCrtc: %s\n", strerror(errno));
		goto out;
	}

	status = EXIT_OK;
	for (uint32_t frame = 1; frame <= opt.frames; frame++) {
		bool waiting = true;

		if (gl_render_frame(&r, frame)) {
			status = EXIT_SETUP;
			break;
		}
		next = gbm_surface_lock_front_buffer(r.surface);
		fb = next ? fb_of(fd, next) : 0;
		if (!fb) {
			status = EXIT_SETUP;
			break;
		}
		if (drmModePageFlip(fd, out.crtc_id, fb, DRM_MODE_PAGE_FLIP_EVENT, &waiting)) {
			fprintf(stderr, PROG ": frame %u: drmModePageFlip: %s\n", frame,
				strerror(errno));
			status = EXIT_SETUP;
			break;
		}
		flips++;
		if (wait_flip(fd, &waiting)) {
			events++;
		} else {
			fprintf(stderr, PROG ": frame %u: no flip event within %d ms\n", frame,
				FLIP_TIMEOUT_MS);
			status = EXIT_FLIPS_LOST;
			break;
		}
		gbm_surface_release_buffer(r.surface, front);
		front = next;
	}
	printf(PROG ": summary frames=%u flips=%u events=%u size=%ux%u\n", opt.frames, flips,
	       events, out.mode.hdisplay, out.mode.vdisplay);

	if (opt.keep && status != EXIT_SETUP) {
		pid_t pid;

		/*
		 * The picture stays, and the next client (on another connector)
		 * may become DRM master and set its own mode.
		 */
		if (drmDropMaster(fd))
			fprintf(stderr, PROG ": --keep: dropping DRM master: %s\n", strerror(errno));
		pid = client_keep_open_files();
		if (pid > 0) {
			fprintf(stderr, PROG ": --keep: process %ld keeps %s open; kill it to "
				"release the display\n", (long)pid, opt.device);
			/* No teardown: the picture's framebuffer must outlive this process. */
			_exit(status);
		}
		fprintf(stderr, PROG ": --keep: fork: %s\n", strerror(errno));
	}
out:
	gl_render_fini(&r);
	close(fd);
	return status;
}
