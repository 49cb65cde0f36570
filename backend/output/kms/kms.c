// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "backend/edid.h"
#include "backend/output/kms/kms-output.h"
#include "backend/output/kms/kms-layout.h"
#include "backend/output/kms/kms.h"
#include "common/log.h"

static const struct vdispl_output_impl kms_impl;

static struct kms_output *kms_output(struct vdispl_output *output)
{
	return output->impl == &kms_impl ? (struct kms_output *)output : NULL;
}

struct kms_output *kms_output_atomic(struct vdispl_output *output)
{
	struct kms_output *k = kms_output(output);

	return k && k->dev->atomic ? k : NULL;
}

/* ---- finding a connector, CRTC and primary plane ---- */

static void connector_name(int fd, const drmModeConnector *conn, char *out, size_t size)
{
	const char *type = drmModeGetConnectorTypeName(conn->connector_type);

	snprintf(out, size, "%s-%u", type ? type : "Unknown", conn->connector_type_id);
}

static uint32_t find_crtc(struct vdispl_kms_device *dev, drmModeRes *res, drmModeConnector *conn)
{
	for (int e = 0; e < conn->count_encoders; e++) {
		drmModeEncoder *enc = drmModeGetEncoder(dev->fd, conn->encoders[e]);

		if (!enc)
			continue;
		for (int c = 0; c < res->count_crtcs; c++) {
			if ((enc->possible_crtcs & (1u << c)) &&
			    !vdispl_kms_device_crtc_taken(dev, res->crtcs[c])) {
				uint32_t crtc = res->crtcs[c];

				drmModeFreeEncoder(enc);
				return crtc;
			}
		}
		drmModeFreeEncoder(enc);
	}
	return 0;
}

static int pick_connector(struct kms_output *k, const char *wanted)
{
	struct vdispl_kms_device *dev = k->dev;
	drmModeRes *res = drmModeGetResources(dev->fd);
	int ret = -ENODEV;

	if (!res)
		return -errno;
	for (int i = 0; i < res->count_connectors && !k->crtc_id; i++) {
		drmModeConnector *conn = drmModeGetConnectorCurrent(dev->fd, res->connectors[i]);
		char name[32];

		if (!conn)
			continue;
		connector_name(dev->fd, conn, name, sizeof(name));
		/* A writeback connector captures a CRTC; it shows nothing. */
		if (conn->connector_type != DRM_MODE_CONNECTOR_WRITEBACK &&
		    (wanted[0] ? strcmp(name, wanted) == 0 : conn->connection == DRM_MODE_CONNECTED) &&
		    !vdispl_kms_device_connector_taken(dev, conn->connector_id)) {
			k->crtc_id = find_crtc(dev, res, conn);
			if (k->crtc_id) {
				k->connector_id = conn->connector_id;
				snprintf(k->connector_name, sizeof(k->connector_name), "%s", name);
				ret = 0;
			}
		}
		drmModeFreeConnector(conn);
	}
	drmModeFreeResources(res);
	if (ret)
		vdispl_log(ERROR, k->base.tag, "%s: no free %s with a free CRTC", dev->path,
			   wanted[0] ? wanted : "connected connector");
	return ret;
}

