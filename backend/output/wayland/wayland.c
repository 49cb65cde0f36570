// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <wayland-client.h>

#include "backend/output/wayland/wayland.h"
#include "backend/output/wayland/wl-connection.h"
#include "backend/output/wayland/wl-dmabuf.h"
#include "presentation-time-client-protocol.h" /* generated: in the build folder */
#include "xdg-shell-client-protocol.h"
#ifdef VDISPL_HAVE_IVI
#include "ivi-application-client-protocol.h" /* generated */
#endif
#include "common/log.h"

/*
 * Frames the compositor may hold while we fill the next one: the one shown,
 * one queued behind it, one being drawn.
 */
#define SLOTS 3
/* A flip the compositor does not use within this is completed anyway. */
#define FRAME_TIMEOUT_MS 250
/* The pace of flips no window shows: a display's 60 Hz. */
#define UNSHOWN_FRAME_MS 16

struct slot {
	struct wl_buffer *buffer; /* on the current connection, or NULL */
	bool busy;		  /* the compositor holds it */
};

struct wayland_output {
	struct vdispl_output base; /* first: the output ops reach us through it */
	struct vdispl_wl_connection *conn;
	struct vdispl_wl_user user;
	char title[160];

	/* The frames: SLOTS pictures of the connector's size in one memfd. */
	int memfd;
	uint8_t *map;
	size_t slot_size;
	struct wl_shm_pool *pool;
	struct slot slots[SLOTS];
	int shown; /* the slot with the guest's latest picture, or -1 */
	/*
	 * Guest framebuffers that are dma-bufs, each the compositor's buffer
	 * where it takes them (struct vdispl_wl_dmabuf.link), and the one that
	 * is the guest's latest picture, if that has a dma-buf (then shown is -1).
	 */
	struct vdispl_list dmabufs;
	struct vdispl_wl_dmabuf *latest;
	bool dmabuf_logged, shm_logged; /* which way frames go: said once each */

	struct wl_surface *surface;
	struct xdg_surface *xdg_surface;
	struct xdg_toplevel *toplevel;
	/* Under ivi-shell, with an ivi-id configured: the surface the controller places. */
	uint32_t ivi_id;
	struct ivi_surface *ivi_surface;
	bool shell_logged;
	bool configured; /* the first configure was acked: frames may go */
	/* What says the latest frame was used: presentation feedback where offered. */
	struct wp_presentation_feedback *feedback;
	struct wl_callback *frame;
	uint64_t presented; /* flips done by "presented" feedback */
	bool pacing_logged;

	bool enabled; /* the guest has a mode set */
	bool closed;  /* the user closed the window; until the next mode set */
	bool flip_pending;
	struct vdispl_loop_source *timer; /* completes flips no frame callback did */
};

static const struct vdispl_output_impl wayland_impl;

static struct wayland_output *wayland_output(struct vdispl_output *output)
{
	return output->impl == &wayland_impl ? (struct wayland_output *)output : NULL;
}

static void flip_done(struct wayland_output *w)
{
	if (!w->flip_pending)
		return;
	w->flip_pending = false;
	w->base.done(w->base.done_data);
}

static void buffer_release(void *data, struct wl_buffer *buffer)
{
	struct slot *slot = data;

	slot->busy = false;
}

static const struct wl_buffer_listener buffer_listener = {
	.release = buffer_release,
};

static void frame_done(void *data, struct wl_callback *callback, uint32_t time)
{
	struct wayland_output *w = data;

	wl_callback_destroy(callback);
	w->frame = NULL;
	flip_done(w);
}

static const struct wl_callback_listener frame_listener = {
	.done = frame_done,
};

static void feedback_sync_output(void *data, struct wp_presentation_feedback *feedback,
				 struct wl_output *output)
{
}

/* The frame reached the screen: the guest's flip is done, shown. */
static void feedback_presented(void *data, struct wp_presentation_feedback *feedback,
			       uint32_t tv_sec_hi, uint32_t tv_sec_lo, uint32_t tv_nsec,
			       uint32_t refresh, uint32_t seq_hi, uint32_t seq_lo, uint32_t flags)
{
	struct wayland_output *w = data;

	wp_presentation_feedback_destroy(feedback);
	w->feedback = NULL;
	if (w->flip_pending)
		w->presented++;
	flip_done(w);
}

