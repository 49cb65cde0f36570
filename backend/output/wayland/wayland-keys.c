// SPDX-License-Identifier: MIT
/* The ini keys of the Wayland output (backend/output/kinds.h). */
#include <stddef.h>

#include "backend/output/kinds.h"

const struct vdispl_output_key vdispl_wayland_keys[] = {
	/* Empty: $WAYLAND_DISPLAY, else wayland-0, as any Wayland client does. */
	{ "wayland-display", VDISPL_OUTPUT_KEY_STRING_OR_EMPTY,
	  offsetof(struct vdispl_output_config, wayland_display), NULL },
	/*
	 * Under weston's ivi-shell (IVI): the connector's surface id, which the
	 * compositor's layout places. 0 (unset): an xdg-shell window.
	 */
	{ "ivi-id", VDISPL_OUTPUT_KEY_U32, offsetof(struct vdispl_output_config, ivi_id), NULL },
	{ NULL },
};
