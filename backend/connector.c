// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "backend/connector.h"
#include "backend/device.h"
#include "protocol/format.h"
#include "common/log.h"
#include "protocol/request.h"
#include "protocol/status.h"

/* ---- setup ---- */

/* Room for 32 octets of a guest's string, each escaped to at most 4. */
#define GUEST_STRING_SHOWN (4 * 32 + 4)

static int read_u32(struct vdispl_device *dev, const char *dir, const char *node, uint32_t *out)
{
	char path[320];
	char *value;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, node);
	ret = vdispl_xs_read(dev->backend->xs, path, &value);
	if (ret)
		return ret;
	ret = vdispl_xs_parse_u32(value, out);
	free(value);
	return ret;
}

static int read_config(struct vdispl_connector *c, const char *dir)
{
	struct vdispl_device *dev = c->dev;
	char path[320];
	char shown[GUEST_STRING_SHOWN];
	char *value;
	int ret;

	snprintf(path, sizeof(path), "%s/" XENDISPL_FIELD_RESOLUTION, dir);
	ret = vdispl_xs_read(dev->backend->xs, path, &value);
	if (ret)
		return ret;
	ret = vdispl_xs_parse_resolution(value, &c->width, &c->height);
	if (ret)
		vdispl_log_limited(ERROR, &dev->guest_log, c->tag, "bad resolution \"%s\"",
				   vdispl_log_escape(shown, sizeof(shown), value, 32, true));
	free(value);
	if (ret)
		return ret;
	/* The outputs size their own memory by it (headless: width x height x 4). */
	if (c->width > dev->limits.max_width || c->height > dev->limits.max_height) {
		snprintf(dev->refusal, sizeof(dev->refusal),
			 "connector %u: resolution %ux%u above max-width x max-height %ux%u",
			 c->index, c->width, c->height, dev->limits.max_width,
			 dev->limits.max_height);
		vdispl_log_limited(ERROR, &dev->guest_log, c->tag, "%s refused", dev->refusal);
		return -ERANGE;
	}

	/* unique-id is optional: without one, only "*" sections match. */
	snprintf(path, sizeof(path), "%s/" XENDISPL_FIELD_UNIQUE_ID, dir);
	if (vdispl_xs_read(dev->backend->xs, path, &value) == 0) {
		if (vdispl_xs_parse_unique_id(value, c->unique_id))
			vdispl_log_limited(WARN, &dev->guest_log, c->tag,
					   "ignoring bad unique-id \"%s\"",
					   vdispl_log_escape(shown, sizeof(shown), value, 32, true));
		free(value);
	}
	return 0;
}

static int map_rings(struct vdispl_connector *c, const char *dir)
{
	struct vdispl_device *dev = c->dev;
	uint32_t req_ref, evt_ref;
	void *page;
	int ret;

	ret = read_u32(dev, dir, XENDISPL_FIELD_REQ_RING_REF, &req_ref);
	if (!ret)
		ret = read_u32(dev, dir, XENDISPL_FIELD_EVT_RING_REF, &evt_ref);
	if (ret) {
		vdispl_log_errno(ERROR, c->tag, ret, "reading ring references");
		return ret;
	}
	ret = vdispl_gnttab_map(dev->buffers.import.gnttab, dev->domid, 1, &req_ref, true, &page);
	if (ret) {
		vdispl_log_errno(ERROR, c->tag, ret, "mapping request ring gref %u", req_ref);
		return ret;
	}
	c->req_page = page;
	BACK_RING_INIT(&c->ring, (struct xen_displif_sring *)page, VDISPL_XEN_PAGE_SIZE);

	ret = vdispl_gnttab_map(dev->buffers.import.gnttab, dev->domid, 1, &evt_ref, true, &page);
	if (ret) {
		vdispl_log_errno(ERROR, c->tag, ret, "mapping event page gref %u", evt_ref);
		return ret;
	}
	c->evt_page = page;
	vdispl_event_ring_init(&c->events, c->evt_page);
	return 0;
}

