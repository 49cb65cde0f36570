/* SPDX-License-Identifier: MIT */
/*
 * The headless output: no display, the picture kept in memory and written as
 * a PNG every png-every flips (config) and whenever the daemon gets SIGUSR2.
 * Flips complete at once, from the event loop.
 */
#ifndef VDISPL_HEADLESS_H
#define VDISPL_HEADLESS_H

#include "backend/output/output.h"

int vdispl_headless_output_create(const struct vdispl_output_params *params,
				  struct vdispl_output **out);

#endif
