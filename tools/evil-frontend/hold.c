// SPDX-License-Identifier: MIT
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tools/evil-frontend/hold.h"
#include "protocol/request-encode.h"
#include "tools/evil-frontend/report.h"
#include "tools/evil-frontend/ring.h"
#include "tools/evil-frontend/share.h"

/* 64 pixels a row, 4 octets each: 16 pages are 256 rows. */
#define HOLD_WIDTH 64u
#define HOLD_HEIGHT (EVIL_HOLD_PAGES * VDISPL_XEN_PAGE_SIZE / (HOLD_WIDTH * 4u))

/* What we write into the held pages, a different word in each. */
static uint32_t pattern(uint32_t round, size_t word)
{
	return 0x5a000000u | (round << 20) | (uint32_t)word;
}

static bool pages_hold(const uint32_t *words, uint32_t round)
{
	for (size_t i = 0; i < EVIL_HOLD_PAGES * VDISPL_XEN_PAGE_SIZE / 4; i++)
		if (words[i] != pattern(round, i))
			return false;
	return true;
}

/* Sleep @seconds, or until a signal. */
static int hold_for(uint32_t seconds)
{
	for (uint32_t i = 0; i < seconds; i++) {
		if (evil_stop)
			return -EINTR;
		sleep(1);
	}
	return 0;
}

/*
 * Have the backend allocate a buffer, map its pages, fill them and destroy
 * the buffer while they stay mapped; *@map gets our mapping.
 */
static int take_pages(struct evil_ctx *ctx, xengnttab_handle *xgt, uint32_t round,
		      uint32_t **map)
{
	struct evil_conn *c = &ctx->conns[0];
	const struct xendispl_page_directory *dir;
	struct evil_share *dir_share;
	struct xendispl_req req;
	uint32_t *words;
	int ret;

	ret = evil_share_pages(ctx, 1, "a be-alloc directory", &dir_share);
	if (ret)
		return ret;
	vdispl_req_dbuf_create(&req, round, dir_share->refs[0], HOLD_WIDTH, HOLD_HEIGHT, 32,
			       EVIL_HOLD_PAGES * VDISPL_XEN_PAGE_SIZE, 0,
			       XENDISPL_DBUF_FLG_REQ_ALLOC);
	ret = evil_ring_call_ok(ctx, c, &req, "DBUF_CREATE with REQ_ALLOC");
	if (ret)
		return ret;
	/* The backend wrote its references into our directory. */
	dir = dir_share->addr;
	words = xengnttab_map_domain_grant_refs(xgt, EVIL_HOLD_PAGES, ctx->backend_id,
						(uint32_t *)dir->gref, PROT_READ | PROT_WRITE);
	if (!words) {
		ret = -errno;
		evil_setup_error("mapping the backend's pages (xengnttab_map_domain_grant_refs)",
				 "be-alloc buffer", ret);
		return ret;
	}
	for (size_t i = 0; i < EVIL_HOLD_PAGES * VDISPL_XEN_PAGE_SIZE / 4; i++) {
		if (words[i]) {
			fprintf(stderr, EVIL_PROG ": the backend's pages were not zeroed\n");
			xengnttab_unmap(xgt, words, EVIL_HOLD_PAGES);
			return -EIO;
		}
		words[i] = pattern(round, i);
	}
	vdispl_req_dbuf_destroy(&req, round);
	ret = evil_ring_call_ok(ctx, c, &req, "DBUF_DESTROY");
	if (ret) {
		xengnttab_unmap(xgt, words, EVIL_HOLD_PAGES);
		return ret;
	}
	printf("@@HOLDING round=%" PRIu32 " pages=%u\n", round, EVIL_HOLD_PAGES);
	fflush(stdout);
	*map = words;
	return 0;
}

int evil_hold_be_alloc(struct evil_ctx *ctx, uint32_t seconds)
{
	xengnttab_handle *xgt;
	uint32_t *map;
	bool intact;
	int ret;

	if (!ctx->be_alloc) {
		fprintf(stderr, EVIL_PROG ": --hold-be-alloc: the device's be-alloc is 0\n");
		return -EINVAL;
	}
	xgt = xengnttab_open(NULL, 0);
	if (!xgt) {
		ret = -errno;
		evil_setup_error("opening grant mapping (xengnttab_open; is xen_gntdev loaded?)",
				 "/dev/xen/gntdev", ret);
		return ret;
	}
	ret = take_pages(ctx, xgt, 1, &map);
	if (!ret) {
		ret = hold_for(seconds);
		/* Dom0 must not have reused a page we still map. */
		intact = pages_hold(map, 1);
		xengnttab_unmap(xgt, map, EVIL_HOLD_PAGES);
		printf("@@LET-GO round=1 intact=%s\n", intact ? "yes" : "no");
		fflush(stdout);
		/* Time for Dom0 to see the pages go before round 2 takes more. */
		ret = hold_for(seconds);
	}
	if (!ret)
		ret = take_pages(ctx, xgt, 2, &map);
	/* Round 2 ends with the guest: xl destroy, or a signal. */
	while (!ret)
		ret = hold_for(60);
	xengnttab_close(xgt);
	return ret;
}
