// SPDX-License-Identifier: MIT
#include "protocol/compat.h"

#include "protocol/event-ring.h"

/* The frontend may write these words at any time: one access each, no tearing, no caching. */
static uint32_t read_once(const uint32_t *p)
{
	return *(const volatile uint32_t *)p;
}

static void write_once(uint32_t *p, uint32_t value)
{
	*(volatile uint32_t *)p = value;
}

void vdispl_event_ring_init(struct vdispl_event_ring *ring, struct xendispl_event_page *page)
{
	ring->page = page;
	ring->prod = read_once(&page->in_prod);
	ring->next_id = 0;
}

static uint32_t slot_of(uint32_t index)
{
	return index % XENDISPL_IN_RING_LEN;
}

/*
 * 2^32 is not a multiple of 63, so where the indices wrap two in-flight
 * events can share a slot although fewer than 63 are outstanding.
 */
static bool slot_busy(uint32_t cons, uint32_t prod)
{
	for (uint32_t i = cons; i != prod; i++) {
		if (slot_of(i) == slot_of(prod))
			return true;
	}
	return false;
}

int vdispl_event_ring_put_pg_flip(struct vdispl_event_ring *ring, uint64_t fb_cookie)
{
	struct xendispl_evt evt;
	uint32_t cons = read_once(&ring->page->in_cons);
	uint32_t prod = ring->prod;

	/*
	 * A hostile in_cons ahead of prod or far behind it shows up as a huge
	 * unsigned distance and reads as full: we never write outside the
	 * slots the frontend has finished with.
	 */
	if (prod - cons >= XENDISPL_IN_RING_LEN || slot_busy(cons, prod))
		return -ENOSPC;

	/* The frontend's reads of the slot must be done before we overwrite it. */
	xen_mb();

	/* Built privately so that every reserved octet is zero, then copied. */
	memset(&evt, 0, sizeof(evt));
	evt.id = ring->next_id;
	evt.type = XENDISPL_EVT_PG_FLIP;
	evt.op.pg_flip.fb_cookie = fb_cookie;
	memcpy(&XENDISPL_IN_RING_REF(ring->page, prod), &evt, sizeof(evt));

	/* The event must be visible before the index that announces it. */
	xen_wmb();
	write_once(&ring->page->in_prod, prod + 1);

	ring->prod = prod + 1;
	ring->next_id++;
	return 0;
}
