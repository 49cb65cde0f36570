// SPDX-License-Identifier: MIT
/*
 * A layout on KMS: connectors of several guests on one display, each in
 * its own region (the ini keys position, size and z-order).
 *
 * The display is a screen: one KMS output in the display's preferred mode
 * (kms.c, as for a single guest), whose pictures are composed here. Each
 * region keeps a copy of its guest's last picture, cut to the region's
 * size, so a guest's pixels never reach outside its region. A composition
 * paints the regions lowest z-order first (among equals, the one created
 * first), on black.
 *
 * The screen flips one composition at a time. A region's flip copies the
 * guest's picture at once and marks the screen changed; the next screen
 * flip carries every region changed since the last one, and their done()
 * follows that flip's. So each guest runs at the display's rate, and a
 * guest flipping fast costs the others nothing but the composition.
 *
 * This is the copy path, which works on any KMS driver. (Scanning each
 * region out of its own plane, where a driver has enough, is not done yet.)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <drm_fourcc.h>

#include "backend/output/kms/kms-screen.h"
#include "backend/output/kms/kms.h"
#include "common/list.h"
#include "common/log.h"

/* A failed screen flip is tried again after this; waiting regions are done meanwhile. */
#define RETRY_MS 16

struct kms_screen {
	struct vdispl_list link; /* in screens */
	/* What regions share it by: their configuration's display keys. */
	char drm_device[VDISPL_CONFIG_STR];
	char drm_connector[VDISPL_CONFIG_STR];
	bool kms_legacy;
	struct vdispl_output *display; /* the KMS output showing the compositions */
	struct vdispl_loop_source *retry;
	struct vdispl_list regions; /* struct kms_region.link, lowest z-order first */
	struct vdispl_pixels canvas; /* the composition, the display's size */
	bool on;		     /* the display shows compositions */
	bool flip_pending;	     /* a composition's flip is in flight */
	bool changed;		     /* a region changed since the last composition */
	bool failure_logged;
	char tag[64];
};

struct kms_region {
	struct vdispl_output base; /* first: the output ops reach us through it */
	struct kms_screen *screen;
	struct vdispl_list link; /* in screen->regions */
	uint32_t x, y, z;
	struct vdispl_pixels pixels; /* the guest's last picture, the region's size */
	bool shown;		     /* enabled: painted in compositions */
	bool waiting;		     /* a flip accepted, for the next composition */
	bool in_flight;		     /* a flip carried by the composition in flight */
	bool completing;	     /* its done() is due, now */
};

static struct vdispl_list screens = { &screens, &screens };

static const struct vdispl_output_impl region_impl;

static struct kms_region *kms_region(struct vdispl_output *output)
{
	return output->impl == &region_impl ? (struct kms_region *)output : NULL;
}

/* ---- composing ---- */

static void compose(struct kms_screen *s)
{
	struct vdispl_list *pos, *tmp;
	struct kms_region *r;

	memset(s->canvas.data, 0, (size_t)s->canvas.stride * s->canvas.height);
	vdispl_list_for_each_item(r, struct kms_region, link, &s->regions, pos, tmp) {
		struct vdispl_pixels dst = s->canvas;

		if (!r->shown || r->x >= s->canvas.width || r->y >= s->canvas.height)
			continue;
		dst.data = (uint8_t *)dst.data + (size_t)r->y * dst.stride + (size_t)r->x * 4;
		dst.width -= r->x;
		dst.height -= r->y;
		/* Same format: rows copied, cut to what fits on the display. */
		vdispl_pixels_copy(&dst, &r->pixels);
	}
}

static struct vdispl_picture canvas_picture(struct kms_screen *s)
{
	return (struct vdispl_picture){ .key = 1, .fb = s->canvas, .dmabuf_fd = -1 };
}

/*
 * Flip a new composition if something changed and no flip is in flight.
 * A failure is retried from the loop, which completes the waiting flips:
 * done() never comes from inside an output op.
 */
static void kick(struct kms_screen *s)
{
	struct vdispl_picture picture;
	struct vdispl_list *pos, *tmp;
	struct kms_region *r;
	int ret;

	if (!s->on || s->flip_pending || !s->changed)
		return;
	compose(s);
	picture = canvas_picture(s);
	ret = s->display->impl->flip(s->display, &picture);
	if (ret) {
		if (!s->failure_logged)
			vdispl_log_errno(ERROR, s->tag, ret, "flip of the composition (retried)");
		s->failure_logged = true;
		vdispl_loop_timer_arm(s->retry, RETRY_MS);
		return;
	}
	s->failure_logged = false;
	s->changed = false;
	s->flip_pending = true;
	vdispl_list_for_each_item(r, struct kms_region, link, &s->regions, pos, tmp) {
		r->in_flight |= r->waiting;
		r->waiting = false;
	}
}

/*
 * Call done() of every region marked completing. One at a time, from the
 * start of the list each time: done() may flip again (and so compose).
 */
