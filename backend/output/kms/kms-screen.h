/* SPDX-License-Identifier: MIT */
/*
 * A layout on KMS (kms-screen.c): a guest connector shown in a region of a
 * display it shares with connectors of other guests, composed by copy.
 */
#ifndef VDISPL_KMS_SCREEN_H
#define VDISPL_KMS_SCREEN_H

#include "backend/output/output.h"

/*
 * A region of the display @params->config names (drm-device,
 * drm-connector, kms-legacy), at its position, of its size (0x0: the
 * connector's resolution), at its z-order. Regions naming the same display
 * share it; it is set up with the first and let go with the last. Returns
 * 0 or -errno.
 */
int vdispl_kms_region_create(const struct vdispl_output_params *params,
			     struct vdispl_output **out);

#endif
