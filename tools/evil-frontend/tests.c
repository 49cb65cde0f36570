// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <drm_fourcc.h>

#include "tools/evil-frontend/edid-check.h"
#include "protocol/page-directory.h"
#include "tools/evil-frontend/report.h"
#include "protocol/request.h"
#include "tools/evil-frontend/ring.h"
#include "tools/evil-frontend/share.h"
#include "protocol/request-encode.h"
#include "tools/evil-frontend/tests.h"
#include "tools/evil-frontend/xenbus.h"

/* backend/device.c DEFAULT_MAX_BUFFER_SIZE: the largest DBUF_CREATE it accepts. */
#define BACKEND_MAX_BUFFER_SIZE (64u << 20)

/* The valid buffer: 64x64 XRGB8888, tightly packed. */
#define DBUF_WIDTH 64u
#define DBUF_HEIGHT 64u
#define DBUF_BPP 32u
#define DBUF_SIZE (DBUF_WIDTH * DBUF_HEIGHT * DBUF_BPP / 8u)
#define DBUF_PAGES ((DBUF_SIZE + VDISPL_XEN_PAGE_SIZE - 1) / VDISPL_XEN_PAGE_SIZE)

#define EDID_PAGES (XENDISPL_EDID_MAX_SIZE / VDISPL_XEN_PAGE_SIZE)

/* One directory page too many for a single page: the walk needs a second. */
#define LOOP_PAGES ((uint32_t)VDISPL_GREFS_PER_DIR_PAGE + 1u)

/*
 * Cookies. 1 and 2 are the valid dbuf and fb; every request meant to be
 * refused uses its own, so one the backend wrongly accepts cannot be
 * mistaken for the valid objects later on.
 */
#define DBUF_COOKIE 1u
#define FB_COOKIE 2u
#define DBUF_REFUSED 0x100u
#define DBUF_FOREIGN_GREF 0x101u
#define DBUF_SELF_LINKED 0x102u
#define DBUF_ON_CONNECTOR1 0x103u
#define DBUF_NEVER_CREATED 0x999u
#define FB_WIDE 0x201u
#define FB_BAD_FOURCC 0x202u
#define FB_NO_DBUF 0x203u
#define FB_ON_CONNECTOR1 0x204u
#define FB_NEVER_ATTACHED 0x777u

/* The floods' own cookies, far from every other. */
#define FLOOD_FB_BASE 0x10000u
#define FLOOD_DBUF_BASE 0x20000u

/* A grant reference this guest never issued: beyond any grant table it has. */
#define FOREIGN_GREF 0x7fff0000u

/* Past the last real request: far more than the 32 slots the ring has. */
#define VIOLATION_EXCESS 1000u

/* Longer than the backend's log rate-limit window (common/log.h: 5 s). */
#define LOG_WINDOW_S 6

/* How long the backend must stay closed after the violation. */
#define STAY_CLOSED_MS 1000

struct run {
	struct evil_ctx *ctx;
	struct evil_conn *c0;
	struct evil_buffer dbuf;
	struct evil_buffer edid;
	struct evil_buffer one_page; /* for the buffer flood */
	struct evil_share *loop_page; /* the page the self-linked directory repeats */
	struct evil_share *loop_dir;  /* the directory page that links to itself */
	uint16_t next_event_id;	      /* on connector 0 */
	bool bailed;
	char bail_reason[160];
};

/* What came back for one request. */
struct outcome {
	bool answered;
	uint16_t id;
	struct xendispl_resp resp;
};

enum want {
	WANT_STATUS, /* exactly this status */
	WANT_ERROR,  /* any negative status */
	WANT_ANY,    /* any status: only an answer counts */
};

/* ---- requests: zeroed in full, then filled ---- */

/* ---- sending and judging ---- */

static void bail(struct run *r, const char *fmt, ...) EVIL_PRINTF(2, 3);

static void bail(struct run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->bailed)
		return;
	r->bailed = true;
	va_start(ap, fmt);
	vsnprintf(r->bail_reason, sizeof(r->bail_reason), fmt, ap);
	va_end(ap);
}

/*
 * Send @req on @c and wait for its answer. No answer means the backend
 * hung, crashed or lost our connection: nothing after can be trusted, so
 * the run bails out.
 */
static void send_request(struct run *r, struct evil_conn *c, const struct xendispl_req *req,
			 struct outcome *out)
{
	int ret;

	memset(out, 0, sizeof(*out));
	ret = evil_ring_call(r->ctx, c, req, &out->id, &out->resp, EVIL_RESPONSE_TIMEOUT_MS);
	if (ret == 0) {
		out->answered = true;
		return;
	}
	if (ret == -ETIMEDOUT)
		bail(r, "no response to %s id %u on connector %u within %d s",
		     vdispl_op_name(req->operation), out->id, c->index,
		     EVIL_RESPONSE_TIMEOUT_MS / 1000);
	else
		bail(r, "%s on connector %u: %s", vdispl_op_name(req->operation), c->index,
		     strerror(-ret));
}

static bool status_matches(enum want kind, int32_t want, int32_t got)
{
	switch (kind) {
	case WANT_STATUS:
		return got == want;
	case WANT_ERROR:
		return got < 0;
	case WANT_ANY:
		return true;
	}
	return false;
}

