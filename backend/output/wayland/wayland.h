/* SPDX-License-Identifier: MIT */
/*
 * The Wayland output: a guest connector in a window of Dom0's compositor.
 *
 * One xdg_toplevel per connector, titled "<guest> <connector>". Frames go
 * through wl_shm (one copy into a memfd the backend owns, so a picture
 * survives the compositor's restart), and a flip is done when the
 * compositor's frame callback says the frame was used: the guest runs at
 * the compositor's rate. A window the compositor does not draw (hidden,
 * minimised) or no compositor at all does not stall the guest: flips then
 * complete at 60 a second. A window the user closes stays closed until the
 * guest sets a mode again.
 */
#ifndef VDISPL_OUTPUT_WAYLAND_H
#define VDISPL_OUTPUT_WAYLAND_H

#include "backend/output/output.h"

int vdispl_wayland_output_create(const struct vdispl_output_params *params,
				 struct vdispl_output **out);

#endif
