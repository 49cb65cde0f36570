// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include <wayland-client.h>

#include "backend/output/wayland/wl-connection.h"
#include "linux-dmabuf-unstable-v1-client-protocol.h" /* generated */
#include "presentation-time-client-protocol.h" /* generated */
#include "xdg-shell-client-protocol.h" /* generated: in the build folder */
#ifdef VDISPL_HAVE_IVI
#include "ivi-application-client-protocol.h" /* generated */
#endif
#include "common/log.h"

#define RETRY_FIRST_MS 100
#define RETRY_MAX_MS 5000
/* Version 3 is the last to list formats and modifiers as events (4 has a feedback table). */
#define LINUX_DMABUF_VERSION 3
/* More (format, modifier) pairs than any compositor offers; the rest are ignored. */
#define DMABUF_FORMATS_MAX 1024

struct vdispl_wl_connection {
	struct vdispl_list link; /* in connections */
	unsigned int refs;
	char name[128];
	char tag[140];
	struct vdispl_loop *loop;
	struct vdispl_wl_globals globals; /* display NULL: not connected */
	struct wl_registry *registry;
	struct vdispl_loop_source *fd_source;
	struct vdispl_loop_source *retry;
	uint32_t retry_ms;
	bool was_up;	      /* for the log: lost, or never reached */
	/*
	 * Inside wl_display_dispatch(): handlers may send (a flip done starts
	 * the next), and a flush that finds the compositor gone must not free
	 * the display under the dispatch; it leaves the error here instead.
	 */
	bool dispatching;
	int lost_err;
	struct vdispl_list users; /* struct vdispl_wl_user.link */
};

/* Every output on one display shares its connection. */
static struct vdispl_list connections = { &connections, &connections };

static void xdg_wm_base_ping(void *data, struct xdg_wm_base *wm_base, uint32_t serial)
{
	xdg_wm_base_pong(wm_base, serial);
}

static const struct xdg_wm_base_listener wm_base_listener = {
	.ping = xdg_wm_base_ping,
};

/* Version 1 and 2's list: formats without modifiers. We need LINEAR said outright. */
static void dmabuf_format(void *data, struct zwp_linux_dmabuf_v1 *dmabuf, uint32_t fourcc)
{
}

static void dmabuf_modifier(void *data, struct zwp_linux_dmabuf_v1 *dmabuf, uint32_t fourcc,
			    uint32_t modifier_hi, uint32_t modifier_lo)
{
	struct vdispl_wl_globals *g = data;
	struct vdispl_wl_dmabuf_format *formats;

	if (g->dmabuf_format_count >= DMABUF_FORMATS_MAX)
		return;
	formats = realloc(g->dmabuf_formats, (g->dmabuf_format_count + 1) * sizeof(*formats));
	if (!formats)
		return; /* a format less: its buffers go through wl_shm */
	formats[g->dmabuf_format_count].fourcc = fourcc;
	formats[g->dmabuf_format_count].modifier = (uint64_t)modifier_hi << 32 | modifier_lo;
	g->dmabuf_formats = formats;
	g->dmabuf_format_count++;
}

static const struct zwp_linux_dmabuf_v1_listener dmabuf_listener = {
	.format = dmabuf_format,
	.modifier = dmabuf_modifier,
};

bool vdispl_wl_globals_take_dmabuf(const struct vdispl_wl_globals *g, uint32_t fourcc,
				   uint64_t modifier)
{
	for (size_t i = 0; g->linux_dmabuf && i < g->dmabuf_format_count; i++)
		if (g->dmabuf_formats[i].fourcc == fourcc && g->dmabuf_formats[i].modifier == modifier)
			return true;
	return false;
}

static void registry_global(void *data, struct wl_registry *registry, uint32_t name,
			    const char *interface, uint32_t version)
{
	struct vdispl_wl_globals *g = data;

	if (!strcmp(interface, wl_compositor_interface.name) && !g->compositor) {
		g->compositor = wl_registry_bind(registry, name, &wl_compositor_interface, 1);
	} else if (!strcmp(interface, wl_shm_interface.name) && !g->shm) {
		g->shm = wl_registry_bind(registry, name, &wl_shm_interface, 1);
	} else if (!strcmp(interface, xdg_wm_base_interface.name) && !g->wm_base) {
		g->wm_base = wl_registry_bind(registry, name, &xdg_wm_base_interface, 1);
		xdg_wm_base_add_listener(g->wm_base, &wm_base_listener, NULL);
	} else if (!strcmp(interface, wp_presentation_interface.name) && !g->presentation) {
		g->presentation = wl_registry_bind(registry, name, &wp_presentation_interface, 1);
	} else if (!strcmp(interface, zwp_linux_dmabuf_v1_interface.name) && !g->linux_dmabuf &&
		   version >= LINUX_DMABUF_VERSION) {
		g->linux_dmabuf = wl_registry_bind(registry, name, &zwp_linux_dmabuf_v1_interface,
						   LINUX_DMABUF_VERSION);
		if (g->linux_dmabuf)
			zwp_linux_dmabuf_v1_add_listener(g->linux_dmabuf, &dmabuf_listener, g);
#ifdef VDISPL_HAVE_IVI
	} else if (!strcmp(interface, ivi_application_interface.name) && !g->ivi_application) {
		g->ivi_application =
			wl_registry_bind(registry, name, &ivi_application_interface, 1);
#endif
	}
}

