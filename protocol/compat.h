/* SPDX-License-Identifier: MIT */
/*
 * What the pure protocol code needs from its surroundings, in user space
 * (libc, libxen-dev's headers, libdrm's fourccs) and in a Linux kernel module
 * (the kernel's own copies of the same Xen and DRM headers). The protocol
 * .c files include this and nothing else from outside protocol/.
 */
#ifndef VDISPL_PROTOCOL_COMPAT_H
#define VDISPL_PROTOCOL_COMPAT_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>

#include <drm/drm_fourcc.h>
#include <xen/page.h> /* XEN_PAGE_SIZE, which displif.h uses */
#include <xen/interface/io/displif.h>

/*
 * The kernel has no copy of Xen's public errno.h. For the codes the
 * protocol code puts on the wire Xen's numbers are Linux's (both are the
 * historical i386 ones), so the Linux names stand in for them.
 */
#define XEN_EINVAL EINVAL
#define XEN_EOPNOTSUPP EOPNOTSUPP
#define XEN_EIO EIO

#ifndef UINT32_MAX
#define UINT32_MAX U32_MAX
#endif

#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <drm_fourcc.h>
#endif

#endif
