// SPDX-License-Identifier: MIT
/*
 * The daemon's own code (backend/: devices, connectors, buffers, requests,
 * the xenbus state machine, caps and budgets) over the stand-in Xen of
 * tests/fake/, driven by fake guests: lifetimes, refusals, the flip queue,
 * fairness between guests, and nothing misused or left mapped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <drm_fourcc.h>

#include "backend/backend.h"
#include "backend/config.h"
#include "common/log.h"
#include "protocol/request-encode.h"
#include "tests/fake/fake-frontend.h"
#include "tests/fake/fake-xen.h"
#include "tests/unit/tap.h"

#define STATE_INITWAIT 2
#define STATE_INITIALISED 3
#define STATE_CONNECTED 4
#define STATE_CLOSING 5
#define STATE_CLOSED 6

static struct vdispl_backend *start(const char *ini)
{
	static struct vdispl_config config;
	struct vdispl_backend *b = NULL;
	char error[256];
	char text[1024];

	fake_xen_reset();
	vdispl_config_init(&config);
	/* Headless: no display needed; copy: the fake has no dma-bufs. */
	snprintf(text, sizeof(text), "[backend]\noutput = headless\nimport = copy\n%s", ini);
	if (vdispl_config_parse_string(&config, text, error, sizeof(error))) {
		printf("# bad test configuration: %s\n", error);
		return NULL;
	}
	if (vdispl_backend_create(&config, &b))
		return NULL;
	return b;
}

/* Run the loop until nothing is left to do. */
static void settle(struct vdispl_backend *b)
{
	for (int i = 0; i < 10000 && vdispl_loop_dispatch(b->loop, 5) > 0; i++)
		;
}

static void stop(struct vdispl_backend *b)
{
	vdispl_backend_destroy(b);
	TAP_EQ_INT(fake_pages_mapped(), 0, "after the backend: no grant page left mapped");
	TAP_EQ_INT(fake_xen_misuses(), 0, "no misuse of Xen seen");
}

/*
 * A guest "guest<domid>" with @n connectors at @resolution, connected as
 * far as the backend lets it. @nodes (NULL, or node and value pairs ending
 * in NULL) are written into its directory first, as a guest may.
 */
static void guest(struct vdispl_backend *b, struct fake_frontend *f, uint32_t domid,
		  unsigned int n, const char *resolution, const char *const *nodes)
{
	char name[16];

	snprintf(name, sizeof(name), "guest%u", domid);
	fake_frontend_create(f, domid, name, n, resolution);
	for (; nodes && *nodes; nodes += 2)
		fake_frontend_write(f, nodes[0], nodes[1]);
	settle(b);
	fake_frontend_connect(f);
	settle(b);
}

/* Send @req on connector @c, run the backend, return the status (1: none). */
static int call(struct vdispl_backend *b, struct fake_frontend *f, unsigned int c,
		const struct xendispl_req *req)
{
	uint16_t id = fake_frontend_queue(f, c, req);

	fake_frontend_push(f, c);
	settle(b);
	return fake_frontend_status(f, c, id);
}

