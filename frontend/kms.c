// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * DOC: modesetting
 *
 * One simple display pipe (CRTC, primary plane, encoder) and one virtual
 * connector per displif connector. A modeset is SET_CONFIG; a new
 * framebuffer on an active CRTC is PG_FLIP, whose vblank event is sent when
 * the backend's PG_FLIP event arrives (so the guest is paced by the host's
 * display), or after VDISPL_FRONT_FLIP_TIMEOUT_MS if it never does.
 * Between flips a timer at the mode's refresh rate keeps vblank counters and
 * timestamps going for compositors that wait for them.
 */
#include <linux/ktime.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_edid.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_atomic_helper.h>
#include <drm/drm_managed.h>
#include <drm/drm_modes.h>
#include <drm/drm_probe_helper.h>
#include <drm/drm_vblank.h>

#include "protocol/format.h"
#include "protocol/request.h"
#include "protocol/request-encode.h"
#include "front.h"

#define DEFAULT_REFRESH_HZ 60

static struct vdispl_front_pipeline *to_pipeline(struct drm_simple_display_pipe *pipe)
{
	return container_of(pipe, struct vdispl_front_pipeline, pipe);
}

static int connector_get_modes(struct drm_connector *connector)
{
	struct vdispl_front_pipeline *pipeline =
		container_of(connector, struct vdispl_front_pipeline, connector);
	struct drm_display_mode *mode;

	if (pipeline->num_timings > 0)
		return vdispl_front_edid_modes(pipeline);

	/* No EDID from the backend: the resolution node, at 60 Hz. */
	mode = drm_cvt_mode(connector->dev, pipeline->width, pipeline->height, DEFAULT_REFRESH_HZ,
			    true, false, false);
	if (!mode)
		return 0;
	/* CVT rounds to character cells; displif sizes are exact. */
	if (mode->hdisplay != pipeline->width || mode->vdisplay != pipeline->height) {
		int dh = pipeline->width - mode->hdisplay, dv = pipeline->height - mode->vdisplay;

		mode->hdisplay += dh;
		mode->hsync_start += dh;
		mode->hsync_end += dh;
		mode->htotal += dh;
		mode->vdisplay += dv;
		mode->vsync_start += dv;
		mode->vsync_end += dv;
		mode->vtotal += dv;
		drm_mode_set_name(mode);
	}
	mode->type |= DRM_MODE_TYPE_PREFERRED | DRM_MODE_TYPE_DRIVER;
	drm_mode_probed_add(connector, mode);
	return 1;
}

static const struct drm_connector_helper_funcs connector_helper_funcs = {
	.get_modes = connector_get_modes,
};

static const struct drm_connector_funcs connector_funcs = {
	.fill_modes = drm_helper_probe_single_connector_modes,
	.destroy = drm_connector_cleanup,
	.reset = drm_atomic_helper_connector_reset,
	.atomic_duplicate_state = drm_atomic_helper_connector_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_connector_destroy_state,
};

/* Hand the waiting flip's event to user space, if there is one. */
static void complete_flip(struct vdispl_front_pipeline *pipeline, bool have_cookie, u64 cookie)
{
	struct drm_device *dev = pipeline->drm->dev;
	struct drm_pending_vblank_event *event;
	unsigned long flags;

	spin_lock_irqsave(&dev->event_lock, flags);
	event = pipeline->pending_event;
	if (event && (!have_cookie || pipeline->pending_cookie == cookie)) {
		pipeline->pending_event = NULL;
		drm_crtc_send_vblank_event(&pipeline->pipe.crtc, event);
	} else {
		event = NULL;
	}
	spin_unlock_irqrestore(&dev->event_lock, flags);
	if (event)
		cancel_delayed_work(&pipeline->flip_timeout);
}

void vdispl_front_kms_flip_done(struct vdispl_front_info *front, unsigned int index, u64 cookie)
{
	struct vdispl_front_drm *drm = READ_ONCE(front->drm);
	struct vdispl_front_pipeline *pipeline;

	if (!drm || index >= drm->num_pipelines)
		return;
	pipeline = &drm->pipelines[index];
	/* The host's display just took the frame: that is our vblank. */
	drm_crtc_handle_vblank(&pipeline->pipe.crtc);
	complete_flip(pipeline, true, cookie);
}

static void flip_timeout(struct work_struct *work)
{
	struct vdispl_front_pipeline *pipeline =
		container_of(to_delayed_work(work), struct vdispl_front_pipeline, flip_timeout);

	dev_warn_ratelimited(pipeline->drm->dev->dev,
			     "connector %u: no PG_FLIP event within %u ms, flip completed anyway\n",
			     pipeline->index, VDISPL_FRONT_FLIP_TIMEOUT_MS);
	complete_flip(pipeline, false, 0);
}

static enum hrtimer_restart vblank_tick(struct hrtimer *timer)
{
	struct vdispl_front_pipeline *pipeline =
		container_of(timer, struct vdispl_front_pipeline, vblank_timer);

	/* False once vblank is off: stop here rather than cancel from under a lock. */
	if (!drm_crtc_handle_vblank(&pipeline->pipe.crtc))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, pipeline->vblank_period);
	return HRTIMER_RESTART;
}

