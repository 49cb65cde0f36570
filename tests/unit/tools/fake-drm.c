// SPDX-License-Identifier: MIT
/*
 * Just enough of libdrm for vdispl-client to run without a DRM device: a
 * test links the client's own .c files against this instead of libdrm and
 * passes a plain (sparse) file as --device, which dumb buffers are mapped
 * from. Flip events become due after a delay and are handed out by
 * drmHandleEvent(); a plain file always polls readable, so the client's
 * wait loop also meets EAGAIN ("nothing yet").
 *
 * Each flipped buffer must hold the test picture of the connector for a
 * frame after the last one flipped on that CRTC (the client skips frames
 * while a flip is lost); anything else fails the flip with EINVAL and a
 * "fake-drm:" line on stderr. C:F pairs below are CRTC index and frame.
 *
 * Environment (all optional):
 *   FAKE_DRM_CONNECTORS=N        connectors (default 2), all connected but
 *   FAKE_DRM_DISCONNECTED=I,...  these
 *   FAKE_DRM_CRTCS=N             CRTCs (default: as many as connectors)
 *   FAKE_DRM_DELAY_US=N          flip event latency (default 1000)
 *   FAKE_DRM_LOSE=C:F,...        no event ever for frame F on CRTC index C
 *   FAKE_DRM_LATE=C:F,...        event for frame F on CRTC C only after 2 s
 *   FAKE_DRM_FAIL_FLIP=C:F,...   drmModePageFlip fails (EINVAL)
 *   FAKE_DRM_FAIL=STEP           fail a setup step: cap, resources, connector,
 *                                create_dumb, addfb, map_dumb, setcrtc (EACCES)
 *   FAKE_DRM_TRACE=1             a "fake-drm: <call>" line per call that frees
 *   FAKE_DRM_BLANK=1             every shown buffer must be untouched (all 0):
 *                                the client runs with --no-draw
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <drm.h>
#include <drm_fourcc.h>
#include <drm_mode.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "tools/pattern/pattern.h"

#define MAX_OBJECTS 16
#define BUFFER_SPACING (16u << 20) /* file offset between dumb buffers */
#define LATE_US 2000000u
#define MAX_SKIP 1000u /* frames the client may skip on one CRTC */

#define CONNECTOR_ID(i) (100u + (i))
#define ENCODER_ID(i) (200u + (i))
#define CRTC_ID(i) (300u + (i))

struct dumb {
	bool live;
	uint32_t width, height, pitch;
	uint64_t size;
};

struct event {
	bool live;
	uint64_t due_us; /* UINT64_MAX: never */
	void *user_data;
};

struct crtc {
	int connector; /* index, -1 before drmModeSetCrtc */
	uint32_t frame; /* last one flipped to */
	struct event event;
};

static struct {
	bool init;
	uint32_t connectors, crtcs;
	uint64_t delay_us;
	const char *fail;
	bool trace;
	bool blank;
	struct dumb dumbs[MAX_OBJECTS];  /* by handle - 1 */
	uint32_t fb_handle[MAX_OBJECTS]; /* by fb id - 1; 0 when free */
	struct crtc crtc[MAX_OBJECTS];
} fake;

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint32_t env_u32(const char *name, uint32_t def)
{
	const char *v = getenv(name);

	return v && *v ? (uint32_t)strtoul(v, NULL, 10) : def;
}

static bool in_list(const char *name, uint32_t index)
{
	const char *v = getenv(name);

	while (v && *v) {
		char *end;

		if (strtoul(v, &end, 10) == index)
			return true;
		v = *end ? end + 1 : end;
	}
	return false;
}

/* Whether "C:F,..." in @name holds the pair (@crtc, @frame). */
static bool in_pairs(const char *name, uint32_t crtc, uint32_t frame)
{
	const char *v = getenv(name);

	while (v && *v) {
		unsigned long c, f;
		char *end;

		c = strtoul(v, &end, 10);
		if (*end != ':')
			break;
		f = strtoul(end + 1, &end, 10);
		if (c == crtc && f == frame)
			return true;
		v = *end ? end + 1 : end;
	}
	return false;
}

static void init(void)
{
	if (fake.init)
		return;
	fake.init = true;
	fake.connectors = env_u32("FAKE_DRM_CONNECTORS", 2);
	fake.crtcs = env_u32("FAKE_DRM_CRTCS", fake.connectors);
	if (fake.connectors > MAX_OBJECTS || fake.crtcs > MAX_OBJECTS)
		abort();
	fake.delay_us = env_u32("FAKE_DRM_DELAY_US", 1000);
	fake.fail = getenv("FAKE_DRM_FAIL");
	if (!fake.fail)
		fake.fail = "";
	fake.trace = getenv("FAKE_DRM_TRACE") != NULL;
	fake.blank = getenv("FAKE_DRM_BLANK") != NULL;
	for (uint32_t i = 0; i < MAX_OBJECTS; i++)
		fake.crtc[i].connector = -1;
}