/* The compositor never showed the frame (the window is hidden, say). */
static void feedback_discarded(void *data, struct wp_presentation_feedback *feedback)
{
	struct wayland_output *w = data;

	wp_presentation_feedback_destroy(feedback);
	w->feedback = NULL;
	if (w->flip_pending)
		w->base.unshown_flips++;
	flip_done(w);
}

static const struct wp_presentation_feedback_listener feedback_listener = {
	.sync_output = feedback_sync_output,
	.presented = feedback_presented,
	.discarded = feedback_discarded,
};

static void drop_pacing(struct wayland_output *w)
{
	if (w->feedback)
		wp_presentation_feedback_destroy(w->feedback);
	w->feedback = NULL;
	if (w->frame)
		wl_callback_destroy(w->frame);
	w->frame = NULL;
}

/*
 * Ask to hear when the frame about to be committed is used: presentation
 * feedback says when it reached the screen, or that it never will; a frame
 * callback, where that is all the compositor has, that it is a good time
 * to draw the next.
 */
static void ask_pacing(struct wayland_output *w)
{
	const struct vdispl_wl_globals *g = vdispl_wl_connection_globals(w->conn);

	drop_pacing(w);
	if (g && g->presentation) {
		w->feedback = wp_presentation_feedback(g->presentation, w->surface);
		if (w->feedback)
			wp_presentation_feedback_add_listener(w->feedback, &feedback_listener, w);
	} else {
		w->frame = wl_surface_frame(w->surface);
		if (w->frame)
			wl_callback_add_listener(w->frame, &frame_listener, w);
	}
	if (!w->pacing_logged) {
		w->pacing_logged = true;
		vdispl_log(INFO, w->base.tag, "flips paced by the compositor's %s",
			   w->feedback ? "wp_presentation feedback" : "frame callbacks");
	}
}

static int take_picture(struct wayland_output *w, struct vdispl_picture *picture);

static void log_shm(struct wayland_output *w, const char *why)
{
	if (w->shm_logged)
		return;
	w->shm_logged = true;
	vdispl_log(INFO, w->base.tag, "frames go to the compositor through wl_shm (one copy): %s",
		   why);
}

/*
 * The latest picture is a dma-buf: the compositor's buffer for it, or NULL
 * while the compositor has not answered yet. One it cannot take is copied
 * into a slot (then the latest is that slot), and NULL is returned as well.
 */
static struct wl_buffer *latest_dmabuf(struct wayland_output *w)
{
	const struct vdispl_wl_globals *g = vdispl_wl_connection_globals(w->conn);
	struct vdispl_wl_dmabuf *d = w->latest;
	const char *why = vdispl_wl_dmabuf_unsuitable(g, &d->picture, w->base.width,
						      w->base.height);
	int ret;

	if (!why && d->refused)
		why = "the compositor refused the guest's dma-buf";
	if (!why) {
		if (d->buffer || d->params)
			return d->buffer;
		ret = vdispl_wl_dmabuf_ask(d, g);
		if (!ret)
			return NULL;
		why = "the compositor's buffer could not be asked for";
	}
	log_shm(w, why);
	ret = take_picture(w, &d->picture);
	if (ret)
		vdispl_log_errno(WARN, w->base.tag, ret, "copying the guest's picture");
	return NULL;
}

/* Put the latest picture in the window, asking when it is used. */
static void present(struct wayland_output *w)
{
	struct wl_buffer *buffer = NULL;
	struct slot *slot = NULL;

	if (!w->surface || !w->configured)
		return;
	if (w->latest)
		buffer = latest_dmabuf(w);
	if (!buffer && !w->latest && w->shown >= 0) {
		slot = &w->slots[w->shown];
		buffer = slot->buffer;
	}
	if (!buffer)
		return;
	wl_surface_attach(w->surface, buffer, 0, 0);
	wl_surface_damage(w->surface, 0, 0, (int32_t)w->base.width, (int32_t)w->base.height);
	ask_pacing(w);
	wl_surface_commit(w->surface);
	if (slot)
		slot->busy = true;
}