/* The property @name of a KMS object: its id and current value. */
bool kms_find_prop(int fd, uint32_t object, uint32_t type, const char *name, uint32_t *id,
		      uint64_t *value)
{
	drmModeObjectProperties *props = drmModeObjectGetProperties(fd, object, type);
	bool found = false;

	if (!props)
		return false;
	for (uint32_t i = 0; i < props->count_props && !found; i++) {
		drmModePropertyRes *p = drmModeGetProperty(fd, props->props[i]);

		if (p && strcmp(p->name, name) == 0) {
			*id = p->prop_id;
			*value = props->prop_values[i];
			found = true;
		}
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return found;
}

uint32_t kms_prop_id(int fd, uint32_t object, uint32_t type, const char *name)
{
	uint32_t id;
	uint64_t value;

	return kms_find_prop(fd, object, type, name, &id, &value) ? id : 0;
}

bool kms_plane_is(int fd, uint32_t plane_id, uint64_t type)
{
	uint32_t id;
	uint64_t value;

	return kms_find_prop(fd, plane_id, DRM_MODE_OBJECT_PLANE, "type", &id, &value) &&
	       value == type;
}

uint32_t kms_crtc_bit(int fd, uint32_t crtc_id)
{
	drmModeRes *res = drmModeGetResources(fd);
	uint32_t bit = 0;

	for (int c = 0; res && c < res->count_crtcs && c < 32; c++)
		if (res->crtcs[c] == crtc_id)
			bit = 1u << c;
	drmModeFreeResources(res);
	return bit;
}

static int find_primary_plane(struct kms_output *k)
{
	int fd = k->dev->fd;
	drmModePlaneRes *planes = drmModeGetPlaneResources(fd);
	uint32_t crtc_bit = kms_crtc_bit(fd, k->crtc_id);

	for (uint32_t i = 0; planes && crtc_bit && i < planes->count_planes && !k->plane_id; i++) {
		drmModePlane *plane = drmModeGetPlane(fd, planes->planes[i]);

		if (plane && (plane->possible_crtcs & crtc_bit) &&
		    kms_plane_is(fd, plane->plane_id, DRM_PLANE_TYPE_PRIMARY))
			k->plane_id = plane->plane_id;
		drmModeFreePlane(plane);
	}
	drmModeFreePlaneResources(planes);
	return k->plane_id ? 0 : -ENODEV;
}

int kms_plane_props_lookup(int fd, uint32_t plane_id, struct kms_plane_props *p)
{
	p->fb_id = kms_prop_id(fd, plane_id, DRM_MODE_OBJECT_PLANE, "FB_ID");
	p->crtc_id = kms_prop_id(fd, plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_ID");
	p->src_x = kms_prop_id(fd, plane_id, DRM_MODE_OBJECT_PLANE, "SRC_X");
	p->src_y = kms_prop_id(fd, plane_id, DRM_MODE_OBJECT_PLANE, "SRC_Y");
	p->src_w = kms_prop_id(fd, plane_id, DRM_MODE_OBJECT_PLANE, "SRC_W");
	p->src_h = kms_prop_id(fd, plane_id, DRM_MODE_OBJECT_PLANE, "SRC_H");
	p->crtc_x = kms_prop_id(fd, plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_X");
	p->crtc_y = kms_prop_id(fd, plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_Y");
	p->crtc_w = kms_prop_id(fd, plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_W");
	p->crtc_h = kms_prop_id(fd, plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_H");
	return p->fb_id && p->crtc_id && p->src_w && p->crtc_w ? 0 : -ENODEV;
}

static int lookup_props(struct kms_output *k)
{
	int fd = k->dev->fd;
	struct kms_props *p = &k->props;

	p->crtc_mode_id = kms_prop_id(fd, k->crtc_id, DRM_MODE_OBJECT_CRTC, "MODE_ID");
	p->crtc_active = kms_prop_id(fd, k->crtc_id, DRM_MODE_OBJECT_CRTC, "ACTIVE");
	p->conn_crtc_id = kms_prop_id(fd, k->connector_id, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID");
	if (!p->crtc_mode_id || !p->crtc_active || !p->conn_crtc_id)
		return -ENODEV;
	return kms_plane_props_lookup(fd, k->plane_id, &p->plane);
}

/*
 * The mode for a guest connector of @width x @height: the same size if the
 * display has it (preferred first, then nearest 60 Hz), else the display's
 * preferred mode with the picture at the top-left.
 */
static int pick_mode(struct kms_output *k)
{
	drmModeConnector *conn = drmModeGetConnectorCurrent(k->dev->fd, k->connector_id);
	int best = -1, fallback = -1;
	int ret = 0;

	if (!conn)
		return -errno;
	for (int i = 0; i < conn->count_modes; i++) {
		const drmModeModeInfo *m = &conn->modes[i];

		if ((m->type & DRM_MODE_TYPE_PREFERRED) && fallback < 0)
			fallback = i;
		if (m->hdisplay != k->base.width || m->vdisplay != k->base.height)
			continue;
		if (best < 0 || (m->type & DRM_MODE_TYPE_PREFERRED) ||
		    abs((int)m->vrefresh - 60) < abs((int)conn->modes[best].vrefresh - 60))
			best = i;
	}
	if (best < 0)
		best = fallback >= 0 ? fallback : (conn->count_modes ? 0 : -1);
	if (best < 0) {
		vdispl_log(ERROR, k->base.tag, "%s has no modes", k->connector_name);
		ret = -ENODEV;
	} else {
		k->mode = conn->modes[best];
		vdispl_log(INFO, k->base.tag, "%s %s: mode %ux%u@%u for a %ux%u connector",
			   k->dev->path, k->connector_name, k->mode.hdisplay, k->mode.vdisplay,
			   k->mode.vrefresh, k->base.width, k->base.height);
	}
	drmModeFreeConnector(conn);
	return ret;
}

/* ---- dumb buffers ---- */

void kms_buffer_destroy(int fd, struct kms_buffer *buf)
{
	if (buf->map)
		munmap(buf->map, buf->size);
	if (buf->fb_id)
		drmModeRmFB(fd, buf->fb_id);
	if (buf->handle) {
		struct drm_mode_destroy_dumb destroy = { .handle = buf->handle };

		drmIoctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy);
	}
	memset(buf, 0, sizeof(*buf));
}

int kms_buffer_create(int fd, uint32_t width, uint32_t height, struct kms_buffer *buf)
{
	struct drm_mode_create_dumb create = { .width = width, .height = height, .bpp = 32 };
	struct drm_mode_map_dumb map = { 0 };
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 };
	int ret;

	if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create) < 0)
		return -errno;
	buf->handle = create.handle;
	buf->pitch = create.pitch;
	buf->size = create.size;
	handles[0] = create.handle;
	pitches[0] = create.pitch;
	if (drmModeAddFB2(fd, width, height, DRM_FORMAT_XRGB8888, handles, pitches, offsets,
			  &buf->fb_id, 0) < 0) {
		ret = -errno;
		goto err;
	}
	map.handle = create.handle;
	if (drmIoctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &map) < 0) {
		ret = -errno;
		goto err;
	}
	buf->map = mmap(NULL, buf->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)map.offset);
	if (buf->map == MAP_FAILED) {
		buf->map = NULL;
		ret = -errno;
		goto err;
	}
	memset(buf->map, 0, buf->size);
	return 0;
err:
	kms_buffer_destroy(fd, buf);
	return ret;
}

static void buffers_destroy(struct kms_output *k)
{
	for (int i = 0; i < KMS_BUFFERS; i++)
		kms_buffer_destroy(k->dev->fd, &k->buffers[i]);
}

static int buffers_create(struct kms_output *k)
{
	for (int i = 0; i < KMS_BUFFERS; i++) {
		int ret = kms_buffer_create(k->dev->fd, k->mode.hdisplay, k->mode.vdisplay,
					    &k->buffers[i]);

		if (ret) {
			vdispl_log_errno(ERROR, k->base.tag, ret, "dumb buffer %ux%u", k->mode.hdisplay,
					 k->mode.vdisplay);
			buffers_destroy(k);
			return ret;
		}
	}
	return 0;
}

/* ---- commits ---- */

/* The whole mode, from a buffer of the mode's size (the copy path). */
static struct kms_plane_rect full_mode(const struct kms_output *k)
{
	return (struct kms_plane_rect){ 0, 0, k->mode.hdisplay, k->mode.vdisplay, 0, 0 };
}

/* The visible part of a guest framebuffer, clipped to the mode. */
static struct kms_plane_rect visible_part(const struct kms_output *k,
				      const struct vdispl_picture *picture)
{
	struct kms_plane_rect r;
	uint32_t x, y;

	vdispl_picture_origin(picture, &x, &y);
	r = (struct kms_plane_rect){ x, y, picture->fb.width - x, picture->fb.height - y, 0, 0 };

	if (r.w > k->mode.hdisplay)
		r.w = k->mode.hdisplay;
	if (r.h > k->mode.vdisplay)
		r.h = k->mode.vdisplay;
	return r;
}

/* Plane @plane_id shows @r of @fb_id on @crtc_id (0: the plane is off). */
static void add_plane(drmModeAtomicReq *req, uint32_t plane_id, const struct kms_plane_props *p,
		      uint32_t crtc_id, uint32_t fb_id, const struct kms_plane_rect *r)
{
	drmModeAtomicAddProperty(req, plane_id, p->fb_id, fb_id);
	drmModeAtomicAddProperty(req, plane_id, p->crtc_id, fb_id ? crtc_id : 0);
	if (!fb_id)
		return;
	drmModeAtomicAddProperty(req, plane_id, p->src_x, (uint64_t)r->src_x << 16);
	drmModeAtomicAddProperty(req, plane_id, p->src_y, (uint64_t)r->src_y << 16);
	drmModeAtomicAddProperty(req, plane_id, p->src_w, (uint64_t)r->w << 16);
	drmModeAtomicAddProperty(req, plane_id, p->src_h, (uint64_t)r->h << 16);
	drmModeAtomicAddProperty(req, plane_id, p->crtc_x, r->x);
	drmModeAtomicAddProperty(req, plane_id, p->crtc_y, r->y);
	drmModeAtomicAddProperty(req, plane_id, p->crtc_w, r->w);
	drmModeAtomicAddProperty(req, plane_id, p->crtc_h, r->h);
}

static int atomic_commit(struct kms_output *k, uint32_t fb_id, const struct kms_plane_rect *r,
			 bool modeset, uint32_t flags)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	const struct kms_props *p = &k->props;
	int ret;

	if (!req)
		return -ENOMEM;
	if (modeset) {
		drmModeAtomicAddProperty(req, k->connector_id, p->conn_crtc_id, fb_id ? k->crtc_id : 0);
		drmModeAtomicAddProperty(req, k->crtc_id, p->crtc_mode_id, fb_id ? k->mode_blob : 0);
		drmModeAtomicAddProperty(req, k->crtc_id, p->crtc_active, fb_id ? 1 : 0);
		flags |= DRM_MODE_ATOMIC_ALLOW_MODESET;
	}
	add_plane(req, k->plane_id, &p->plane, k->crtc_id, fb_id, r);
	/* The layers go with the primary: off when it is. */
	for (unsigned int i = 0; i < k->num_layers; i++) {
		const struct kms_layer *l = &k->layers[i];

		add_plane(req, l->plane_id, &l->props, k->crtc_id, fb_id ? l->fb_id : 0, &l->rect);
	}
	ret = drmModeAtomicCommit(k->dev->fd, req, flags,
				  vdispl_kms_device_flip_token(k->dev, k->crtc_id)) < 0
		      ? -errno
		      : 0;
	drmModeAtomicFree(req);
	return ret;
}