static bool fail(const char *step)
{
	init();
	return !strcmp(fake.fail, step);
}

static int set_errno(int err)
{
	errno = err;
	return -1;
}

static void trace(const char *what, uint32_t id)
{
	if (fake.trace)
		fprintf(stderr, "fake-drm: %s %" PRIu32 "\n", what, id);
}

int drmGetCap(int fd, uint64_t capability, uint64_t *value)
{
	if (fail("cap"))
		return set_errno(EINVAL);
	*value = capability == DRM_CAP_DUMB_BUFFER;
	return 0;
}

static void *zalloc(size_t size)
{
	void *p = calloc(1, size ? size : 1);

	if (!p)
		abort();
	return p;
}

drmModeResPtr drmModeGetResources(int fd)
{
	drmModeResPtr res;

	if (fail("resources")) {
		set_errno(EOPNOTSUPP);
		return NULL;
	}
	res = zalloc(sizeof(*res));
	res->count_connectors = (int)fake.connectors;
	res->connectors = zalloc(fake.connectors * sizeof(uint32_t));
	res->count_encoders = (int)fake.connectors;
	res->encoders = zalloc(fake.connectors * sizeof(uint32_t));
	for (uint32_t i = 0; i < fake.connectors; i++) {
		res->connectors[i] = CONNECTOR_ID(i);
		res->encoders[i] = ENCODER_ID(i);
	}
	res->count_crtcs = (int)fake.crtcs;
	res->crtcs = zalloc(fake.crtcs * sizeof(uint32_t));
	for (uint32_t i = 0; i < fake.crtcs; i++)
		res->crtcs[i] = CRTC_ID(i);
	return res;
}

void drmModeFreeResources(drmModeResPtr res)
{
	if (!res)
		return;
	free(res->connectors);
	free(res->encoders);
	free(res->crtcs);
	free(res);
}

static void set_mode(drmModeModeInfo *mode, uint16_t w, uint16_t h, uint32_t type)
{
	memset(mode, 0, sizeof(*mode));
	mode->hdisplay = w;
	mode->vdisplay = h;
	mode->vrefresh = 60;
	mode->type = type;
	snprintf(mode->name, sizeof(mode->name), "%ux%u", w, h);
}

/*
 * Connector 0 lists a larger mode before its preferred 320x240; the others
 * have 300x200 only, whose pitch the fake pads to 1280 octets.
 */
drmModeConnectorPtr drmModeGetConnector(int fd, uint32_t connector_id)
{
	uint32_t i = connector_id - CONNECTOR_ID(0);
	drmModeConnectorPtr conn;

	init();
	if (i >= fake.connectors || fail("connector")) {
		set_errno(ENOENT);
		return NULL;
	}
	conn = zalloc(sizeof(*conn));
	conn->connector_id = connector_id;
	conn->connector_type = DRM_MODE_CONNECTOR_VIRTUAL;
	conn->connector_type_id = i + 1;
	conn->connection = in_list("FAKE_DRM_DISCONNECTED", i) ? DRM_MODE_DISCONNECTED
							       : DRM_MODE_CONNECTED;
	conn->count_encoders = 1;
	conn->encoders = zalloc(sizeof(uint32_t));
	conn->encoders[0] = ENCODER_ID(i);
	if (conn->connection != DRM_MODE_CONNECTED)
		return conn;
	if (i == 0) {
		conn->count_modes = 2;
		conn->modes = zalloc(2 * sizeof(*conn->modes));
		set_mode(&conn->modes[0], 640, 480, DRM_MODE_TYPE_DRIVER);
		set_mode(&conn->modes[1], 320, 240, DRM_MODE_TYPE_DRIVER | DRM_MODE_TYPE_PREFERRED);
	} else {
		conn->count_modes = 1;
		conn->modes = zalloc(sizeof(*conn->modes));
		set_mode(&conn->modes[0], 300, 200, DRM_MODE_TYPE_DRIVER);
	}
	return conn;
}

void drmModeFreeConnector(drmModeConnectorPtr conn)
{
	if (!conn)
		return;
	free(conn->modes);
	free(conn->encoders);
	free(conn);
}

