// SPDX-License-Identifier: MIT
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "tools/evil-frontend/report.h"
#include "protocol/request.h"
#include "tools/evil-frontend/ring.h"
#include "tools/evil-frontend/share.h"

int evil_conn_setup(struct evil_ctx *ctx, struct evil_conn *c)
{
	struct xen_displif_sring *sring;
	char object[96];
	int ret;

	snprintf(object, sizeof(object), "connector %u request ring", c->index);
	ret = evil_share_pages(ctx, 1, object, &c->req_share);
	snprintf(object, sizeof(object), "connector %u event page", c->index);
	if (!ret)
		ret = evil_share_pages(ctx, 1, object, &c->evt_share);
	if (ret)
		return ret;

	sring = c->req_share->addr;
	SHARED_RING_INIT(sring);
	FRONT_RING_INIT(&c->ring, sring, VDISPL_XEN_PAGE_SIZE);
	/* gntalloc zeroed the page: in_cons = in_prod = 0, as the backend expects. */
	c->evt_page = c->evt_share->addr;
	c->evt_cons = 0;

	/*
	 * Unbound ports the backend binds to from its side; the port number
	 * we get is the one it needs, so it goes to XenStore as it is.
	 */
	c->req_port = xenevtchn_bind_unbound_port(ctx->xce, ctx->backend_id);
	if (c->req_port < 0) {
		ret = -errno;
		snprintf(object, sizeof(object), "connector %u request channel for domain %u",
			 c->index, ctx->backend_id);
		evil_setup_error("xenevtchn_bind_unbound_port (/dev/xen/evtchn)", object, ret);
		return ret;
	}
	c->evt_port = xenevtchn_bind_unbound_port(ctx->xce, ctx->backend_id);
	if (c->evt_port < 0) {
		ret = -errno;
		snprintf(object, sizeof(object), "connector %u event channel for domain %u",
			 c->index, ctx->backend_id);
		evil_setup_error("xenevtchn_bind_unbound_port (/dev/xen/evtchn)", object, ret);
		return ret;
	}
	return 0;
}

void evil_conn_finish(struct evil_ctx *ctx, struct evil_conn *c)
{
	int *ports[] = { &c->req_port, &c->evt_port };

	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		if (*ports[i] < 0)
			continue;
		if (xenevtchn_unbind(ctx->xce, (evtchn_port_t)*ports[i]) < 0) {
			char object[64];

			snprintf(object, sizeof(object), "connector %u port %d", c->index,
				 *ports[i]);
			evil_setup_error("xenevtchn_unbind", object, -errno);
		}
		*ports[i] = -1;
	}
}

static int notify(struct evil_ctx *ctx, const struct evil_conn *c, int port)
{
	if (xenevtchn_notify(ctx->xce, (evtchn_port_t)port) < 0) {
		int ret = -errno;

		evil_comment("xenevtchn_notify on connector %u port %d: %s", c->index, port,
			     strerror(-ret));
		return ret;
	}
	return 0;
}

/*
 * Wait until some port fires or @timeout_ms pass, then take that one port
 * and unmask it. Which port fired does not matter: every caller re-reads
 * the shared page it waits on. Returns 0 (a port fired, or a signal that
 * was not ours), -ETIMEDOUT, -EINTR, or a negative errno.
 */
static int wait_port(struct evil_ctx *ctx, int timeout_ms)
{
	struct pollfd pfd = { .fd = xenevtchn_fd(ctx->xce), .events = POLLIN };
	int port, n;

	if (evil_stop)
		return -EINTR;
	n = poll(&pfd, 1, timeout_ms);
	if (n < 0)
		return errno == EINTR ? (evil_stop ? -EINTR : 0) : -errno;
	if (n == 0)
		return -ETIMEDOUT;
	if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) {
		evil_comment("event channel fd reports revents %#x", (unsigned int)pfd.revents);
		return -EIO;
	}
	/* The fd is readable: this read of one port does not block. */
	port = xenevtchn_pending(ctx->xce);
	if (port < 0)
		return -errno;
	/* The kernel masked the port on delivery; without this it never fires again. */
	if (xenevtchn_unmask(ctx->xce, (evtchn_port_t)port) < 0)
		return -errno;
	return 0;
}