static void diag_want(enum want kind, int32_t want, int32_t got)
{
	switch (kind) {
	case WANT_STATUS:
		evil_tap_diag("got status %d (%s), want %d (%s)", got, evil_status_name(got), want,
			      evil_status_name(want));
		break;
	case WANT_ERROR:
		evil_tap_diag("got status %d (%s), want a negative status", got,
			      evil_status_name(got));
		break;
	case WANT_ANY:
		evil_tap_diag("got status %d (%s)", got, evil_status_name(got));
		break;
	}
}

/*
 * Send @req on @c and print one TAP line: ok if the backend answered it
 * with a status @kind/@want accepts, for the same operation. Returns
 * whether it passed; *out says what came back. Does nothing (and fails)
 * once the run has bailed out.
 */
static bool expect(struct run *r, struct evil_conn *c, const struct xendispl_req *req,
		   enum want kind, int32_t want, struct outcome *out, const char *fmt, ...)
	EVIL_PRINTF(7, 8);

static bool expect(struct run *r, struct evil_conn *c, const struct xendispl_req *req,
		   enum want kind, int32_t want, struct outcome *out, const char *fmt, ...)
{
	char desc[200];
	va_list ap;
	bool same_op, ok;

	memset(out, 0, sizeof(*out));
	if (r->bailed)
		return false;
	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);

	send_request(r, c, req, out);
	if (!out->answered) {
		evil_tap_result(false, "%s", desc);
		evil_tap_diag("%s", r->bail_reason);
		return false;
	}
	same_op = out->resp.operation == req->operation;
	ok = evil_tap_result(same_op && status_matches(kind, want, out->resp.status), "%s", desc);
	if (!ok || kind == WANT_ANY)
		diag_want(kind, want, out->resp.status);
	if (!same_op)
		evil_tap_diag("response id %u carries operation %#x, the request was %#x", out->id,
			      out->resp.operation, req->operation);
	return ok;
}

/* A dbuf the backend should have refused but created: destroy it so it stays out of the way. */
static void undo_wrong_dbuf(struct run *r, const struct outcome *out, uint64_t cookie)
{
	struct xendispl_req req;
	struct outcome undo;

	if (!out->answered || out->resp.status != 0)
		return;
	evil_comment("the backend created dbuf %#llx it should have refused: destroying it",
		     (unsigned long long)cookie);
	vdispl_req_dbuf_destroy(&req, cookie);
	send_request(r, r->c0, &req, &undo);
	if (undo.answered && undo.resp.status != 0)
		evil_comment("DBUF_DESTROY %#llx answered %d (%s)", (unsigned long long)cookie,
			     undo.resp.status, evil_status_name(undo.resp.status));
}

/* ---- the tests, in the order they run ---- */

static void test_unknown_operation(struct run *r)
{
	struct xendispl_req req;
	struct outcome out;

	vdispl_req_init(&req, 0x42);
	expect(r, r->c0, &req, WANT_STATUS, -XEN_EOPNOTSUPP, &out,
	       "unknown operation 0x42 -> -XEN_EOPNOTSUPP");
}

static void test_dbuf_create_invalid(struct run *r)
{
	grant_ref_t dir = evil_buffer_directory(&r->dbuf);
	struct xendispl_req req;
	struct outcome out;

	vdispl_req_dbuf_create(&req, 0, dir, DBUF_WIDTH, DBUF_HEIGHT, DBUF_BPP, DBUF_SIZE, 0, 0);
	expect(r, r->c0, &req, WANT_STATUS, -XEN_EINVAL, &out,
	       "DBUF_CREATE with dbuf_cookie 0 -> -XEN_EINVAL");
	/* A dbuf with cookie 0 cannot be destroyed again: no undo. */

	vdispl_req_dbuf_create(&req, DBUF_REFUSED, 0, DBUF_WIDTH, DBUF_HEIGHT, DBUF_BPP, DBUF_SIZE, 0, 0);
	expect(r, r->c0, &req, WANT_STATUS, -XEN_EINVAL, &out,
	       "DBUF_CREATE with gref_directory 0 -> -XEN_EINVAL");
	undo_wrong_dbuf(r, &out, DBUF_REFUSED);

	vdispl_req_dbuf_create(&req, DBUF_REFUSED, dir, DBUF_WIDTH, DBUF_HEIGHT, DBUF_BPP, 0, 0, 0);
	expect(r, r->c0, &req, WANT_STATUS, -XEN_EINVAL, &out,
	       "DBUF_CREATE with buffer_sz 0 -> -XEN_EINVAL");
	undo_wrong_dbuf(r, &out, DBUF_REFUSED);

	vdispl_req_dbuf_create(&req, DBUF_REFUSED, dir, DBUF_WIDTH, DBUF_HEIGHT, DBUF_BPP,
			BACKEND_MAX_BUFFER_SIZE + 1u, 0, 0);
	expect(r, r->c0, &req, WANT_STATUS, -XEN_EINVAL, &out,
	       "DBUF_CREATE with buffer_sz %u, one past the backend's cap -> -XEN_EINVAL",
	       BACKEND_MAX_BUFFER_SIZE + 1u);
	undo_wrong_dbuf(r, &out, DBUF_REFUSED);

	/*
	 * The directory is valid for one page: a backend that skipped the
	 * geometry check would create this buffer, and we would see 0.
	 */
	vdispl_req_dbuf_create(&req, DBUF_REFUSED, dir, DBUF_WIDTH, DBUF_HEIGHT, DBUF_BPP,
			VDISPL_XEN_PAGE_SIZE, 0, 0);
	expect(r, r->c0, &req, WANT_STATUS, -XEN_EINVAL, &out,
	       "DBUF_CREATE of %ux%u at %u bpp in a %u-octet buffer -> -XEN_EINVAL", DBUF_WIDTH,
	       DBUF_HEIGHT, DBUF_BPP, VDISPL_XEN_PAGE_SIZE);
	undo_wrong_dbuf(r, &out, DBUF_REFUSED);
}

