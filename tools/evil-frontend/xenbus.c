// SPDX-License-Identifier: MIT
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/evil-frontend/report.h"
#include "tools/evil-frontend/ring.h"
#include "tools/evil-frontend/share.h"
#include "tools/evil-frontend/xenbus.h"

/* How often the waits below re-read the backend's state node. */
#define STATE_POLL_MS 50

/* Read @path (absolute, or relative to our domain's home). Returns 0 or -errno. */
static int read_node(struct evil_ctx *ctx, const char *path, char **value)
{
	unsigned int len;

	errno = 0;
	*value = xs_read(ctx->xs, XBT_NULL, path, &len);
	if (!*value)
		return errno ? -errno : -EIO;
	return 0;
}

/* Read and parse a decimal node, printing what failed. */
static int read_u32(struct evil_ctx *ctx, const char *path, uint32_t *out)
{
	char *value;
	int ret = read_node(ctx, path, &value);

	if (ret) {
		evil_setup_error("reading XenStore node", path, ret);
		return ret;
	}
	ret = vdispl_xs_parse_u32(value, out);
	if (ret) {
		fflush(stdout);
		fprintf(stderr, EVIL_PROG ": XenStore node %s: \"%.32s\" is not a number\n", path,
			value);
	}
	free(value);
	return ret;
}

static int write_node(struct evil_ctx *ctx, const char *path, const char *fmt, ...)
	EVIL_PRINTF(3, 4);

