/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note OR MIT */
/*
 * vdispl-dmabuf: the ioctl interface of the Dom0 module that turns a guest's
 * grant references into a dma-buf (/dev/vdispl-dmabuf, root only).
 *
 * Each open file is a context: the buffers it exports, and every second
 * mapping of them (an importer's vmap, a process's mmap), count against its
 * page cap until they go; a buffer is released when the last importer, the
 * last CPU mapping and the last fd let go, and only then are the grants
 * unmapped. A buffer exported read-only is mapped read-only everywhere,
 * kernel mappings included: importers must not write into it. A released buffer's id can be read() from the context (__u32
 * ids, poll() says POLLIN when there are some), or waited for with
 * VDISPL_DMABUF_IOC_WAIT_RELEASED.
 *
 * SHARE goes the other way, for a guest that has Dom0 allocate its buffers
 * (displif's be-alloc): the module allocates zeroed pages, grants them to
 * the domain writable, and exports them as a dma-buf like any other. When
 * that buffer is released, a page the guest still maps cannot be freed:
 * it stays allocated and counted (STATS' lingering_pages, and the context's
 * cap) until the guest lets go or dies, checked every second.
 *
 * Errors (negative errno from ioctl):
 *   EXPORT: EINVAL (count 0 or above max_buffer_pages, unknown flags),
 *           ENOSPC (the context's max_file_pages would be exceeded),
 *           EFAULT, ENOMEM, and for a grant Xen refused: ESRCH (no such
 *           domain), ENOENT (bad reference), EACCES (not granted to us, or
 *           read-only and asked writable), EBUSY (Xen's mapping table is
 *           full) or EIO; @failed and @status then name the first refusal.
 *           Nothing stays mapped after an error.
 *   SHARE:  EINVAL (count 0 or above max_buffer_pages, unknown flags, a
 *           reserved domid), EOPNOTSUPP and ENOMEM (CONTIGUOUS), ENOSPC (the context's cap, or Dom0's grant
 *           table is full), EFAULT, ENOMEM. Nothing stays granted after an
 *           error.
 *   QUERY:  EBADF, EINVAL (a dma-buf this module did not export).
 *   On the dma-buf: mmap needs MAP_SHARED and PROT_READ (EINVAL), PROT_WRITE
 *           only for writable exports (EACCES); such a mapping cannot be
 *           split, moved or have its protection changed; vmap and mmap
 *           give ENOSPC past the context's cap.
 *   WAIT_RELEASED: ETIMEDOUT; ENOENT for an id this context does not hold
 *           (never exported, or released already: read() it).
 */
#ifndef VDISPL_DMABUF_UAPI_H
#define VDISPL_DMABUF_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define VDISPL_DMABUF_DEVICE "/dev/vdispl-dmabuf"

/* EXPORT flags. */
#define VDISPL_DMABUF_WRITABLE (1u << 0) /* map the grants writable; default read-only */
/* QUERY only: Dom0's pages, shared with the domain (SHARE); always writable. */
#define VDISPL_DMABUF_SHARED (1u << 1)
/*
 * SHARE: one physically contiguous block (from Dom0's CMA where it has
 * one), which is machine-contiguous, one bus segment, where Dom0 is
 * direct-mapped (arm). EOPNOTSUPP in a PV Dom0, whose contiguous pfns are
 * not contiguous machine frames; ENOMEM when no such block is free.
 */
#define VDISPL_DMABUF_CONTIGUOUS (1u << 2)

struct vdispl_dmabuf_export {
	__u64 refs;         /* in: user address of @count __u32 grant references */
	__u32 domid;        /* in: the granting domain */
	__u32 count;        /* in: pages */
	__u32 flags;        /* in: VDISPL_DMABUF_* */
	__s32 fd;           /* out: the dma-buf, O_RDWR | O_CLOEXEC */
	__u32 id;           /* out: the buffer's id, never 0 */
	__u32 bus_segments; /* out: runs of bus-contiguous frames (p2m-translated) */
	__u32 failed;       /* out, on a refusal: index of the first refused reference */
	__s32 status;       /* out, on a refusal: Xen's GNTST_* for it */
};

