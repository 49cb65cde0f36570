// SPDX-License-Identifier: MIT
#include <errno.h>

#include "protocol/displif.h"
#include "protocol/status.h"

struct errno_pair {
	int host;
	int xen;
};

/*
 * Built from Xen's own list: re-including <xen/errno.h> with XEN_ERRNO
 * defined expands the list only. Aliases (EWOULDBLOCK, EDEADLOCK) appear
 * twice with equal values, which a table tolerates and a switch would not.
 */
static const struct errno_pair errno_pairs[] = {
#define XEN_ERRNO(name, value) { name, XEN_##name },
#include <xen/errno.h>
};

#define NUM_ERRNO_PAIRS (sizeof(errno_pairs) / sizeof(errno_pairs[0]))

int32_t vdispl_status_from_errno(int neg_errno)
{
	if (neg_errno == 0)
		return 0;

	for (size_t i = 0; i < NUM_ERRNO_PAIRS; i++) {
		if (-errno_pairs[i].host == neg_errno)
			return -errno_pairs[i].xen;
	}
	return -XEN_EIO;
}