static int pipe_enable_vblank(struct drm_simple_display_pipe *pipe)
{
	struct vdispl_front_pipeline *pipeline = to_pipeline(pipe);

	hrtimer_start(&pipeline->vblank_timer, pipeline->vblank_period, HRTIMER_MODE_REL);
	return 0;
}

static void pipe_disable_vblank(struct drm_simple_display_pipe *pipe)
{
	hrtimer_try_to_cancel(&to_pipeline(pipe)->vblank_timer);
}

static void pipe_enable(struct drm_simple_display_pipe *pipe, struct drm_crtc_state *crtc_state,
			struct drm_plane_state *plane_state)
{
	struct vdispl_front_pipeline *pipeline = to_pipeline(pipe);
	struct drm_display_mode *mode = &crtc_state->mode;
	struct drm_framebuffer *fb = plane_state->fb;
	struct xendispl_req req;
	int ret;

	if (mode->clock && mode->htotal && mode->vtotal)
		pipeline->vblank_period = ns_to_ktime(div_u64((u64)mode->htotal * mode->vtotal *
							      1000000ull, mode->clock));
	else
		pipeline->vblank_period = ns_to_ktime(NSEC_PER_SEC / DEFAULT_REFRESH_HZ);

	/* As the mainline frontend does: the framebuffer's size, the source offset. */
	vdispl_req_set_config(&req, to_vdispl_front_fb(fb)->fb_cookie, plane_state->src_x >> 16,
			      plane_state->src_y >> 16, fb->width, fb->height, fb->format->cpp[0] * 8);
	ret = vdispl_front_request(pipeline->drm->front, pipeline->index, &req);
	if (ret < 0)
		drm_err(pipe->crtc.dev, "connector %u: SET_CONFIG failed: %d\n", pipeline->index, ret);
	drm_crtc_vblank_on(&pipe->crtc);
}

static void pipe_disable(struct drm_simple_display_pipe *pipe)
{
	struct vdispl_front_pipeline *pipeline = to_pipeline(pipe);
	struct xendispl_req req;

	struct drm_crtc *crtc = &pipe->crtc;

	vdispl_req_set_config(&req, 0, 0, 0, 0, 0, 0);
	vdispl_front_request(pipeline->drm->front, pipeline->index, &req);
	complete_flip(pipeline, false, 0);
	drm_crtc_vblank_off(crtc);
	/*
	 * The commit that switches the CRTC off has an event too (DRM core
	 * makes one when user space asked for none), and the plane update
	 * that would send it does not run for an inactive CRTC: send it here,
	 * or the commit waits 10 s for flip_done.
	 */
	spin_lock_irq(&crtc->dev->event_lock);
	if (crtc->state->event) {
		drm_crtc_send_vblank_event(crtc, crtc->state->event);
		crtc->state->event = NULL;
	}
	spin_unlock_irq(&crtc->dev->event_lock);
}

static void pipe_update(struct drm_simple_display_pipe *pipe, struct drm_plane_state *old_state)
{
	struct vdispl_front_pipeline *pipeline = to_pipeline(pipe);
	struct drm_crtc *crtc = &pipe->crtc;
	struct drm_crtc_state *crtc_state = crtc->state;
	struct drm_framebuffer *fb = pipe->plane.state->fb;
	struct drm_pending_vblank_event *event = crtc_state->event;
	struct drm_device *dev = crtc->dev;
	struct xendispl_req req;
	u64 cookie;
	int ret;

	crtc_state->event = NULL;
	if (crtc_state->active && fb && fb != old_state->fb &&
	    !drm_atomic_crtc_needs_modeset(crtc_state)) {
		cookie = to_vdispl_front_fb(fb)->fb_cookie;
		/* Armed before the request: the event may beat the response. */
		spin_lock_irq(&dev->event_lock);
		pipeline->pending_event = event;
		pipeline->pending_cookie = cookie;
		spin_unlock_irq(&dev->event_lock);
		if (event)
			schedule_delayed_work(&pipeline->flip_timeout,
					      msecs_to_jiffies(VDISPL_FRONT_FLIP_TIMEOUT_MS));
		vdispl_req_pg_flip(&req, cookie);
		ret = vdispl_front_request(pipeline->drm->front, pipeline->index, &req);
		if (ret < 0) {
			drm_err_ratelimited(dev, "connector %u: PG_FLIP failed: %d\n",
					    pipeline->index, ret);
			complete_flip(pipeline, false, 0);
		}
		return;
	}
	if (!event)
		return;
	/* Nothing for the backend to show: the event goes with the next vblank. */
	spin_lock_irq(&dev->event_lock);
	if (crtc_state->active && drm_crtc_vblank_get(crtc) == 0)
		drm_crtc_arm_vblank_event(crtc, event);
	else
		drm_crtc_send_vblank_event(crtc, event);
	spin_unlock_irq(&dev->event_lock);
}

