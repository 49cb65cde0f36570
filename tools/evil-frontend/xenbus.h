/* SPDX-License-Identifier: MIT */
/*
 * The frontend half of the xenbus handshake, done by hand through the
 * guest's /dev/xen/xenbus: what drm_xen_front does in the kernel.
 *
 *   frontend                          backend
 *   Initialising (1)                  InitWait (2)
 *   rings and channels published,
 *   Initialised (3)          ---->    maps them, Connected (4)
 *   Connected (4)
 *   Closing (5)              ---->    unmaps, Closing (5)
 *   Closed (6)               ---->    Closed (6)
 */
#ifndef VDISPL_EVIL_XENBUS_H
#define VDISPL_EVIL_XENBUS_H

#include "tools/evil-frontend/evil.h"

/* A mask of xenbus states for the waits below. */
#define EVIL_STATE(s) (1u << (s))

/*
 * Open XenStore and read everything the toolstack wrote: our domid, the
 * device's backend path and domain, be-alloc, and each connector's
 * resolution (connectors are numbered from 0 without gaps, as the backend
 * reads them). ctx->devid must be set. Returns 0 or a negative errno after
 * printing the step and node that failed.
 */
int evil_xenbus_open(struct evil_ctx *ctx);

/*
 * The handshake up to both sides Connected, with every wait bounded by
 * EVIL_HANDSHAKE_TIMEOUT_MS. Opens nothing: the event channel and
 * gntalloc handles must be open. Returns 0 or a negative errno after
 * printing the failed step.
 */
int evil_xenbus_connect(struct evil_ctx *ctx);

/* Write our state node. Returns 0 or a negative errno (printed). */
int evil_xenbus_write_state(struct evil_ctx *ctx, enum vdispl_xenbus_state state);

/*
 * Wait up to @timeout_ms for the backend's state node to hold a state in
 * @want (EVIL_STATE bits). A state in @give_up ends the wait early with
 * -ECONNABORTED. *seen receives the last state read (UNKNOWN if the node
 * was missing or unreadable). Returns 0, -ETIMEDOUT, -ECONNABORTED or
 * -EINTR; prints nothing.
 */
int evil_xenbus_wait_backend(struct evil_ctx *ctx, unsigned int want, unsigned int give_up,
			     int timeout_ms, enum vdispl_xenbus_state *seen);

/*
 * What the backend's state node did while we watched it. A watch fires on
 * every write, so a state the backend wrote and overwrote before we could
 * read it still counts as a write, though only the value read back after
 * it is known.
 */
#define EVIL_TRAIL_MAX 16

struct evil_state_trail {
	unsigned int writes; /* watch events since evil_xenbus_watch_start() */
	unsigned int count;  /* entries in @states */
	enum vdispl_xenbus_state states[EVIL_TRAIL_MAX]; /* read back after events */
	bool watching; /* false: the watch failed, the node was only polled */
};

/*
 * Watch the backend's state node and swallow the event XenStore fires when
 * a watch is set (waiting up to 1 s for it), so that later events are the
 * backend's own writes. Returns 0 or a negative errno (printed as a comment:
 * the caller can go on polling).
 */
int evil_xenbus_watch_start(struct evil_ctx *ctx, struct evil_state_trail *trail);

/*
 * Like evil_xenbus_wait_backend() without a give-up set, recording into
 * @trail every state read back after a watch event.
 */
int evil_xenbus_watch_wait(struct evil_ctx *ctx, unsigned int want, int timeout_ms,
			   struct evil_state_trail *trail, enum vdispl_xenbus_state *seen);

/* Remove the watch (if it was set). */
void evil_xenbus_watch_stop(struct evil_ctx *ctx, struct evil_state_trail *trail);

/*
 * Write @value (as it is) into our own node @node (relative to our
 * directory). Returns 0 or a negative errno; -EACCES (a node the toolstack
 * keeps read-only for us) is not printed.
 */
int evil_xenbus_write_own(struct evil_ctx *ctx, const char *node, const char *value);

/* Remove our own node @node and what is below it. Returns 0 or a negative errno. */
int evil_xenbus_remove_own(struct evil_ctx *ctx, const char *node);

/* The backend's node @node (relative to its directory), to free(); NULL if none. */
char *evil_xenbus_read_backend(struct evil_ctx *ctx, const char *node);

/*
 * A disconnect, from any point: close our side in XenStore (so the backend
 * unmaps), unbind every port, unshare every page. The event channel and
 * gntalloc handles stay open; evil_xenbus_open() and _connect() start over.
 */
void evil_xenbus_release(struct evil_ctx *ctx);

/*
 * The orderly end, if we got as far as Initialised and have not closed
 * yet: Closing, wait (bounded) for the backend to unmap and answer Closing,
 * then Closed. Then close XenStore.
 */
void evil_xenbus_close(struct evil_ctx *ctx);

#endif
