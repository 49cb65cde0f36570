// SPDX-License-Identifier: MIT
/*
 * The backend's xenbus state machine against the sequences the mainline
 * frontend and libxl really produce.
 */
#include "tests/unit/tap.h"
#include "backend/xenbus.h"

#define S(x) VDISPL_XENBUS_##x

static struct vdispl_xenbus_step step2(enum vdispl_xenbus_state node,
				       enum vdispl_xenbus_state written, enum vdispl_xenbus_state fe,
				       enum vdispl_xenbus_state fe_before, bool offline, bool connected)
{
	struct vdispl_xenbus_input in = {
		.backend_node = node,
		.backend_written = written,
		.frontend = fe,
		.frontend_before = fe_before,
		.offline = offline,
		.connected = connected,
	};
	struct vdispl_xenbus_step out;

	vdispl_xenbus_reconcile(&in, &out);
	return out;
}

/* The frontend was already in @fe at the previous step. */
static struct vdispl_xenbus_step step(enum vdispl_xenbus_state node, enum vdispl_xenbus_state written,
				      enum vdispl_xenbus_state fe, bool offline, bool connected)
{
	return step2(node, written, fe, fe, offline, connected);
}

static void check(const char *what, struct vdispl_xenbus_step got, unsigned int actions,
		  enum vdispl_xenbus_state write)
{
	TAP_CHECK(got.actions == actions && got.write == write, "%s", what);
	if (got.actions != actions || got.write != write)
		printf("#   got actions %u write %d, want actions %u write %d\n", got.actions,
		       (int)got.write, actions, (int)write);
}

int main(void)
{
	/* libxl creates the device in Initialising; we answer InitWait. */
	check("new device: InitWait",
	      step2(S(INITIALISING), S(UNKNOWN), S(INITIALISING), S(UNKNOWN), false, false), 0,
	      S(INITWAIT));
	check("InitWait written, frontend still initialising: nothing",
	      step(S(INITWAIT), S(INITWAIT), S(INITIALISING), false, false), 0, S(UNKNOWN));
	check("frontend published its rings: connect",
	      step(S(INITWAIT), S(INITWAIT), S(INITIALISED), false, false), VDISPL_XENBUS_CONNECT,
	      S(UNKNOWN));
	check("connected, frontend connected: nothing",
	      step(S(CONNECTED), S(CONNECTED), S(CONNECTED), false, true), 0, S(UNKNOWN));
	check("frontend Connected while we are not (backend restarted): connect",
	      step(S(INITWAIT), S(INITWAIT), S(CONNECTED), false, false), VDISPL_XENBUS_CONNECT,
	      S(UNKNOWN));
	check("frontend Initialised before we said InitWait: say InitWait first",
	      step(S(INITIALISING), S(UNKNOWN), S(INITIALISED), false, false), 0, S(INITWAIT));

	/* Guest shutdown: the frontend goes Closing and waits for our Closing. */
	check("frontend closing: disconnect, Closing",
	      step(S(CONNECTED), S(CONNECTED), S(CLOSING), false, true), VDISPL_XENBUS_DISCONNECT,
	      S(CLOSING));
	check("frontend closed: Closed", step(S(CLOSING), S(CLOSING), S(CLOSED), false, false), 0,
	      S(CLOSED));
	check("closed frontend initialising again: InitWait",
	      step(S(CLOSED), S(CLOSED), S(INITIALISING), false, false), 0, S(INITWAIT));

	/* The frontend drops its device (Reconfiguring) and restarts. */
	check("frontend reconfiguring: disconnect, state kept",
	      step(S(CONNECTED), S(CONNECTED), S(RECONFIGURING), false, true),
	      VDISPL_XENBUS_DISCONNECT, S(UNKNOWN));
	check("connected but frontend back at Initialising: disconnect, InitWait",
	      step(S(CONNECTED), S(CONNECTED), S(INITIALISING), false, true),
	      VDISPL_XENBUS_DISCONNECT, S(INITWAIT));
	/*
	 * Backend restarted while the frontend was connected: our InitWait makes
	 * it tear down and come back to Initialising, when it needs to see
	 * InitWait written once more although the node already holds it.
	 */
	check("restart: frontend Connected, we are fresh: InitWait",
	      step2(S(CLOSED), S(UNKNOWN), S(CONNECTED), S(UNKNOWN), false, false), 0, S(INITWAIT));
	check("restart: frontend tearing down: wait",
	      step2(S(INITWAIT), S(INITWAIT), S(RECONFIGURING), S(CONNECTED), false, false), 0,
	      S(UNKNOWN));
	check("restart: frontend entered Initialising: InitWait written again",
	      step2(S(INITWAIT), S(INITWAIT), S(INITIALISING), S(RECONFIGURING), false, false), 0,
	      S(INITWAIT));
	/* We closed a frontend that broke its ring: no reconnect until it restarts. */
	check("we closed a broken frontend still saying Connected: stay Closing",
	      step(S(CLOSING), S(CLOSING), S(CONNECTED), false, false), 0, S(UNKNOWN));
	check("the closed frontend starts over: InitWait",
	      step2(S(CLOSING), S(CLOSING), S(INITIALISING), S(CONNECTED), false, false), 0,
	      S(INITWAIT));
	check("frontend node missing: treated as Initialising",
	      step(S(INITWAIT), S(INITWAIT), S(UNKNOWN), false, false), 0, S(UNKNOWN));

	/* libxl removes a device: online = 0 and state Closing in our node. */
	check("toolstack removal while connected: disconnect, Closed",
	      step(S(CLOSING), S(CONNECTED), S(CONNECTED), true, true), VDISPL_XENBUS_DISCONNECT,
	      S(CLOSED));
	check("toolstack wrote Closing without online=0: still removal",
	      step(S(CLOSING), S(CONNECTED), S(CONNECTED), false, true), VDISPL_XENBUS_DISCONNECT,
	      S(CLOSED));
	check("our own Closing in the node is not a removal",
	      step(S(CLOSING), S(CLOSING), S(CLOSING), false, false), 0, S(UNKNOWN));
	check("removal done: Closed already there, nothing",
	      step(S(CLOSED), S(CLOSED), S(CLOSED), true, false), 0, S(UNKNOWN));

	/* Garbage from the frontend's side never connects or crashes. */
	check("frontend says InitWait (a backend state): nothing",
	      step(S(INITWAIT), S(INITWAIT), S(INITWAIT), false, false), 0, S(UNKNOWN));
	check("frontend Reconfigured: nothing", step(S(INITWAIT), S(INITWAIT), S(RECONFIGURED), false, false),
	      0, S(UNKNOWN));
	return tap_done();
}
