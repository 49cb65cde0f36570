/* SPDX-License-Identifier: MIT */
/*
 * One connection to a Wayland compositor, shared by every output window on
 * that display: the wl_display on the backend's loop, the globals the
 * windows need (wl_compositor, wl_shm, a shell: xdg_wm_base or weston's
 * ivi_application, and wp_presentation and zwp_linux_dmabuf_v1 where
 * offered), and reconnection.
 *
 * The compositor may go away at any time (a crash, a restart). The
 * connection then tells its users (down), drops every proxy, and tries
 * again with a growing delay (100 ms doubling to 5 s); once connected it
 * tells them again (up), so windows come back by themselves. Guests are
 * served meanwhile: the outputs complete their flips on their own.
 */
#ifndef VDISPL_OUTPUT_WAYLAND_CONNECTION_H
#define VDISPL_OUTPUT_WAYLAND_CONNECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/list.h"
#include "common/loop.h"

struct wl_display;
struct wl_compositor;
struct wl_shm;
struct xdg_wm_base;
struct wp_presentation;
struct ivi_application;
struct zwp_linux_dmabuf_v1;

/* A pixel format and modifier the compositor takes as a dma-buf. */
struct vdispl_wl_dmabuf_format {
	uint32_t fourcc;
	uint64_t modifier;
};

struct vdispl_wl_connection;

/* Someone with proxies on the connection: told when it comes and goes. */
struct vdispl_wl_user {
	struct vdispl_list link;
	/* Connected (again): the globals are there; create proxies now. */
	void (*up)(struct vdispl_wl_user *user);
	/* Gone: destroy every proxy made on it, without sending anything. */
	void (*down)(struct vdispl_wl_user *user);
};

/* The globals, valid between up() and down(). */
struct vdispl_wl_globals {
	struct wl_display *display;
	struct wl_compositor *compositor;
	struct wl_shm *shm;
	struct xdg_wm_base *wm_base;		/* NULL: not offered (ivi-shell) */
	struct ivi_application *ivi_application; /* NULL: not offered, or built without */
	struct wp_presentation *presentation;	/* NULL: not offered */
	struct zwp_linux_dmabuf_v1 *linux_dmabuf; /* NULL: not offered */
	struct vdispl_wl_dmabuf_format *dmabuf_formats; /* what linux_dmabuf takes */
	size_t dmabuf_format_count;
};

/* True if the compositor takes dma-bufs of @fourcc with @modifier. */
bool vdispl_wl_globals_take_dmabuf(const struct vdispl_wl_globals *g, uint32_t fourcc,
				   uint64_t modifier);

/*
 * The connection to @name ("" for $WAYLAND_DISPLAY or "wayland-0"), shared:
 * a new one is made on first use and tries to connect at once. Returns it
 * with a reference taken, or NULL (no memory; errno set).
 */
struct vdispl_wl_connection *vdispl_wl_connection_get(struct vdispl_loop *loop, const char *name);

/* Drop a reference; the last one disconnects. */
void vdispl_wl_connection_put(struct vdispl_wl_connection *conn);

/* Tell @user about the connection from now on; up() runs at once if it is connected. */
void vdispl_wl_connection_add_user(struct vdispl_wl_connection *conn, struct vdispl_wl_user *user);
void vdispl_wl_connection_remove_user(struct vdispl_wl_connection *conn, struct vdispl_wl_user *user);

/* The globals while connected, else NULL. */
const struct vdispl_wl_globals *vdispl_wl_connection_globals(struct vdispl_wl_connection *conn);

/*
 * Send what was queued. A compositor that cannot keep up (its socket full)
 * gets the rest on the next round; a dead one starts the reconnection.
 */
void vdispl_wl_connection_flush(struct vdispl_wl_connection *conn);

/* "wayland-1": the display name, for logs. */
const char *vdispl_wl_connection_name(const struct vdispl_wl_connection *conn);

#endif
