// SPDX-License-Identifier: MIT
/*
 * vdispl-prime-client: shows test pictures through buffers shared as
 * dma-bufs (PRIME), both ways, and keeps them on screen:
 * - import: a buffer of another DRM device (a second vdispl device in the
 *   lab), drawn there, exported, imported into the display device and shown
 *   on connector 0;
 * - export: a dumb buffer of the display device, exported as a dma-buf,
 *   drawn through the dma-buf's own mapping (with DMA_BUF_IOCTL_SYNC) and
 *   shown on connector 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <linux/dma-buf.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "tools/args/number.h"
#include "tools/client/keep.h"
#include "tools/client/output.h"
#include "tools/pattern/pattern.h"

#define PROG "vdispl-prime-client"
/* Picture numbers beyond this are surely typing errors. */
#define MAX_FRAME 1000000

struct options {
	const char *device, *import_from;
	uint32_t import_frame, export_frame;
};

struct dumb {
	uint32_t handle, pitch;
	uint64_t size;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: " PROG " --import-from DEVICE [--device PATH] [--import-frame N]\n"
		"                           [--export-frame N]\n"
		"\n"
		"Show test picture N of connector 0 on connector 0 from a buffer of DEVICE\n"
		"(another DRM device), imported as a dma-buf, and test picture M of\n"
		"connector 1 on connector 1 from a dumb buffer of the display device, drawn\n"
		"through its exported dma-buf. A child process then keeps the device open;\n"
		"kill it to release the display.\n"
		"\n"
		"  --device PATH        the display device (default /dev/dri/card0)\n"
		"  --import-frame N     picture for the imported buffer (default 7)\n"
		"  --export-frame M     picture for the exported buffer (default 9)\n"
		"\n"
		"Prints \"" PROG ": import shown\" and \"" PROG ": export shown\".\n"
		"Exit status: 0 both shown, 1 otherwise.\n");
}

static int parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "import-from", required_argument, NULL, 'i' },
		{ "import-frame", required_argument, NULL, 'n' },
		{ "export-frame", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			opt->device = optarg;
			break;
		case 'i':
			opt->import_from = optarg;
			break;
		case 'n':
		case 'm':
			if (tool_parse_u32(optarg, c == 'n' ? &opt->import_frame : &opt->export_frame) ||
			    (c == 'n' ? opt->import_frame : opt->export_frame) > MAX_FRAME) {
				fprintf(stderr, PROG ": bad frame number '%s'\n", optarg);
				return -1;
			}
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	if (!opt->import_from || optind != argc) {
		fprintf(stderr, PROG ": --import-from DEVICE is needed, and nothing else\n");
		return -1;
	}
	return 0;
}

static int open_device(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
	return fd;
}

static int create_dumb(int fd, const char *what, const drmModeModeInfo *mode, struct dumb *out)
{
	struct drm_mode_create_dumb req = {
		.width = mode->hdisplay, .height = mode->vdisplay, .bpp = 32,
	};

	if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &req)) {
		fprintf(stderr, PROG ": %s: CREATE_DUMB %ux%u: %s\n", what, mode->hdisplay,
			mode->vdisplay, strerror(errno));
		return -1;
	}
	*out = (struct dumb){ .handle = req.handle, .pitch = req.pitch, .size = req.size };
	return 0;
}

/* Draw through the dumb buffer's own mapping on @fd. */
static int draw_dumb(int fd, const struct dumb *d, const drmModeModeInfo *mode, uint32_t frame,
		     uint32_t connector)
{
	struct drm_mode_map_dumb map = { .handle = d->handle };
	void *pixels;

	if (drmIoctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &map)) {
		fprintf(stderr, PROG ": MAP_DUMB: %s\n", strerror(errno));
		return -1;
	}
	pixels = mmap(NULL, d->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)map.offset);
	if (pixels == MAP_FAILED) {
		fprintf(stderr, PROG ": mmap of the dumb buffer: %s\n", strerror(errno));
		return -1;
	}
	vdispl_pattern_fill(pixels, d->pitch, mode->hdisplay, mode->vdisplay, frame, connector);
	munmap(pixels, d->size);
	return 0;
}

