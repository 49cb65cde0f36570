/* SPDX-License-Identifier: MIT */
/*
 * The test cases: malformed and valid displif requests on a connected
 * device, each checked against the status the backend must answer with
 * (protocol/request.c, backend/buffers.c, backend/connector.c), and a ring
 * protocol violation last, which must make the backend close the device.
 */
#ifndef VDISPL_EVIL_TESTS_H
#define VDISPL_EVIL_TESTS_H

#include "tools/evil-frontend/evil.h"

/*
 * Share the test buffers, then run every test on the connected session,
 * printing TAP. *failed receives the number of failed tests. Returns 0, or
 * a negative errno when the buffers could not be shared (nothing ran).
 */
int evil_tests_run(struct evil_ctx *ctx, unsigned int *failed);

#endif
