// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "tools/client/display.h"

#define PROG "vdispl-client"

/*
 * The kernel's names (drm_connector_enum_list), so "Virtual-1" here is the
 * name in /sys/class/drm. Our own table rather than
 * drmModeGetConnectorTypeName(), which older libdrm in guests lacks.
 */
static const char *const connector_type_names[] = {
	"Unknown", "VGA", "DVI-I", "DVI-D", "DVI-A", "Composite", "SVIDEO",
	"LVDS", "Component", "DIN", "DP", "HDMI-A", "HDMI-B", "TV", "eDP",
	"Virtual", "DSI", "DPI", "Writeback", "SPI", "USB",
};

static const char *connector_type_name(uint32_t type)
{
	if (type < sizeof(connector_type_names) / sizeof(connector_type_names[0]))
		return connector_type_names[type];
	return "Unknown";
}

static void buffer_destroy(struct client_display *disp, struct client_buffer *buf)
{
	if (buf->map)
		munmap(buf->map, buf->size);
	if (buf->fb_id)
		drmModeRmFB(disp->fd, buf->fb_id);
	if (buf->handle) {
		struct drm_mode_destroy_dumb destroy = {.handle = buf->handle};

		drmIoctl(disp->fd, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy);
	}
	memset(buf, 0, sizeof(*buf));
}

/*
 * Dumb buffers are made in stages: the buffer, a framebuffer over it, then
 * a mapping; each stage is undone if a later one fails.
 */
static int buffer_create(struct client_display *disp, struct client_output *out,
			 struct client_buffer *buf, bool no_draw)
{
	struct drm_mode_create_dumb create = {
		.width = out->width,
		.height = out->height,
		.bpp = 32,
	};
	struct drm_mode_map_dumb map = {0};
	uint32_t handles[4] = {0}, pitches[4] = {0}, offsets[4] = {0};
	const char *what;
	void *ptr;
	int err;

	if (drmIoctl(disp->fd, DRM_IOCTL_MODE_CREATE_DUMB, &create)) {
		err = errno;
		what = "DRM_IOCTL_MODE_CREATE_DUMB";
		goto err_create;
	}
	buf->handle = create.handle;
	buf->pitch = create.pitch;
	buf->size = create.size;

	handles[0] = create.handle;
	pitches[0] = create.pitch;
	/* errno rather than the return value: old libdrm returned -1, new -errno. */
	if (drmModeAddFB2(disp->fd, out->width, out->height, DRM_FORMAT_XRGB8888, handles, pitches,
			  offsets, &buf->fb_id, 0)) {
		err = errno;
		what = "drmModeAddFB2(XRGB8888)";
		goto err_addfb;
	}

	if (no_draw)
		return 0;
	map.handle = create.handle;
	if (drmIoctl(disp->fd, DRM_IOCTL_MODE_MAP_DUMB, &map)) {
		err = errno;
		what = "DRM_IOCTL_MODE_MAP_DUMB";
		goto err_map;
	}
	ptr = mmap(NULL, buf->size, PROT_READ | PROT_WRITE, MAP_SHARED, disp->fd,
		   (off_t)map.offset);
	if (ptr == MAP_FAILED) {
		err = errno;
		what = "mmap";
		goto err_map;
	}
	buf->map = ptr;
	return 0;

err_map:
	drmModeRmFB(disp->fd, buf->fb_id);
	buf->fb_id = 0;
err_addfb:
	{
		struct drm_mode_destroy_dumb destroy = {.handle = buf->handle};

		drmIoctl(disp->fd, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy);
	}
	buf->handle = 0;
err_create:
	fprintf(stderr, PROG ": %s: connector %" PRIu32 " (%s): %s %" PRIu32 "x%" PRIu32 ": %s\n",
		disp->path, out->index, out->name, what, out->width, out->height, strerror(err));
	return -err;
}

static const drmModeModeInfo *pick_mode(const drmModeConnector *conn)
{
	for (int i = 0; i < conn->count_modes; i++) {
		if (conn->modes[i].type & DRM_MODE_TYPE_PREFERRED)
			return &conn->modes[i];
	}
	return &conn->modes[0];
}