/* Set the mode showing @fb_id (0: off). Blocking. */
static int modeset(struct kms_output *k, uint32_t fb_id, const struct kms_plane_rect *r)
{
	if (k->dev->atomic) {
		if (!k->mode_blob &&
		    drmModeCreatePropertyBlob(k->dev->fd, &k->mode, sizeof(k->mode), &k->mode_blob) < 0)
			return -errno;
		return atomic_commit(k, fb_id, r, true, 0);
	}
	if (fb_id)
		return drmModeSetCrtc(k->dev->fd, k->crtc_id, fb_id, r->src_x, r->src_y,
				      &k->connector_id, 1, &k->mode) < 0 ? -errno : 0;
	return drmModeSetCrtc(k->dev->fd, k->crtc_id, 0, 0, 0, NULL, 0, NULL) < 0 ? -errno : 0;
}

/* Have @fb_id shown at the next vblank, with an event when it is. */
static int page_flip(struct kms_output *k, uint32_t fb_id, const struct kms_plane_rect *r)
{
	if (k->dev->atomic)
		return atomic_commit(k, fb_id, r, false,
				     DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK);
	/* Legacy flips keep the CRTC's viewport: the picture must be at (0, 0). */
	if (r->src_x || r->src_y)
		return -EINVAL;
	return drmModePageFlip(k->dev->fd, k->crtc_id, fb_id, DRM_MODE_PAGE_FLIP_EVENT,
			       vdispl_kms_device_flip_token(k->dev, k->crtc_id)) < 0
		       ? -errno
		       : 0;
}