static enum drm_mode_status pipe_mode_valid(struct drm_simple_display_pipe *pipe,
					    const struct drm_display_mode *mode)
{
	if (mode->hdisplay > VDISPL_MAX_DIMENSION || mode->vdisplay > VDISPL_MAX_DIMENSION)
		return MODE_BAD;
	return MODE_OK;
}

static const struct drm_simple_display_pipe_funcs pipe_funcs = {
	.mode_valid = pipe_mode_valid,
	.enable = pipe_enable,
	.disable = pipe_disable,
	.update = pipe_update,
	.enable_vblank = pipe_enable_vblank,
	.disable_vblank = pipe_disable_vblank,
};

/* Enables before planes: SET_CONFIG must precede the first PG_FLIP. */
static void commit_tail(struct drm_atomic_state *state)
{
	struct drm_device *dev = state->dev;

	drm_atomic_helper_commit_modeset_disables(dev, state);
	drm_atomic_helper_commit_modeset_enables(dev, state);
	drm_atomic_helper_commit_planes(dev, state, DRM_PLANE_COMMIT_ACTIVE_ONLY);
	drm_atomic_helper_commit_hw_done(state);
	drm_atomic_helper_wait_for_flip_done(dev, state);
	drm_atomic_helper_cleanup_planes(dev, state);
}

static const struct drm_mode_config_helper_funcs mode_config_helpers = {
	.atomic_commit_tail = commit_tail,
};

static const struct drm_mode_config_funcs mode_config_funcs = {
	.fb_create = vdispl_front_fb_create,
	.atomic_check = drm_atomic_helper_check,
	.atomic_commit = drm_atomic_helper_commit,
};

/*
 * The DRM device goes (its last file closed): nothing may still be queued
 * in the memory it takes along. A commit in flight when the device was
 * unplugged can arm a flip timeout or a vblank tick after
 * vdispl_front_kms_fini() ran.
 */
static void kms_release(struct drm_device *dev, void *data)
{
	struct vdispl_front_drm *drm = data;
	unsigned int i;

	for (i = 0; i < drm->num_pipelines; i++) {
		hrtimer_cancel(&drm->pipelines[i].vblank_timer);
		cancel_delayed_work_sync(&drm->pipelines[i].flip_timeout);
	}
}

int vdispl_front_kms_init(struct vdispl_front_drm *drm)
{
	struct drm_device *dev = drm->dev;
	struct vdispl_front_info *front = drm->front;
	const struct vdispl_format *table;
	u32 formats[16];
	size_t num_formats, f;
	unsigned int i;
	int ret;

	table = vdispl_formats(&num_formats);
	num_formats = min(num_formats, ARRAY_SIZE(formats));
	for (f = 0; f < num_formats; f++)
		formats[f] = table[f].fourcc;

	ret = drmm_mode_config_init(dev);
	if (ret)
		return ret;
	dev->mode_config.min_width = 1;
	dev->mode_config.min_height = 1;
	dev->mode_config.max_width = VDISPL_MAX_DIMENSION;
	dev->mode_config.max_height = VDISPL_MAX_DIMENSION;
	dev->mode_config.preferred_depth = 24;
	dev->mode_config.funcs = &mode_config_funcs;
	dev->mode_config.helper_private = &mode_config_helpers;

	drm->num_pipelines = front->cfg.num_connectors;
	for (i = 0; i < drm->num_pipelines; i++) {
		struct vdispl_front_pipeline *pipeline = &drm->pipelines[i];

		pipeline->drm = drm;
		pipeline->index = i;
		pipeline->width = front->cfg.connectors[i].width;
		pipeline->height = front->cfg.connectors[i].height;
		pipeline->vblank_period = ns_to_ktime(NSEC_PER_SEC / DEFAULT_REFRESH_HZ);
		INIT_DELAYED_WORK(&pipeline->flip_timeout, flip_timeout);
		hrtimer_init(&pipeline->vblank_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		pipeline->vblank_timer.function = vblank_tick;

		ret = drm_connector_init(dev, &pipeline->connector, &connector_funcs,
					 DRM_MODE_CONNECTOR_VIRTUAL);
		if (ret)
			return ret;
		drm_connector_helper_add(&pipeline->connector, &connector_helper_funcs);
		/* DRM core gives virtual connectors none; without it the EDID is dropped. */
		drm_connector_attach_edid_property(&pipeline->connector);
		ret = drm_simple_display_pipe_init(dev, &pipeline->pipe, &pipe_funcs, formats,
						   num_formats, NULL, &pipeline->connector);
		if (ret)
			return ret;
	}
	ret = drmm_add_action_or_reset(dev, kms_release, drm);
	if (ret)
		return ret;
	ret = drm_vblank_init(dev, drm->num_pipelines);
	if (ret)
		return ret;
	drm_mode_config_reset(dev);
	return 0;
}

void vdispl_front_kms_fini(struct vdispl_front_drm *drm)
{
	unsigned int i;

	for (i = 0; i < drm->num_pipelines; i++) {
		struct vdispl_front_pipeline *pipeline = &drm->pipelines[i];

		hrtimer_cancel(&pipeline->vblank_timer);
		cancel_delayed_work_sync(&pipeline->flip_timeout);
		complete_flip(pipeline, false, 0);
	}
}
