/* SPDX-License-Identifier: MIT */
/*
 * Translation between our negative errno values and displif's wire status
 * (-XEN_E*). Xen's numbers are Linux's for the common codes, but the wire
 * uses Xen's list, so the translation happens here and only here.
 */
#ifndef VDISPL_PROTOCOL_STATUS_H
#define VDISPL_PROTOCOL_STATUS_H

#include <stdint.h>

/*
 * The wire status for a negative errno (0 stays 0). Codes Xen has no number
 * for become -XEN_EIO.
 */
int32_t vdispl_status_from_errno(int neg_errno);

#endif
