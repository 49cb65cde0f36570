/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * DMA segments of a buffer made of pages: the pure part of the corrected
 * translation path, compiled into the Dom0 kernel module and into the
 * user-space unit tests alike (no allocation, no I/O, no kernel or libc
 * calls).
 *
 * The caller translates every page to its bus address first (in Dom0:
 * pfn -> bus frame through Xen's p2m, which is what the DMA API does per
 * page). Pages whose bus addresses follow each other merge into one segment,
 * as long as the importing device's limits allow: a segment never grows
 * beyond its maximum segment size and never crosses its segment boundary.
 * A buffer of guest-contiguous frames thus becomes one segment, while a
 * buffer of scattered frames keeps one per run.
 */
#ifndef VDISPL_COMMON_DMA_SEGMENTS_H
#define VDISPL_COMMON_DMA_SEGMENTS_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stdint.h>
#endif

/* Bus-contiguous pages of a buffer. */
struct vdispl_dma_segment {
	uint64_t addr;       /* bus address of its first octet */
	uint64_t len;        /* octets: pages * page size */
	uint32_t first_page; /* index of its first page in the buffer */
	uint32_t pages;
};

/* What the importing device accepts (dma_get_max_seg_size, dma_get_seg_boundary). */
struct vdispl_dma_limits {
	uint64_t max_segment_size;      /* octets; 0: no limit */
	uint64_t segment_boundary_mask; /* a segment stays inside one (mask + 1)-aligned window;
					 * 0 or all ones: no boundary */
};

/*
 * Merge the @count page bus addresses @addrs (each @page_size-aligned,
 * @page_size a power of two) into segments under @limits (NULL: none).
 * Writes the first @max_segments of them to @segments (which may be NULL
 * to only count) and returns how many the buffer needs, at most @count.
 * Addresses that would wrap past the top of the bus address space never
 * merge.
 */
uint32_t vdispl_dma_segments_build(const uint64_t *addrs, uint32_t count, uint32_t page_size,
				   const struct vdispl_dma_limits *limits,
				   struct vdispl_dma_segment *segments, uint32_t max_segments);

#endif
