/* SPDX-License-Identifier: MIT */
/*
 * The same displif plumbing put to benign use, for tools/bench: flips
 * between two buffers of connector 0's full resolution, each waited for,
 * at sizes the mainline frontend cannot drive (it stops at 4095x2047).
 */
#ifndef VDISPL_EVIL_FLIPS_H
#define VDISPL_EVIL_FLIPS_H

#include <stdint.h>

#include "tools/evil-frontend/evil.h"

/*
 * Share two XRGB8888 buffers of connector 0's size, show the first, flip
 * @frames times and print one summary line in vdispl-client's format
 * ("... summary connector=0 size=WxH frames=N flips=N events=N lost=N
 * latency_us_min=N latency_us_avg=N latency_us_max=N last_frame=N
 * elapsed_us=N"). Returns 0 or a negative errno (printed).
 */
int evil_flips_run(struct evil_ctx *ctx, uint32_t frames);

#endif