static void test_connect_and_flip(void)
{
	struct vdispl_backend *b = start("");
	struct fake_frontend f;
	struct xendispl_req req;
	vdispl_gref_t dir;
	uint64_t cookie = 0;
	void *pixels;

	TAP_CHECK(b != NULL, "the backend starts over the fake Xen");
	if (!b)
		return;
	fake_frontend_create(&f, 1, "guest1", 2, "640x480");
	settle(b);
	TAP_EQ_INT(fake_frontend_backend_state(&f), STATE_INITWAIT, "a new device: InitWait");
	fake_frontend_connect(&f);
	settle(b);
	TAP_EQ_INT(fake_frontend_backend_state(&f), STATE_CONNECTED, "frontend Initialised: Connected");
	TAP_CHECK(fake_evtchn_bound(1, f.conns[0].req_port) && fake_evtchn_bound(1, f.conns[1].evt_port),
		  "both connectors' event channels bound");
	TAP_EQ_INT(fake_pages_mapped(), 4, "two rings and two event pages mapped");

	dir = fake_frontend_buffer(&f, 300, &pixels);
	vdispl_req_dbuf_create(&req, 0x10, dir, 640, 480, 32, 640 * 480 * 4, 0, 0);
	TAP_EQ_INT(call(b, &f, 0, &req), 0, "DBUF_CREATE of 300 pages -> 0");
	TAP_EQ_INT(fake_pages_mapped(), 4 + 300, "the buffer's 300 pages mapped (its directory not)");
	TAP_EQ_INT(call(b, &f, 0, &req), -XEN_EEXIST, "the same cookie again -> -XEN_EEXIST");
	vdispl_req_fb_attach(&req, 0x10, 0x20, 640, 480, DRM_FORMAT_XRGB8888);
	TAP_EQ_INT(call(b, &f, 0, &req), 0, "FB_ATTACH -> 0");
	vdispl_req_set_config(&req, 0x20, 0, 0, 640, 480, 32);
	TAP_EQ_INT(call(b, &f, 0, &req), 0, "SET_CONFIG -> 0");
	vdispl_req_pg_flip(&req, 0x20);
	TAP_EQ_INT(call(b, &f, 0, &req), 0, "PG_FLIP -> 0");
	TAP_CHECK(fake_frontend_flip_event(&f, 0, &cookie) == 0 && cookie == 0x20,
		  "its flip event came, for fb 0x20");
	TAP_CHECK(fake_frontend_flip_event(&f, 0, &cookie) == -EAGAIN, "and only one");
	TAP_EQ_INT(b->flips, 1, "the backend counts one flip shown");
	vdispl_req_init(&req, 0x42);
	TAP_EQ_INT(call(b, &f, 0, &req), -XEN_EOPNOTSUPP, "unknown operation -> -XEN_EOPNOTSUPP");
	vdispl_req_fb_detach(&req, 0x20);
	TAP_EQ_INT(call(b, &f, 1, &req), -XEN_EINVAL,
		   "FB_DETACH on connector 1's ring -> -XEN_EINVAL");

	/* The guest goes away the clean way: every page is let go of. */
	fake_frontend_state(&f, STATE_CLOSING);
	settle(b);
	TAP_EQ_INT(fake_pages_mapped(), 0, "frontend Closing: every page unmapped");
	TAP_CHECK(!fake_evtchn_bound(1, f.conns[0].req_port), "and its channels unbound");
	fake_frontend_state(&f, STATE_CLOSED);
	settle(b);
	TAP_EQ_INT(fake_frontend_backend_state(&f), STATE_CLOSED, "frontend Closed: backend Closed");
	fake_xs_rm(f.be_path);
	settle(b);
	stop(b);
}

/*
 * Three flips pushed at once: the first goes on screen, the second waits,
 * the third overtakes it. Every flip gets exactly one event: the overtaken
 * one at once, then the first and the third as they are shown.
 */
static void test_flip_queue(void)
{
	struct vdispl_backend *b = start("");
	struct fake_frontend f;
	struct xendispl_req req;
	uint64_t events[4] = { 0 };
	unsigned int n = 0;
	vdispl_gref_t dir;

	if (!b)
		return;
	guest(b, &f, 1, 1, "64x64", NULL);
	dir = fake_frontend_buffer(&f, 4, NULL);
	vdispl_req_dbuf_create(&req, 1, dir, 64, 64, 32, 64 * 64 * 4, 0, 0);
	call(b, &f, 0, &req);
	for (uint64_t fb = 0xa; fb <= 0xc; fb++) {
		vdispl_req_fb_attach(&req, 1, fb, 64, 64, DRM_FORMAT_XRGB8888);
		call(b, &f, 0, &req);
	}
	vdispl_req_set_config(&req, 0xa, 0, 0, 64, 64, 32);
	TAP_EQ_INT(call(b, &f, 0, &req), 0, "display on");
	for (uint64_t fb = 0xa; fb <= 0xc; fb++) {
		vdispl_req_pg_flip(&req, fb);
		fake_frontend_queue(&f, 0, &req);
	}
	fake_frontend_push(&f, 0);
	settle(b);
	while (n < 4 && fake_frontend_flip_event(&f, 0, &events[n]) == 0)
		n++;
	TAP_EQ_INT(n, 3, "three flips, three events");
	TAP_CHECK(events[0] == 0xb && events[1] == 0xa && events[2] == 0xc,
		  "the overtaken flip's event first, then the others as shown: %#llx %#llx %#llx",
		  (unsigned long long)events[0], (unsigned long long)events[1],
		  (unsigned long long)events[2]);
	TAP_EQ_INT(b->flips, 2, "two of them were shown");
	stop(b);
}

