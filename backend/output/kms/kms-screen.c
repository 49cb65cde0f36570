// SPDX-License-Identifier: MIT
/*
 * A layout's display (kms-layout.h): the composition of the regions left
 * without a plane, the overlay planes of the others, and one commit of
 * them all at a time, whose completion completes the regions' flips.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <drm_fourcc.h>

#include "backend/output/kms/kms-layout.h"
#include "backend/output/kms/kms.h"
#include "common/log.h"

/* A failed commit is tried again after this; waiting regions are done meanwhile. */
#define RETRY_MS 16

static struct vdispl_list screens = { &screens, &screens };

/* ---- composing ---- */

static void compose(struct kms_screen *s)
{
	struct vdispl_list *pos, *tmp;
	struct kms_region *r;

	memset(s->canvas.data, 0, (size_t)s->canvas.stride * s->canvas.height);
	vdispl_list_for_each_item(r, struct kms_region, link, &s->regions, pos, tmp) {
		struct vdispl_pixels dst = s->canvas;

		if (!r->shown || r->on_plane || r->x >= s->canvas.width ||
		    r->y >= s->canvas.height)
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
	return (struct vdispl_picture){
		.key = 1, .fb = s->canvas, .dmabuf_fd = -1, .backend_owned = true
	};
}

/*
 * The overlays for the next commit: the shown regions on planes, lowest
 * z-order on the lowest overlay; the overlays left over are off.
 */
static void set_layers(struct kms_screen *s)
{
	struct vdispl_list *pos, *tmp;
	struct kms_region *r;
	unsigned int i = 0;

	vdispl_list_for_each_item(r, struct kms_region, link, &s->regions, pos, tmp) {
		if (!r->on_plane || i >= s->num_layers)
			continue;
		s->layers[i].fb_id = r->shown ? r->scanout.next_fb : 0;
		s->layers[i].rect = r->rect;
		i++;
	}
	for (; i < s->num_layers; i++)
		s->layers[i].fb_id = 0;
	if (s->kms) {
		s->kms->layers = s->layers;
		s->kms->num_layers = s->num_layers;
		/* The composition stays on screen as it is: nothing is copied for it. */
		s->kms->keep_primary = !s->canvas_changed;
	}
}

/*
 * Flip a new composition if something changed and no flip is in flight.
 * A failure is retried from the loop, which completes the waiting flips:
 * done() never comes from inside an output op.
 */
void kms_screen_kick(struct kms_screen *s)
{
	struct vdispl_picture picture;
	struct vdispl_list *pos, *tmp;
	struct kms_region *r;
	int ret;

	if (!s->on || s->flip_pending || !s->changed)
		return;
	if (s->canvas_changed)
		compose(s);
	set_layers(s);
	picture = canvas_picture(s);
	ret = s->display->impl->flip(s->display, &picture);
	if (ret) {
		if (!s->failure_logged)
			vdispl_log_errno(ERROR, s->tag, ret, "commit of the layout (retried)");
		s->failure_logged = true;
		/*
		 * A driver may take a guest's dma-buf, then refuse it on an
		 * overlay: such framebuffers are copied from now on. Only new
		 * ones can be the cause; those it took before stay.
		 */
		vdispl_list_for_each_item(r, struct kms_region, link, &s->regions, pos, tmp) {
			uint32_t fb_id = r->scanout.next_fb;

			if (ret == -EINVAL && r->waiting && r->on_plane &&
			    !kms_region_owns_fb(r, fb_id) &&
			    kms_import_refused(&r->scanout, fb_id, ret))
				r->scanout.next_fb = 0;
		}
		vdispl_loop_timer_arm(s->retry, RETRY_MS);
		return;
	}
	s->failure_logged = false;
	s->changed = false;
	s->canvas_changed = false;
	s->flip_pending = true;
	vdispl_list_for_each_item(r, struct kms_region, link, &s->regions, pos, tmp) {
		r->scanout.pending_fb = r->shown ? r->scanout.next_fb : 0;
		kms_import_committed(&r->scanout, r->scanout.pending_fb);
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

/*
 * No commit is in flight: what each plane shows is what the last one
 * carried, or nothing with the display off; framebuffers the guests let
 * go of and nothing shows any more go.
 */
static void planes_settled(struct kms_screen *s)
{
	struct vdispl_list *pos, *tmp;
	struct kms_region *r;

	vdispl_list_for_each_item(r, struct kms_region, link, &s->regions, pos, tmp) {
		if (!r->on_plane)
			continue;
		r->scanout.shown_fb = s->on ? r->scanout.pending_fb : 0;
		r->scanout.pending_fb = 0;
		kms_import_reap(&r->scanout, false);
	}
}

/* The display's flip of a composition is done. */
static void screen_flip_done(void *data)
{
	struct kms_screen *s = data;
	struct vdispl_list *pos, *tmp;
	struct kms_region *r;

	s->flip_pending = false;
	planes_settled(s);
	vdispl_list_for_each_item(r, struct kms_region, link, &s->regions, pos, tmp) {
		r->completing |= r->in_flight;
		r->in_flight = false;
	}
	complete_marked(s);
	if (s->turn_on && !s->on) {
		int ret = kms_screen_turn_on(s);

		if (ret)
			vdispl_log_errno(ERROR, s->tag, ret, "turning the layout's display on");
	}
	kms_screen_kick(s);
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
	kms_screen_kick(s);
}

/* ---- screens ---- */

static bool same_display(const struct kms_screen *s, const struct vdispl_output_config *cfg)
{
	return !strcmp(s->drm_device, cfg->drm_device) &&
	       !strcmp(s->drm_connector, cfg->drm_connector) && s->kms_legacy == cfg->kms_legacy;
}

void kms_screen_destroy(struct kms_screen *s)
{
	vdispl_list_del(&s->link);
	vdispl_output_destroy(s->display);
	if (s->retry)
		vdispl_loop_remove(s->retry);
	free(s->canvas.data);
	free(s);
}

/* Whether a screen other than @self on its device uses @plane_id. */
static bool plane_taken(const struct kms_screen *self, uint32_t plane_id)
{
	struct vdispl_list *pos, *tmp;
	struct kms_screen *s;

	vdispl_list_for_each_item(s, struct kms_screen, link, &screens, pos, tmp) {
		for (unsigned int i = 0; s != self && i < s->num_layers; i++)
			if (s->layers[i].plane_id == plane_id &&
			    !strcmp(s->drm_device, self->drm_device))
				return true;
	}
	return false;
}

/* The overlay planes of the display's CRTC that take XRGB8888, in the driver's order. */
static void find_overlays(struct kms_screen *s)
{
	int fd = s->kms->dev->fd;
	drmModePlaneRes *planes = drmModeGetPlaneResources(fd);
	uint32_t crtc_bit = kms_crtc_bit(fd, s->kms->crtc_id);

	for (uint32_t i = 0; planes && i < planes->count_planes && s->num_layers < KMS_MAX_OVERLAYS;
	     i++) {
		drmModePlane *plane = drmModeGetPlane(fd, planes->planes[i]);
		struct kms_layer *l = &s->layers[s->num_layers];
		bool xrgb = false;

		for (uint32_t f = 0; plane && f < plane->count_formats; f++)
			xrgb |= plane->formats[f] == DRM_FORMAT_XRGB8888;
		if (plane && xrgb && (plane->possible_crtcs & crtc_bit) &&
		    kms_plane_is(fd, plane->plane_id, DRM_PLANE_TYPE_OVERLAY) &&
		    !plane_taken(s, plane->plane_id) &&
		    !kms_plane_props_lookup(fd, plane->plane_id, &l->props)) {
			l->plane_id = plane->plane_id;
			s->num_layers++;
		}
		drmModeFreePlane(plane);
	}
	drmModeFreePlaneResources(planes);
}

int kms_screen_get(const struct vdispl_output_params *params, struct kms_screen **out)
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
	s->kms = kms_output_atomic(s->display);
	if (s->kms)
		find_overlays(s);
	vdispl_list_add(&screens, &s->link);
	vdispl_log(INFO, s->tag, "a layout of %ux%u: %u overlay planes for regions, the others "
		   "composed", s->canvas.width, s->canvas.height, s->num_layers);
	*out = s;
	return 0;
err:
	kms_screen_destroy(s);
	return ret;
}

/* Whether @s has an overlay for one more region. */
static bool overlay_free(struct kms_screen *s)
{
	struct vdispl_list *pos, *tmp;
	struct kms_region *r;
	unsigned int used = 0;

	vdispl_list_for_each_item(r, struct kms_region, link, &s->regions, pos, tmp)
		used += r->on_plane;
	return used < s->num_layers;
}

/* A region on a plane shows above every composed one: say when z-order says otherwise. */
static void check_order(struct kms_screen *s, struct kms_region *r)
{
	struct vdispl_list *pos, *tmp;
	struct kms_region *o;

	vdispl_list_for_each_item(o, struct kms_region, link, &s->regions, pos, tmp) {
		if (o->on_plane != r->on_plane && (r->on_plane ? o->z > r->z : r->z > o->z)) {
			vdispl_log(WARN, r->base.tag,
				   "z-order %u: regions on planes show above composed ones "
				   "whatever their z-order (no overlay plane was left)", r->z);
			return;
		}
	}
}

void kms_screen_add(struct kms_screen *s, struct kms_region *r)
{
	struct vdispl_list *pos;

	r->on_plane = overlay_free(s);
	vdispl_list_for_each(pos, &s->regions) {
		if (vdispl_container_of(pos, struct kms_region, link)->z > r->z)
			break;
	}
	vdispl_list_add(pos->prev, &r->link);
	check_order(s, r);
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

int kms_screen_turn_on(struct kms_screen *s)
{
	struct vdispl_picture canvas;
	struct vdispl_list *pos, *tmp;
	struct kms_region *r;
	bool completed = false;
	int ret;

	s->turn_on = false;
	if (!any_shown(s))
		return 0;
	/*
	 * The flip of the last composition before the display went off is
	 * still in flight: turned on once it is done (screen_flip_done()).
	 */
	if (s->flip_pending) {
		s->turn_on = true;
		return 0;
	}
	compose(s);
	set_layers(s);
	canvas = canvas_picture(s);
	ret = s->display->impl->enable(s->display, &canvas);
	if (ret)
		return ret;
	s->on = true;
	s->changed = false;
	s->canvas_changed = false;
	vdispl_list_for_each_item(r, struct kms_region, link, &s->regions, pos, tmp) {
		r->scanout.shown_fb = r->shown ? r->scanout.next_fb : 0;
		kms_import_committed(&r->scanout, r->scanout.shown_fb);
		/* A flip taken while the display waited to turn on: shown now. */
		completed |= r->waiting;
		r->completing |= r->waiting;
		r->waiting = false;
	}
	/* Their done() from the loop (screen_retry()), never from an output op. */
	if (completed)
		vdispl_loop_timer_arm(s->retry, 1);
	return 0;
}

void kms_screen_hide(struct kms_screen *s, struct kms_region *r)
{
	if (r->shown && !r->on_plane)
		s->canvas_changed = true;
	r->shown = false;
	if (r->on_plane) {
		/* Its plane goes off with the next commit: nothing to keep for it. */
		r->scanout.next_fb = 0;
		kms_import_reap(&r->scanout, false);
	}
	if (!s->on)
		return;
	if (any_shown(s)) {
		s->changed = true;
		kms_screen_kick(s);
		return;
	}
	/* Blocking; a flip in flight still completes, through screen_flip_done(). */
	s->display->impl->disable(s->display);
	s->on = false;
	/* Nothing is on the planes now (a flip in flight says so when done). */
	if (!s->flip_pending)
		planes_settled(s);
	/* Flips no commit will carry now are done from the loop, unshown. */
	vdispl_loop_timer_arm(s->retry, 1);
}

