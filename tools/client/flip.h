/* SPDX-License-Identifier: MIT */
/*
 * The frame loop of the guest test client: frames 1..N drawn into the back
 * buffer of every output and shown with a page flip, the flip events
 * awaited, latencies measured and reported on stdout.
 */
#ifndef VDISPL_CLIENT_FLIP_H
#define VDISPL_CLIENT_FLIP_H

#include <stdbool.h>
#include <stdint.h>

#include "tools/client/display.h"

/* How long a flip event may take before the flip counts as lost (tests shorten it). */
#ifndef CLIENT_FLIP_TIMEOUT_US
#define CLIENT_FLIP_TIMEOUT_US 5000000u
#endif

/*
 * Run frames 1..@frames on every output of @disp, whose front buffers show
 * frame 0. Prints a "flip" line per received event (unless @quiet) and a
 * "summary" line per output. With @fps above 0, frame n is drawn no earlier
 * than (n - 1) / @fps seconds after frame 1. Returns 0 if every flip got its event in time,
 * 1 otherwise, or a negative errno if it could not start (no memory).
 */
int client_flip_run(struct client_display *disp, uint32_t frames, uint32_t fps, bool quiet);

#endif