struct vdispl_dmabuf_share {
	__u64 refs;         /* in: user address of room for @count __u32; out: the grants */
	__u32 domid;        /* in: the domain the pages are granted to */
	__u32 count;        /* in: pages */
	__u32 flags;        /* in: 0 or VDISPL_DMABUF_CONTIGUOUS */
	__s32 fd;           /* out: the dma-buf, O_RDWR | O_CLOEXEC */
	__u32 id;           /* out: the buffer's id, never 0 */
	__u32 bus_segments; /* out: runs of bus-contiguous frames */
};

/* Bus addresses of one run of bus-contiguous frames. */
struct vdispl_dmabuf_range {
	__u64 addr;
	__u64 len;
};

struct vdispl_dmabuf_query {
	__s32 fd;            /* in: a dma-buf this module exported */
	__u32 max_ranges;    /* in: room at @ranges */
	__u64 ranges;        /* in: user address of vdispl_dmabuf_range[max_ranges], or 0 */
	__u32 id;            /* out */
	__u32 domid;         /* out */
	__u32 pages;         /* out */
	__u32 flags;         /* out: as exported */
	__u32 bus_segments;  /* out: runs of bus-contiguous frames; the first
			      * min(bus_segments, max_ranges) fill @ranges */
	__u32 attachments;   /* out: importers attached now */
	__u32 dma_segments;  /* out: DMA segments the latest map_dma_buf handed out, 0 if none */
	__u32 vmaps;         /* out: importers' kernel mappings now */
	__u32 mmaps;         /* out: user mappings now */
	__u32 cpu_accesses;  /* out: begin_cpu_access calls so far */
	__u32 dom0_pfn_runs; /* out: runs of consecutive Dom0 pfns the pages sit on */
	__u32 reserved;      /* 0 */
	__u64 first_dom0_pfn; /* out: the first page's Dom0 pfn */
};

struct vdispl_dmabuf_wait {
	__u32 id;         /* in */
	__u32 timeout_ms; /* in */
};

/* What a context holds, and the module's caps. */
struct vdispl_dmabuf_stats {
	__u32 buffers;          /* out: exported through this context, not yet released */
	__u32 pages;            /* out: the guest pages they map (EXPORT) */
	__u32 max_buffer_pages; /* out: module parameter */
	__u32 max_file_pages;   /* out: module parameter, for all pages counted here */
	__u32 remapped_pages;   /* out: second mappings of their grants (vmap, mmap) */
	__u32 shared_pages;     /* out: Dom0's pages they share with guests (SHARE) */
	__u32 lingering_pages;  /* out: pages of released SHARE buffers that a guest
				 * still maps: not freed yet */
	__u32 reserved;         /* 0 */
};

#define VDISPL_DMABUF_IOC_MAGIC 'v'
#define VDISPL_DMABUF_IOC_EXPORT _IOWR(VDISPL_DMABUF_IOC_MAGIC, 0x80, struct vdispl_dmabuf_export)
#define VDISPL_DMABUF_IOC_QUERY _IOWR(VDISPL_DMABUF_IOC_MAGIC, 0x81, struct vdispl_dmabuf_query)
#define VDISPL_DMABUF_IOC_WAIT_RELEASED _IOW(VDISPL_DMABUF_IOC_MAGIC, 0x82, struct vdispl_dmabuf_wait)
#define VDISPL_DMABUF_IOC_STATS _IOR(VDISPL_DMABUF_IOC_MAGIC, 0x83, struct vdispl_dmabuf_stats)
#define VDISPL_DMABUF_IOC_SHARE _IOWR(VDISPL_DMABUF_IOC_MAGIC, 0x84, struct vdispl_dmabuf_share)

#endif
