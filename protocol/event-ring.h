/* SPDX-License-Identifier: MIT */
/*
 * The backend's side of a connector's event page: the backend produces
 * events at in_prod, the frontend consumes them at in_cons.
 *
 * The page is shared with the frontend: in_cons is read exactly once per
 * call, and the backend keeps its own producer index instead of trusting
 * in_prod on the page.
 *
 * The mainline frontend drops every event whose id is not the one it expects
 * next, counting from 0 after each connect, so ids start at 0 and rise by one
 * per event on each connector.
 */
#ifndef VDISPL_PROTOCOL_EVENT_RING_H
#define VDISPL_PROTOCOL_EVENT_RING_H

#include "protocol/displif.h"

struct vdispl_event_ring {
	struct xendispl_event_page *page; /* mapped, shared with the frontend */
	uint32_t prod;                    /* our producer index */
	uint16_t next_id;                 /* id of the next event */
};

/* Start producing on @page: prod is taken from the page once, ids from 0. */
void vdispl_event_ring_init(struct vdispl_event_ring *ring, struct xendispl_event_page *page);

/*
 * Queue a page-flip-complete event for @fb_cookie, zeroing every reserved
 * octet, and publish in_prod behind a write barrier. The caller notifies the
 * event channel.
 *
 * Returns 0, or -ENOSPC if the frontend has not consumed the ring (all 63
 * slots in flight, or in_cons is not within the last 63 produced events, or,
 * where the 32-bit indices wrap, the next slot still holds an unconsumed
 * event: 2^32 is not a multiple of 63). A refused event takes no id.
 */
int vdispl_event_ring_put_pg_flip(struct vdispl_event_ring *ring, uint64_t fb_cookie);

#endif
