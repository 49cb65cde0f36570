// SPDX-License-Identifier: MIT
/*
 * A layout's region (kms-layout.h): the output ops of a guest connector
 * shown in a region of a display it shares, and its pictures, kept for the
 * composition or put on its own plane.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <drm_fourcc.h>

#include "backend/output/kms/kms-layout.h"
#include "common/log.h"

static const struct vdispl_output_impl region_impl;

static struct kms_region *kms_region(struct vdispl_output *output)
{
	return output->impl == &region_impl ? (struct kms_region *)output : NULL;
}

/* ---- a region's picture ---- */

/* Composed: keep @picture's pixels, cut to the region; black where it is smaller. */
static int keep_pixels(struct kms_region *r, struct vdispl_picture *picture)
{
	uint32_t x, y;

	vdispl_picture_origin(picture, &x, &y);
	if (picture->fb.width - x < r->pixels.width || picture->fb.height - y < r->pixels.height)
		memset(r->pixels.data, 0, (size_t)r->pixels.stride * r->pixels.height);
	kms_screen_recompose(r->screen);
	return vdispl_picture_copy(picture, &r->pixels);
}

/* On a plane, for a picture the driver cannot scan out: a copy in the region's own buffer. */
static int copy_to_own(struct kms_region *r, struct vdispl_picture *picture, uint32_t *fb_id)
{
	int fd = r->scanout.dev->fd;
	struct kms_buffer *back;
	struct vdispl_pixels dst;
	int ret;

	for (int i = 0; i < KMS_BUFFERS; i++) {
		if (r->buffers[i].map)
			continue;
		ret = kms_buffer_create(fd, r->width, r->height, &r->buffers[i]);
		if (ret)
			return ret;
	}
	back = &r->buffers[r->scanout.shown_fb == r->buffers[0].fb_id];
	dst = (struct vdispl_pixels){ back->map, back->pitch, r->width, r->height,
				      DRM_FORMAT_XRGB8888 };
	*fb_id = back->fb_id;
	return vdispl_picture_copy(picture, &dst);
}