static void test_dbuf_create_foreign_gref(struct run *r)
{
	struct xendispl_req req;
	struct outcome out;

	vdispl_req_dbuf_create(&req, DBUF_FOREIGN_GREF, FOREIGN_GREF, DBUF_WIDTH, DBUF_HEIGHT, DBUF_BPP,
			DBUF_SIZE, 0, 0);
	expect(r, r->c0, &req, WANT_ERROR, 0, &out,
	       "DBUF_CREATE with gref_directory %#x, never granted -> a negative status",
	       FOREIGN_GREF);
	undo_wrong_dbuf(r, &out, DBUF_FOREIGN_GREF);
}

/*
 * A directory of two pages whose first page names itself as the second,
 * listing one page over and over: the walk must stop after the pages the
 * size calls for, and mapping one grant 1024 times must fail or succeed,
 * not hang. Either status is fine; the answer is what is tested.
 */
static void test_dbuf_create_self_linked(struct run *r)
{
	grant_ref_t *dir = r->loop_dir->addr;
	grant_ref_t self = r->loop_dir->refs[0];
	struct xendispl_req req;
	struct outcome out;

	dir[0] = self;
	for (uint32_t i = 0; i < VDISPL_GREFS_PER_DIR_PAGE; i++)
		dir[1 + i] = r->loop_page->refs[0];

	/* No geometry (a PRIME import): only the size decides the page count. */
	vdispl_req_dbuf_create(&req, DBUF_SELF_LINKED, self, 0, 0, 0, LOOP_PAGES * VDISPL_XEN_PAGE_SIZE, 0, 0);
	expect(r, r->c0, &req, WANT_ANY, 0, &out,
	       "DBUF_CREATE whose 2-page directory links to itself and lists one page %u times "
	       "is answered",
	       LOOP_PAGES);
	if (!out.answered || out.resp.status != 0)
		return;
	evil_comment("the backend mapped the one page %u times; destroying that dbuf", LOOP_PAGES);
	vdispl_req_dbuf_destroy(&req, DBUF_SELF_LINKED);
	expect(r, r->c0, &req, WANT_STATUS, 0, &out, "DBUF_DESTROY of the self-linked dbuf -> 0");
}

static void test_dbuf_create_valid(struct run *r)
{
	grant_ref_t dir = evil_buffer_directory(&r->dbuf);
	uint32_t *pixels = r->dbuf.pages->addr;
	struct xendispl_req req;
	struct outcome out;

	/* 8x8 checks of red and blue: easy to tell apart on a screendump. */
	for (uint32_t y = 0; y < DBUF_HEIGHT; y++)
		for (uint32_t x = 0; x < DBUF_WIDTH; x++)
			pixels[y * DBUF_WIDTH + x] =
				((x / 8 + y / 8) & 1) ? 0x00ff0000u : 0x000000ffu;

	vdispl_req_dbuf_create(&req, DBUF_COOKIE, dir, DBUF_WIDTH, DBUF_HEIGHT, DBUF_BPP, DBUF_SIZE, 0, 0);
	expect(r, r->c0, &req, WANT_STATUS, 0, &out,
	       "DBUF_CREATE of a valid %ux%u XRGB8888 buffer (%u pages, cookie %u) -> 0",
	       DBUF_WIDTH, DBUF_HEIGHT, DBUF_PAGES, DBUF_COOKIE);
	expect(r, r->c0, &req, WANT_STATUS, -XEN_EEXIST, &out,
	       "DBUF_CREATE with cookie %u again -> -XEN_EEXIST", DBUF_COOKIE);
}