/*
 * The display has no mode of the guest's size: make one up (CVT-RB, 60 Hz)
 * if the driver takes it, as virtual displays and many real drivers do, so
 * the picture is shown at its own size rather than in a corner of another
 * mode. Tried once, at creation, with a test-only modeset.
 */
static void try_made_up_mode(struct kms_output *k)
{
	drmModeModeInfo old = k->mode, mode = { 0 };
	struct kms_buffer test = { 0 };
	struct vdispl_cvt_mode cvt;
	struct kms_plane_rect r;
	int ret;

	if (vdispl_cvt_rb_mode(k->base.width, k->base.height, 60, &cvt))
		return;
	mode.clock = cvt.clock_khz;
	mode.hdisplay = (uint16_t)cvt.width;
	mode.hsync_start = (uint16_t)cvt.h_sync_start;
	mode.hsync_end = (uint16_t)cvt.h_sync_end;
	mode.htotal = (uint16_t)cvt.h_total;
	mode.vdisplay = (uint16_t)cvt.height;
	mode.vsync_start = (uint16_t)cvt.v_sync_start;
	mode.vsync_end = (uint16_t)cvt.v_sync_end;
	mode.vtotal = (uint16_t)cvt.v_total;
	mode.vrefresh = 60;
	mode.flags = DRM_MODE_FLAG_PHSYNC | DRM_MODE_FLAG_NVSYNC;
	mode.type = DRM_MODE_TYPE_USERDEF;
	snprintf(mode.name, sizeof(mode.name), "%ux%u", cvt.width, cvt.height);
	if (kms_buffer_create(k->dev->fd, cvt.width, cvt.height, &test))
		return;
	k->mode = mode;
	ret = drmModeCreatePropertyBlob(k->dev->fd, &k->mode, sizeof(k->mode), &k->mode_blob) < 0
		      ? -errno
		      : 0;
	if (!ret) {
		r = full_mode(k);
		ret = atomic_commit(k, test.fb_id, &r, true, DRM_MODE_ATOMIC_TEST_ONLY);
	}
	kms_buffer_destroy(k->dev->fd, &test);
	if (ret) {
		if (k->mode_blob)
			drmModeDestroyPropertyBlob(k->dev->fd, k->mode_blob);
		k->mode_blob = 0;
		k->mode = old;
		vdispl_log_errno(INFO, k->base.tag, ret, "%s refuses a made-up %ux%u mode",
				 k->dev->path, cvt.width, cvt.height);
		return;
	}
	vdispl_log(INFO, k->base.tag, "%s %s: no %ux%u mode, made one up (CVT-RB, 60 Hz)",
		   k->dev->path, k->connector_name, cvt.width, cvt.height);
}

