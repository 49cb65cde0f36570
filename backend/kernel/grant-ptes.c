// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Second CPU mappings of grants, shared with vdispl-front, compiled in as is. */
#include "common/kernel/grant-ptes.c"
