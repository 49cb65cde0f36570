// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * DOC: rings
 *
 * Each connector has a request ring (requests out, responses back) and an
 * event page (the backend's PG_FLIP events), each with its own event
 * channel. One request is in flight per ring at a time, as on the mainline
 * frontend; its caller sleeps until the response or a timeout.
 *
 * The backend is another domain: responses and events are copied off the
 * shared pages once, indices are checked against the ring size, and a
 * response whose id is not the one we wait for is dropped.
 */
#include <linux/interrupt.h>

#include <xen/events.h>
#include <xen/page.h>

#include "front.h"

static irqreturn_t req_interrupt(int irq, void *data)
{
	struct vdispl_front_ring *ring = data;
	struct xendispl_resp resp;
	RING_IDX prod, cons;
	unsigned long flags;
	int more;

	spin_lock_irqsave(&ring->resp_lock, flags);
	do {
		prod = READ_ONCE(ring->req.sring->rsp_prod);
		virt_rmb();
		/* A backend may not claim more responses than we made requests. */
		if (prod - ring->req.rsp_cons > ring->req.req_prod_pvt - ring->req.rsp_cons) {
			dev_err_ratelimited(&ring->front->xb_dev->dev,
					    "connector %u: bogus response producer %u\n",
					    ring->index, prod);
			break;
		}
		for (cons = ring->req.rsp_cons; cons != prod; cons++) {
			RING_COPY_RESPONSE(&ring->req, cons, &resp);
			if (!ring->waiting || resp.id != ring->req_id)
				continue;
			ring->resp_status = resp.status;
			ring->resp_edid_sz = resp.op.get_edid.edid_sz;
			ring->waiting = false;
			complete(&ring->resp_done);
		}
		ring->req.rsp_cons = prod;
		RING_FINAL_CHECK_FOR_RESPONSES(&ring->req, more);
	} while (more);
	spin_unlock_irqrestore(&ring->resp_lock, flags);
	return IRQ_HANDLED;
}

static irqreturn_t evt_interrupt(int irq, void *data)
{
	struct vdispl_front_ring *ring = data;
	struct xendispl_event_page *page = ring->evt_page;
	struct xendispl_evt evt;
	u32 prod, cons;

	if (!ring->connected)
		return IRQ_HANDLED;
	prod = READ_ONCE(page->in_prod);
	virt_rmb();
	cons = ring->evt_cons;
	if (prod - cons > XENDISPL_IN_RING_LEN) {
		dev_err_ratelimited(&ring->front->xb_dev->dev,
				    "connector %u: bogus event producer %u, events dropped\n",
				    ring->index, prod);
		cons = prod;
	}
	for (; cons != prod; cons++) {
		memcpy(&evt, &XENDISPL_IN_RING_REF(page, cons), sizeof(evt));
		if (evt.type == XENDISPL_EVT_PG_FLIP)
			vdispl_front_kms_flip_done(ring->front, ring->index,
						   evt.op.pg_flip.fb_cookie);
	}
	ring->evt_cons = cons;
	virt_mb();
	WRITE_ONCE(page->in_cons, cons);
	return IRQ_HANDLED;
}

/*
 * End the grant of a ring page, and free the page only once the backend no
 * longer maps it. xenbus_teardown_ring() frees the page at once, even when
 * the grant is still mapped: the backend could then write its responses into
 * memory the kernel already uses for something else.
 */
static void ring_page_end(void **page, grant_ref_t *gref)
{
	if (*gref != INVALID_GRANT_REF && *page) {
		/* The grant table frees the page once the grant has ended. */
		gnttab_end_foreign_access(*gref, virt_to_page(*page));
	} else {
		if (*gref != INVALID_GRANT_REF)
			gnttab_end_foreign_access(*gref, NULL);
		if (*page)
			free_pages_exact(*page, XEN_PAGE_SIZE);
	}
	*gref = INVALID_GRANT_REF;
	*page = NULL;
}

static int channel_create(struct vdispl_front_ring *ring, void **page, grant_ref_t *gref,
			  evtchn_port_t *port, int *irq, irq_handler_t handler, const char *name)
{
	struct xenbus_device *xb_dev = ring->front->xb_dev;
	int ret;

	ret = xenbus_setup_ring(xb_dev, GFP_KERNEL | __GFP_ZERO, page, 1, gref);
	if (ret < 0)
		return ret;
	ret = xenbus_alloc_evtchn(xb_dev, port);
	if (ret < 0)
		goto err_evtchn;
	ret = bind_evtchn_to_irqhandler(*port, handler, 0, name, ring);
	if (ret < 0)
		goto err_irq;
	*irq = ret;
	return 0;

err_irq:
	xenbus_free_evtchn(xb_dev, *port);
err_evtchn:
	ring_page_end(page, gref);
	return ret;
}

static void channel_destroy(struct vdispl_front_ring *ring, void **page, grant_ref_t *gref,
			    evtchn_port_t *port, int *irq)
{
	if (*irq > 0)
		unbind_from_irqhandler(*irq, ring);
	else if (*port)
		xenbus_free_evtchn(ring->front->xb_dev, *port);
	*irq = 0;
	*port = 0;
	ring_page_end(page, gref);
}

int vdispl_front_rings_create(struct vdispl_front_info *front)
{
	unsigned int i;
	int ret;

	for (i = 0; i < front->cfg.num_connectors; i++) {
		struct vdispl_front_ring *ring = &front->rings[i];
		struct xen_displif_sring *sring;

		memset(ring, 0, sizeof(*ring));
		/* What ring_page_end() skips: a half-made ring ends no grant. */
		ring->req_gref = INVALID_GRANT_REF;
		ring->evt_gref = INVALID_GRANT_REF;
		ring->front = front;
		ring->index = i;
		mutex_init(&ring->call_lock);
		spin_lock_init(&ring->resp_lock);
		init_completion(&ring->resp_done);

		ret = channel_create(ring, (void **)&sring, &ring->req_gref, &ring->req_port,
				     &ring->req_irq, req_interrupt, "vdispl-req");
		if (ret < 0)
			goto err;
		SHARED_RING_INIT(sring);
		FRONT_RING_INIT(&ring->req, sring, XEN_PAGE_SIZE);

		ret = channel_create(ring, (void **)&ring->evt_page, &ring->evt_gref,
				     &ring->evt_port, &ring->evt_irq, evt_interrupt, "vdispl-evt");
		if (ret < 0)
			goto err;
	}
	return 0;

err:
	dev_err(&front->xb_dev->dev, "connector %u: cannot set up its rings: %d\n", i, ret);
	vdispl_front_rings_destroy(front);
	return ret;
}

void vdispl_front_rings_destroy(struct vdispl_front_info *front)
{
	unsigned int i;

	vdispl_front_rings_set_connected(front, false);
	for (i = 0; i < front->cfg.num_connectors; i++) {
		struct vdispl_front_ring *ring = &front->rings[i];
		void *sring = ring->req.sring;

		if (!ring->front)
			continue;
		channel_destroy(ring, &sring, &ring->req_gref, &ring->req_port, &ring->req_irq);
		ring->req.sring = NULL;
		channel_destroy(ring, (void **)&ring->evt_page, &ring->evt_gref, &ring->evt_port,
				&ring->evt_irq);
		ring->front = NULL;
	}
}

static int publish_one(struct xenbus_transaction xbt, struct vdispl_front_ring *ring)
{
	const char *path = ring->front->xb_dev->nodename;
	char node[64];
	int ret;

#define PUBLISH(field, value)                                                     \
	do {                                                                      \
		snprintf(node, sizeof(node), "%u/%s", ring->index, field);        \
		ret = xenbus_printf(xbt, path, node, "%u", (unsigned int)(value)); \
		if (ret < 0)                                                      \
			return ret;                                               \
	} while (0)

	PUBLISH(XENDISPL_FIELD_REQ_RING_REF, ring->req_gref);
	PUBLISH(XENDISPL_FIELD_REQ_CHANNEL, ring->req_port);
	PUBLISH(XENDISPL_FIELD_EVT_RING_REF, ring->evt_gref);
	PUBLISH(XENDISPL_FIELD_EVT_CHANNEL, ring->evt_port);
#undef PUBLISH
	return 0;
}

int vdispl_front_rings_publish(struct vdispl_front_info *front)
{
	struct xenbus_transaction xbt;
	unsigned int i;
	int ret;

again:
	ret = xenbus_transaction_start(&xbt);
	if (ret < 0)
		return ret;
	for (i = 0; i < front->cfg.num_connectors; i++) {
		ret = publish_one(xbt, &front->rings[i]);
		if (ret < 0) {
			xenbus_transaction_end(xbt, 1);
			return ret;
		}
	}
	ret = xenbus_transaction_end(xbt, 0);
	if (ret == -EAGAIN)
		goto again;
	return ret;
}

void vdispl_front_rings_set_connected(struct vdispl_front_info *front, bool connected)
{
	unsigned int i;

	for (i = 0; i < front->cfg.num_connectors; i++) {
		struct vdispl_front_ring *ring = &front->rings[i];
		unsigned long flags;

		if (!ring->front)
			continue;
		spin_lock_irqsave(&ring->resp_lock, flags);
		ring->connected = connected;
		if (!connected && ring->waiting) {
			/* Wake a caller whose answer can no longer come. */
			ring->waiting = false;
			ring->resp_status = -ENODEV;
			complete(&ring->resp_done);
		}
		if (connected)
			ring->evt_cons = READ_ONCE(ring->evt_page->in_prod);
		spin_unlock_irqrestore(&ring->resp_lock, flags);
	}
}

/* The backend's status is -XEN_E*; Xen's numbers are Linux's for these. */
static int status_to_errno(int32_t status)
{
	if (status == 0)
		return 0;
	if (status < 0 && status >= -MAX_ERRNO)
		return status;
	return -EIO;
}

int vdispl_front_call(struct vdispl_front_ring *ring, struct xendispl_req *req, u32 *edid_sz)
{
	unsigned long flags, left;
	int notify, ret;

	mutex_lock(&ring->call_lock);
	spin_lock_irqsave(&ring->resp_lock, flags);
	if (!ring->connected) {
		spin_unlock_irqrestore(&ring->resp_lock, flags);
		mutex_unlock(&ring->call_lock);
		return -ENODEV;
	}
	/* Requests the backend never took (after timeouts) fill the ring. */
	if (RING_FULL(&ring->req)) {
		spin_unlock_irqrestore(&ring->resp_lock, flags);
		mutex_unlock(&ring->call_lock);
		return -EBUSY;
	}
	req->id = ++ring->req_id;
	*RING_GET_REQUEST(&ring->req, ring->req.req_prod_pvt) = *req;
	ring->req.req_prod_pvt++;
	ring->waiting = true;
	reinit_completion(&ring->resp_done);
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&ring->req, notify);
	spin_unlock_irqrestore(&ring->resp_lock, flags);
	if (notify)
		notify_remote_via_irq(ring->req_irq);

	left = wait_for_completion_timeout(&ring->resp_done,
					   msecs_to_jiffies(VDISPL_FRONT_REQ_TIMEOUT_MS));
	spin_lock_irqsave(&ring->resp_lock, flags);
	if (!left && ring->waiting) {
		ring->waiting = false;
		ret = -ETIMEDOUT;
	} else {
		ret = status_to_errno(ring->resp_status);
		if (edid_sz)
			*edid_sz = ring->resp_edid_sz;
	}
	spin_unlock_irqrestore(&ring->resp_lock, flags);
	mutex_unlock(&ring->call_lock);
	if (ret == -ETIMEDOUT)
		dev_err_ratelimited(&ring->front->xb_dev->dev,
				    "connector %u: no answer to request %u within %u ms\n",
				    ring->index, req->operation, VDISPL_FRONT_REQ_TIMEOUT_MS);
	return ret;
}