static int crtc_index(const drmModeRes *res, uint32_t crtc_id)
{
	for (int i = 0; i < res->count_crtcs && i < 32; i++) {
		if (res->crtcs[i] == crtc_id)
			return i;
	}
	return -1;
}

/*
 * A CRTC no other selected connector uses: the one the connector is driven
 * by now if it is free, else the first free one an encoder can reach.
 * @used is a bitmask of CRTC indices (possible_crtcs only has 32 bits).
 */
static int pick_crtc(struct client_display *disp, const drmModeRes *res,
		     const drmModeConnector *conn, uint32_t *used, uint32_t *crtc_id)
{
	drmModeEncoder *enc;

	if (conn->encoder_id) {
		enc = drmModeGetEncoder(disp->fd, conn->encoder_id);
		if (enc) {
			int i = enc->crtc_id ? crtc_index(res, enc->crtc_id) : -1;

			drmModeFreeEncoder(enc);
			if (i >= 0 && !(*used & (1u << i))) {
				*used |= 1u << i;
				*crtc_id = res->crtcs[i];
				return 0;
			}
		}
	}
	for (int e = 0; e < conn->count_encoders; e++) {
		uint32_t possible;

		enc = drmModeGetEncoder(disp->fd, conn->encoders[e]);
		if (!enc)
			continue; /* another encoder may still do */
		possible = enc->possible_crtcs;
		drmModeFreeEncoder(enc);
		for (int i = 0; i < res->count_crtcs && i < 32; i++) {
			if ((possible & (1u << i)) && !(*used & (1u << i))) {
				*used |= 1u << i;
				*crtc_id = res->crtcs[i];
				return 0;
			}
		}
	}
	return -ENODEV;
}

static bool selected(const uint32_t *select, size_t nselect, uint32_t index)
{
	if (!select)
		return true;
	for (size_t i = 0; i < nselect; i++) {
		if (select[i] == index)
			return true;
	}
	return false;
}

/* Fill @out from connector @index, or return 1 to skip it (only when !@must). */
static int output_init(struct client_display *disp, const drmModeRes *res, uint32_t index,
		       bool must, uint32_t *used_crtcs, struct client_output *out)
{
	drmModeConnector *conn;
	const drmModeModeInfo *mode;
	int ret;

	conn = drmModeGetConnector(disp->fd, res->connectors[index]);
	if (!conn) {
		ret = -errno;
		fprintf(stderr,
			PROG ": %s: connector %" PRIu32 ": drmModeGetConnector(%" PRIu32 "): %s\n",
			disp->path, index, res->connectors[index], strerror(-ret));
		return ret;
	}
	out->index = index;
	out->connector_id = conn->connector_id;
	snprintf(out->name, sizeof(out->name), "%s-%" PRIu32,
		 connector_type_name(conn->connector_type), conn->connector_type_id);

	if (conn->connection != DRM_MODE_CONNECTED || conn->count_modes <= 0) {
		ret = 1;
		if (must) {
			fprintf(stderr, PROG ": %s: connector %" PRIu32 " (%s): %s\n", disp->path,
				index, out->name,
				conn->connection != DRM_MODE_CONNECTED ? "not connected"
								       : "no modes");
			ret = -ENODEV;
		}
		goto out;
	}
	mode = pick_mode(conn);
	out->mode = *mode;
	out->width = mode->hdisplay;
	out->height = mode->vdisplay;

	ret = pick_crtc(disp, res, conn, used_crtcs, &out->crtc_id);
	if (ret)
		fprintf(stderr, PROG ": %s: connector %" PRIu32 " (%s): no free CRTC\n", disp->path,
			index, out->name);
out:
	drmModeFreeConnector(conn);
	return ret;
}