static void registry_global_remove(void *data, struct wl_registry *registry, uint32_t name)
{
}

static const struct wl_registry_listener registry_listener = {
	.global = registry_global,
	.global_remove = registry_global_remove,
};

static void drop_proxies(struct vdispl_wl_connection *conn)
{
	struct vdispl_wl_globals *g = &conn->globals;

	if (g->presentation)
		wp_presentation_destroy(g->presentation);
	if (g->linux_dmabuf)
		zwp_linux_dmabuf_v1_destroy(g->linux_dmabuf);
	free(g->dmabuf_formats);
	if (g->wm_base)
		xdg_wm_base_destroy(g->wm_base);
#ifdef VDISPL_HAVE_IVI
	if (g->ivi_application)
		ivi_application_destroy(g->ivi_application);
#endif
	if (g->shm)
		wl_shm_destroy(g->shm);
	if (g->compositor)
		wl_compositor_destroy(g->compositor);
	if (conn->registry)
		wl_registry_destroy(conn->registry);
	conn->registry = NULL;
	if (conn->fd_source)
		vdispl_loop_remove(conn->fd_source);
	conn->fd_source = NULL;
	if (g->display)
		wl_display_disconnect(g->display);
	memset(g, 0, sizeof(*g));
}

static void schedule_retry(struct vdispl_wl_connection *conn)
{
	if (vdispl_loop_timer_arm(conn->retry, conn->retry_ms))
		vdispl_log(ERROR, conn->tag, "cannot arm the reconnection timer");
	conn->retry_ms = conn->retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : conn->retry_ms * 2;
}

/* The compositor is gone: users first, while their proxies' display lives. */
static void lost(struct vdispl_wl_connection *conn, int err)
{
	struct vdispl_list *pos, *tmp;
	struct vdispl_wl_user *user;

	vdispl_log_errno(WARN, conn->tag, err, "the compositor went away; reconnecting");
	vdispl_list_for_each_item(user, struct vdispl_wl_user, link, &conn->users, pos, tmp)
		user->down(user);
	drop_proxies(conn);
	conn->lost_err = 0;
	conn->retry_ms = RETRY_FIRST_MS;
	schedule_retry(conn);
}

static void readable(void *data, uint32_t events)
{
	struct vdispl_wl_connection *conn = data;
	int ret;

	conn->dispatching = true;
	conn->lost_err = 0;
	ret = wl_display_dispatch(conn->globals.display) < 0 ? -errno : conn->lost_err;
	conn->dispatching = false;
	if (ret) {
		lost(conn, ret);
		return;
	}
	if (events & (EPOLLHUP | EPOLLERR)) {
		lost(conn, -EPIPE);
		return;
	}
	vdispl_wl_connection_flush(conn);
}