static void test_fb_attach(struct run *r)
{
	struct xendispl_req req;
	struct outcome out;

	vdispl_req_fb_attach(&req, DBUF_NEVER_CREATED, FB_NO_DBUF, DBUF_WIDTH, DBUF_HEIGHT,
		      DRM_FORMAT_XRGB8888);
	expect(r, r->c0, &req, WANT_ERROR, 0, &out,
	       "FB_ATTACH to dbuf %#x that does not exist -> a negative status",
	       DBUF_NEVER_CREATED);

	vdispl_req_fb_attach(&req, DBUF_COOKIE, FB_WIDE, DBUF_WIDTH + 1, DBUF_HEIGHT, DRM_FORMAT_XRGB8888);
	expect(r, r->c0, &req, WANT_STATUS, -XEN_EINVAL, &out,
	       "FB_ATTACH %ux%u to the %u-pixel-wide dbuf (rows past its pitch) -> -XEN_EINVAL",
	       DBUF_WIDTH + 1, DBUF_HEIGHT, DBUF_WIDTH);

	vdispl_req_fb_attach(&req, DBUF_COOKIE, FB_BAD_FOURCC, DBUF_WIDTH, DBUF_HEIGHT,
		      fourcc_code('E', 'V', 'I', 'L'));
	expect(r, r->c0, &req, WANT_STATUS, -XEN_EINVAL, &out,
	       "FB_ATTACH with unknown fourcc 'EVIL' -> -XEN_EINVAL");

	vdispl_req_fb_attach(&req, DBUF_COOKIE, FB_COOKIE, DBUF_WIDTH, DBUF_HEIGHT, DRM_FORMAT_XRGB8888);
	expect(r, r->c0, &req, WANT_STATUS, 0, &out,
	       "FB_ATTACH of fb %u, %ux%u XRGB8888 over dbuf %u -> 0", FB_COOKIE, DBUF_WIDTH,
	       DBUF_HEIGHT, DBUF_COOKIE);
	expect(r, r->c0, &req, WANT_STATUS, -XEN_EEXIST, &out,
	       "FB_ATTACH with fb cookie %u again -> -XEN_EEXIST", FB_COOKIE);
}

/* One kind of object a flood creates until refused, then releases. */
struct flood_kind {
	const char *create_desc; /* "FB_ATTACH flood", for the TAP lines */
	const char *cap_key;	 /* the backend's configuration key */
	const char *release_desc;
	const char *objects;	 /* "framebuffers" */
	void (*create)(struct run *r, struct xendispl_req *req, uint64_t cookie);
	void (*release)(struct xendispl_req *req, uint64_t cookie);
};

/*
 * Create objects with cookies from @base until the backend says no: one
 * object of the kind exists already, so @cap - 1 more fit and the next is
 * refused with -XEN_ENOSPC. Then release every one created.
 */
static void flood_to_cap(struct run *r, const struct flood_kind *kind, uint32_t cap,
			 uint64_t base)
{
	uint32_t accepted = 0, released = 0;
	struct xendispl_req req;
	struct outcome out = { 0 };

	if (!cap || r->bailed)
		return;
	for (uint32_t i = 0; i < cap + 8; i++) {
		kind->create(r, &req, base + i);
		send_request(r, r->c0, &req, &out);
		if (!out.answered || out.resp.status)
			break;
		accepted++;
	}
	if (!evil_tap_result(out.answered && accepted == cap - 1 &&
				     out.resp.status == -XEN_ENOSPC,
			     "%s: %u more accepted up to %s = %u, the next -> -XEN_ENOSPC",
			     kind->create_desc, cap - 1, kind->cap_key, cap))
		evil_tap_diag("%u accepted, then status %d (%s)", accepted, out.resp.status,
			      evil_status_name(out.resp.status));
	for (uint32_t i = 0; i < accepted; i++) {
		kind->release(&req, base + i);
		send_request(r, r->c0, &req, &out);
		released += out.answered && out.resp.status == 0;
	}
	evil_tap_result(released == accepted, "%s of the %u flood %s -> 0 each",
			kind->release_desc, accepted, kind->objects);
}

static void attach_fb(struct run *r, struct xendispl_req *req, uint64_t cookie)
{
	vdispl_req_fb_attach(req, DBUF_COOKIE, cookie, DBUF_WIDTH, DBUF_HEIGHT,
			     DRM_FORMAT_XRGB8888);
}

/* Each is its own mapping in Dom0, which is what max-buffers protects. */
static void create_one_page(struct run *r, struct xendispl_req *req, uint64_t cookie)
{
	vdispl_req_dbuf_create(req, cookie, evil_buffer_directory(&r->one_page), 32, 32, 32,
			       4096, 0, 0);
}

/* With FB_COOKIE attached: max-framebuffers - 1 more fit. */
static void test_framebuffer_cap(struct run *r)
{
	static const struct flood_kind fbs = {
		"FB_ATTACH flood", "max-framebuffers", "FB_DETACH", "framebuffers", attach_fb,
		vdispl_req_fb_detach,
	};

	flood_to_cap(r, &fbs, r->ctx->max_framebuffers, FLOOD_FB_BASE);
}

/* With DBUF_COOKIE there: max-buffers - 1 more one-page buffers fit. */
static void test_buffer_cap(struct run *r)
{
	static const struct flood_kind dbufs = {
		"one-page DBUF_CREATE flood", "max-buffers", "DBUF_DESTROY", "buffers",
		create_one_page, vdispl_req_dbuf_destroy,
	};

	flood_to_cap(r, &dbufs, r->ctx->max_buffers, FLOOD_DBUF_BASE);
}

/*
 * Keep the ring full for flood_seconds, refilling each slot the moment it
 * is answered. Every request must still get its right answer, and one
 * sent afterwards too; the other guest's flips are checked by the lab.
 */