/* A frontend that closes and initialises again gets a fresh connection. */
static void test_reconnect(void)
{
	struct vdispl_backend *b = start("");
	struct fake_frontend f;
	struct xendispl_req req;

	if (!b)
		return;
	guest(b, &f, 1, 1, "64x64", NULL);
	for (int round = 0; round < 3; round++) {
		vdispl_req_dbuf_create(&req, 1, fake_frontend_buffer(&f, 4, NULL), 64, 64, 32,
				       64 * 64 * 4, 0, 0);
		TAP_EQ_INT(call(b, &f, 0, &req), 0, "round %d: connected, a buffer created", round);
		fake_frontend_state(&f, STATE_CLOSING);
		settle(b);
		fake_frontend_state(&f, STATE_CLOSED);
		settle(b);
		TAP_EQ_INT(fake_pages_mapped(), 0, "round %d: closed, nothing mapped", round);
		fake_frontend_state(&f, 1);
		settle(b);
		fake_frontend_connect(&f);
		settle(b);
		TAP_EQ_INT(fake_frontend_backend_state(&f), STATE_CONNECTED,
			   "round %d: initialised again: Connected", round);
	}
	stop(b);
}

static void test_caps(void)
{
	struct vdispl_backend *b = start("max-buffers = 3\nmax-framebuffers = 2\nmax-pages = 10\n"
					 "max-total-buffers = 4\n");
	struct fake_frontend f, g;
	struct xendispl_req req;
	vdispl_gref_t dir;

	if (!b)
		return;
	guest(b, &f, 1, 1, "64x64", NULL);
	guest(b, &g, 2, 1, "64x64", NULL);
	TAP_CHECK(fake_frontend_backend_state(&f) == STATE_CONNECTED &&
		  fake_frontend_backend_state(&g) == STATE_CONNECTED, "two guests connected");
	dir = fake_frontend_buffer(&f, 4, NULL);
	for (uint32_t i = 0; i < 2; i++) {
		vdispl_req_dbuf_create(&req, 1 + i, dir, 64, 64, 32, 64 * 64 * 4, 0, 0);
		TAP_EQ_INT(call(b, &f, 0, &req), 0, "buffer %u of 4 pages -> 0", i + 1);
	}
	vdispl_req_dbuf_create(&req, 3, dir, 64, 64, 32, 64 * 64 * 4, 0, 0);
	TAP_EQ_INT(call(b, &f, 0, &req), -XEN_ENOMEM, "a third: 12 pages > max-pages 10 -> -XEN_ENOMEM");
	dir = fake_frontend_buffer(&f, 1, NULL);
	vdispl_req_dbuf_create(&req, 4, dir, 32, 32, 32, 32 * 32 * 4, 0, 0);
	TAP_EQ_INT(call(b, &f, 0, &req), 0, "a third of 1 page -> 0");
	vdispl_req_dbuf_create(&req, 5, dir, 32, 32, 32, 32 * 32 * 4, 0, 0);
	TAP_EQ_INT(call(b, &f, 0, &req), -XEN_ENOSPC, "a fourth: max-buffers 3 -> -XEN_ENOSPC");

	for (uint32_t i = 0; i < 3; i++) {
		vdispl_req_fb_attach(&req, 1, 0x100 + i, 64, 64, DRM_FORMAT_XRGB8888);
		TAP_EQ_INT(call(b, &f, 0, &req), i < 2 ? 0 : -XEN_ENOSPC,
			   "framebuffer %u of max-framebuffers 2 -> %s", i + 1,
			   i < 2 ? "0" : "-XEN_ENOSPC");
	}
	/* Guest 1 holds 3 of the 4 buffers all guests may hold. */
	dir = fake_frontend_buffer(&g, 1, NULL);
	vdispl_req_dbuf_create(&req, 1, dir, 32, 32, 32, 32 * 32 * 4, 0, 0);
	TAP_EQ_INT(call(b, &g, 0, &req), 0, "the other guest's first buffer -> 0");
	vdispl_req_dbuf_create(&req, 2, dir, 32, 32, 32, 32 * 32 * 4, 0, 0);
	TAP_EQ_INT(call(b, &g, 0, &req), -XEN_ENOSPC,
		   "its second: max-total-buffers 4 -> -XEN_ENOSPC");
	vdispl_req_dbuf_destroy(&req, 4);
	TAP_EQ_INT(call(b, &f, 0, &req), 0, "the first guest lets one go");
	vdispl_req_dbuf_create(&req, 2, dir, 32, 32, 32, 32 * 32 * 4, 0, 0);
	TAP_EQ_INT(call(b, &g, 0, &req), 0, "now the other guest's second -> 0");
	TAP_EQ_INT(b->buffer_totals.buffers, 4, "4 buffers counted over both guests");
	fake_frontend_state(&f, STATE_CLOSING);
	settle(b);
	TAP_EQ_INT(b->buffer_totals.buffers, 2, "a guest's disconnect gives its buffers back");
	stop(b);
}