bool kms_region_owns_fb(const struct kms_region *r, uint32_t fb_id)
{
	for (int i = 0; i < KMS_BUFFERS; i++)
		if (fb_id && r->buffers[i].fb_id == fb_id)
			return true;
	return false;
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* On a plane: @picture's framebuffer, and its part the region shows. */
static int plane_picture(struct kms_region *r, struct vdispl_picture *picture)
{
	const struct vdispl_pixels *canvas = &r->screen->canvas;
	uint32_t fb_id = kms_import_fb(&r->scanout, picture);
	uint32_t x, y, w, h;
	int ret;

	vdispl_picture_origin(picture, &x, &y);
	w = min_u32(picture->fb.width - x, r->width);
	h = min_u32(picture->fb.height - y, r->height);
	if (!fb_id) {
		ret = copy_to_own(r, picture, &fb_id);
		if (ret)
			return ret;
		x = 0;
		y = 0;
	}
	/* Cut to the display: a plane shows nothing beyond it. */
	w = r->x < canvas->width ? min_u32(w, canvas->width - r->x) : 0;
	h = r->y < canvas->height ? min_u32(h, canvas->height - r->y) : 0;
	r->scanout.next_fb = w && h ? fb_id : 0;
	r->rect = (struct kms_plane_rect){ x, y, w, h, r->x, r->y };
	/* The picture it replaces may be one the guest let go of. */
	kms_import_reap(&r->scanout, false);
	return 0;
}

static int take_picture(struct kms_region *r, struct vdispl_picture *picture)
{
	int ret = r->on_plane ? plane_picture(r, picture) : keep_pixels(r, picture);

	if (ret)
		vdispl_log_errno(ERROR, r->base.tag, ret, "taking the guest's picture");
	return ret;
}

/* ---- the output ops of a region ---- */

static int region_enable(struct vdispl_output *output, struct vdispl_picture *picture)
{
	struct kms_region *r = kms_region(output);
	struct kms_screen *s = r->screen;
	int ret;

	if (r->waiting || r->in_flight)
		return -EBUSY;
	ret = take_picture(r, picture);
	if (ret)
		return ret;
	r->shown = true;
	s->changed = true;
	if (s->on) {
		kms_screen_kick(s);
		return 0;
	}
	/* The first region shown turns the display on. */
	ret = kms_screen_turn_on(s);
	if (ret)
		r->shown = false;
	return ret;
}

static void region_disable(struct vdispl_output *output)
{
	struct kms_region *r = kms_region(output);

	kms_screen_hide(r->screen, r);
}

static int region_flip(struct vdispl_output *output, struct vdispl_picture *picture)
{
	struct kms_region *r = kms_region(output);
	int ret;

	if (!r->shown || r->waiting || r->in_flight)
		return -EBUSY;
	ret = take_picture(r, picture);
	if (ret)
		return ret;
	r->waiting = true;
	r->screen->changed = true;
	kms_screen_kick(r->screen);
	return 0;
}

static void region_forget(struct vdispl_output *output, uint64_t key)
{
	struct kms_region *r = kms_region(output);

	if (r->on_plane)
		kms_import_forget(&r->scanout, key);
}

/* The display's picture: one capture for all its regions, asked by the first. */
static void region_snapshot(struct vdispl_output *output)
{
	struct kms_region *r = kms_region(output);
	struct vdispl_output *display = r->screen->display;

	if (r->link.prev == &r->screen->regions && display->impl->snapshot)
		display->impl->snapshot(display);
}

static void region_destroy(struct vdispl_output *output)
{
	struct kms_region *r = kms_region(output);
	struct kms_screen *s = r->screen;

	kms_screen_hide(s, r);
	vdispl_list_del(&r->link);
	/*
	 * Its framebuffers go now: one a commit still in flight shows is
	 * taken off its plane by the kernel when it is removed.
	 */
	if (r->on_plane) {
		kms_import_reap(&r->scanout, true);
		for (int i = 0; i < KMS_BUFFERS; i++)
			kms_buffer_destroy(r->scanout.dev->fd, &r->buffers[i]);
	}
	if (vdispl_list_empty(&s->regions))
		kms_screen_destroy(s);
	free(r->pixels.data);
	free(r);
}

static const struct vdispl_output_impl region_impl = {
	.name = "kms-layout",
	.enable = region_enable,
	.disable = region_disable,
	.flip = region_flip,
	.forget = region_forget,
	.snapshot = region_snapshot,
	.destroy = region_destroy,
};

int vdispl_kms_region_create(const struct vdispl_output_params *params, struct vdispl_output **out)
{
	const struct vdispl_output_config *cfg = params->config;
	struct kms_region *r = calloc(1, sizeof(*r));
	struct kms_screen *s;
	int ret;

	if (!r)
		return -ENOMEM;
	vdispl_output_init(&r->base, &region_impl, params);
	r->x = cfg->position.x;
	r->y = cfg->position.y;
	r->z = cfg->z_order;
	r->width = cfg->size.width ? cfg->size.width : params->width;
	r->height = cfg->size.height ? cfg->size.height : params->height;
	vdispl_list_init(&r->scanout.imports);
	r->scanout.tag = r->base.tag;
	ret = kms_screen_get(params, &s);
	if (ret) {
		free(r);
		return ret;
	}
	r->screen = s;
	kms_screen_add(s, r);
	if (r->on_plane) {
		r->scanout.dev = s->kms->dev;
	} else {
		r->pixels = (struct vdispl_pixels){ NULL, r->width * 4, r->width, r->height,
						    DRM_FORMAT_XRGB8888 };
		r->pixels.data = calloc(r->height, (size_t)r->width * 4);
		if (!r->pixels.data) {
			vdispl_list_del(&r->link);
			if (vdispl_list_empty(&s->regions))
				kms_screen_destroy(s);
			free(r);
			return -ENOMEM;
		}
	}
	if (r->x >= s->canvas.width || r->y >= s->canvas.height)
		vdispl_log(WARN, r->base.tag, "region at %u,%u is off the %ux%u display: not shown",
			   r->x, r->y, s->canvas.width, s->canvas.height);
	vdispl_log(INFO, r->base.tag, "region %ux%u at %u,%u, z-order %u, on %s: %s", r->width,
		   r->height, r->x, r->y, r->z, s->tag,
		   r->on_plane ? "a plane of its own" : "composed");
	*out = &r->base;
	return 0;
}