/* Milliseconds left until @deadline, at least 0. */
static int remaining_ms(int64_t deadline)
{
	int64_t left = deadline - evil_now_ms();

	return left > 0 ? (int)left : 0;
}

/*
 * Consume every published response; the one with @id goes to *resp.
 * Returns 1 if it was among them, 0 if not, -EPROTO if rsp_prod is
 * impossible.
 */
static int take_responses(struct evil_conn *c, uint16_t id, struct xendispl_resp *resp)
{
	int found = 0;
	int more;

	do {
		/* Read rsp_prod once: the backend may move it while we work. */
		RING_IDX rp = *(volatile RING_IDX *)&c->ring.sring->rsp_prod;

		xen_rmb(); /* responses are read only after the index that covers them */
		if (RING_RESPONSE_PROD_OVERFLOW(&c->ring, rp)) {
			evil_comment("connector %u: backend claims %u responses on a %u-slot ring",
				     c->index, rp - c->ring.rsp_cons, RING_SIZE(&c->ring));
			return -EPROTO;
		}
		while (c->ring.rsp_cons != rp) {
			struct xendispl_resp r;

			RING_COPY_RESPONSE(&c->ring, c->ring.rsp_cons, &r);
			c->ring.rsp_cons++;
			if (r.id == id) {
				*resp = r;
				found = 1;
			} else {
				/* An answer to a request we gave up on. */
				evil_comment(
					"connector %u: dropping response id %u (%s, status %d)",
					c->index, r.id, vdispl_op_name(r.operation), r.status);
			}
		}
		/* Sets rsp_event, so the backend notifies us for the next response. */
		RING_FINAL_CHECK_FOR_RESPONSES(&c->ring, more);
	} while (more);
	return found;
}

int evil_ring_call(struct evil_ctx *ctx, struct evil_conn *c, const struct xendispl_req *req,
		   uint16_t *id, struct xendispl_resp *resp, int timeout_ms)
{
	int64_t deadline = evil_now_ms() + timeout_ms;
	struct xendispl_req copy;
	int do_notify, ret;

	if (RING_FULL(&c->ring))
		return -EBUSY;
	memcpy(&copy, req, sizeof(copy));
	copy.id = ctx->next_id++;
	*id = copy.id;
	/*
	 * The whole slot is written, reserved octets included: the last
	 * request in this slot leaves nothing behind.
	 */
	memcpy(RING_GET_REQUEST(&c->ring, c->ring.req_prod_pvt), &copy, sizeof(copy));
	c->ring.req_prod_pvt++;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&c->ring, do_notify);
	if (do_notify) {
		ret = notify(ctx, c, c->req_port);
		if (ret)
			return ret;
	}

	for (;;) {
		ret = take_responses(c, copy.id, resp);
		if (ret)
			return ret < 0 ? ret : 0;
		if (remaining_ms(deadline) == 0)
			return -ETIMEDOUT;
		ret = wait_port(ctx, remaining_ms(deadline));
		/* A timeout here still gets one last look at the ring above. */
		if (ret && ret != -ETIMEDOUT)
			return ret;
	}
}

uint32_t evil_event_prod(const struct evil_conn *c)
{
	return *(volatile uint32_t *)&c->evt_page->in_prod;
}