static void test_refusals(void)
{
	struct vdispl_backend *b = start("[guest2/*]\nbe-alloc = yes\nmax-width = 800\n");
	static const char *const be_alloc[] = { XENDISPL_FIELD_BE_ALLOC, "1", NULL };
	struct fake_frontend f, g, h;
	const char *error;

	if (!b)
		return;
	guest(b, &f, 1, 1, "640x480", be_alloc);
	TAP_EQ_INT(fake_frontend_backend_state(&f), STATE_CLOSING,
		   "be-alloc asked without permission: Closing");
	error = fake_frontend_backend_node(&f, "error");
	TAP_CHECK(error && !strncmp(error, "13 ", 3) && strstr(error, "be-alloc is not allowed"),
		  "its error node says why: %s",
		  error ? error : "(none)");
	TAP_EQ_INT(fake_pages_mapped(), 0, "and nothing of it stays mapped");

	guest(b, &g, 2, 1, "640x480", be_alloc);
	TAP_EQ_INT(fake_frontend_backend_state(&g), STATE_CONNECTED,
		   "be-alloc for a guest the ini file allows: Connected");

	guest(b, &h, 3, 1, "8192x8192", NULL);
	TAP_EQ_INT(fake_frontend_backend_state(&h), STATE_CLOSING,
		   "a resolution above max-width x max-height: Closing");
	error = fake_frontend_backend_node(&h, "error");
	TAP_CHECK(error && strstr(error, "resolution 8192x8192 above max-width x max-height 4096x4096"),
		  "its error node says why: %s", error ? error : "(none)");
	stop(b);
}

/* A guest that refills its ring the moment it sees answers, up to @limit requests. */
struct flood {
	struct fake_frontend *f;
	unsigned int sent, answered, limit;
};

