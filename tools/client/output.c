// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tools/client/output.h"

/* The preferred mode, else the first, and a CRTC for @conn; 0 or -1. */
static int pick(int fd, const drmModeRes *res, const drmModeConnector *conn,
		struct client_pick *out)
{
	if (conn->connection != DRM_MODE_CONNECTED || conn->count_modes < 1)
		return -1;
	out->mode = conn->modes[0];
	for (int m = 0; m < conn->count_modes; m++)
		if (conn->modes[m].type & DRM_MODE_TYPE_PREFERRED)
			out->mode = conn->modes[m];
	for (int e = 0; e < conn->count_encoders; e++) {
		drmModeEncoder *enc = drmModeGetEncoder(fd, conn->encoders[e]);

		for (int c = 0; enc && c < res->count_crtcs; c++) {
			if (enc->possible_crtcs & (1u << c)) {
				out->crtc_id = res->crtcs[c];
				out->connector_id = conn->connector_id;
				snprintf(out->name, sizeof(out->name), "%s-%u",
					 conn->connector_type == DRM_MODE_CONNECTOR_VIRTUAL
						 ? "Virtual" : "connector",
					 conn->connector_type_id);
				drmModeFreeEncoder(enc);
				return 0;
			}
		}
		drmModeFreeEncoder(enc);
	}
	return -1;
}

int client_pick_output(int fd, int index, const char *prog, struct client_pick *out)
{
	drmModeRes *res = drmModeGetResources(fd);
	int ret = -1;

	if (!res) {
		fprintf(stderr, "%s: drmModeGetResources: %s (not a KMS device?)\n", prog,
			strerror(errno));
		return -1;
	}
	for (int i = 0; i < res->count_connectors && ret; i++) {
		drmModeConnector *conn;

		if (index >= 0 && i != index)
			continue;
		conn = drmModeGetConnector(fd, res->connectors[i]);
		if (conn)
			ret = pick(fd, res, conn, out);
		drmModeFreeConnector(conn);
	}
	drmModeFreeResources(res);
	if (ret && index >= 0)
		fprintf(stderr, "%s: connector %d is missing, disconnected or without a CRTC\n",
			prog, index);
	else if (ret)
		fprintf(stderr, "%s: no connected connector with a mode and a CRTC\n", prog);
	return ret;
}