/* Draw through the dma-buf's mapping, bracketed by DMA_BUF_IOCTL_SYNC. */
static int draw_dmabuf(int dmabuf, const struct dumb *d, const drmModeModeInfo *mode,
		       uint32_t frame, uint32_t connector)
{
	struct dma_buf_sync sync = { .flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE };
	void *pixels = mmap(NULL, d->size, PROT_READ | PROT_WRITE, MAP_SHARED, dmabuf, 0);
	int ret = 0;

	if (pixels == MAP_FAILED) {
		fprintf(stderr, PROG ": mmap of the exported dma-buf: %s\n", strerror(errno));
		return -1;
	}
	if (ioctl(dmabuf, DMA_BUF_IOCTL_SYNC, &sync))
		ret = -1;
	vdispl_pattern_fill(pixels, d->pitch, mode->hdisplay, mode->vdisplay, frame, connector);
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE;
	if (ioctl(dmabuf, DMA_BUF_IOCTL_SYNC, &sync))
		ret = -1;
	if (ret)
		fprintf(stderr, PROG ": DMA_BUF_IOCTL_SYNC: %s\n", strerror(errno));
	munmap(pixels, d->size);
	return ret;
}

static int show(int fd, const struct client_pick *out, uint32_t handle, uint32_t pitch)
{
	uint32_t handles[4] = { handle }, pitches[4] = { pitch }, offsets[4] = { 0 };
	uint32_t fb, connector = out->connector_id;

	if (drmModeAddFB2(fd, out->mode.hdisplay, out->mode.vdisplay, DRM_FORMAT_XRGB8888,
			  handles, pitches, offsets, &fb, 0)) {
		fprintf(stderr, PROG ": %s: AddFB2 (pitch %u): %s\n", out->name, pitch,
			strerror(errno));
		return -1;
	}
	if (drmModeSetCrtc(fd, out->crtc_id, fb, 0, 0, &connector, 1,
			   (drmModeModeInfo *)&out->mode)) {
		fprintf(stderr, PROG ": %s: SetCrtc: %s\n", out->name, strerror(errno));
		return -1;
	}
	return 0;
}

/* A buffer of @other, drawn there, shown on @fd's connector 0. */
static int show_imported(int fd, int other, uint32_t frame)
{
	struct client_pick out;
	struct dumb d;
	uint32_t handle;
	int dmabuf;

	if (client_pick_output(fd, 0, PROG, &out) ||
	    create_dumb(other, "the other device", &out.mode, &d) ||
	    draw_dumb(other, &d, &out.mode, frame, 0))
		return -1;
	if (drmPrimeHandleToFD(other, d.handle, DRM_CLOEXEC, &dmabuf)) {
		fprintf(stderr, PROG ": exporting from the other device: %s\n", strerror(errno));
		return -1;
	}
	if (drmPrimeFDToHandle(fd, dmabuf, &handle)) {
		fprintf(stderr, PROG ": importing into the display device: %s\n", strerror(errno));
		close(dmabuf);
		return -1;
	}
	close(dmabuf);
	return show(fd, &out, handle, d.pitch);
}

/* A dumb buffer of @fd, drawn through its exported dma-buf, shown on connector 1. */
static int show_exported(int fd, uint32_t frame)
{
	struct client_pick out;
	struct dumb d;
	int dmabuf, ret;

	if (client_pick_output(fd, 1, PROG, &out) || create_dumb(fd, "display", &out.mode, &d))
		return -1;
	if (drmPrimeHandleToFD(fd, d.handle, DRM_CLOEXEC | DRM_RDWR, &dmabuf)) {
		fprintf(stderr, PROG ": exporting a dumb buffer: %s\n", strerror(errno));
		return -1;
	}
	ret = draw_dmabuf(dmabuf, &d, &out.mode, frame, 1);
	close(dmabuf);
	return ret ? ret : show(fd, &out, d.handle, d.pitch);
}

int main(int argc, char **argv)
{
	struct options opt = { .device = "/dev/dri/card0", .import_frame = 7, .export_frame = 9 };
	int fd, other, status = 0;
	pid_t pid;

	if (parse_options(argc, argv, &opt)) {
		usage(stderr);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open_device(opt.device);
	other = open_device(opt.import_from);
	if (fd < 0 || other < 0)
		return 1;
	if (show_imported(fd, other, opt.import_frame))
		status = 1;
	else
		printf(PROG ": import shown\n");
	if (show_exported(fd, opt.export_frame))
		status = 1;
	else
		printf(PROG ": export shown\n");

	pid = client_keep_open_files();
	if (pid < 0) {
		fprintf(stderr, PROG ": fork: %s\n", strerror(errno));
		return 1;
	}
	fprintf(stderr, PROG ": process %ld keeps %s open; kill it to release the display\n",
		(long)pid, opt.device);
	return status;
}