static int bind_channels(struct vdispl_connector *c, const char *dir)
{
	struct vdispl_device *dev = c->dev;
	struct vdispl_evtchn *evtchn = dev->backend->evtchn;
	uint32_t req_remote, evt_remote;
	int ret;

	ret = read_u32(dev, dir, XENDISPL_FIELD_REQ_CHANNEL, &req_remote);
	if (!ret)
		ret = read_u32(dev, dir, XENDISPL_FIELD_EVT_CHANNEL, &evt_remote);
	if (ret) {
		vdispl_log_errno(ERROR, c->tag, ret, "reading event channels");
		return ret;
	}
	ret = vdispl_evtchn_bind(evtchn, dev->domid, req_remote);
	if (ret < 0) {
		vdispl_log_errno(ERROR, c->tag, ret, "binding request channel %u", req_remote);
		return ret;
	}
	c->req_port = ret;
	ret = vdispl_evtchn_bind(evtchn, dev->domid, evt_remote);
	if (ret < 0) {
		vdispl_log_errno(ERROR, c->tag, ret, "binding event channel %u", evt_remote);
		return ret;
	}
	c->evt_port = ret;
	return 0;
}

static void output_done(void *data);

static int create_output(struct vdispl_connector *c)
{
	struct vdispl_device *dev = c->dev;
	struct vdispl_output_config config;
	struct vdispl_output_params params = {
		.config = &config,
		.loop = dev->backend->loop,
		.width = c->width,
		.height = c->height,
		.tag = c->tag,
		.done = output_done,
		.done_data = c,
		.png_writer = dev->backend->png_writer,
	};
	char shown[GUEST_STRING_SHOWN];
	char name[GUEST_STRING_SHOWN];
	char title[2 * GUEST_STRING_SHOWN];
	int ret;

	vdispl_config_lookup(&dev->backend->config, dev->domid, dev->domain_name, c->unique_id,
			     &config);
	/* A window title is shown to people: escaped like the log's. */
	snprintf(title, sizeof(title), "%s %s",
		 *dev->domain_name ? vdispl_log_escape(name, sizeof(name), dev->domain_name, 32, false)
				   : c->tag,
		 vdispl_log_escape(shown, sizeof(shown), c->unique_id, 32, false));
	params.title = title;
	ret = vdispl_output_create(&params, &c->output);
	if (ret)
		vdispl_log_errno_limited(ERROR, &dev->guest_log, c->tag, ret,
					 "no %s output for connector \"%s\" %ux%u",
					 vdispl_output_kind_name(config.kind),
					 vdispl_log_escape(shown, sizeof(shown), c->unique_id, 32, true),
					 c->width, c->height);
	return ret;
}

static void serve_more(void *data)
{
	struct vdispl_connector *c = data;

	vdispl_device_serve(c->dev, c);
}

int vdispl_connector_create(struct vdispl_device *dev, uint32_t index,
			    struct vdispl_connector **out)
{
	struct vdispl_connector *c = calloc(1, sizeof(*c));
	char dir[256];
	char shown[GUEST_STRING_SHOWN];
	int ret;

	if (!c)
		return -ENOMEM;
	c->dev = dev;
	c->index = index;
	c->req_port = -1;
	c->evt_port = -1;
	snprintf(c->tag, sizeof(c->tag), "%s/%u", dev->tag, index);
	snprintf(dir, sizeof(dir), "%s/%u", dev->fe_path, index);
	c->serve_more = vdispl_loop_add_wakeup(dev->backend->loop, serve_more, c);
	if (!c->serve_more) {
		ret = -errno;
		free(c);
		return ret;
	}

	ret = read_config(c, dir);
	if (!ret)
		ret = map_rings(c, dir);
	if (!ret)
		ret = bind_channels(c, dir);
	if (!ret)
		ret = create_output(c);
	if (ret) {
		vdispl_connector_destroy(c);
		return ret;
	}
	vdispl_log(INFO, c->tag, "connected: \"%s\" %ux%u, ports %d/%d",
		   vdispl_log_escape(shown, sizeof(shown), c->unique_id, 32, true), c->width,
		   c->height, c->req_port, c->evt_port);
	*out = c;
	return 0;
}