/* The compositor made the guest's dma-buf its buffer, or refused it. */
static void dmabuf_answered(struct vdispl_wl_dmabuf *d, void *data)
{
	struct wayland_output *w = data;

	if (d->buffer && !w->dmabuf_logged) {
		w->dmabuf_logged = true;
		vdispl_log(INFO, w->base.tag, "frames go to the compositor as dma-bufs (zero copy)");
	}
	/*
	 * No flush here: this runs inside the connection's dispatch, which
	 * flushes after it, and a flush that found the compositor gone would
	 * free the display under the dispatch.
	 */
	if (w->latest == d)
		present(w);
}

static struct vdispl_wl_dmabuf *find_dmabuf(struct wayland_output *w, uint64_t key)
{
	struct vdispl_wl_dmabuf *d;
	struct vdispl_list *pos, *tmp;

	vdispl_list_for_each_item(d, struct vdispl_wl_dmabuf, link, &w->dmabufs, pos, tmp)
		if (d->picture.key == key)
			return d;
	return NULL;
}

static void free_dmabuf(struct wayland_output *w, struct vdispl_wl_dmabuf *d)
{
	if (w->latest == d)
		w->latest = NULL;
	vdispl_list_del(&d->link);
	/* Connected or not: a gone connection already dropped the proxies. */
	vdispl_wl_dmabuf_drop(d, false);
	free(d);
}

static void xdg_surface_configure(void *data, struct xdg_surface *xdg_surface, uint32_t serial)
{
	struct wayland_output *w = data;
	bool first = !w->configured;

	xdg_surface_ack_configure(xdg_surface, serial);
	w->configured = true;
	if (first)
		present(w);
	else
		wl_surface_commit(w->surface);
}

static const struct xdg_surface_listener xdg_surface_listener = {
	.configure = xdg_surface_configure,
};

/* Our size is the guest's: the compositor's suggestions are declined. */
static void toplevel_configure(void *data, struct xdg_toplevel *toplevel, int32_t width,
			       int32_t height, struct wl_array *states)
{
}

static void close_window(struct wayland_output *w);

static void toplevel_close(void *data, struct xdg_toplevel *toplevel)
{
	struct wayland_output *w = data;

	vdispl_log(INFO, w->base.tag, "window closed: the connector stays dark until the "
		   "guest sets a mode again");
	w->closed = true;
	close_window(w);
}

static const struct xdg_toplevel_listener toplevel_listener = {
	.configure = toplevel_configure,
	.close = toplevel_close,
};

#ifdef VDISPL_HAVE_IVI
/* The controller's size for the surface: ours is the guest's, whatever it says. */
static void ivi_surface_configure(void *data, struct ivi_surface *ivi_surface, int32_t width,
				  int32_t height)
{
}

static const struct ivi_surface_listener ivi_surface_listener = {
	.configure = ivi_surface_configure,
};

/* An ivi-shell surface: where it shows is the compositor's layout's business. */
static int open_ivi_surface(struct wayland_output *w, const struct vdispl_wl_globals *g)
{
	w->ivi_surface = ivi_application_surface_create(g->ivi_application, w->ivi_id, w->surface);
	if (!w->ivi_surface)
		return -ENOMEM;
	ivi_surface_add_listener(w->ivi_surface, &ivi_surface_listener, w);
	/* No configure to wait for: frames may go at once. */
	w->configured = true;
	return 0;
}

#define IVI_BUILT ""
#else
#define IVI_BUILT " (or this build lacks ivi-application.xml)"
#endif

static void close_window(struct wayland_output *w)
{
	drop_pacing(w);
#ifdef VDISPL_HAVE_IVI
	if (w->ivi_surface)
		ivi_surface_destroy(w->ivi_surface);
	w->ivi_surface = NULL;
#endif
	if (w->toplevel)
		xdg_toplevel_destroy(w->toplevel);
	w->toplevel = NULL;
	if (w->xdg_surface)
		xdg_surface_destroy(w->xdg_surface);
	w->xdg_surface = NULL;
	if (w->surface)
		wl_surface_destroy(w->surface);
	w->surface = NULL;
	w->configured = false;
	/* A flip waiting for this window's frame callback is done by the timer. */
	if (w->flip_pending)
		vdispl_loop_timer_arm(w->timer, UNSHOWN_FRAME_MS);
}