/* ---- showing a picture ---- */

/* The dumb buffer not on screen, with @picture copied in. */
static int copy_to_back(struct kms_output *k, struct vdispl_picture *picture, uint32_t *fb_id)
{
	struct kms_buffer *back;
	struct vdispl_pixels dst;
	int ret;

	if (!k->buffers[0].map) {
		ret = buffers_create(k);
		if (ret)
			return ret;
	}
	back = &k->buffers[k->scanout.shown_fb == k->buffers[0].fb_id];
	dst = (struct vdispl_pixels){
		.data = back->map,
		.stride = back->pitch,
		.width = k->mode.hdisplay,
		.height = k->mode.vdisplay,
		.fourcc = DRM_FORMAT_XRGB8888,
	};
	*fb_id = back->fb_id;
	return vdispl_picture_copy(picture, &dst);
}

/*
 * Show @picture, by a modeset (@enable) or a flip: its own dma-buf if the driver takes it,
 * else a copy. A driver that refuses the dma-buf at commit time gets the
 * copy at once, and from then on.
 */
static int show(struct kms_output *k, struct vdispl_picture *picture, bool enable,
		uint32_t *shown)
{
	struct kms_plane_rect full = full_mode(k), part = visible_part(k, picture);
	uint32_t fb_id;
	int ret;

	/* Only the layers change (a layout's regions on planes of their own). */
	if (!enable && k->keep_primary && k->scanout.shown_fb) {
		ret = page_flip(k, k->scanout.shown_fb, &full);
		if (!ret)
			*shown = k->scanout.shown_fb;
		return ret;
	}
	fb_id = kms_import_fb(&k->scanout, picture);
	if (fb_id) {
		ret = enable ? modeset(k, fb_id, &part) : page_flip(k, fb_id, &part);
		if (!ret) {
			kms_import_committed(&k->scanout, fb_id);
			*shown = fb_id;
			return 0;
		}
		kms_import_refused(&k->scanout, fb_id, ret);
	}
	ret = copy_to_back(k, picture, &fb_id);
	if (!ret)
		ret = enable ? modeset(k, fb_id, &full) : page_flip(k, fb_id, &full);
	if (!ret)
		*shown = fb_id;
	return ret;
}

