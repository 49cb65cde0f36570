/* SPDX-License-Identifier: MIT */
/*
 * The wire contract: Xen's own xen/io/displif.h, never a copy (libxen-dev's
 * in user space, the kernel's <xen/interface/io/displif.h> in a kernel
 * module), plus the few things user space must supply for it and
 * compile-time checks that the layout is the one the mainline frontend uses.
 *
 * Include this instead of <xen/io/displif.h> everywhere in vdispl.
 */
#ifndef VDISPL_PROTOCOL_DISPLIF_H
#define VDISPL_PROTOCOL_DISPLIF_H

#include "protocol/compat.h"

#ifndef __KERNEL__
#include <stdatomic.h>

#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/io/displif.h>

/*
 * ring.h expects the kernel's barrier names, and for the legacy interface
 * version a program gets by default it defines them as the kernel's mb(),
 * rmb() and wmb(), which user space does not have: replace them after the
 * include. The other end runs on another CPU, so these are real SMP
 * barriers; C11 fences emit mfence/dmb ish.
 */
#undef xen_mb
#undef xen_rmb
#undef xen_wmb
#define xen_mb() atomic_thread_fence(memory_order_seq_cst)
#define xen_rmb() atomic_thread_fence(memory_order_acquire)
#define xen_wmb() atomic_thread_fence(memory_order_release)
#endif

/* Everything in displif is in units of Xen's 4 KiB page, whatever the host's. */
#define VDISPL_XEN_PAGE_SIZE 4096u

/* One request ring page holds this many 64-byte slots after the 64-byte header. */
#define VDISPL_REQ_RING_SLOTS 32u

/* grant_ref_t entries in one page-directory page after gref_dir_next_page. */
#define VDISPL_GREFS_PER_DIR_PAGE ((VDISPL_XEN_PAGE_SIZE - sizeof(grant_ref_t)) / sizeof(grant_ref_t))

_Static_assert(sizeof(struct xendispl_req) == 64, "displif request is 64 octets");
_Static_assert(sizeof(struct xendispl_resp) == 64, "displif response is 64 octets");
_Static_assert(sizeof(struct xendispl_evt) == 64, "displif event is 64 octets");
_Static_assert(sizeof(struct xendispl_event_page) == 64, "event page header is 64 octets");
_Static_assert(__CONST_RING_SIZE(xen_displif, VDISPL_XEN_PAGE_SIZE) == VDISPL_REQ_RING_SLOTS,
	       "request ring has 32 slots");
_Static_assert(XENDISPL_IN_RING_LEN == 63, "event ring has 63 slots");
_Static_assert(VDISPL_GREFS_PER_DIR_PAGE == 1023, "1023 grant references per directory page");
_Static_assert(XENDISPL_EDID_MAX_SIZE == 32768, "EDID buffer is 256 blocks of 128 octets");

/* Field offsets the mainline frontend and displ_be were built against. */
_Static_assert(offsetof(struct xendispl_req, op) == 8, "request body at octet 8");
_Static_assert(offsetof(struct xendispl_req, op.dbuf_create.data_ofs) == 40,
	       "DBUF_CREATE data_ofs at octet 40");
_Static_assert(offsetof(struct xendispl_req, op.dbuf_create.flags) == 32,
	       "DBUF_CREATE flags at octet 32");
_Static_assert(offsetof(struct xendispl_req, op.set_config.bpp) == 32,
	       "SET_CONFIG bpp at octet 32");
_Static_assert(offsetof(struct xendispl_resp, status) == 4, "status at octet 4");
_Static_assert(offsetof(struct xendispl_resp, op.get_edid.edid_sz) == 8,
	       "GET_EDID edid_sz at octet 8");
_Static_assert(offsetof(struct xendispl_evt, op.pg_flip.fb_cookie) == 8,
	       "PG_FLIP event cookie at octet 8");

#endif