static void test_ring_flood(struct run *r)
{
	uint32_t seconds = r->ctx->flood_seconds;
	uint64_t answered, unexpected;
	struct xendispl_req req;
	struct outcome out;
	int ret;

	if (!seconds || r->bailed)
		return;
	vdispl_req_fb_detach(&req, FB_NEVER_ATTACHED);
	ret = evil_ring_flood(r->ctx, r->c0, &req, -XEN_ENOENT, (int)seconds * 1000, &answered,
			      &unexpected);
	if (!evil_tap_result(ret == 0 && answered > 0 && unexpected == 0,
			     "ring flood for %u s: every request answered, each FB_DETACH of an "
			     "unknown fb -> -XEN_ENOENT", seconds))
		evil_tap_diag("flood ended with %d (%s); %llu answered, %llu with another status",
			      ret, ret ? strerror(-ret) : "ok", (unsigned long long)answered,
			      (unsigned long long)unexpected);
	evil_comment("ring flood: %llu requests answered in %u s (%llu/s)",
		     (unsigned long long)answered, seconds,
		     (unsigned long long)(answered / seconds));
	printf("@@FLOOD answered=%llu seconds=%u\n", (unsigned long long)answered, seconds);
	if (ret)
		bail(r, "the ring flood did not end cleanly");
	expect(r, r->c0, &req, WANT_STATUS, -XEN_ENOENT, &out,
	       "after the flood, FB_DETACH of an unknown fb is answered -XEN_ENOENT as before");
}

/* The next event on connector 0 is the flip of @cookie, with the next id. */
static void expect_flip_event(struct run *r, bool flipped, uint64_t cookie)
{
	struct evil_conn *c = r->c0;
	uint16_t want_id = r->next_event_id;
	struct xendispl_evt evt;
	int ret;
	bool ok;

	if (r->bailed)
		return;
	if (!flipped) {
		evil_tap_result(false, "XENDISPL_EVT_PG_FLIP id %u for fb %llu", want_id,
				(unsigned long long)cookie);
		evil_tap_diag("not waited for: the PG_FLIP failed");
		return;
	}
	/* Only a flip the backend accepted takes an event id. */
	r->next_event_id++;
	ret = evil_event_next(r->ctx, c, &evt, EVIL_EVENT_TIMEOUT_MS);
	ok = ret == 0 && evt.type == XENDISPL_EVT_PG_FLIP && evt.id == want_id &&
	     evt.op.pg_flip.fb_cookie == cookie;
	evil_tap_result(ok, "XENDISPL_EVT_PG_FLIP id %u for fb %llu arrives within %d s", want_id,
			(unsigned long long)cookie, EVIL_EVENT_TIMEOUT_MS / 1000);
	if (ret == -ETIMEDOUT)
		evil_tap_diag("no event: in_prod %u, in_cons %u", evil_event_prod(c), c->evt_cons);
	else if (ret)
		evil_tap_diag("reading the event page: %s", strerror(-ret));
	else if (!ok)
		evil_tap_diag("got type %u id %u fb_cookie %#llx", evt.type, evt.id,
			      (unsigned long long)evt.op.pg_flip.fb_cookie);
	if (ret == -EINTR)
		bail(r, "interrupted");
}

static void test_set_config_and_flip(struct run *r)
{
	struct evil_conn *c = r->c0;
	struct xendispl_req req;
	struct outcome out;
	bool flipped;

	/* The first column past the connector: the rectangle would start outside it. */
	vdispl_req_set_config(&req, FB_COOKIE, c->width, 0, DBUF_WIDTH, DBUF_HEIGHT, DBUF_BPP);
	expect(r, c, &req, WANT_STATUS, -XEN_EINVAL, &out,
	       "SET_CONFIG of fb %u at x %u, outside the %ux%u connector -> -XEN_EINVAL", FB_COOKIE,
	       c->width, c->width, c->height);

	vdispl_req_pg_flip(&req, FB_NEVER_ATTACHED);
	expect(r, c, &req, WANT_ERROR, 0, &out,
	       "PG_FLIP of fb %#x that does not exist -> a negative status", FB_NEVER_ATTACHED);

	vdispl_req_set_config(&req, FB_COOKIE, 0, 0, DBUF_WIDTH, DBUF_HEIGHT, DBUF_BPP);
	expect(r, c, &req, WANT_STATUS, 0, &out, "SET_CONFIG of fb %u at 0,0 %ux%u %u bpp -> 0",
	       FB_COOKIE, DBUF_WIDTH, DBUF_HEIGHT, DBUF_BPP);

	for (int i = 0; i < 2; i++) {
		vdispl_req_pg_flip(&req, FB_COOKIE);
		flipped = expect(r, c, &req, WANT_STATUS, 0, &out,
				 "PG_FLIP of fb %u (flip %d) -> 0", FB_COOKIE, i + 1);
		expect_flip_event(r, flipped, FB_COOKIE);
	}
}

