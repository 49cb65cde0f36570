/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note OR MIT */
/*
 * vdispl-edu-check: the ioctl of the lab's test module that lets QEMU's edu
 * PCI device DMA from a dma-buf (/dev/vdispl-edu-check, root only).
 *
 * VDISPL_EDU_CHECK_IOC imports @fd for the edu device, maps it, and has the
 * device read windows of every DMA segment at the segment's DMA address and
 * copy them back into memory the CPU can compare with the buffer's own
 * kernel mapping. Equal data proves the DMA addresses reach the buffer's
 * real frames. With @importer VDISPL_EDU_IMPORTER_UNBOUND the buffer is
 * imported for another device, one no driver set DMA up for (no Xen DMA
 * ops on arm: the seeds' trap), and the edu device DMAs from the addresses
 * that device was handed: on a machine without an IOMMU every device sees
 * the same bus, so equal data proves those addresses right too.
 *
 * Errors (negative errno from ioctl): ENODEV (no edu device bound), EPERM
 * (open without CAP_SYS_ADMIN), EFAULT, EBADF (@fd is not open), EINVAL
 * (@fd is not a dma-buf, @windows_per_segment above 2, an unknown
 * @importer, or a mapping that
 * does not fit the buffer: CPU pages not covering it exactly, or DMA
 * segments running past it), ENOMEM, whatever the exporter's
 * attach, map, vmap and begin_cpu_access return, ETIMEDOUT (the device did
 * not finish a transfer within 2 s: it is considered stuck), EIO (stuck
 * since an earlier timeout: reload the module; or vdispl-dmabuf's map
 * refused an address that was not the page's bus address, see dmesg),
 * EINTR (a signal while waiting for another check, or a fatal one). The
 * struct is copied back whenever the check ran, errors included, so the
 * counts show how far it got; window mismatches are not an error.
 */
#ifndef VDISPL_EDU_CHECK_UAPI_H
#define VDISPL_EDU_CHECK_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define VDISPL_EDU_CHECK_DEVICE "/dev/vdispl-edu-check"

struct vdispl_edu_check {
	__s32 fd;                  /* in: a dma-buf */
	__u32 windows_per_segment; /* in: 1 or 2 (0 means 2) */
	__u32 pages;               /* out: orig_nents of the mapping */
	__u32 dma_segments;        /* out: sgt->nents */
	__u32 bus_runs;            /* out: runs of consecutive bus frames, counted
				    * here independently from the CPU side's pages:
				    * page_to_pfn -> pfn_to_bfn() */
	__u32 segments_at_bus;     /* out: DMA segments whose address equals the
				    * independently translated bus address of
				    * their first page */
	__u32 windows;             /* out: DMA windows checked */
	__u32 mismatches;          /* out: windows whose data differed */
	__u64 first_mismatch;      /* out: byte offset in the buffer of the first
				    * differing byte, or ~0 */
	__u64 bytes;               /* out: bytes compared */
	__u32 importer;            /* in: VDISPL_EDU_IMPORTER_* */
	__u32 reserved;            /* 0 */
};

#define VDISPL_EDU_IMPORTER_EDU 0     /* the edu device itself */
#define VDISPL_EDU_IMPORTER_UNBOUND 1 /* a platform device of the module's, no driver bound */

#define VDISPL_EDU_CHECK_IOC _IOWR('v', 0xA0, struct vdispl_edu_check)

#endif