int evil_event_next(struct evil_ctx *ctx, struct evil_conn *c, struct xendispl_evt *evt,
		    int timeout_ms)
{
	int64_t deadline = evil_now_ms() + timeout_ms;
	int ret;

	for (;;) {
		uint32_t prod = evil_event_prod(c);

		xen_rmb(); /* the event is read only after the index that covers it */
		if (prod - c->evt_cons > XENDISPL_IN_RING_LEN) {
			evil_comment("connector %u: event page in_prod %u is more than %zu past "
				     "in_cons %u",
				     c->index, prod, (size_t)XENDISPL_IN_RING_LEN, c->evt_cons);
			return -EPROTO;
		}
		if (prod != c->evt_cons) {
			*evt = *(volatile struct xendispl_evt *)&XENDISPL_IN_RING_REF(c->evt_page,
										      c->evt_cons);
			c->evt_cons++;
			/* Done reading the slot before the backend may reuse it. */
			xen_mb();
			*(volatile uint32_t *)&c->evt_page->in_cons = c->evt_cons;
			return 0;
		}
		if (remaining_ms(deadline) == 0)
			return -ETIMEDOUT;
		ret = wait_port(ctx, remaining_ms(deadline));
		if (ret && ret != -ETIMEDOUT)
			return ret;
	}
}

/* Count every published response; -EPROTO if rsp_prod is impossible. */
static int count_responses(struct evil_conn *c, int32_t want, uint64_t *answered,
			   uint64_t *unexpected)
{
	RING_IDX rp = *(volatile RING_IDX *)&c->ring.sring->rsp_prod;

	xen_rmb();
	if (RING_RESPONSE_PROD_OVERFLOW(&c->ring, rp))
		return -EPROTO;
	while (c->ring.rsp_cons != rp) {
		struct xendispl_resp r;

		RING_COPY_RESPONSE(&c->ring, c->ring.rsp_cons, &r);
		c->ring.rsp_cons++;
		(*answered)++;
		if (r.status != want)
			(*unexpected)++;
	}
	return 0;
}

int evil_ring_flood(struct evil_ctx *ctx, struct evil_conn *c, const struct xendispl_req *req,
		    int32_t want, int ms, uint64_t *answered, uint64_t *unexpected)
{
	int64_t deadline = evil_now_ms() + ms;
	struct xendispl_req copy;
	int ret;

	*answered = 0;
	*unexpected = 0;
	memcpy(&copy, req, sizeof(copy));
	while (evil_now_ms() < deadline) {
		if (evil_stop)
			return -EINTR;
		ret = count_responses(c, want, answered, unexpected);
		if (ret)
			return ret;
		while (!RING_FULL(&c->ring)) {
			copy.id = ctx->next_id++;
			memcpy(RING_GET_REQUEST(&c->ring, c->ring.req_prod_pvt), &copy, sizeof(copy));
			c->ring.req_prod_pvt++;
		}
		RING_PUSH_REQUESTS(&c->ring);
		/* Always: the backend is kept looking, whatever req_event says. */
		notify(ctx, c, c->req_port);
		/* Take a pending port, or notifications pile up masked. */
		wait_port(ctx, 0);
	}
	/* Let the last answers in, so the next call starts on an empty ring. */
	for (int i = 0; i < 100 && c->ring.rsp_cons != c->ring.req_prod_pvt; i++) {
		ret = count_responses(c, want, answered, unexpected);
		if (ret)
			return ret;
		if (c->ring.rsp_cons != c->ring.req_prod_pvt)
			wait_port(ctx, 100);
	}
	return c->ring.rsp_cons == c->ring.req_prod_pvt ? 0 : -ETIMEDOUT;
}

int evil_ring_violate(struct evil_ctx *ctx, struct evil_conn *c, uint32_t excess)
{
	xen_wmb();
	*(volatile RING_IDX *)&c->ring.sring->req_prod = c->ring.req_prod_pvt + excess;
	xen_mb();
	/* Always notify: req_event must not decide whether the backend looks. */
	return notify(ctx, c, c->req_port);
}

int evil_ring_call_ok(struct evil_ctx *ctx, struct evil_conn *c, const struct xendispl_req *req,
		      const char *what)
{
	struct xendispl_resp resp;
	uint16_t id;
	int ret = evil_ring_call(ctx, c, req, &id, &resp, EVIL_RESPONSE_TIMEOUT_MS);

	if (!ret && resp.status)
		ret = resp.status;
	if (ret)
		fprintf(stderr, EVIL_PROG ": %s: %d\n", what, ret);
	return ret;
}