drmModeEncoderPtr drmModeGetEncoder(int fd, uint32_t encoder_id)
{
	drmModeEncoderPtr enc;

	init();
	if (encoder_id - ENCODER_ID(0) >= fake.connectors) {
		set_errno(ENOENT);
		return NULL;
	}
	enc = zalloc(sizeof(*enc));
	enc->encoder_id = encoder_id;
	enc->encoder_type = DRM_MODE_ENCODER_VIRTUAL;
	enc->possible_crtcs = (1u << fake.crtcs) - 1;
	return enc;
}

void drmModeFreeEncoder(drmModeEncoderPtr enc)
{
	free(enc);
}

static int create_dumb(int fd, struct drm_mode_create_dumb *req)
{
	for (uint32_t i = 0; i < MAX_OBJECTS; i++) {
		struct dumb *d = &fake.dumbs[i];

		if (d->live)
			continue;
		d->live = true;
		d->width = req->width;
		d->height = req->height;
		d->pitch = (req->width * 4 + 255) & ~255u;
		d->size = (uint64_t)d->pitch * req->height;
		if (d->size > BUFFER_SPACING)
			return set_errno(ENOMEM);
		/* Sparse: the file only holds what the client writes. */
		if (ftruncate(fd, (off_t)BUFFER_SPACING * (MAX_OBJECTS + 1)))
			return -1;
		/* A new dumb buffer is zeroed, as the kernel's are. */
		{
			uint8_t *zero = zalloc(d->size);
			ssize_t n = pwrite(fd, zero, d->size, (off_t)(i + 1) * BUFFER_SPACING);

			free(zero);
			if (n != (ssize_t)d->size)
				return -1;
		}
		req->handle = i + 1;
		req->pitch = d->pitch;
		req->size = d->size;
		return 0;
	}
	return set_errno(ENOMEM);
}

static struct dumb *dumb_of(uint32_t handle)
{
	if (handle < 1 || handle > MAX_OBJECTS || !fake.dumbs[handle - 1].live)
		return NULL;
	return &fake.dumbs[handle - 1];
}

int drmIoctl(int fd, unsigned long request, void *arg)
{
	init();
	if (request == DRM_IOCTL_MODE_CREATE_DUMB) {
		if (fail("create_dumb"))
			return set_errno(ENOMEM);
		return create_dumb(fd, arg);
	}
	if (request == DRM_IOCTL_MODE_MAP_DUMB) {
		struct drm_mode_map_dumb *req = arg;

		if (fail("map_dumb") || !dumb_of(req->handle))
			return set_errno(EINVAL);
		req->offset = (uint64_t)req->handle * BUFFER_SPACING;
		return 0;
	}
	if (request == DRM_IOCTL_MODE_DESTROY_DUMB) {
		struct drm_mode_destroy_dumb *req = arg;
		struct dumb *d = dumb_of(req->handle);

		if (!d)
			return set_errno(EINVAL);
		trace("destroy_dumb", req->handle);
		d->live = false;
		return 0;
	}
	return set_errno(ENOTTY);
}

int drmModeAddFB2(int fd, uint32_t width, uint32_t height, uint32_t pixel_format,
		  const uint32_t bo_handles[4], const uint32_t pitches[4],
		  const uint32_t offsets[4], uint32_t *buf_id, uint32_t flags)
{
	struct dumb *d = dumb_of(bo_handles[0]);

	if (fail("addfb"))
		return set_errno(EINVAL);
	if (!d || pixel_format != DRM_FORMAT_XRGB8888 || pitches[0] != d->pitch || offsets[0] ||
	    width != d->width || height != d->height)
		return set_errno(EINVAL);
	for (uint32_t i = 0; i < MAX_OBJECTS; i++) {
		if (fake.fb_handle[i])
			continue;
		fake.fb_handle[i] = bo_handles[0];
		*buf_id = i + 1;
		return 0;
	}
	return set_errno(ENOSPC);
}

int drmModeRmFB(int fd, uint32_t fb_id)
{
	if (fb_id < 1 || fb_id > MAX_OBJECTS || !fake.fb_handle[fb_id - 1])
		return set_errno(ENOENT);
	trace("rmfb", fb_id);
	fake.fb_handle[fb_id - 1] = 0;
	return 0;
}

static struct crtc *crtc_of(uint32_t crtc_id)
{
	if (crtc_id - CRTC_ID(0) >= fake.crtcs)
		return NULL;
	return &fake.crtc[crtc_id - CRTC_ID(0)];
}