static int write_node(struct evil_ctx *ctx, const char *path, const char *fmt, ...)
{
	char value[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	if (!xs_write(ctx->xs, XBT_NULL, path, value, (unsigned int)strlen(value))) {
		int ret = errno ? -errno : -EIO;

		evil_setup_error("writing XenStore node", path, ret);
		return ret;
	}
	return 0;
}

static enum vdispl_xenbus_state read_state(struct evil_ctx *ctx, const char *dir)
{
	enum vdispl_xenbus_state state = VDISPL_XENBUS_UNKNOWN;
	char path[320];
	char *value;

	snprintf(path, sizeof(path), "%s/state", dir);
	if (read_node(ctx, path, &value) == 0) {
		if (vdispl_xs_parse_state(value, &state))
			state = VDISPL_XENBUS_UNKNOWN;
		free(value);
	}
	return state;
}

static int read_connectors(struct evil_ctx *ctx)
{
	char path[320];
	char *value;
	int ret;

	/* Read afresh on every open: a reconnect starts from what XenStore says now. */
	memset(ctx->conns, 0, sizeof(ctx->conns));
	ctx->num_conns = 0;
	for (uint32_t i = 0; i < EVIL_MAX_CONNECTORS; i++) {
		struct evil_conn *c = &ctx->conns[i];

		snprintf(path, sizeof(path), "%s/%u/" XENDISPL_FIELD_RESOLUTION, ctx->fe_path, i);
		ret = read_node(ctx, path, &value);
		if (ret == -ENOENT)
			break;
		if (ret) {
			evil_setup_error("reading XenStore node", path, ret);
			return ret;
		}
		ret = vdispl_xs_parse_resolution(value, &c->width, &c->height);
		if (ret) {
			fflush(stdout);
			fprintf(stderr, EVIL_PROG ": XenStore node %s: bad resolution \"%.32s\"\n",
				path, value);
			free(value);
			return ret;
		}
		free(value);
		c->index = i;
		c->req_port = -1;
		c->evt_port = -1;
		ctx->num_conns++;

		snprintf(path, sizeof(path), "%s/%u/" XENDISPL_FIELD_UNIQUE_ID, ctx->fe_path, i);
		if (read_node(ctx, path, &value) == 0) {
			evil_comment("connector %u: %ux%u, unique-id \"%.64s\"", i, c->width,
				     c->height, value);
			free(value);
		} else {
			evil_comment("connector %u: %ux%u, no unique-id", i, c->width, c->height);
		}
	}
	if (!ctx->num_conns) {
		snprintf(path, sizeof(path), "%s/0/" XENDISPL_FIELD_RESOLUTION, ctx->fe_path);
		evil_setup_error("finding connectors", path, -ENOENT);
		return -ENOENT;
	}
	return 0;
}

int evil_xenbus_open(struct evil_ctx *ctx)
{
	char path[320];
	char *value;
	int ret;

	/* In a guest, libxenstore talks to xenstored through /dev/xen/xenbus. */
	ctx->xs = xs_open(0);
	if (!ctx->xs) {
		ret = errno ? -errno : -EIO;
		evil_setup_error("opening XenStore (xs_open)", "/dev/xen/xenbus", ret);
		return ret;
	}
	/* A relative path is read from our own /local/domain/<domid>. */
	ret = read_u32(ctx, "domid", &ctx->domid);
	if (ret)
		return ret;
	snprintf(ctx->fe_path, sizeof(ctx->fe_path), "/local/domain/%u/device/vdispl/%u",
		 ctx->domid, ctx->devid);

	snprintf(path, sizeof(path), "%s/backend", ctx->fe_path);
	ret = read_node(ctx, path, &value);
	if (ret) {
		evil_setup_error(ret == -ENOENT ? "finding the vdispl device (is one configured "
						  "for this guest?)"
						: "reading XenStore node",
				 path, ret);
		return ret;
	}
	if (strlen(value) >= sizeof(ctx->be_path) || value[0] != '/') {
		fflush(stdout);
		fprintf(stderr, EVIL_PROG ": XenStore node %s: unusable backend path \"%.64s\"\n",
			path, value);
		free(value);
		return -EINVAL;
	}
	strcpy(ctx->be_path, value);
	free(value);

	snprintf(path, sizeof(path), "%s/backend-id", ctx->fe_path);
	ret = read_u32(ctx, path, &ctx->backend_id);
	if (ret)
		return ret;

	snprintf(path, sizeof(path), "%s/" XENDISPL_FIELD_BE_ALLOC, ctx->fe_path);
	/* Optional: missing means the backend may not allocate (value stays NULL). */
	ret = read_node(ctx, path, &value);
	if (ret && ret != -ENOENT) {
		evil_setup_error("reading XenStore node", path, ret);
		return ret;
	}
	ret = vdispl_xs_parse_be_alloc(value, &ctx->be_alloc);
	free(value);
	if (ret) {
		fflush(stdout);
		fprintf(stderr, EVIL_PROG ": XenStore node %s: bad value\n", path);
		return ret;
	}

	evil_comment("domid %u, device %s", ctx->domid, ctx->fe_path);
	evil_comment("backend %s in domain %u, be-alloc %d", ctx->be_path, ctx->backend_id,
		     ctx->be_alloc);
	return read_connectors(ctx);
}

int evil_xenbus_write_state(struct evil_ctx *ctx, enum vdispl_xenbus_state state)
{
	char path[160];
	int ret;

	snprintf(path, sizeof(path), "%s/state", ctx->fe_path);
	ret = write_node(ctx, path, "%d", (int)state);
	if (ret)
		return ret;
	ctx->fe_state = state;
	evil_comment("our state: %s (%d)", vdispl_xenbus_state_name(state), (int)state);
	return 0;
}

int evil_xenbus_wait_backend(struct evil_ctx *ctx, unsigned int want, unsigned int give_up,
			     int timeout_ms, enum vdispl_xenbus_state *seen)
{
	int64_t deadline = evil_now_ms() + timeout_ms;

	for (;;) {
		*seen = read_state(ctx, ctx->be_path);
		if (want & EVIL_STATE(*seen))
			return 0;
		if (give_up & EVIL_STATE(*seen))
			return -ECONNABORTED;
		if (evil_stop)
			return -EINTR;
		if (evil_now_ms() >= deadline)
			return -ETIMEDOUT;
		/* Polling, not a watch: fewer moving parts in a test tool. */
		poll(NULL, 0, STATE_POLL_MS);
	}
}

#define WATCH_TOKEN "evil-backend-state"

/* Take every pending watch event. Returns how many, or a negative errno. */
static int drain_watches(struct evil_ctx *ctx)
{
	char **vec;
	int n = 0;

	for (;;) {
		errno = 0;
		vec = xs_check_watch(ctx->xs);
		if (!vec)
			return errno == EAGAIN || errno == 0 ? n : -errno;
		free(vec);
		n++;
	}
}

/* Poll XenStore's watch fd for up to @timeout_ms, then drain it. */
static int wait_watches(struct evil_ctx *ctx, int timeout_ms)
{
	struct pollfd pfd = { .fd = xs_fileno(ctx->xs), .events = POLLIN };

	if (pfd.fd < 0)
		return -EIO;
	if (poll(&pfd, 1, timeout_ms) < 0 && errno != EINTR)
		return -errno;
	return drain_watches(ctx);
}

int evil_xenbus_watch_start(struct evil_ctx *ctx, struct evil_state_trail *trail)
{
	int64_t deadline = evil_now_ms() + 1000;
	char path[320];
	int n = 0;

	memset(trail, 0, sizeof(*trail));
	snprintf(path, sizeof(path), "%s/state", ctx->be_path);
	if (!xs_watch(ctx->xs, path, WATCH_TOKEN)) {
		int ret = errno ? -errno : -EIO;

		evil_comment("cannot watch %s (%s): polling it instead", path, strerror(-ret));
		return ret;
	}
	trail->watching = true;
	/* The event every new watch fires once, before anything changed. */
	while (n == 0 && evil_now_ms() < deadline && !evil_stop) {
		n = wait_watches(ctx, (int)(deadline - evil_now_ms()));
		if (n < 0) {
			evil_comment("reading XenStore watches: %s: polling instead", strerror(-n));
			trail->watching = false;
			return n;
		}
	}
	if (n == 0)
		evil_comment("the watch on %s did not fire when set", path);
	return 0;
}

int evil_xenbus_watch_wait(struct evil_ctx *ctx, unsigned int want, int timeout_ms,
			   struct evil_state_trail *trail, enum vdispl_xenbus_state *seen)
{
	int64_t deadline = evil_now_ms() + timeout_ms;

	for (;;) {
		int64_t left;
		int n;

		*seen = read_state(ctx, ctx->be_path);
		if (want & EVIL_STATE(*seen))
			return 0;
		if (evil_stop)
			return -EINTR;
		left = deadline - evil_now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		if (!trail->watching) {
			poll(NULL, 0, STATE_POLL_MS);
			continue;
		}
		/* Re-read at least every STATE_POLL_MS even if no event comes. */
		n = wait_watches(ctx, left < STATE_POLL_MS ? (int)left : STATE_POLL_MS);
		if (n < 0) {
			evil_comment("reading XenStore watches: %s: polling instead", strerror(-n));
			trail->watching = false;
			continue;
		}
		if (n == 0)
			continue;
		trail->writes += (unsigned int)n;
		*seen = read_state(ctx, ctx->be_path);
		if (trail->count < EVIL_TRAIL_MAX)
			trail->states[trail->count++] = *seen;
		if (want & EVIL_STATE(*seen))
			return 0;
	}
}

void evil_xenbus_watch_stop(struct evil_ctx *ctx, struct evil_state_trail *trail)
{
	char path[320];

	if (!trail->watching)
		return;
	snprintf(path, sizeof(path), "%s/state", ctx->be_path);
	xs_unwatch(ctx->xs, path, WATCH_TOKEN);
	trail->watching = false;
}

/* Say why a wait for the backend ended, and what its "error" node holds. */
static void backend_wait_failed(struct evil_ctx *ctx, const char *step, int ret,
				enum vdispl_xenbus_state seen)
{
	char path[320];
	char *value;

	snprintf(path, sizeof(path), "%s/state", ctx->be_path);
	evil_setup_error(step, path, ret);
	fprintf(stderr, EVIL_PROG ": backend state is %s (%d)%s\n", vdispl_xenbus_state_name(seen),
		(int)seen,
		seen == VDISPL_XENBUS_UNKNOWN ? ": node missing; is vdispl-backend running?" : "");
	snprintf(path, sizeof(path), "%s/error", ctx->be_path);
	if (read_node(ctx, path, &value) == 0) {
		fprintf(stderr, EVIL_PROG ": backend error node %s: \"%.200s\"\n", path, value);
		free(value);
	}
}

static int publish_connector(struct evil_ctx *ctx, const struct evil_conn *c)
{
	char path[320];
	int ret;

	snprintf(path, sizeof(path), "%s/%u/" XENDISPL_FIELD_REQ_RING_REF, ctx->fe_path, c->index);
	ret = write_node(ctx, path, "%u", c->req_share->refs[0]);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/%u/" XENDISPL_FIELD_REQ_CHANNEL, ctx->fe_path, c->index);
	ret = write_node(ctx, path, "%d", c->req_port);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/%u/" XENDISPL_FIELD_EVT_RING_REF, ctx->fe_path, c->index);
	ret = write_node(ctx, path, "%u", c->evt_share->refs[0]);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/%u/" XENDISPL_FIELD_EVT_CHANNEL, ctx->fe_path, c->index);
	ret = write_node(ctx, path, "%d", c->evt_port);
	if (ret)
		return ret;
	evil_comment("connector %u: req-ring-ref %u req-event-channel %d evt-ring-ref %u "
		     "evt-event-channel %d",
		     c->index, c->req_share->refs[0], c->req_port, c->evt_share->refs[0],
		     c->evt_port);
	return 0;
}

int evil_xenbus_connect(struct evil_ctx *ctx)
{
	enum vdispl_xenbus_state seen;
	int ret;

	/*
	 * Initialising even if the node already says so: every write fires
	 * the backend's watch, and a backend left Closed or Connected by an
	 * earlier run then offers a fresh InitWait.
	 */
	ret = evil_xenbus_write_state(ctx, VDISPL_XENBUS_INITIALISING);
	if (ret)
		return ret;
	evil_comment("waiting up to %d s for the backend's InitWait",
		     EVIL_HANDSHAKE_TIMEOUT_MS / 1000);
	ret = evil_xenbus_wait_backend(ctx, EVIL_STATE(VDISPL_XENBUS_INITWAIT), 0,
				       EVIL_HANDSHAKE_TIMEOUT_MS, &seen);
	if (ret) {
		backend_wait_failed(ctx, "waiting for backend InitWait", ret, seen);
		return ret;
	}
	evil_comment("backend is InitWait");

	for (uint32_t i = 0; i < ctx->num_conns; i++) {
		ret = evil_conn_setup(ctx, &ctx->conns[i]);
		if (!ret)
			ret = publish_connector(ctx, &ctx->conns[i]);
		if (ret)
			return ret;
	}
	ret = evil_xenbus_write_state(ctx, VDISPL_XENBUS_INITIALISED);
	if (ret)
		return ret;
	evil_comment("waiting up to %d s for the backend's Connected",
		     EVIL_HANDSHAKE_TIMEOUT_MS / 1000);
	ret = evil_xenbus_wait_backend(ctx, EVIL_STATE(VDISPL_XENBUS_CONNECTED),
				       EVIL_STATE(VDISPL_XENBUS_CLOSING) |
					       EVIL_STATE(VDISPL_XENBUS_CLOSED),
				       EVIL_HANDSHAKE_TIMEOUT_MS, &seen);
	if (ret) {
		backend_wait_failed(ctx, "waiting for backend Connected", ret, seen);
		return ret;
	}
	evil_comment("backend is Connected");
	return evil_xenbus_write_state(ctx, VDISPL_XENBUS_CONNECTED);
}

int evil_xenbus_write_own(struct evil_ctx *ctx, const char *node, const char *value)
{
	char path[320];

	snprintf(path, sizeof(path), "%s/%s", ctx->fe_path, node);
	if (!xs_write(ctx->xs, XBT_NULL, path, value, (unsigned int)strlen(value))) {
		int ret = errno ? -errno : -EIO;

		if (ret != -EACCES)
			evil_setup_error("writing XenStore node", path, ret);
		return ret;
	}
	return 0;
}

int evil_xenbus_remove_own(struct evil_ctx *ctx, const char *node)
{
	char path[320];

	snprintf(path, sizeof(path), "%s/%s", ctx->fe_path, node);
	return xs_rm(ctx->xs, XBT_NULL, path) ? 0 : (errno ? -errno : -EIO);
}

char *evil_xenbus_read_backend(struct evil_ctx *ctx, const char *node)
{
	char path[320];
	char *value;

	snprintf(path, sizeof(path), "%s/%s", ctx->be_path, node);
	return read_node(ctx, path, &value) ? NULL : value;
}

void evil_xenbus_release(struct evil_ctx *ctx)
{
	evil_xenbus_close(ctx);
	if (ctx->xce) {
		for (uint32_t i = 0; i < ctx->num_conns; i++)
			evil_conn_finish(ctx, &ctx->conns[i]);
	}
	if (ctx->xgs)
		evil_unshare_all(ctx);
}

void evil_xenbus_close(struct evil_ctx *ctx)
{
	enum vdispl_xenbus_state seen;
	int ret;

	if (!ctx->xs)
		return;
	if (ctx->fe_state == VDISPL_XENBUS_INITIALISED ||
	    ctx->fe_state == VDISPL_XENBUS_CONNECTED) {
		/*
		 * The backend unmaps our pages when it sees Closing and says
		 * so with its own Closing; only then do we unshare them.
		 * A first signal got us here: wait anyway, a second one
		 * cuts the wait short.
		 */
		evil_stop = 0;
		if (evil_xenbus_write_state(ctx, VDISPL_XENBUS_CLOSING) == 0) {
			ret = evil_xenbus_wait_backend(ctx,
						       EVIL_STATE(VDISPL_XENBUS_CLOSING) |
							       EVIL_STATE(VDISPL_XENBUS_CLOSED),
						       0, EVIL_CLOSE_TIMEOUT_MS, &seen);
			if (ret)
				evil_comment(
					"backend did not close (%s, state %s): unsharing anyway",
					strerror(-ret), vdispl_xenbus_state_name(seen));
		}
	}
	if (ctx->fe_state == VDISPL_XENBUS_CLOSING)
		evil_xenbus_write_state(ctx, VDISPL_XENBUS_CLOSED);
	xs_close(ctx->xs);
	ctx->xs = NULL;
}