static void refill(struct flood *fl)
{
	struct fake_conn *c = &fl->f->conns[0];
	struct xendispl_req req;
	int more;

	fl->answered += fake_frontend_drain(fl->f, 0);
	vdispl_req_fb_detach(&req, 0x999);
	while (!RING_FULL(&c->ring) && fl->sent < fl->limit) {
		fake_frontend_queue(fl->f, 0, &req);
		fl->sent++;
	}
	RING_PUSH_REQUESTS(&c->ring);
	RING_FINAL_CHECK_FOR_RESPONSES(&c->ring, more);
	(void)more;
}

static void on_notify(void *data, uint32_t domid, uint32_t port)
{
	struct flood *fl = data;

	if (domid == fl->f->domid && port == fl->f->conns[0].req_port)
		refill(fl);
}

static void test_fairness(void)
{
	struct vdispl_backend *b = start("");
	struct fake_frontend evil, good;
	struct flood fl = { .f = &evil, .limit = 100000 };
	struct xendispl_req req;
	uint16_t id;
	int rounds;

	if (!b)
		return;
	guest(b, &evil, 1, 1, "64x64", NULL);
	guest(b, &good, 2, 1, "64x64", NULL);
	fake_evtchn_on_notify(on_notify, &fl);
	refill(&fl);
	fake_evtchn_notify(1, evil.conns[0].req_port);
	vdispl_req_fb_detach(&req, 0x777);
	id = fake_frontend_queue(&good, 0, &req);
	fake_frontend_push(&good, 0);
	/* A few loop rounds: the good guest is answered while the flood goes on. */
	for (rounds = 1; rounds <= 10; rounds++) {
		vdispl_loop_dispatch(b->loop, 5);
		if (fake_frontend_status(&good, 0, id) != 1)
			break;
	}
	TAP_CHECK(rounds <= 10, "the other guest is answered within %d loop rounds", rounds);
	TAP_CHECK(fl.sent < fl.limit, "while the flood still goes on (%u of %u sent)", fl.sent,
		  fl.limit);
	TAP_CHECK(b->ring_passes_cut >= 1, "the flooding ring's passes were cut (%llu)",
		  (unsigned long long)b->ring_passes_cut);
	fake_evtchn_on_notify(NULL, NULL);
	stop(b);
}

static char log_lines[256][4200];
static unsigned int num_log_lines;

static void capture(enum vdispl_log_level level, const char *line)
{
	if (num_log_lines < 256)
		snprintf(log_lines[num_log_lines++], sizeof(log_lines[0]), "%s", line);
}

static void test_log_escaping(void)
{
	struct vdispl_backend *b = start("");
	static const char *const hostile[] = {
		"0/" XENDISPL_FIELD_UNIQUE_ID, "x\n1.000000 error forged\x1b[2J\"",
		"0/" XENDISPL_FIELD_RESOLUTION, "64x64\n\x1b]0;t\a",
		NULL,
	};
	struct fake_frontend f;
	bool raw = false, forged = false;

	if (!b)
		return;
	num_log_lines = 0;
	vdispl_log_set_sink(capture);
	guest(b, &f, 1, 1, "640x480", hostile);
	vdispl_log_set_sink(NULL);
	for (unsigned int i = 0; i < num_log_lines; i++) {
		raw |= strpbrk(log_lines[i], "\n\x1b\a") != NULL;
		forged |= !strncmp(log_lines[i], "1.000000", 8);
	}
	TAP_CHECK(num_log_lines > 0 && !raw,
		  "a guest's newline, ESC and BEL reach no log line raw (%u lines)", num_log_lines);
	TAP_CHECK(!forged, "no forged line");
	TAP_EQ_INT(fake_frontend_backend_state(&f), STATE_CLOSING,
		   "the bad resolution is refused: Closing");
	stop(b);
}

int main(void)
{
	vdispl_log_set_level(VDISPL_LOG_ERROR);
	test_connect_and_flip();
	test_flip_queue();
	test_reconnect();
	test_caps();
	test_refusals();
	test_fairness();
	vdispl_log_set_level(VDISPL_LOG_DEBUG);
	test_log_escaping();
	return tap_done();
}
