/* SPDX-License-Identifier: MIT */
/*
 * The KMS output: a guest connector shown on a real display connector of a
 * DRM device, through two dumb buffers the copy path writes into. Atomic
 * modesetting where the driver has it (or unless kms-legacy is set),
 * legacy SetCrtc/PageFlip otherwise.
 */
#ifndef VDISPL_KMS_H
#define VDISPL_KMS_H

#include "backend/output/output.h"

int vdispl_kms_output_create(const struct vdispl_output_params *params,
			     struct vdispl_output **out);

#endif
