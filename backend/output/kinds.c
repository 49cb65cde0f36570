// SPDX-License-Identifier: MIT
#include "backend/output/kinds.h"

const struct vdispl_output_kind_info vdispl_output_kinds[] = {
	{ VDISPL_OUTPUT_KMS, "kms", vdispl_kms_keys },
	{ VDISPL_OUTPUT_HEADLESS, "headless", NULL },
	{ VDISPL_OUTPUT_WAYLAND, "wayland", vdispl_wayland_keys },
};

const size_t vdispl_output_num_kinds = sizeof(vdispl_output_kinds) / sizeof(vdispl_output_kinds[0]);

const char *vdispl_output_kind_name(enum vdispl_output_kind kind)
{
	for (size_t i = 0; i < vdispl_output_num_kinds; i++)
		if (vdispl_output_kinds[i].kind == kind)
			return vdispl_output_kinds[i].name;
	return "unknown";
}
