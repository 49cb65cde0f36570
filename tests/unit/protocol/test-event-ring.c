// SPDX-License-Identifier: MIT
/*
 * The event ring producer: ids, zeroed events, full detection, index
 * wrap-around, and a frontend that writes nonsense into in_cons.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/event-ring.h"
#include "tests/unit/tap.h"

/* The page as the frontend maps it, aligned like a real one. */
static _Alignas(4096) uint8_t page_mem[XENDISPL_EVENT_PAGE_SIZE];

static struct xendispl_event_page *page(void)
{
	return (struct xendispl_event_page *)page_mem;
}

static const struct xendispl_evt *evt_at(uint32_t index)
{
	return &XENDISPL_IN_RING_REF(page(), index);
}

static void fresh_page(uint32_t prod, uint32_t cons)
{
	memset(page_mem, 0xa5, sizeof(page_mem));
	page()->in_prod = prod;
	page()->in_cons = cons;
}

static bool evt_is(uint32_t index, uint16_t id, uint64_t cookie)
{
	struct xendispl_evt want;

	memset(&want, 0, sizeof(want));
	want.id = id;
	want.type = XENDISPL_EVT_PG_FLIP;
	want.op.pg_flip.fb_cookie = cookie;
	return memcmp(evt_at(index), &want, sizeof(want)) == 0;
}

static void test_first_events(void)
{
	struct vdispl_event_ring ring;

	fresh_page(0, 0);
	vdispl_event_ring_init(&ring, page());
	TAP_EQ_INT(ring.prod, 0, "prod from the page");
	TAP_EQ_INT(ring.next_id, 0, "ids start at 0");

	TAP_EQ_INT(vdispl_event_ring_put_pg_flip(&ring, 0x1234), 0, "first event");
	TAP_CHECK(evt_is(0, 0, 0x1234), "id 0, PG_FLIP, cookie, every other octet 0");
	TAP_EQ_INT(page()->in_prod, 1, "in_prod published");
	TAP_EQ_INT(vdispl_event_ring_put_pg_flip(&ring, 0x5678), 0, "second event");
	TAP_CHECK(evt_is(1, 1, 0x5678), "id 1");
	TAP_EQ_INT(page()->in_prod, 2, "in_prod 2");
	TAP_EQ_INT(page()->in_cons, 0, "in_cons untouched");
	TAP_EQ_INT(((const uint8_t *)evt_at(2))[0], 0xa5, "next slot untouched");
}

static void test_full(void)
{
	struct vdispl_event_ring ring;
	bool ok = true;

	fresh_page(0, 0);
	vdispl_event_ring_init(&ring, page());
	for (uint32_t i = 0; i < XENDISPL_IN_RING_LEN; i++)
		ok = ok && vdispl_event_ring_put_pg_flip(&ring, 100 + i) == 0;
	TAP_CHECK(ok, "63 events fit");
	TAP_EQ_INT(vdispl_event_ring_put_pg_flip(&ring, 999), -ENOSPC, "the 64th does not");
	TAP_EQ_INT(page()->in_prod, 63, "in_prod unchanged when full");
	TAP_EQ_INT(ring.next_id, 63, "a refused event takes no id");
	TAP_CHECK(evt_is(0, 0, 100), "slot 0 not overwritten");

	page()->in_cons = 1;
	TAP_EQ_INT(vdispl_event_ring_put_pg_flip(&ring, 999), 0, "room after one is consumed");
	TAP_CHECK(evt_is(63, 63, 999), "id 63 wraps into slot 0");
	TAP_CHECK(evt_is(0, 63, 999), "which is slot 0");
	TAP_EQ_INT(page()->in_prod, 64, "in_prod 64");
}

static void test_wrap(void)
{
	struct vdispl_event_ring ring;
	uint32_t cons = 0;
	uint16_t id = 0;
	bool ok = true;

	/* A well-behaved frontend consuming in bursts, for many laps and id wraps. */
	fresh_page(0, 0);
	vdispl_event_ring_init(&ring, page());
	for (uint32_t n = 0; n < 70000; n++) {
		if (vdispl_event_ring_put_pg_flip(&ring, n + 1) < 0) {
			ok = false;
			break;
		}
		if (n % 50 == 49) {
			for (; cons != page()->in_prod; cons++, id++)
				ok = ok && evt_at(cons)->id == id &&
				     evt_at(cons)->op.pg_flip.fb_cookie == (uint64_t)cons + 1;
			page()->in_cons = cons;
		}
	}
	TAP_CHECK(ok, "70000 events, sequential ids, over 1000 laps");
	TAP_EQ_INT(ring.next_id, 70000 % 65536, "id wraps at 16 bits");
}

static void test_index_wrap(void)
{
	struct vdispl_event_ring ring;
	uint32_t start = UINT32_MAX - 10;
	int ret = 0;

	/* Indices crossing 2^32 share slots, since 2^32 is not a multiple of 63. */
	fresh_page(start, start);
	vdispl_event_ring_init(&ring, page());
	for (uint32_t i = 0; i < 11 && ret == 0; i++)
		ret = vdispl_event_ring_put_pg_flip(&ring, 1);
	TAP_EQ_INT(ret, 0, "events up to index 2^32 - 1");
	TAP_EQ_INT(page()->in_prod, 0, "in_prod wraps to 0");
	TAP_EQ_INT(vdispl_event_ring_put_pg_flip(&ring, 2), -ENOSPC,
		   "index 0 would reuse the slot of unconsumed index 2^32 - 4");
	page()->in_cons = UINT32_MAX - 2;
	TAP_EQ_INT(vdispl_event_ring_put_pg_flip(&ring, 2), 0, "free once it is consumed");
	TAP_CHECK(evt_is(0, 11, 2), "index 0 in slot 0");
	TAP_EQ_INT(page()->in_prod, 1, "in_prod 1");
}

static void test_hostile_cons(void)
{
	/* Ahead of prod, or 63 and more behind it. */
	static const uint32_t bad[] = { 101, 1000, 0x80000000u, UINT32_MAX, 100 - 63 };
	struct vdispl_event_ring ring;
	uint8_t before[XENDISPL_EVENT_PAGE_SIZE];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fresh_page(100, 100);
		vdispl_event_ring_init(&ring, page());
		page()->in_cons = bad[i];
		memcpy(before, page_mem, sizeof(before));
		TAP_EQ_INT(vdispl_event_ring_put_pg_flip(&ring, 1), -ENOSPC,
			   "in_cons %u with prod 100 refused", bad[i]);
		TAP_CHECK(!memcmp(before, page_mem, sizeof(before)), "page %zu untouched", i);
	}

	fresh_page(100, 100);
	vdispl_event_ring_init(&ring, page());
	page()->in_cons = 100 - 62;
	TAP_EQ_INT(vdispl_event_ring_put_pg_flip(&ring, 1), 0, "in_cons 62 behind still fits");

	/* A frontend scribbling on in_prod does not move our producer. */
	page()->in_prod = 5000;
	page()->in_cons = 101;
	TAP_EQ_INT(vdispl_event_ring_put_pg_flip(&ring, 2), 0, "in_prod scribbled");
	TAP_EQ_INT(page()->in_prod, 102, "our index, not theirs");
	TAP_CHECK(evt_is(101, 1, 2), "written at our index");
}

int main(void)
{
	test_first_events();
	test_full();
	test_wrap();
	test_index_wrap();
	test_hostile_cons();
	return tap_done();
}
