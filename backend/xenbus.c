// SPDX-License-Identifier: MIT
#include "backend/xenbus.h"

static void want(struct vdispl_xenbus_step *out, const struct vdispl_xenbus_input *in,
		 enum vdispl_xenbus_state state)
{
	/* Writing the same value again would wake the frontend for nothing. */
	if (in->backend_node != state)
		out->write = state;
}

void vdispl_xenbus_reconcile(const struct vdispl_xenbus_input *in, struct vdispl_xenbus_step *out)
{
	out->actions = VDISPL_XENBUS_NOTHING;
	out->write = VDISPL_XENBUS_UNKNOWN;

	/*
	 * The toolstack removes a device by writing online = 0 and Closing
	 * into our node, and waits for Closed. A Closing or Closed that is not
	 * what we wrote there also came from the toolstack; one found by a
	 * backend that has written nothing yet is its predecessor's.
	 */
	if (in->offline ||
	    (in->backend_written != VDISPL_XENBUS_UNKNOWN && in->backend_node != in->backend_written &&
	     (in->backend_node == VDISPL_XENBUS_CLOSING || in->backend_node == VDISPL_XENBUS_CLOSED))) {
		if (in->connected)
			out->actions |= VDISPL_XENBUS_DISCONNECT;
		want(out, in, VDISPL_XENBUS_CLOSED);
		return;
	}

	switch (in->frontend) {
	case VDISPL_XENBUS_UNKNOWN:
	case VDISPL_XENBUS_INITIALISING:
		/* A fresh or restarted frontend: offer a new connection. */
		if (in->connected)
			out->actions |= VDISPL_XENBUS_DISCONNECT;
		if (in->frontend == VDISPL_XENBUS_INITIALISING &&
		    in->frontend_before != VDISPL_XENBUS_INITIALISING)
			out->write = VDISPL_XENBUS_INITWAIT; /* even if the node says so */
		else
			want(out, in, VDISPL_XENBUS_INITWAIT);
		break;
	case VDISPL_XENBUS_INITWAIT:
		/* Not a frontend state; wait for something meaningful. */
		break;
	case VDISPL_XENBUS_INITIALISED:
	case VDISPL_XENBUS_CONNECTED:
		/*
		 * Rings are published. Connect unless we already are; a
		 * frontend seen Connected while we are not (we restarted)
		 * still has its rings in XenStore.
		 */
		if (!in->connected) {
			if (in->backend_written == VDISPL_XENBUS_INITWAIT ||
			    in->backend_written == VDISPL_XENBUS_CONNECTED)
				out->actions |= VDISPL_XENBUS_CONNECT;
			else if (in->backend_written != VDISPL_XENBUS_CLOSING)
				want(out, in, VDISPL_XENBUS_INITWAIT);
			/*
			 * After Closing (we dropped a broken frontend, or could
			 * not connect) the frontend must start over itself.
			 */
		}
		break;
	case VDISPL_XENBUS_CLOSING:
		if (in->connected)
			out->actions |= VDISPL_XENBUS_DISCONNECT;
		want(out, in, VDISPL_XENBUS_CLOSING);
		break;
	case VDISPL_XENBUS_CLOSED:
		if (in->connected)
			out->actions |= VDISPL_XENBUS_DISCONNECT;
		want(out, in, VDISPL_XENBUS_CLOSED);
		break;
	case VDISPL_XENBUS_RECONFIGURING:
		/* The frontend is dropping its device and our buffers with it. */
		if (in->connected)
			out->actions |= VDISPL_XENBUS_DISCONNECT;
		break;
	case VDISPL_XENBUS_RECONFIGURED:
		break;
	}
}
