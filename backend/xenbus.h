/* SPDX-License-Identifier: MIT */
/*
 * The backend half of the xenbus state machine of one vdispl device, pure.
 *
 * It is written as a reconciliation: given what XenStore says now (both
 * state nodes, the toolstack's "online" flag) and whether our rings are
 * connected, it says what to do. Watches may fire late, twice or for several
 * changes at once; re-running the step on every watch is always right.
 *
 * The frontend it must satisfy is the mainline drm_xen_front:
 *  - it publishes its rings only after it sees our InitWait while it is
 *    Initialising, and connects when it sees our Connected;
 *  - at guest shutdown it goes Closing and waits for our Closing, then goes
 *    Closed;
 *  - after tearing its device down (Reconfiguring) it returns to
 *    Initialising and expects InitWait again: it acts on a write of our
 *    node, so InitWait is written again whenever the frontend enters
 *    Initialising, even if our node already says InitWait.
 */
#ifndef VDISPL_BACKEND_XENBUS_H
#define VDISPL_BACKEND_XENBUS_H

#include <stdbool.h>

#include "protocol/xenstore-value.h"

struct vdispl_xenbus_input {
	/* Our "state" node as read now, and the value we last wrote there. */
	enum vdispl_xenbus_state backend_node;
	enum vdispl_xenbus_state backend_written;
	/* The frontend's "state" node; UNKNOWN if missing or unreadable. */
	enum vdispl_xenbus_state frontend;
	/* What it said at the previous step (UNKNOWN at the first). */
	enum vdispl_xenbus_state frontend_before;
	/* The toolstack's "online" node is "0": it is removing the device. */
	bool offline;
	/* Rings and event channels are mapped and bound. */
	bool connected;
};

enum vdispl_xenbus_action {
	VDISPL_XENBUS_NOTHING = 0,
	VDISPL_XENBUS_DISCONNECT = 1 << 0, /* unmap everything of this device */
	VDISPL_XENBUS_CONNECT = 1 << 1,    /* map rings; on success write Connected */
};

struct vdispl_xenbus_step {
	unsigned int actions; /* enum vdispl_xenbus_action bits, DISCONNECT first */
	/* State to write after the actions; UNKNOWN: leave the node alone. */
	enum vdispl_xenbus_state write;
};

void vdispl_xenbus_reconcile(const struct vdispl_xenbus_input *in, struct vdispl_xenbus_step *out);

#endif