static uint8_t *read_fb(int fd, uint32_t fb_id, struct dumb **dumb)
{
	uint8_t *got;
	struct dumb *d;

	if (fb_id < 1 || fb_id > MAX_OBJECTS || !fake.fb_handle[fb_id - 1])
		return NULL;
	d = dumb_of(fake.fb_handle[fb_id - 1]);
	got = zalloc(d->size);
	if (pread(fd, got, d->size, (off_t)fake.fb_handle[fb_id - 1] * BUFFER_SPACING) !=
	    (ssize_t)d->size)
		abort();
	*dumb = d;
	return got;
}

static bool same_picture(const struct dumb *d, const uint8_t *got, uint8_t *want, uint32_t frame,
			 uint32_t connector)
{
	vdispl_pattern_fill(want, d->pitch, d->width, d->height, frame, connector);
	for (uint32_t y = 0; y < d->height; y++) {
		if (memcmp(got + (size_t)y * d->pitch, want + (size_t)y * d->pitch,
			   (size_t)d->width * 4))
			return false;
	}
	return true;
}

/* The frame in @first..@first + @tries - 1 that @fb holds, or -1. */
static int64_t find_frame(int fd, uint32_t fb_id, uint32_t first, uint32_t tries, int connector)
{
	struct dumb *d;
	uint8_t *got = read_fb(fd, fb_id, &d);
	uint8_t *want;
	int64_t found = -1;

	if (!got)
		return -1;
	want = zalloc(d->size);
	if (fake.blank)
		found = memcmp(got, want, d->size) ? -1 : (int64_t)first;
	for (uint32_t f = first; !fake.blank && f - first < tries && found < 0; f++) {
		if (same_picture(d, got, want, f, (uint32_t)connector))
			found = f;
	}
	free(got);
	free(want);
	if (found < 0)
		fprintf(stderr,
			"fake-drm: fb %" PRIu32 " holds none of frames %" PRIu32 "..%" PRIu32
			" of connector %d\n",
			fb_id, first, first + tries - 1, connector);
	return found;
}

int drmModeSetCrtc(int fd, uint32_t crtc_id, uint32_t buffer_id, uint32_t x, uint32_t y,
		   uint32_t *connectors, int count, drmModeModeInfoPtr mode)
{
	struct crtc *crtc = crtc_of(crtc_id);

	if (fail("setcrtc"))
		return set_errno(EACCES);
	if (!crtc || count != 1 || connectors[0] - CONNECTOR_ID(0) >= fake.connectors)
		return set_errno(EINVAL);
	crtc->connector = (int)(connectors[0] - CONNECTOR_ID(0));
	if (find_frame(fd, buffer_id, 0, 1, crtc->connector) < 0)
		return set_errno(EINVAL);
	crtc->frame = 0;
	return 0;
}

int drmModePageFlip(int fd, uint32_t crtc_id, uint32_t fb_id, uint32_t flags, void *user_data)
{
	struct crtc *crtc = crtc_of(crtc_id);
	uint32_t index = crtc_id - CRTC_ID(0);
	int64_t frame;

	if (!crtc || crtc->connector < 0 || !(flags & DRM_MODE_PAGE_FLIP_EVENT))
		return set_errno(EINVAL);
	if (crtc->event.live)
		return set_errno(EBUSY);
	frame = find_frame(fd, fb_id, crtc->frame + 1, MAX_SKIP, crtc->connector);
	if (frame < 0)
		return set_errno(EINVAL);
	crtc->frame = (uint32_t)frame;
	if (in_pairs("FAKE_DRM_FAIL_FLIP", index, crtc->frame))
		return set_errno(EINVAL);
	crtc->event.live = true;
	crtc->event.user_data = user_data;
	crtc->event.due_us = now_us() + fake.delay_us;
	if (in_pairs("FAKE_DRM_LOSE", index, crtc->frame))
		crtc->event.due_us = UINT64_MAX;
	if (in_pairs("FAKE_DRM_LATE", index, crtc->frame))
		crtc->event.due_us = now_us() + LATE_US;
	return 0;
}

int drmHandleEvent(int fd, drmEventContextPtr ctx)
{
	uint64_t now = now_us();
	bool any = false;

	for (uint32_t i = 0; i < fake.crtcs; i++) {
		struct event *e = &fake.crtc[i].event;

		if (!e->live || e->due_us > now)
			continue;
		e->live = false;
		any = true;
		ctx->page_flip_handler(fd, 0, (unsigned int)(now / 1000000u),
				       (unsigned int)(now % 1000000u), e->user_data);
	}
	return any ? 0 : set_errno(EAGAIN);
}
