// SPDX-License-Identifier: MIT
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <drm_fourcc.h>

#include "tools/evil-frontend/flips.h"
#include "protocol/request-encode.h"
#include "tools/evil-frontend/ring.h"
#include "tools/evil-frontend/share.h"
#include "tools/client/stats.h"

#define BUFFERS 2

/* A picture per buffer, so a screendump tells them apart: a gray per buffer. */
static void fill(struct evil_buffer *buf, uint32_t size, uint8_t gray)
{
	memset(buf->pages->addr, gray, size);
}

static int setup(struct evil_ctx *ctx, struct evil_conn *c, struct evil_buffer *bufs)
{
	uint32_t size = c->width * c->height * 4u;
	uint32_t pages = (size + VDISPL_XEN_PAGE_SIZE - 1) / VDISPL_XEN_PAGE_SIZE;
	struct xendispl_req req;
	int ret = 0;

	for (uint32_t i = 0; i < BUFFERS && !ret; i++) {
		ret = evil_buffer_create(ctx, pages, "a flip buffer", &bufs[i]);
		if (ret)
			break;
		fill(&bufs[i], size, (uint8_t)(0x40 + 0x40 * i));
		vdispl_req_dbuf_create(&req, 1 + i, evil_buffer_directory(&bufs[i]), c->width,
				     c->height, 32, size, 0, 0);
		ret = evil_ring_call_ok(ctx, c, &req, "DBUF_CREATE");
		if (!ret) {
			vdispl_req_fb_attach(&req, 1 + i, 101 + i, c->width, c->height,
					   DRM_FORMAT_XRGB8888);
			ret = evil_ring_call_ok(ctx, c, &req, "FB_ATTACH");
		}
	}
	if (!ret) {
		vdispl_req_set_config(&req, 101, 0, 0, c->width, c->height, 32);
		ret = evil_ring_call_ok(ctx, c, &req, "SET_CONFIG");
	}
	return ret;
}

int evil_flips_run(struct evil_ctx *ctx, uint32_t frames)
{
	struct evil_conn *c = &ctx->conns[0];
	struct evil_buffer bufs[BUFFERS];
	struct client_stats stats;
	struct xendispl_req req;
	struct xendispl_evt evt;
	uint64_t flips = 0, events = 0, start;
	int ret = setup(ctx, c, bufs);

	if (ret)
		return ret;
	client_stats_init(&stats);
	start = client_now_us();
	for (uint32_t i = 0; i < frames && !ret; i++) {
		uint64_t fb = 101 + (i + 1) % BUFFERS, sent = client_now_us();

		vdispl_req_pg_flip(&req, fb);
		ret = evil_ring_call_ok(ctx, c, &req, "PG_FLIP");
		if (ret)
			break;
		flips++;
		ret = evil_event_next(ctx, c, &evt, EVIL_EVENT_TIMEOUT_MS);
		if (ret) {
			fprintf(stderr, EVIL_PROG ": flip %u: no event: %s\n", i, strerror(-ret));
			break;
		}
		if (evt.type == XENDISPL_EVT_PG_FLIP && evt.op.pg_flip.fb_cookie == fb) {
			events++;
			client_stats_add(&stats, client_now_us() - sent);
		}
	}
	printf(EVIL_PROG ": summary connector=0 size=%" PRIu32 "x%" PRIu32 " frames=%" PRIu32
			 " flips=%" PRIu64 " events=%" PRIu64 " lost=%" PRIu64
			 " latency_us_min=%" PRIu64 " latency_us_avg=%" PRIu64
			 " latency_us_max=%" PRIu64 " last_frame=%" PRIu64 " elapsed_us=%" PRIu64 "\n",
	       c->width, c->height, frames, flips, events, flips - events, client_stats_min(&stats),
	       client_stats_avg(&stats), client_stats_max(&stats), flips,
	       client_now_us() - start);
	return ret;
}
