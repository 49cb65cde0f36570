// SPDX-License-Identifier: MIT
/* The ini keys of the KMS output (backend/output/kinds.h). */
#include <stddef.h>

#include "backend/output/kinds.h"

const struct vdispl_output_key vdispl_kms_keys[] = {
	{ "drm-device", VDISPL_OUTPUT_KEY_STRING, offsetof(struct vdispl_output_config, drm_device),
	  "/dev/dri/card0" },
	/* Empty: the first free connected connector. */
	{ "drm-connector", VDISPL_OUTPUT_KEY_STRING_OR_EMPTY,
	  offsetof(struct vdispl_output_config, drm_connector), NULL },
	/* Skip atomic modesetting. */
	{ "kms-legacy", VDISPL_OUTPUT_KEY_BOOL, offsetof(struct vdispl_output_config, kms_legacy),
	  NULL },
	/*
	 * A layout: connectors of several guests on one display, each in its
	 * region (composed by the backend).
	 */
	{ "position", VDISPL_OUTPUT_KEY_POINT, offsetof(struct vdispl_output_config, position),
	  NULL },
	{ "size", VDISPL_OUTPUT_KEY_SIZE, offsetof(struct vdispl_output_config, size), NULL },
	{ "z-order", VDISPL_OUTPUT_KEY_U32, offsetof(struct vdispl_output_config, z_order), NULL },
	{ NULL },
};