/* ---- the output ops ---- */

static void kms_flip_done(void *data)
{
	struct kms_output *k = data;

	if (!k->flip_pending)
		return;
	k->flip_pending = false;
	/* Turned off meanwhile: the flip is done, but nothing is shown. */
	k->scanout.shown_fb = k->enabled ? k->scanout.pending_fb : 0;
	k->scanout.pending_fb = 0;
	k->flips++;
	kms_import_reap(&k->scanout, false);
	if (k->capture_requested) {
		k->capture_requested = false;
		kms_writeback_capture(k);
	}
	k->base.done(k->base.done_data);
}

static int kms_flip(struct vdispl_output *output, struct vdispl_picture *picture)
{
	struct kms_output *k = kms_output(output);
	int ret;

	if (!k->enabled || k->flip_pending)
		return -EBUSY;
	ret = show(k, picture, false, &k->scanout.pending_fb);
	if (ret) {
		/* A layout retries a failed commit every few milliseconds. */
		vdispl_log_errno_limited(ERROR, &k->flip_log_limit, output->tag, ret,
					 "page flip on %s", k->connector_name);
		return ret;
	}
	k->flip_pending = true;
	return 0;
}

static int kms_enable(struct vdispl_output *output, struct vdispl_picture *picture)
{
	struct kms_output *k = kms_output(output);
	int ret;

	if (k->flip_pending)
		return -EBUSY;
	/*
	 * The output's mode never changes while it is on, so a new picture
	 * needs no blocking modeset: a guest repeating SET_CONFIG gets flips,
	 * at most one in flight, and never holds the loop for a vblank.
	 */
	if (k->enabled && k->dev->atomic)
		return kms_flip(output, picture);
	ret = show(k, picture, true, &k->scanout.shown_fb);
	if (ret) {
		vdispl_log_errno(ERROR, output->tag, ret, "modeset of %s to %ux%u", k->connector_name,
				 k->mode.hdisplay, k->mode.vdisplay);
		return ret;
	}
	k->enabled = true;
	kms_import_reap(&k->scanout, false);
	return 0;
}