static void complete_marked(struct kms_screen *s)
{
	for (;;) {
		struct vdispl_list *pos, *tmp;
		struct kms_region *r, *due = NULL;

		vdispl_list_for_each_item(r, struct kms_region, link, &s->regions, pos, tmp) {
			if (r->completing && !due)
				due = r;
		}
		if (!due)
			return;
		due->completing = false;
		due->base.done(due->base.done_data);
	}
}

/* The display's flip of a composition is done. */
static void screen_flip_done(void *data)
{
	struct kms_screen *s = data;
	struct vdispl_list *pos, *tmp;
	struct kms_region *r;

	s->flip_pending = false;
	vdispl_list_for_each_item(r, struct kms_region, link, &s->regions, pos, tmp) {
		r->completing = r->in_flight;
		r->in_flight = false;
	}
	complete_marked(s);
	kick(s);
}

/* A flip failed: the waiting regions are done (unshown), then try again. */
static void screen_retry(void *data)
{
	struct kms_screen *s = data;
	struct vdispl_list *pos, *tmp;
	struct kms_region *r;

	vdispl_list_for_each_item(r, struct kms_region, link, &s->regions, pos, tmp) {
		if (r->waiting) {
			r->waiting = false;
			r->completing = true;
			r->base.unshown_flips++;
		}
	}
	complete_marked(s);
	kick(s);
}

/* ---- screens ---- */

static bool same_display(const struct kms_screen *s, const struct vdispl_output_config *cfg)
{
	return !strcmp(s->drm_device, cfg->drm_device) &&
	       !strcmp(s->drm_connector, cfg->drm_connector) && s->kms_legacy == cfg->kms_legacy;
}

static void screen_destroy(struct kms_screen *s)
{
	vdispl_list_del(&s->link);
	vdispl_output_destroy(s->display);
	if (s->retry)
		vdispl_loop_remove(s->retry);
	free(s->canvas.data);
	free(s);
}