/* GET_EDID on @c: the block must describe the connector's resolution. */
static void check_edid(struct run *r, struct evil_conn *c)
{
	const uint8_t *buffer = r->edid.pages->addr;
	uint8_t edid[EVIL_EDID_BLOCK_SIZE];
	struct evil_edid_facts facts;
	struct xendispl_req req;
	struct outcome out;
	bool got;

	if (r->bailed)
		return;
	/* Whatever we read afterwards, the backend wrote. */
	memset(r->edid.pages->addr, 0, (size_t)EDID_PAGES * VDISPL_XEN_PAGE_SIZE);
	vdispl_req_get_edid(&req, evil_buffer_directory(&r->edid), XENDISPL_EDID_MAX_SIZE);
	got = expect(r, c, &req, WANT_STATUS, 0, &out,
		     "GET_EDID on connector %u with a %u-octet buffer (%u pages) -> 0", c->index,
		     XENDISPL_EDID_MAX_SIZE, EDID_PAGES);
	if (r->bailed)
		return;
	if (!evil_tap_result(got && out.resp.op.get_edid.edid_sz == EVIL_EDID_BLOCK_SIZE,
			     "GET_EDID on connector %u reports edid_sz %u", c->index,
			     EVIL_EDID_BLOCK_SIZE))
		evil_tap_diag("got edid_sz %u", out.resp.op.get_edid.edid_sz);

	/* The response came after the backend's write: the ring's barriers order them. */
	memcpy(edid, buffer, sizeof(edid));
	evil_edid_inspect(edid, &facts);
	if (!evil_tap_result(got && facts.header_ok,
			     "connector %u's EDID starts with 00 FF FF FF FF FF FF 00", c->index))
		evil_tap_diag("got %02x %02x %02x %02x %02x %02x %02x %02x", edid[0], edid[1],
			      edid[2], edid[3], edid[4], edid[5], edid[6], edid[7]);
	if (!evil_tap_result(got && facts.sum == 0,
			     "connector %u's EDID sums to 0 over its 128 octets", c->index))
		evil_tap_diag("sum is %u (checksum octet %u)", facts.sum, edid[127]);
	if (!evil_tap_result(got && facts.pixel_clock != 0 && facts.hactive == c->width &&
				     facts.vactive == c->height,
			     "connector %u's EDID preferred timing is its %ux%u resolution",
			     c->index, c->width, c->height))
		evil_tap_diag("first detailed timing: %ux%u, pixel clock %u0 kHz", facts.hactive,
			      facts.vactive, facts.pixel_clock);
}

static void test_get_edid(struct run *r)
{
	struct xendispl_req req;
	struct outcome out;

	vdispl_req_get_edid(&req, evil_buffer_directory(&r->edid), VDISPL_XEN_PAGE_SIZE);
	expect(r, r->c0, &req, WANT_STATUS, -XEN_EINVAL, &out,
	       "GET_EDID with buffer_sz %u (< XENDISPL_EDID_MAX_SIZE) -> -XEN_EINVAL",
	       VDISPL_XEN_PAGE_SIZE);

	for (uint32_t i = 0; i < r->ctx->num_conns; i++)
		check_edid(r, &r->ctx->conns[i]);
}

static void test_second_connector(struct run *r)
{
	struct evil_conn *c1 = &r->ctx->conns[1];
	struct xendispl_req req;
	struct outcome out;

	if (r->ctx->num_conns < 2) {
		evil_tap_skip("the device has one connector",
			      "DBUF and FB operations on connector 1's ring -> -XEN_EINVAL");
		return;
	}
	/* Each would succeed on connector 0: only the ring it came on is wrong. */
	vdispl_req_dbuf_create(&req, DBUF_ON_CONNECTOR1, evil_buffer_directory(&r->dbuf), DBUF_WIDTH,
			DBUF_HEIGHT, DBUF_BPP, DBUF_SIZE, 0, 0);
	expect(r, c1, &req, WANT_STATUS, -XEN_EINVAL, &out,
	       "DBUF_CREATE on connector 1's ring -> -XEN_EINVAL");
	undo_wrong_dbuf(r, &out, DBUF_ON_CONNECTOR1);

	vdispl_req_fb_attach(&req, DBUF_COOKIE, FB_ON_CONNECTOR1, DBUF_WIDTH, DBUF_HEIGHT,
		      DRM_FORMAT_XRGB8888);
	expect(r, c1, &req, WANT_STATUS, -XEN_EINVAL, &out,
	       "FB_ATTACH on connector 1's ring -> -XEN_EINVAL");

	vdispl_req_fb_detach(&req, FB_COOKIE);
	expect(r, c1, &req, WANT_STATUS, -XEN_EINVAL, &out,
	       "FB_DETACH of fb %u on connector 1's ring -> -XEN_EINVAL", FB_COOKIE);

	vdispl_req_dbuf_destroy(&req, DBUF_COOKIE);
	expect(r, c1, &req, WANT_STATUS, -XEN_EINVAL, &out,
	       "DBUF_DESTROY of dbuf %u on connector 1's ring -> -XEN_EINVAL", DBUF_COOKIE);
}

