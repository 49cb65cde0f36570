/* SPDX-License-Identifier: MIT */
/*
 * One display output for the guest clients that show single pictures
 * (vdispl-gl-client, vdispl-prime-client): a connected connector with a
 * mode, its preferred mode, and a CRTC one of its encoders reaches.
 */
#ifndef VDISPL_CLIENT_OUTPUT_H
#define VDISPL_CLIENT_OUTPUT_H

#include <stdint.h>
#include <xf86drmMode.h>

struct client_pick {
	uint32_t connector_id, crtc_id;
	drmModeModeInfo mode;
	char name[32]; /* "Virtual-1" */
};

/*
 * Connector @index of the device's list, or the first connected one when
 * @index is negative. Says on stderr, after @prog, what is missing.
 * Returns 0 or -1.
 */
int client_pick_output(int fd, int index, const char *prog, struct client_pick *out);

#endif