/* The screen of the display @params->config names: shared, or made now. */
static int screen_get(const struct vdispl_output_params *params, struct kms_screen **out)
{
	const struct vdispl_output_config *cfg = params->config;
	struct vdispl_output_config display_cfg = *cfg;
	struct vdispl_output_params display_params = *params;
	struct vdispl_list *pos, *tmp;
	struct kms_screen *s;
	int ret;

	vdispl_list_for_each_item(s, struct kms_screen, link, &screens, pos, tmp) {
		if (same_display(s, cfg)) {
			*out = s;
			return 0;
		}
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	vdispl_list_init(&s->regions);
	vdispl_list_init(&s->link);
	snprintf(s->drm_device, sizeof(s->drm_device), "%s", cfg->drm_device);
	snprintf(s->drm_connector, sizeof(s->drm_connector), "%s", cfg->drm_connector);
	s->kms_legacy = cfg->kms_legacy;
	snprintf(s->tag, sizeof(s->tag), "layout/%.24s/%.24s",
		 strrchr(cfg->drm_device, '/') ? strrchr(cfg->drm_device, '/') + 1
					       : cfg->drm_device,
		 cfg->drm_connector[0] ? cfg->drm_connector : "first");

	s->retry = vdispl_loop_add_timer(params->loop, screen_retry, s);
	if (!s->retry) {
		ret = -ENOMEM;
		goto err;
	}
	/* The display itself, in its preferred mode (a size of 0x0 asks for it). */
	display_cfg.position.set = false;
	display_params.config = &display_cfg;
	display_params.width = 0;
	display_params.height = 0;
	display_params.tag = s->tag;
	display_params.title = s->tag;
	display_params.done = screen_flip_done;
	display_params.done_data = s;
	ret = vdispl_kms_output_create(&display_params, &s->display);
	if (ret)
		goto err;
	s->canvas = (struct vdispl_pixels){
		.width = s->display->width,
		.height = s->display->height,
		.stride = s->display->width * 4,
		.fourcc = DRM_FORMAT_XRGB8888,
	};
	s->canvas.data = calloc(s->canvas.height, s->canvas.stride);
	if (!s->canvas.data) {
		ret = -ENOMEM;
		goto err;
	}
	vdispl_list_add(&screens, &s->link);
	vdispl_log(INFO, s->tag, "a layout of %ux%u: guests' connectors composed in regions",
		   s->canvas.width, s->canvas.height);
	*out = s;
	return 0;
err:
	screen_destroy(s);
	return ret;
}

/* Link @r after every region of a z-order up to its own. */
static void screen_insert(struct kms_screen *s, struct kms_region *r)
{
	struct vdispl_list *pos;

	vdispl_list_for_each(pos, &s->regions) {
		if (vdispl_container_of(pos, struct kms_region, link)->z > r->z)
			break;
	}
	vdispl_list_add(pos->prev, &r->link);
}

/* ---- the output ops of a region ---- */

/* Keep @picture's pixels, cut to the region; black where it is smaller. */
static int take_picture(struct kms_region *r, struct vdispl_picture *picture)
{
	uint32_t x, y;

	vdispl_picture_origin(picture, &x, &y);
	if (picture->fb.width - x < r->pixels.width || picture->fb.height - y < r->pixels.height)
		memset(r->pixels.data, 0, (size_t)r->pixels.stride * r->pixels.height);
	return vdispl_picture_copy(picture, &r->pixels);
}

static int region_enable(struct vdispl_output *output, struct vdispl_picture *picture)
{
	struct kms_region *r = kms_region(output);
	struct kms_screen *s = r->screen;
	struct vdispl_picture canvas;
	int ret = take_picture(r, picture);

	if (ret) {
		vdispl_log_errno(ERROR, output->tag, ret, "copying the guest's picture");
		return ret;
	}
	r->shown = true;
	s->changed = true;
	if (s->on) {
		kick(s);
		return 0;
	}
	/* The first region shown turns the display on: a blocking modeset. */
	compose(s);
	canvas = canvas_picture(s);
	ret = s->display->impl->enable(s->display, &canvas);
	if (ret) {
		r->shown = false;
		return ret;
	}
	s->on = true;
	s->changed = false;
	return 0;
}

/* Whether any region of @s is shown. */
static bool any_shown(struct kms_screen *s)
{
	struct vdispl_list *pos, *tmp;
	struct kms_region *r;

	vdispl_list_for_each_item(r, struct kms_region, link, &s->regions, pos, tmp) {
		if (r->shown)
			return true;
	}
	return false;
}

/* The region goes black; the display goes off with the last region shown. */
static void region_hide(struct kms_region *r)
{
	struct kms_screen *s = r->screen;

	r->shown = false;
	if (!s->on)
		return;
	if (any_shown(s)) {
		s->changed = true;
		kick(s);
		return;
	}
	/* Blocking; a flip in flight still completes, through screen_flip_done(). */
	s->display->impl->disable(s->display);
	s->on = false;
	/* Flips no composition will carry now are done from the loop, unshown. */
	vdispl_loop_timer_arm(s->retry, 1);
}

static void region_disable(struct vdispl_output *output)
{
	region_hide(kms_region(output));
}

static int region_flip(struct vdispl_output *output, struct vdispl_picture *picture)
{
	struct kms_region *r = kms_region(output);
	int ret;

	if (!r->shown || r->waiting || r->in_flight)
		return -EBUSY;
	ret = take_picture(r, picture);
	if (ret) {
		vdispl_log_errno(ERROR, output->tag, ret, "copying the guest's picture");
		return ret;
	}
	r->waiting = true;
	r->screen->changed = true;
	kick(r->screen);
	return 0;
}

static void region_snapshot(struct vdispl_output *output)
{
	struct vdispl_output *display = kms_region(output)->screen->display;

	if (display->impl->snapshot)
		display->impl->snapshot(display);
}

static void region_destroy(struct vdispl_output *output)
{
	struct kms_region *r = kms_region(output);
	struct kms_screen *s = r->screen;

	region_hide(r);
	vdispl_list_del(&r->link);
	if (vdispl_list_empty(&s->regions))
		screen_destroy(s);
	free(r->pixels.data);
	free(r);
}

static const struct vdispl_output_impl region_impl = {
	.name = "kms-layout",
	.enable = region_enable,
	.disable = region_disable,
	.flip = region_flip,
	.snapshot = region_snapshot,
	.destroy = region_destroy,
};

int vdispl_kms_region_create(const struct vdispl_output_params *params, struct vdispl_output **out)
{
	const struct vdispl_output_config *cfg = params->config;
	struct kms_region *r = calloc(1, sizeof(*r));
	struct kms_screen *s;
	uint32_t width = cfg->size.width ? cfg->size.width : params->width;
	uint32_t height = cfg->size.height ? cfg->size.height : params->height;
	int ret;

	if (!r)
		return -ENOMEM;
	vdispl_output_init(&r->base, &region_impl, params);
	r->x = cfg->position.x;
	r->y = cfg->position.y;
	r->z = cfg->z_order;
	r->pixels = (struct vdispl_pixels){
		.width = width,
		.height = height,
		.stride = width * 4,
		.fourcc = DRM_FORMAT_XRGB8888,
	};
	r->pixels.data = calloc(height, (size_t)width * 4);
	if (!r->pixels.data) {
		free(r);
		return -ENOMEM;
	}
	ret = screen_get(params, &s);
	if (ret) {
		free(r->pixels.data);
		free(r);
		return ret;
	}
	r->screen = s;
	screen_insert(s, r);
	if (r->x >= s->canvas.width || r->y >= s->canvas.height)
		vdispl_log(WARN, r->base.tag, "region at %u,%u is off the %ux%u display: not shown",
			   r->x, r->y, s->canvas.width, s->canvas.height);
	vdispl_log(INFO, r->base.tag, "region %ux%u at %u,%u, z-order %u, on %s", width, height,
		   r->x, r->y, r->z, s->tag);
	*out = &r->base;
	return 0;
}