static int open_window(struct wayland_output *w, const struct vdispl_wl_globals *g)
{
	bool ivi = w->ivi_id && g->ivi_application;

	if (!ivi && !g->wm_base) {
		vdispl_log(ERROR, w->base.tag, "the compositor has ivi-shell only, and no ivi-id "
			   "is configured for this connector: no window");
		return -EPROTONOSUPPORT;
	}
	if (!w->shell_logged) {
		w->shell_logged = true;
		if (ivi)
			vdispl_log(INFO, w->base.tag, "an ivi-shell surface, ivi-id %u", w->ivi_id);
		else if (w->ivi_id)
			vdispl_log(WARN, w->base.tag, "ivi-id %u: the compositor offers no "
				   "ivi_application%s; a window instead", w->ivi_id, IVI_BUILT);
	}
	w->surface = wl_compositor_create_surface(g->compositor);
	if (!w->surface)
		return -ENOMEM;
#ifdef VDISPL_HAVE_IVI
	if (ivi) {
		if (open_ivi_surface(w, g))
			goto err;
		return 0;
	}
#endif
	w->xdg_surface = xdg_wm_base_get_xdg_surface(g->wm_base, w->surface);
	if (!w->xdg_surface)
		goto err;
	xdg_surface_add_listener(w->xdg_surface, &xdg_surface_listener, w);
	w->toplevel = xdg_surface_get_toplevel(w->xdg_surface);
	if (!w->toplevel)
		goto err;
	xdg_toplevel_add_listener(w->toplevel, &toplevel_listener, w);
	xdg_toplevel_set_title(w->toplevel, w->title);
	xdg_toplevel_set_app_id(w->toplevel, "vdispl");
	/* The guest's resolution, not a size to negotiate. */
	xdg_toplevel_set_min_size(w->toplevel, (int32_t)w->base.width, (int32_t)w->base.height);
	xdg_toplevel_set_max_size(w->toplevel, (int32_t)w->base.width, (int32_t)w->base.height);
	/* Committed without a buffer: the compositor answers with a configure. */
	wl_surface_commit(w->surface);
	return 0;
err:
	close_window(w);
	return -ENOMEM;
}

static void drop_buffers(struct wayland_output *w)
{
	for (int i = 0; i < SLOTS; i++) {
		if (w->slots[i].buffer)
			wl_buffer_destroy(w->slots[i].buffer);
		w->slots[i].buffer = NULL;
		w->slots[i].busy = false;
	}
	if (w->pool)
		wl_shm_pool_destroy(w->pool);
	w->pool = NULL;
}

static int make_buffers(struct wayland_output *w, const struct vdispl_wl_globals *g)
{
	w->pool = wl_shm_create_pool(g->shm, w->memfd, (int32_t)(w->slot_size * SLOTS));
	if (!w->pool)
		return -ENOMEM;
	for (int i = 0; i < SLOTS; i++) {
		w->slots[i].buffer = wl_shm_pool_create_buffer(
			w->pool, (int32_t)(w->slot_size * (size_t)i), (int32_t)w->base.width,
			(int32_t)w->base.height, (int32_t)w->base.width * 4, WL_SHM_FORMAT_XRGB8888);
		if (!w->slots[i].buffer) {
			drop_buffers(w);
			return -ENOMEM;
		}
		wl_buffer_add_listener(w->slots[i].buffer, &buffer_listener, &w->slots[i]);
	}
	return 0;
}

/* Connected (again): buffers, and the window if the guest has a mode set. */
static void connection_up(struct vdispl_wl_user *user)
{
	struct wayland_output *w = vdispl_container_of(user, struct wayland_output, user);
	const struct vdispl_wl_globals *g = vdispl_wl_connection_globals(w->conn);
	int ret = make_buffers(w, g);

	if (!ret && w->enabled && !w->closed) {
		ret = open_window(w, g);
		/* An ivi surface needs no configure first: its picture goes now. */
		if (!ret)
			present(w);
	}
	if (ret)
		vdispl_log_errno(ERROR, w->base.tag, ret, "creating the window");
}