static int try_connect(struct vdispl_wl_connection *conn)
{
	struct vdispl_wl_globals *g = &conn->globals;
	struct vdispl_list *pos, *tmp;
	struct vdispl_wl_user *user;

	g->display = wl_display_connect(*conn->name ? conn->name : NULL);
	if (!g->display)
		return -errno ? -errno : -ECONNREFUSED;
	conn->registry = wl_display_get_registry(g->display);
	if (!conn->registry)
		goto err;
	wl_registry_add_listener(conn->registry, &registry_listener, g);
	/*
	 * A round trip blocks the loop, but only on a compositor that answers:
	 * it runs right after the connect, and Dom0's compositor is trusted.
	 */
	if (wl_display_roundtrip(g->display) < 0)
		goto err;
	/* A second for what the globals bound in the first say: linux_dmabuf's formats. */
	if (g->linux_dmabuf && wl_display_roundtrip(g->display) < 0)
		goto err;
	if (!g->compositor || !g->shm || (!g->wm_base && !g->ivi_application)) {
		vdispl_log(ERROR, conn->tag, "the compositor lacks %s: no windows there",
			   !g->compositor ? "wl_compositor"
			   : !g->shm      ? "wl_shm"
					  : "a shell (xdg_wm_base, or ivi_application where built with it)");
		errno = EPROTONOSUPPORT;
		goto err;
	}
	conn->fd_source = vdispl_loop_add_fd(conn->loop, wl_display_get_fd(g->display), EPOLLIN,
					     readable, conn);
	if (!conn->fd_source)
		goto err;
	vdispl_log(INFO, conn->tag, "connected to the compositor%s",
		   g->ivi_application ? " (ivi-shell)" : "");
	if (g->linux_dmabuf)
		vdispl_log(INFO, conn->tag, "the compositor offers zwp_linux_dmabuf_v1 with %zu "
			   "formats and modifiers", g->dmabuf_format_count);
	conn->was_up = true;
	conn->retry_ms = RETRY_FIRST_MS;
	vdispl_list_for_each_item(user, struct vdispl_wl_user, link, &conn->users, pos, tmp)
		user->up(user);
	vdispl_wl_connection_flush(conn);
	return 0;
err:
	{
		int ret = errno ? -errno : -EPROTO;

		drop_proxies(conn);
		return ret;
	}
}

static void retry(void *data)
{
	struct vdispl_wl_connection *conn = data;
	uint32_t delay = conn->retry_ms;
	int ret = try_connect(conn);

	if (!ret)
		return;
	/* Said once per outage at info, then quietly until it works. */
	if (delay == RETRY_FIRST_MS)
		vdispl_log_errno(INFO, conn->tag, ret, "no compositor yet; trying again, up to "
			      "every %d s", RETRY_MAX_MS / 1000);
	schedule_retry(conn);
}

struct vdispl_wl_connection *vdispl_wl_connection_get(struct vdispl_loop *loop, const char *name)
{
	struct vdispl_wl_connection *conn;
	struct vdispl_list *pos, *tmp;

	vdispl_list_for_each_item(conn, struct vdispl_wl_connection, link, &connections, pos, tmp) {
		if (conn->loop == loop && !strcmp(conn->name, name)) {
			conn->refs++;
			return conn;
		}
	}
	conn = calloc(1, sizeof(*conn));
	if (!conn)
		return NULL;
	snprintf(conn->name, sizeof(conn->name), "%s", name);
	snprintf(conn->tag, sizeof(conn->tag), "wayland:%s",
		 *name ? name : getenv("WAYLAND_DISPLAY") ? getenv("WAYLAND_DISPLAY") : "wayland-0");
	conn->loop = loop;
	conn->refs = 1;
	vdispl_list_init(&conn->users);
	conn->retry = vdispl_loop_add_timer(loop, retry, conn);
	if (!conn->retry) {
		free(conn);
		return NULL;
	}
	vdispl_list_add(&connections, &conn->link);
	conn->retry_ms = RETRY_FIRST_MS;
	retry(conn);
	return conn;
}

void vdispl_wl_connection_put(struct vdispl_wl_connection *conn)
{
	if (!conn || --conn->refs)
		return;
	vdispl_list_del(&conn->link);
	drop_proxies(conn);
	vdispl_loop_remove(conn->retry);
	free(conn);
}

void vdispl_wl_connection_add_user(struct vdispl_wl_connection *conn, struct vdispl_wl_user *user)
{
	vdispl_list_add(&conn->users, &user->link);
	if (conn->globals.display) {
		user->up(user);
		vdispl_wl_connection_flush(conn);
	}
}

void vdispl_wl_connection_remove_user(struct vdispl_wl_connection *conn,
				      struct vdispl_wl_user *user)
{
	vdispl_list_del(&user->link);
}

const struct vdispl_wl_globals *vdispl_wl_connection_globals(struct vdispl_wl_connection *conn)
{
	return conn->globals.display ? &conn->globals : NULL;
}

void vdispl_wl_connection_flush(struct vdispl_wl_connection *conn)
{
	if (!conn->globals.display || conn->lost_err)
		return;
	if (wl_display_flush(conn->globals.display) < 0 && errno != EAGAIN) {
		if (conn->dispatching)
			conn->lost_err = errno ? -errno : -EPIPE;
		else
			lost(conn, -errno);
	}
}

const char *vdispl_wl_connection_name(const struct vdispl_wl_connection *conn)
{
	return conn->tag;
}
