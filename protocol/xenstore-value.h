/* SPDX-License-Identifier: MIT */
/*
 * Parsing the XenStore values of a vdispl device, pure and I/O-free.
 *
 * Every value comes from a node the frontend domain can write, so each parser
 * takes the raw string (not necessarily NUL-free beyond its length: callers
 * pass what xs_read returned, which is NUL-terminated) and rejects anything
 * that is not exactly the documented form: no signs, no spaces, no trailing
 * bytes, no overflow.
 */
#ifndef VDISPL_PROTOCOL_XENSTORE_VALUE_H
#define VDISPL_PROTOCOL_XENSTORE_VALUE_H

#include "protocol/compat.h"


/* Longest unique-id we keep; longer ones are rejected. */
#define VDISPL_UNIQUE_ID_MAX 63u

/* xenbus states, as written in the "state" nodes (xen/io/xenbus.h). */
enum vdispl_xenbus_state {
	VDISPL_XENBUS_UNKNOWN = 0,
	VDISPL_XENBUS_INITIALISING = 1,
	VDISPL_XENBUS_INITWAIT = 2,
	VDISPL_XENBUS_INITIALISED = 3,
	VDISPL_XENBUS_CONNECTED = 4,
	VDISPL_XENBUS_CLOSING = 5,
	VDISPL_XENBUS_CLOSED = 6,
	VDISPL_XENBUS_RECONFIGURING = 7,
	VDISPL_XENBUS_RECONFIGURED = 8,
};

/*
 * A decimal unsigned 32-bit number: "0" or [1-9][0-9]*, at most UINT32_MAX.
 * Leading zeros ("007") are rejected: writers print with %u, and one spelling
 * per number keeps a value from meaning different things to different
 * parsers. Used for ring references, event channels, domain and device ids.
 * Returns 0 or -EINVAL; *@out is written only on success.
 */
int vdispl_xs_parse_u32(const char *value, uint32_t *out);

/*
 * "<width>x<height>" with a lower-case x, both numbers in the form
 * vdispl_xs_parse_u32() takes and in 1..VDISPL_MAX_DIMENSION (request.h).
 * Returns 0 or -EINVAL; the outputs are written only on success.
 */
int vdispl_xs_parse_resolution(const char *value, uint32_t *width, uint32_t *height);

/*
 * be-alloc: "1" means the backend may allocate buffers; "0" or a missing
 * node (@value NULL) means it may not. Anything else is -EINVAL.
 */
int vdispl_xs_parse_be_alloc(const char *value, bool *be_alloc);

/*
 * unique-id: 1..VDISPL_UNIQUE_ID_MAX printable ASCII characters other than
 * space, copied NUL-terminated into @out (VDISPL_UNIQUE_ID_MAX + 1 octets).
 * Returns 0 or -EINVAL.
 */
int vdispl_xs_parse_unique_id(const char *value, char *out);

/*
 * How many connectors a vdispl device has, from the names a listing of its
 * frontend node gives: connectors are the subnodes "0", "1", ..., which must
 * run from 0 without a gap; other names (state, backend-id, ...) are not
 * connectors. Returns the count, or -EINVAL when there is none, a gap, or an
 * index of @max (at most 64) or more.
 */
int vdispl_xs_connector_count(const char *const *names, unsigned int num_names,
			      unsigned int max);

/* A "state" node: a decimal 0..8. Returns 0 or -EINVAL. */
int vdispl_xs_parse_state(const char *value, enum vdispl_xenbus_state *state);

/* "Initialising", "InitWait", ... for logs; "Invalid" out of range. */
const char *vdispl_xenbus_state_name(enum vdispl_xenbus_state state);

#endif