static void connection_down(struct vdispl_wl_user *user)
{
	struct wayland_output *w = vdispl_container_of(user, struct wayland_output, user);
	struct vdispl_wl_dmabuf *d;
	struct vdispl_list *pos, *tmp;

	close_window(w);
	drop_buffers(w);
	vdispl_list_for_each_item(d, struct vdispl_wl_dmabuf, link, &w->dmabufs, pos, tmp)
		vdispl_wl_dmabuf_drop(d, true);
}

/* A slot the compositor does not hold and that is not the latest picture. */
static int free_slot(struct wayland_output *w)
{
	for (int i = 0; i < SLOTS; i++)
		if (i != w->shown && !w->slots[i].busy)
			return i;
	return -1;
}

/* Copy @picture into a free slot: it is the latest from now on. */
static int take_picture(struct wayland_output *w, struct vdispl_picture *picture)
{
	int i = free_slot(w);
	struct vdispl_pixels dst = {
		.stride = w->base.width * 4,
		.width = w->base.width,
		.height = w->base.height,
		.fourcc = DRM_FORMAT_XRGB8888,
	};
	int ret;

	if (i < 0)
		return -EBUSY; /* the compositor holds every slot */
	dst.data = w->map + w->slot_size * (size_t)i;
	ret = vdispl_picture_copy(picture, &dst);
	if (ret)
		return ret;
	w->shown = i;
	w->latest = NULL;
	return 0;
}

/*
 * @picture is the latest from now on. One with a dma-buf is remembered as
 * it is: present() decides whether it goes as it is or copied, once the
 * compositor, if any, is known. Others are copied now.
 */
static int new_picture(struct wayland_output *w, struct vdispl_picture *picture)
{
	struct vdispl_wl_dmabuf *d;

	if (picture->dmabuf_fd < 0) {
		if (vdispl_wl_connection_globals(w->conn))
			log_shm(w, "the guest's buffer is not a dma-buf (the import strategy maps it)");
		return take_picture(w, picture);
	}
	d = find_dmabuf(w, picture->key);
	if (!d) {
		d = calloc(1, sizeof(*d));
		if (!d)
			return -ENOMEM;
		d->picture = *picture;
		d->width = w->base.width;
		d->height = w->base.height;
		d->answered = dmabuf_answered;
		d->data = w;
		vdispl_list_add(&w->dmabufs, &d->link);
	}
	/* Where it starts may change with each SET_CONFIG. */
	if (d->picture.x != picture->x || d->picture.y != picture->y) {
		vdispl_wl_dmabuf_drop(d, false);
		d->picture = *picture;
	}
	w->latest = d;
	w->shown = -1;
	return 0;
}

static int wayland_enable(struct vdispl_output *output, struct vdispl_picture *picture)
{
	struct wayland_output *w = wayland_output(output);
	const struct vdispl_wl_globals *g = vdispl_wl_connection_globals(w->conn);
	int ret = new_picture(w, picture);

	if (ret)
		return ret;
	w->enabled = true;
	w->closed = false;
	if (g && !w->surface) {
		ret = open_window(w, g);
		if (ret)
			vdispl_log_errno(ERROR, w->base.tag, ret, "creating the window");
	}
	present(w);
	vdispl_wl_connection_flush(w->conn);
	return 0;
}

static void wayland_disable(struct vdispl_output *output)
{
	struct wayland_output *w = wayland_output(output);

	w->enabled = false;
	close_window(w);
	vdispl_wl_connection_flush(w->conn);
}

static int wayland_flip(struct vdispl_output *output, struct vdispl_picture *picture)
{
	struct wayland_output *w = wayland_output(output);
	int ret;

	if (!w->enabled || w->flip_pending)
		return -EBUSY;
	ret = new_picture(w, picture);
	if (ret)
		return ret;
	/*
	 * done() must come from the loop, never from inside flip(). A window
	 * still waiting for its first configure shows the frame once it comes.
	 */
	ret = vdispl_loop_timer_arm(w->timer, w->surface ? FRAME_TIMEOUT_MS : UNSHOWN_FRAME_MS);
	if (ret)
		return ret;
	w->flip_pending = true;
	present(w);
	vdispl_wl_connection_flush(w->conn);
	return 0;
}

