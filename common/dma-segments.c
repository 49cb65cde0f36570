// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "common/dma-segments.h"

/* May the page at @addr extend @seg without breaking the device's limits? */
static bool extends(const struct vdispl_dma_segment *seg, uint64_t addr, uint32_t page_size,
		    const struct vdispl_dma_limits *limits)
{
	uint64_t end = seg->addr + seg->len;
	uint64_t mask;

	/* end == 0: the segment reaches the top of the address space. */
	if (end == 0 || addr != end || addr + page_size - 1 < addr)
		return false;
	if (!limits)
		return true;
	if (limits->max_segment_size && seg->len + page_size > limits->max_segment_size)
		return false;
	mask = limits->segment_boundary_mask;
	if (mask && mask != ~(uint64_t)0 && ((seg->addr ^ (addr + page_size - 1)) & ~mask))
		return false;
	return true;
}

uint32_t vdispl_dma_segments_build(const uint64_t *addrs, uint32_t count, uint32_t page_size,
				   const struct vdispl_dma_limits *limits,
				   struct vdispl_dma_segment *segments, uint32_t max_segments)
{
	struct vdispl_dma_segment seg = { 0 };
	uint32_t n = 0;

	for (uint32_t i = 0; i < count; i++) {
		if (n && extends(&seg, addrs[i], page_size, limits)) {
			seg.len += page_size;
			seg.pages++;
		} else {
			if (n && segments && n <= max_segments)
				segments[n - 1] = seg;
			seg.addr = addrs[i];
			seg.len = page_size;
			seg.first_page = i;
			seg.pages = 1;
			n++;
		}
	}
	if (n && segments && n <= max_segments)
		segments[n - 1] = seg;
	return n;
}