void vdispl_connector_destroy(struct vdispl_connector *c)
{
	struct vdispl_device *dev;

	if (!c)
		return;
	dev = c->dev;
	vdispl_loop_remove(c->serve_more);
	vdispl_output_destroy(c->output);
	if (c->req_port >= 0)
		vdispl_evtchn_unbind(dev->backend->evtchn, (uint32_t)c->req_port);
	if (c->evt_port >= 0)
		vdispl_evtchn_unbind(dev->backend->evtchn, (uint32_t)c->evt_port);
	if (c->req_page)
		vdispl_gnttab_unmap(dev->buffers.import.gnttab, c->req_page, 1);
	if (c->evt_page)
		vdispl_gnttab_unmap(dev->buffers.import.gnttab, c->evt_page, 1);
	free(c);
}

/* ---- the request ring ---- */

static void answer(struct vdispl_connector *c, const struct xendispl_req *wire)
{
	struct vdispl_request req;
	struct vdispl_request_ctx ctx = {
		.connector_index = c->index,
		.connector_width = c->width,
		.connector_height = c->height,
		.be_alloc = c->dev->be_alloc,
		.max_buffer_size = c->dev->max_buffer_size,
	};
	/* Built in private memory and zeroed: no stale octets reach the guest. */
	struct xendispl_resp resp;
	int32_t status;

	memset(&resp, 0, sizeof(resp));
	status = vdispl_request_decode(wire, &ctx, &req);
	resp.id = req.id;
	resp.operation = req.operation;
	/* Decode speaks the wire's status already; our code speaks errno. */
	if (status == 0)
		status = vdispl_status_from_errno(vdispl_request_handle(c, &req, &resp));
	else
		vdispl_log_limited(WARN, &c->dev->guest_log, c->tag, "%s id %u rejected: status %d",
				   vdispl_op_name(req.operation), req.id, status);
	resp.status = status;
	memcpy(RING_GET_RESPONSE(&c->ring, c->ring.rsp_prod_pvt), &resp, sizeof(resp));
	c->ring.rsp_prod_pvt++;
}

int vdispl_connector_serve(struct vdispl_connector *c)
{
	unsigned int budget = VDISPL_REQUESTS_PER_PASS;
	int more, notify;

	do {
		/* The producer index is read once; the frontend may move it. */
		RING_IDX rp = *(volatile RING_IDX *)&c->ring.sring->req_prod;

		xen_rmb();
		if (RING_REQUEST_PROD_OVERFLOW(&c->ring, rp)) {
			vdispl_log(ERROR, c->tag, "frontend claims %u requests on a %u-slot ring",
				   rp - c->ring.req_cons, RING_SIZE(&c->ring));
			return -EPROTO;
		}
		while (c->ring.req_cons != rp && budget) {
			struct xendispl_req wire;

			if (RING_REQUEST_CONS_OVERFLOW(&c->ring, c->ring.req_cons))
				break;
			RING_COPY_REQUEST(&c->ring, c->ring.req_cons, &wire);
			c->ring.req_cons++;
			budget--;
			answer(c, &wire);
		}
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&c->ring, notify);
		if (notify)
			vdispl_evtchn_notify(c->dev->backend->evtchn, (uint32_t)c->req_port);
		if (!budget) {
			/*
			 * A frontend refilling its ring as fast as answers
			 * appear would keep us here for ever: the rest waits
			 * for a later loop round, behind every other source.
			 */
			c->dev->backend->ring_passes_cut++;
			vdispl_loop_wake(c->serve_more);
			return 0;
		}
		RING_FINAL_CHECK_FOR_REQUESTS(&c->ring, more);
	} while (more);
	return 0;
}


/* ---- showing pictures ---- */