static int open_device(struct client_display *disp)
{
	uint64_t dumb = 0;
	int err = 0;

	/* Non-blocking, so that reading events after poll() can never hang. */
	disp->fd = open(disp->path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (disp->fd < 0) {
		err = errno;
		fprintf(stderr, PROG ": %s: open: %s\n", disp->path, strerror(err));
		return -err;
	}
	if (drmGetCap(disp->fd, DRM_CAP_DUMB_BUFFER, &dumb))
		err = errno;
	else if (!dumb)
		err = EOPNOTSUPP;
	if (err) {
		fprintf(stderr, PROG ": %s: DRM_CAP_DUMB_BUFFER: %s\n", disp->path, strerror(err));
		close(disp->fd);
		disp->fd = -1;
		return -err;
	}
	return 0;
}

static int find_outputs(struct client_display *disp, const drmModeRes *res, const uint32_t *select,
			size_t nselect)
{
	uint32_t used_crtcs = 0;

	for (size_t i = 0; i < nselect; i++) {
		if (select[i] >= (uint32_t)res->count_connectors) {
			fprintf(stderr, PROG ": %s: no connector %" PRIu32 " (the device has %d)\n",
				disp->path, select[i], res->count_connectors);
			return -ENODEV;
		}
	}
	disp->outputs = calloc((size_t)res->count_connectors, sizeof(*disp->outputs));
	if (!disp->outputs && res->count_connectors) {
		fprintf(stderr, PROG ": %s: %s\n", disp->path, strerror(ENOMEM));
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < (uint32_t)res->count_connectors; i++) {
		struct client_output *out = &disp->outputs[disp->count];
		int ret;

		if (!selected(select, nselect, i))
			continue;
		ret = output_init(disp, res, i, select != NULL, &used_crtcs, out);
		if (ret < 0)
			return ret;
		if (ret == 0)
			disp->count++;
	}
	if (!disp->count) {
		fprintf(stderr, PROG ": %s: no connected connector with a mode\n", disp->path);
		return -ENODEV;
	}
	return 0;
}

int client_display_open(struct client_display *disp, const char *path, const uint32_t *select,
			size_t nselect, bool no_draw)
{
	drmModeRes *res;
	int ret;

	memset(disp, 0, sizeof(*disp));
	disp->path = path;
	ret = open_device(disp);
	if (ret)
		return ret;

	res = drmModeGetResources(disp->fd);
	if (!res) {
		ret = -errno;
		fprintf(stderr, PROG ": %s: drmModeGetResources: %s (not a KMS device?)\n", path,
			strerror(-ret));
		goto err_resources;
	}
	ret = find_outputs(disp, res, select, nselect);
	drmModeFreeResources(res);
	if (ret)
		goto err_outputs;

	for (size_t i = 0; i < disp->count; i++) {
		for (unsigned int b = 0; b < 2; b++) {
			ret = buffer_create(disp, &disp->outputs[i], &disp->outputs[i].buffers[b],
					    no_draw);
			if (ret)
				goto err_outputs;
		}
	}
	return 0;

err_outputs:
	/* Undoes whatever part of the outputs and their buffers exists. */
	client_display_close(disp);
	return ret;
err_resources:
	close(disp->fd);
	disp->fd = -1;
	return ret;
}

int client_display_set_crtc(struct client_display *disp, struct client_output *out,
			    unsigned int buffer)
{
	if (drmModeSetCrtc(disp->fd, out->crtc_id, out->buffers[buffer].fb_id, 0, 0,
			   &out->connector_id, 1, &out->mode)) {
		int err = errno;
		const char *hint = "";

		if (err == EACCES || err == EPERM)
			hint = " (is another DRM master, e.g. an earlier --keep client, running?)";
		fprintf(stderr,
			PROG ": %s: connector %" PRIu32 " (%s): drmModeSetCrtc(crtc %" PRIu32
			     ", %" PRIu32 "x%" PRIu32 "): %s%s\n",
			disp->path, out->index, out->name, out->crtc_id, out->width, out->height,
			strerror(err), hint);
		return -err;
	}
	out->front = buffer;
	return 0;
}

void client_display_close(struct client_display *disp)
{
	for (size_t i = 0; i < disp->count; i++) {
		for (unsigned int b = 0; b < 2; b++)
			buffer_destroy(disp, &disp->outputs[i].buffers[b]);
	}
	client_display_abandon(disp);
}

void client_display_abandon(struct client_display *disp)
{
	for (size_t i = 0; i < disp->count; i++) {
		for (unsigned int b = 0; b < 2; b++) {
			struct client_buffer *buf = &disp->outputs[i].buffers[b];

			if (buf->map)
				munmap(buf->map, buf->size);
			buf->map = NULL;
		}
	}
	free(disp->outputs);
	disp->outputs = NULL;
	disp->count = 0;
	if (disp->fd >= 0)
		close(disp->fd);
	disp->fd = -1;
}