static void test_teardown(struct run *r)
{
	struct xendispl_req req;
	struct outcome out;

	vdispl_req_dbuf_destroy(&req, DBUF_NEVER_CREATED);
	expect(r, r->c0, &req, WANT_ERROR, 0, &out,
	       "DBUF_DESTROY of dbuf %#x that does not exist -> a negative status",
	       DBUF_NEVER_CREATED);

	vdispl_req_set_config(&req, 0, 0, 0, 0, 0, 0);
	expect(r, r->c0, &req, WANT_STATUS, 0, &out, "SET_CONFIG of all zeros (display off) -> 0");

	vdispl_req_fb_detach(&req, FB_COOKIE);
	expect(r, r->c0, &req, WANT_STATUS, 0, &out, "FB_DETACH of fb %u -> 0", FB_COOKIE);

	vdispl_req_dbuf_destroy(&req, DBUF_COOKIE);
	expect(r, r->c0, &req, WANT_STATUS, 0, &out, "DBUF_DESTROY of dbuf %u -> 0", DBUF_COOKIE);
}

/* "Closing, InitWait, Connected": what the backend's node read back as. */
static void format_trail(const struct evil_state_trail *trail, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (unsigned int i = 0; i < trail->count && len < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s", i ? ", " : "",
					vdispl_xenbus_state_name(trail->states[i]));
	if (!trail->count)
		snprintf(out, size, "nothing");
}

/*
 * Last: claim requests that were never written. The backend must drop the
 * connection (Closing or Closed) instead of serving garbage or crashing,
 * and stay away from the broken ring until we act; then we close our side.
 *
 * The backend's state node is watched, not only polled: a backend that
 * writes Closing and at once something else has still reacted, and must be
 * told apart from one that never noticed. Whether it then stays closed is
 * a second, separate check.
 */
static void test_ring_violation(struct run *r)
{
	const unsigned int closed =
		EVIL_STATE(VDISPL_XENBUS_CLOSING) | EVIL_STATE(VDISPL_XENBUS_CLOSED);
	enum vdispl_xenbus_state seen = VDISPL_XENBUS_UNKNOWN;
	struct evil_state_trail trail;
	char states[200];
	bool reacted;
	int ret;

	if (r->bailed)
		return;
	evil_xenbus_watch_start(r->ctx, &trail);
	ret = evil_ring_violate(r->ctx, r->c0, VIOLATION_EXCESS);
	if (ret) {
		evil_tap_result(false, "req_prod %u past the last request: notifying the backend",
				VIOLATION_EXCESS);
		evil_tap_diag("xenevtchn_notify: %s", strerror(-ret));
		evil_xenbus_watch_stop(r->ctx, &trail);
		return;
	}
	ret = evil_xenbus_watch_wait(r->ctx, closed, EVIL_CLOSE_TIMEOUT_MS, &trail, &seen);
	reacted = ret == 0 || trail.writes > 0;
	format_trail(&trail, states, sizeof(states));
	if (evil_tap_result(reacted,
			    "req_prod %u past the last request makes the backend close the "
			    "device (Closing or Closed within %d s)",
			    VIOLATION_EXCESS, EVIL_CLOSE_TIMEOUT_MS / 1000))
		evil_comment("backend state node written %u time(s), read back as: %s",
			     trail.writes, states);
	else
		evil_tap_diag("%s; backend state still %s (%d), its node never written",
			      strerror(-ret), vdispl_xenbus_state_name(seen), (int)seen);

	if (reacted) {
		/* Nothing in @closed is wanted now: this waits the full time, recording. */
		evil_xenbus_watch_wait(r->ctx, 0, STAY_CLOSED_MS, &trail, &seen);
		format_trail(&trail, states, sizeof(states));
		if (!evil_tap_result(closed & EVIL_STATE(seen),
				     "%d s later the backend is still Closing or Closed, not "
				     "reconnected to the broken ring",
				     STAY_CLOSED_MS / 1000)) {
			evil_tap_diag("backend state is %s (%d); its node was written %u time(s) "
				      "since the violation, read back as: %s",
				      vdispl_xenbus_state_name(seen), (int)seen, trail.writes,
				      states);
			evil_tap_diag("it re-offered the connection (InitWait) to the frontend "
				      "that broke its ring instead of waiting for it to close "
				      "or re-initialise");
		}
	}
	evil_xenbus_watch_stop(r->ctx, &trail);

	/* Our side now: the backend unmaps (if it had reconnected) and answers Closed. */
	if (evil_xenbus_write_state(r->ctx, VDISPL_XENBUS_CLOSED) == 0 &&
	    evil_xenbus_wait_backend(r->ctx, EVIL_STATE(VDISPL_XENBUS_CLOSED), 0,
				     EVIL_CLOSE_TIMEOUT_MS, &seen))
		evil_comment("backend state %s, not Closed, %d s after ours",
			     vdispl_xenbus_state_name(seen), EVIL_CLOSE_TIMEOUT_MS / 1000);
}

/* The backend's answer to a connect, and its error node. */
struct answer {
	int connect; /* evil_xenbus_connect()'s result */
	char *error; /* the backend's error node, to free(); NULL if none */
};

/*
 * Start over: disconnect, open XenStore again, have @node hold @value, and
 * connect. Returns 0 with *@a filled, or the negative errno of writing
 * @node (-EACCES: the toolstack keeps it read-only for us).
 */
