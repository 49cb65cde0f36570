/* SPDX-License-Identifier: MIT */
/*
 * The be-alloc attack on Dom0's memory: keep the backend's pages mapped
 * after their buffer is destroyed, so Dom0 cannot free them. The lab
 * checks that the backend still counts them meanwhile.
 */
#ifndef VDISPL_EVIL_HOLD_H
#define VDISPL_EVIL_HOLD_H

#include <stdint.h>

#include "tools/evil-frontend/evil.h"

/* Pages of each be-alloc buffer held. */
#define EVIL_HOLD_PAGES 16u

/*
 * Needs be-alloc = 1 on the device (Dom0 must allow it). Two rounds, each a
 * be-alloc buffer of EVIL_HOLD_PAGES pages on connector 0, whose pages we
 * map through gntdev, write into, and keep past its DBUF_DESTROY:
 *   round 1: held @seconds, checked unchanged, unmapped; prints
 *            "@@HOLDING round=1 pages=N", then "@@LET-GO round=1 intact=yes|no",
 *            and waits @seconds more;
 *   round 2: held until we are killed; prints "@@HOLDING round=2 pages=N".
 * Returns a negative errno (printed) if a step fails, or when a signal
 * ends round 2.
 */
int evil_hold_be_alloc(struct evil_ctx *ctx, uint32_t seconds);

#endif
