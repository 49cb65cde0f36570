/* SPDX-License-Identifier: MIT */
/*
 * The Wayland output: a guest connector in a window of Dom0's compositor.
 *
 * One xdg_toplevel per connector, titled "<guest> <connector>"; or, with
 * an ivi-id configured and weston's ivi-shell as the compositor, an
 * ivi_application surface of that id, placed by ivi-shell's controller
 * (the IVI way: the layout is the compositor's). Frames go
 * through wl_shm (one copy into a memfd the backend owns, so a picture
 * survives the compositor's restart), and a flip is done when the
 * compositor says the frame was used: its wp_presentation feedback (the
 * frame was presented, or discarded) where it offers that, else its frame
 * callback. So the guest runs at the compositor's rate. A window the compositor does not draw (hidden,
 * minimised) or no compositor at all does not stall the guest: flips then
 * complete at 60 a second. A window the user closes stays closed until the
 * guest sets a mode again.
 */
#ifndef VDISPL_OUTPUT_WAYLAND_H
#define VDISPL_OUTPUT_WAYLAND_H

#include "backend/output/output.h"

int vdispl_wayland_output_create(const struct vdispl_output_params *params,
				 struct vdispl_output **out);

/* Flips done by the compositor's "presented" feedback (wp_presentation). */
uint64_t vdispl_wayland_output_presented(struct vdispl_output *output);

#endif