static void frame_timeout(void *data)
{
	struct wayland_output *w = data;

	if (w->flip_pending)
		w->base.unshown_flips++;
	flip_done(w);
}

/* The guest framebuffer goes away: so does the compositor's buffer made of it. */
static void wayland_forget(struct vdispl_output *output, uint64_t key)
{
	struct wayland_output *w = wayland_output(output);
	struct vdispl_wl_dmabuf *d = find_dmabuf(w, key);

	if (!d)
		return;
	free_dmabuf(w, d);
	vdispl_wl_connection_flush(w->conn);
}

static void wayland_destroy(struct vdispl_output *output)
{
	struct wayland_output *w = wayland_output(output);
	struct vdispl_wl_dmabuf *d;
	struct vdispl_list *pos, *tmp;

	vdispl_wl_connection_remove_user(w->conn, &w->user);
	close_window(w);
	drop_buffers(w);
	vdispl_list_for_each_item(d, struct vdispl_wl_dmabuf, link, &w->dmabufs, pos, tmp)
		free_dmabuf(w, d);
	vdispl_wl_connection_flush(w->conn);
	vdispl_wl_connection_put(w->conn);
	vdispl_loop_remove(w->timer);
	munmap(w->map, w->slot_size * SLOTS);
	close(w->memfd);
	free(w);
}

static const struct vdispl_output_impl wayland_impl = {
	.name = "wayland",
	.enable = wayland_enable,
	.disable = wayland_disable,
	.flip = wayland_flip,
	.forget = wayland_forget,
	.destroy = wayland_destroy,
};

int vdispl_wayland_output_create(const struct vdispl_output_params *params,
				 struct vdispl_output **out)
{
	struct wayland_output *w = calloc(1, sizeof(*w));
	int ret;

	if (!w)
		return -ENOMEM;
	vdispl_output_init(&w->base, &wayland_impl, params);
	w->ivi_id = params->config->ivi_id;
	snprintf(w->title, sizeof(w->title), "%s", params->title ? params->title : params->tag);
	w->shown = -1;
	vdispl_list_init(&w->dmabufs);
	w->slot_size = (size_t)params->width * params->height * 4;
	w->memfd = memfd_create("vdispl-wayland", MFD_CLOEXEC);
	if (w->memfd < 0) {
		ret = -errno;
		goto err_memfd;
	}
	if (ftruncate(w->memfd, (off_t)(w->slot_size * SLOTS))) {
		ret = -errno;
		goto err_map;
	}
	w->map = mmap(NULL, w->slot_size * SLOTS, PROT_READ | PROT_WRITE, MAP_SHARED, w->memfd, 0);
	if (w->map == MAP_FAILED) {
		ret = -errno;
		goto err_map;
	}
	w->timer = vdispl_loop_add_timer(params->loop, frame_timeout, w);
	if (!w->timer) {
		ret = -errno;
		goto err_timer;
	}
	w->conn = vdispl_wl_connection_get(params->loop, params->config->wayland_display);
	if (!w->conn) {
		ret = -errno;
		goto err_conn;
	}
	w->user.up = connection_up;
	w->user.down = connection_down;
	vdispl_wl_connection_add_user(w->conn, &w->user);
	vdispl_log(INFO, w->base.tag, "wayland %ux%u on %s, window \"%s\"", params->width,
		   params->height, vdispl_wl_connection_name(w->conn), w->title);
	*out = &w->base;
	return 0;

err_conn:
	vdispl_loop_remove(w->timer);
err_timer:
	munmap(w->map, w->slot_size * SLOTS);
err_map:
	close(w->memfd);
err_memfd:
	free(w);
	return ret;
}

uint64_t vdispl_wayland_output_presented(struct vdispl_output *output)
{
	struct wayland_output *w = wayland_output(output);

	return w ? w->presented : 0;
}