static int reconnect_with(struct run *r, const char *node, const char *value, struct answer *a)
{
	int ret;

	a->error = NULL;
	evil_xenbus_release(r->ctx);
	ret = evil_xenbus_open(r->ctx);
	if (ret) {
		bail(r, "reopening XenStore: %s", strerror(-ret));
		return ret;
	}
	ret = evil_xenbus_write_own(r->ctx, node, value);
	if (ret)
		return ret;
	a->connect = evil_xenbus_connect(r->ctx);
	a->error = evil_xenbus_read_backend(r->ctx, "error");
	return 0;
}

/* @a is a refusal: the backend went Closing with @why in its error node. */
static void expect_refusal(const struct answer *a, const char *why, const char *desc)
{
	if (!evil_tap_result(a->connect == -ECONNABORTED && a->error && strstr(a->error, why),
			     "%s -> Closing, its error node saying \"%s\"", desc, why))
		evil_tap_diag("connect: %s; error node: %s",
			      a->connect ? strerror(-a->connect) : "Connected",
			      a->error ? a->error : "(none)");
}

/*
 * What a guest can write into its own XenStore directory before it
 * connects. libxl keeps be-alloc and the connectors it configured
 * read-only for the guest, but the guest may add connectors: one with a
 * resolution above the caps, and one whose unique-id is made to forge
 * log lines and terminal sequences (the lab checks the backend's log).
 * The last test: it reconnects.
 */
static void test_refused_connections(struct run *r)
{
	struct answer a;
	int ret;

	if (r->bailed)
		return;
	ret = reconnect_with(r, XENDISPL_FIELD_BE_ALLOC, "1", &a);
	if (ret == -EACCES) {
		evil_tap_result(true, "be-alloc = 1 -> refused by XenStore: the toolstack keeps "
				"be-alloc read-only for the guest");
	} else if (!ret) {
		expect_refusal(&a, "be-alloc is not allowed",
			       "be-alloc = 1, which Dom0 does not allow for this guest,");
		free(a.error);
		evil_xenbus_write_own(r->ctx, XENDISPL_FIELD_BE_ALLOC, "0");
	}

	if (r->bailed || reconnect_with(r, "2/" XENDISPL_FIELD_RESOLUTION, "16384x16384", &a))
		return;
	expect_refusal(&a, "above max-width x max-height",
		       "a connector 2 of our own making, 16384x16384, above the caps,");
	free(a.error);
	evil_xenbus_remove_own(r->ctx, "2");

	/*
	 * The backend rate-limits what a device makes it log, and our floods
	 * spent this window's share: a quiet pause first, so the lab sees
	 * how the next line shows our unique-id.
	 */
	sleep(LOG_WINDOW_S);
	if (r->bailed || evil_xenbus_write_own(r->ctx, "2/" XENDISPL_FIELD_UNIQUE_ID,
					      "evil\n    1.000000 error [forged.c:1] dom0: "
					      "forged\x1b[2J\x1b]0;pwned\a") ||
	    reconnect_with(r, "2/" XENDISPL_FIELD_RESOLUTION, "64x64", &a))
		return;
	/* Connected, or Closing for want of a display for it: either way, answered. */
	evil_tap_result(a.connect == 0 || a.connect == -ECONNABORTED,
			"a connector 2 whose unique-id carries a newline, ESC and BEL -> answered "
			"(%s)", a.connect ? "Closing" : "Connected");
	free(a.error);
	evil_xenbus_remove_own(r->ctx, "2");
}

/* The tests in the order they run, one a line. */
/* clang-format off */
static void (*const tests[])(struct run *r) = {
	test_unknown_operation,
	test_dbuf_create_invalid,
	test_dbuf_create_foreign_gref,
	test_dbuf_create_self_linked,
	test_dbuf_create_valid,
	test_fb_attach,
	test_framebuffer_cap,
	test_buffer_cap,
	test_ring_flood,
	test_set_config_and_flip,
	test_get_edid,
	test_second_connector,
	test_teardown,
	test_ring_violation,
	test_refused_connections,
};
/* clang-format on */

static int prepare(struct run *r)
{
	int ret;

	ret = evil_buffer_create(r->ctx, DBUF_PAGES, "the 64x64 XRGB8888 buffer", &r->dbuf);
	if (!ret)
		ret = evil_buffer_create(r->ctx, EDID_PAGES, "the EDID buffer", &r->edid);
	if (!ret)
		ret = evil_share_pages(r->ctx, 1, "the page a self-linked directory repeats",
				       &r->loop_page);
	if (!ret)
		ret = evil_share_pages(r->ctx, 1, "the self-linked directory", &r->loop_dir);
	if (!ret && r->ctx->max_buffers)
		ret = evil_buffer_create(r->ctx, 1, "the one-page buffer", &r->one_page);
	return ret;
}

int evil_tests_run(struct evil_ctx *ctx, unsigned int *failed)
{
	struct run r = { .ctx = ctx, .c0 = &ctx->conns[0] };
	int ret;

	*failed = 0;
	ret = prepare(&r);
	if (ret)
		return ret;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		tests[i](&r);
		if (r.bailed) {
			evil_tap_bail("%s", r.bail_reason);
			break;
		}
	}
	*failed = evil_tap_finish();
	/* A bail-out leaves tests unrun: never report that as a pass. */
	if (r.bailed && *failed == 0)
		*failed = 1;
	return 0;
}
