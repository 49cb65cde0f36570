/* SPDX-License-Identifier: MIT */
/*
 * One guest connector: its request ring and event page (both granted by the
 * frontend), their event channels, and the output showing its picture.
 *
 * Page flips are serialised per connector: one in flight on the output, at
 * most one queued behind it; a queued flip overtaken by a newer one is
 * completed at once. Every PG_FLIP gets exactly one XENDISPL_EVT_PG_FLIP,
 * sent when the picture is really on screen.
 */
#ifndef VDISPL_BACKEND_CONNECTOR_H
#define VDISPL_BACKEND_CONNECTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "protocol/displif.h"
#include "protocol/event-ring.h"
#include "backend/output/output.h"
#include "protocol/request.h"
#include "protocol/xenstore-value.h"

struct vdispl_device;
struct vdispl_loop_source;

/*
 * Requests served per pass over one ring: enough for a whole frame's worth
 * of a legitimate guest (create, attach, set-config, flip for 8 connectors),
 * small enough that one guest's flood never holds the loop for long.
 */
#define VDISPL_REQUESTS_PER_PASS 64

struct vdispl_connector {
	struct vdispl_device *dev;
	uint32_t index;
	char tag[64]; /* "dom1/vdispl0/0" */
	char unique_id[VDISPL_UNIQUE_ID_MAX + 1];
	uint32_t width;
	uint32_t height;

	struct xen_displif_back_ring ring;
	void *req_page;
	struct xendispl_event_page *evt_page;
	struct vdispl_event_ring events;
	int req_port; /* local event channel ports, -1 when unbound */
	int evt_port;
	struct vdispl_loop_source *serve_more; /* the ring's rest, past a pass's budget */

	struct vdispl_output *output;
	bool enabled;
	uint32_t view_x; /* SET_CONFIG's offset into the framebuffer */
	uint32_t view_y;

	bool flip_in_flight;
	uint64_t in_flight_cookie;
	bool flip_queued;
	uint64_t queued_cookie;
};

/*
 * Read connector @index's nodes under the frontend's directory, map its
 * rings, bind its event channels and create its output.
 * Returns 0 or -errno.
 */
int vdispl_connector_create(struct vdispl_device *dev, uint32_t index,
			    struct vdispl_connector **out);

/* Turn the output off, unbind, unmap, free. NULL is a no-op. */
void vdispl_connector_destroy(struct vdispl_connector *c);

/*
 * Serve the requests waiting on the ring, at most VDISPL_REQUESTS_PER_PASS;
 * the rest are served from a later loop round (vdispl_device_serve()).
 * Returns 0, or -EPROTO when the frontend broke the ring protocol: the
 * device must be disconnected.
 */
int vdispl_connector_serve(struct vdispl_connector *c);

/* Requests the connector carries out (requests.c dispatches to these). */
int vdispl_connector_set_config(struct vdispl_connector *c, const struct vdispl_set_config *sc);
int vdispl_connector_page_flip(struct vdispl_connector *c, uint64_t fb_cookie);

/* A framebuffer is going away: forget it wherever it is referenced. */
void vdispl_connector_fb_gone(struct vdispl_connector *c, uint64_t fb_cookie);

/*
 * Handle one decoded request that arrived on @c's ring; fills the response
 * body (GET_EDID's edid_sz). Returns 0 or -errno, which becomes the wire
 * status where the response is written. requests.c.
 */
int vdispl_request_handle(struct vdispl_connector *c, const struct vdispl_request *req,
			      struct xendispl_resp *resp);

#endif