static void kms_disable(struct vdispl_output *output)
{
	struct kms_output *k = kms_output(output);
	int ret;

	if (!k->enabled)
		return;
	/* Blocking: it waits for a flip in flight, whose event still comes. */
	ret = modeset(k, 0, NULL);
	if (ret)
		vdispl_log_errno(WARN, output->tag, ret, "turning %s off", k->connector_name);
	k->enabled = false;
	k->scanout.shown_fb = 0;
	kms_import_reap(&k->scanout, false);
}


static void kms_forget(struct vdispl_output *output, uint64_t key)
{
	kms_import_forget(&kms_output(output)->scanout, key);
}

static void kms_snapshot(struct vdispl_output *output)
{
	struct kms_output *k = kms_output(output);

	if (!k->writeback.connector_id) {
		vdispl_log(INFO, output->tag, "%s has no writeback connector: no capture",
			   k->connector_name);
		return;
	}
	if (k->flip_pending)
		k->capture_requested = true; /* once the flip is done, of what it shows */
	else
		kms_writeback_capture(k);
}

static void kms_destroy(struct vdispl_output *output)
{
	struct kms_output *k = kms_output(output);

	kms_disable(output);
	/* Nothing is on screen: every imported framebuffer can go. */
	kms_import_reap(&k->scanout, true);
	vdispl_kms_device_release(k->dev, k->crtc_id);
	buffers_destroy(k);
	if (k->mode_blob)
		drmModeDestroyPropertyBlob(k->dev->fd, k->mode_blob);
	vdispl_kms_device_put(k->dev);
	free(k);
}

static const struct vdispl_output_impl kms_impl = {
	.name = "kms",
	.enable = kms_enable,
	.disable = kms_disable,
	.flip = kms_flip,
	.forget = kms_forget,
	.snapshot = kms_snapshot,
	.destroy = kms_destroy,
};

int vdispl_kms_output_create(const struct vdispl_output_params *params, struct vdispl_output **out)
{
	const struct vdispl_output_config *cfg = params->config;
	struct kms_output *k;
	int ret;

	/* A region of a display shared with other guests: composed by kms-screen.c. */
	if (cfg->position.set)
		return vdispl_kms_region_create(params, out);
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	vdispl_list_init(&k->scanout.imports);
	k->scanout.tag = k->base.tag;
	vdispl_output_init(&k->base, &kms_impl, params);
	ret = vdispl_kms_device_get(cfg->drm_device, cfg->kms_legacy, params->loop, &k->dev);
	if (ret)
		goto err_device;
	k->scanout.dev = k->dev;
	ret = pick_connector(k, cfg->drm_connector);
	if (ret)
		goto err_connector;
	if (k->dev->atomic) {
		ret = find_primary_plane(k);
		if (!ret)
			ret = lookup_props(k);
		if (ret) {
			vdispl_log(ERROR, k->base.tag, "%s: no primary plane with atomic properties",
				   k->dev->path);
			goto err_connector;
		}
	}
	ret = pick_mode(k);
	if (ret)
		goto err_connector;
	/* Asked for no size (a layout's screen): the display's own mode. */
	if (!k->base.width || !k->base.height) {
		k->base.width = k->mode.hdisplay;
		k->base.height = k->mode.vdisplay;
	}
	if (k->dev->atomic &&
	    (k->mode.hdisplay != k->base.width || k->mode.vdisplay != k->base.height))
		try_made_up_mode(k);
	ret = vdispl_kms_device_claim(k->dev, k->crtc_id, k->connector_id, kms_flip_done, k);
	if (ret)
		goto err_connector;
	snprintf(k->png_dir, sizeof(k->png_dir), "%s", cfg->png_dir);
	if (k->dev->atomic)
		kms_writeback_find(k);
	vdispl_log(INFO, k->base.tag, "shown on %s %s (CRTC %u)", k->dev->path, k->connector_name,
		   k->crtc_id);
	*out = &k->base;
	return 0;

err_connector:
	if (k->mode_blob)
		drmModeDestroyPropertyBlob(k->dev->fd, k->mode_blob);
	vdispl_kms_device_put(k->dev);
err_device:
	free(k);
	return ret;
}
