/* SPDX-License-Identifier: MIT */
/*
 * vdispl-evil-frontend: a hostile displif frontend in user space. It runs in
 * a guest whose vdispl device has no kernel driver bound, does the xenbus
 * handshake itself through /dev/xen/xenbus, shares its rings and buffers
 * through /dev/xen/gntalloc and signals through /dev/xen/evtchn, then sends
 * malformed requests and checks that the backend answers each with the
 * right error status and keeps serving.
 *
 * This header holds what every part of the tool shares: the session (the
 * three Xen handles, the device's XenStore paths, its connectors) and every
 * page the session shares with the backend, so that one cleanup can undo it
 * all. Single-threaded throughout.
 */
#ifndef VDISPL_EVIL_H
#define VDISPL_EVIL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>

#include "protocol/displif.h"
#include "protocol/xenstore-value.h"

#define EVIL_PROG "vdispl-evil-frontend"

/* The backend connects at most this many (backend/device.h VDISPL_MAX_CONNECTORS). */
#define EVIL_MAX_CONNECTORS 8u

/*
 * Share records: two per connector for its ring and event pages, plus the
 * test buffers and their directories. Fixed, so cleanup needs no list.
 */
#define EVIL_MAX_SHARES (2u * EVIL_MAX_CONNECTORS + 16u)

/* How long to wait for the backend; the lab's guest has its own deadline. */
#define EVIL_HANDSHAKE_TIMEOUT_MS 30000
#define EVIL_RESPONSE_TIMEOUT_MS 5000
#define EVIL_EVENT_TIMEOUT_MS 5000
#define EVIL_CLOSE_TIMEOUT_MS 10000

/* One xengntshr_share_pages() call: @count pages granted to the backend. */
struct evil_share {
	void *addr; /* our mapping of the pages; NULL: record unused */
	uint32_t count;
	grant_ref_t *refs; /* @count grant references, one per page */
	char what[64];	   /* for messages: "connector 0 request ring" */
};

/* One connector: its request ring and its event page. */
struct evil_conn {
	uint32_t index;
	uint32_t width; /* resolution from XenStore */
	uint32_t height;
	struct evil_share *req_share;
	struct evil_share *evt_share;
	struct xen_displif_front_ring ring;
	struct xendispl_event_page *evt_page;
	uint32_t evt_cons; /* our consumer index; in_cons on the page is written, never read */
	/* Local ports from xenevtchn_bind_unbound_port(), -1 when not bound. */
	int req_port;
	int evt_port;
};

struct evil_ctx {
	struct xs_handle *xs;
	xenevtchn_handle *xce; /* one handle for every port: one fd to poll */
	xengntshr_handle *xgs;

	uint32_t domid;	     /* our own */
	uint32_t devid;	     /* device/vdispl/<devid> */
	uint32_t backend_id; /* the domain we grant to and bind to */
	char fe_path[96];    /* /local/domain/<domid>/device/vdispl/<devid> */
	char be_path[256];   /* the "backend" node's value */
	bool be_alloc;

	uint32_t num_conns;
	struct evil_conn conns[EVIL_MAX_CONNECTORS];
	struct evil_share shares[EVIL_MAX_SHARES];

	uint16_t next_id; /* id of the next request, over all rings */
	/* The attacks on the backend's caps and fairness; 0: not run. */
	uint32_t max_buffers;	   /* the backend's max-buffers for us */
	uint32_t max_framebuffers; /* its max-framebuffers */
	uint32_t flood_seconds;	   /* keep connector 0's ring full this long */
	/* The last state we wrote to our node; UNKNOWN before the first. */
	enum vdispl_xenbus_state fe_state;
};

/* Set by SIGINT/SIGTERM: every wait gives up with -EINTR and cleanup runs. */
extern volatile sig_atomic_t evil_stop;

/* Milliseconds on the monotonic clock, for deadlines. */
static inline int64_t evil_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
