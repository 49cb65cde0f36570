/* SPDX-License-Identifier: MIT */
/*
 * One connector's request ring and event page, from the frontend's side:
 * requests go out one at a time and we wait for the response with the same
 * id; page-flip events are taken off the event page as the backend produces
 * them. All waits poll the one event channel fd and are bounded.
 */
#ifndef VDISPL_EVIL_RING_H
#define VDISPL_EVIL_RING_H

#include "tools/evil-frontend/evil.h"

/*
 * Share the connector's request ring page and event page with the backend,
 * initialise the ring (SHARED_RING_INIT + FRONT_RING_INIT) and allocate its
 * two unbound event channels for the backend domain. Returns 0 or a
 * negative errno after printing the failed step.
 */
int evil_conn_setup(struct evil_ctx *ctx, struct evil_conn *c);

/* Unbind the connector's event channels (its pages go with evil_unshare_all()). */
void evil_conn_finish(struct evil_ctx *ctx, struct evil_conn *c);

/*
 * Put a copy of @req (all 64 octets: the slot keeps nothing of its last
 * use) with a fresh id on @c's ring, push it, notify the backend if the ring
 * says so, and wait up to @timeout_ms for the response with that id;
 * responses with other ids are reported and dropped. *id receives the id used.
 *
 * Returns 0 with *resp filled, -ETIMEDOUT, -EINTR (signal), -EBUSY (ring
 * full: earlier requests were never answered), -EPROTO (the backend
 * published more responses than the ring holds), or another negative errno
 * from the event channel device.
 */
int evil_ring_call(struct evil_ctx *ctx, struct evil_conn *c, const struct xendispl_req *req,
		   uint16_t *id, struct xendispl_resp *resp, int timeout_ms);

/*
 * One request that must succeed: 0, or the error (a negative errno, or the
 * response's non-zero status), printed on stderr as "@what: status".
 */
int evil_ring_call_ok(struct evil_ctx *ctx, struct evil_conn *c, const struct xendispl_req *req,
		      const char *what);

/*
 * Take the next event off @c's event page, waiting up to @timeout_ms.
 * Returns 0 with *evt filled (a private copy) and in_cons advanced,
 * -ETIMEDOUT, -EINTR, -EPROTO (in_prod more than the ring's 63 slots ahead)
 * or another negative errno.
 */
int evil_event_next(struct evil_ctx *ctx, struct evil_conn *c, struct xendispl_evt *evt,
		    int timeout_ms);

/* The event page's in_prod as the backend last wrote it, for messages. */
uint32_t evil_event_prod(const struct evil_conn *c);

/*
 * Keep @c's ring full of copies of @req for @ms milliseconds: every answer
 * is taken and its slot refilled at once, as a frontend bent on holding
 * the backend's loop would. *answered counts the responses, *unexpected
 * those whose status was not @want. Returns 0, -EINTR or -EPROTO.
 */
int evil_ring_flood(struct evil_ctx *ctx, struct evil_conn *c, const struct xendispl_req *req,
		    int32_t want, int ms, uint64_t *answered, uint64_t *unexpected);

/*
 * Break the ring protocol: publish req_prod @excess past our last real
 * request, claiming requests that do not exist, and notify. Returns 0 or a
 * negative errno from the notify.
 */
int evil_ring_violate(struct evil_ctx *ctx, struct evil_conn *c, uint32_t excess);

#endif
