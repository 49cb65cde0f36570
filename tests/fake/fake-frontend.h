/* SPDX-License-Identifier: MIT */
/*
 * A guest's vdispl device over the stand-in Xen (fake-xen.h): what the
 * toolstack writes, and a frontend that shares rings and buffers and sends
 * requests, so unit tests drive the real backend as a guest would, or as
 * a hostile one would.
 */
#ifndef VDISPL_TESTS_FAKE_FRONTEND_H
#define VDISPL_TESTS_FAKE_FRONTEND_H

#include <stdbool.h>
#include <stdint.h>

#include "protocol/displif.h"
#include "tests/fake/fake-xen.h"

#define FAKE_MAX_CONNECTORS 8

struct fake_conn {
	void *req_page;
	struct xendispl_event_page *evt_page;
	vdispl_gref_t req_ref, evt_ref;
	uint32_t req_port, evt_port;
	struct xen_displif_front_ring ring;
	uint32_t evt_cons;
};

struct fake_frontend {
	uint32_t domid;
	uint32_t devid;
	char fe_path[96];
	char be_path[96];
	unsigned int num_conns;
	struct fake_conn conns[FAKE_MAX_CONNECTORS];
	uint16_t next_id;
};

/*
 * The toolstack's part: domain @domid named @name, device 0 with
 * @num_conns connectors of "WxH" @resolution, unique-ids "id0", "id1"...
 * Both sides' state Initialising.
 */
void fake_frontend_create(struct fake_frontend *f, uint32_t domid, const char *name,
			  unsigned int num_conns, const char *resolution);

/* Write one of the frontend's own nodes (it owns its directory). */
void fake_frontend_write(struct fake_frontend *f, const char *node, const char *value);

/* Share rings, allocate event channels, write their nodes and say Initialised. */
void fake_frontend_connect(struct fake_frontend *f);

/* Write the frontend's state node. */
void fake_frontend_state(struct fake_frontend *f, int state);

/* The backend's node @node, or NULL. Valid until the next XenStore write. */
const char *fake_frontend_backend_node(const struct fake_frontend *f, const char *node);

/* The backend's state node, or -1 without one. */
int fake_frontend_backend_state(const struct fake_frontend *f);

/* Put @req (a fresh id) on connector @c's ring, without pushing. Returns the id. */
uint16_t fake_frontend_queue(struct fake_frontend *f, unsigned int c,
			     const struct xendispl_req *req);

/* Push what is queued on @c's ring and notify the backend. */
void fake_frontend_push(struct fake_frontend *f, unsigned int c);

/*
 * Take responses off @c's ring until the one with @id: its status, or
 * 1 if it has not come (yet). Others are dropped.
 */
int fake_frontend_status(struct fake_frontend *f, unsigned int c, uint16_t id);

/* Take every response off @c's ring; returns how many. */
unsigned int fake_frontend_drain(struct fake_frontend *f, unsigned int c);

/* The next page-flip event of @c: 0 with *cookie, or -EAGAIN. */
int fake_frontend_flip_event(struct fake_frontend *f, unsigned int c, uint64_t *cookie);

/*
 * A buffer of @pages guest pages and its directory, granted; returns the
 * directory's first reference, and the first page's guest view in *data.
 */
vdispl_gref_t fake_frontend_buffer(struct fake_frontend *f, uint32_t pages, void **data);

#endif