static void send_flip_event(struct vdispl_connector *c, uint64_t fb_cookie)
{
	int ret = vdispl_event_ring_put_pg_flip(&c->events, fb_cookie);

	if (ret) {
		vdispl_log_limited(WARN, &c->dev->guest_log, c->tag,
				   "event page full: frontend is not consuming events");
		return;
	}
	vdispl_log(DEBUG, c->tag, "flip event id %u for fb %#llx", (unsigned)(uint16_t)(c->events.next_id - 1),
		   (unsigned long long)fb_cookie);
	vdispl_evtchn_notify(c->dev->backend->evtchn, (uint32_t)c->evt_port);
}

static void issue_flip(struct vdispl_connector *c, uint64_t fb_cookie)
{
	struct vdispl_fb *fb = vdispl_fb_find(&c->dev->buffers, fb_cookie);
	struct vdispl_picture picture;
	int ret;

	if (!fb) {
		send_flip_event(c, fb_cookie);
		return;
	}
	vdispl_fb_picture(fb, c->view_x, c->view_y, &picture);
	ret = c->output->impl->flip(c->output, &picture);
	if (ret) {
		/* Never leave the guest waiting: report the flip done as it is. */
		vdispl_log_errno_limited(WARN, &c->dev->guest_log, c->tag, ret, "flip not shown");
		send_flip_event(c, fb_cookie);
		return;
	}
	c->flip_in_flight = true;
	c->in_flight_cookie = fb_cookie;
	vdispl_log(DEBUG, c->tag, "flip of fb %#llx issued", (unsigned long long)fb_cookie);
}

static void output_done(void *data)
{
	struct vdispl_connector *c = data;

	if (!c->flip_in_flight)
		return;
	c->flip_in_flight = false;
	c->dev->backend->flips++;
	send_flip_event(c, c->in_flight_cookie);
	if (c->flip_queued) {
		c->flip_queued = false;
		issue_flip(c, c->queued_cookie);
	}
}

int vdispl_connector_page_flip(struct vdispl_connector *c, uint64_t fb_cookie)
{
	if (!vdispl_fb_find(&c->dev->buffers, fb_cookie))
		return -ENOENT;
	if (!c->enabled) {
		/* Nothing to show it on: the flip is done as far as anyone can see. */
		send_flip_event(c, fb_cookie);
		return 0;
	}
	if (c->flip_in_flight) {
		if (c->flip_queued)
			send_flip_event(c, c->queued_cookie);
		c->flip_queued = true;
		c->queued_cookie = fb_cookie;
		return 0;
	}
	issue_flip(c, fb_cookie);
	return 0;
}

int vdispl_connector_set_config(struct vdispl_connector *c, const struct vdispl_set_config *sc)
{
	struct vdispl_fb *fb;
	struct vdispl_picture picture;
	int ret;

	if (sc->disable) {
		c->output->impl->disable(c->output);
		c->enabled = false;
		vdispl_log(INFO, c->tag, "display off");
		return 0;
	}
	fb = vdispl_fb_find(&c->dev->buffers, sc->fb_cookie);
	if (!fb)
		return -ENOENT;
	c->view_x = sc->x;
	c->view_y = sc->y;
	vdispl_fb_picture(fb, c->view_x, c->view_y, &picture);
	ret = c->output->impl->enable(c->output, &picture);
	if (ret)
		return ret;
	c->enabled = true;
	vdispl_log(INFO, c->tag, "display on: fb %ux%u %.4s", fb->params.width, fb->params.height,
		   (const char *)&fb->params.fourcc);
	return 0;
}

void vdispl_connector_fb_gone(struct vdispl_connector *c, uint64_t fb_cookie)
{
	if (c->flip_queued && c->queued_cookie == fb_cookie) {
		c->flip_queued = false;
		send_flip_event(c, fb_cookie);
	}
	/* A zero-copy output may still hold the fb; it lets go here. */
	if (c->output->impl->forget)
		c->output->impl->forget(c->output, fb_cookie);
}
