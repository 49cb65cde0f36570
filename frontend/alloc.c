// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * DOC: buffer memory
 *
 * Display hardware without an IOMMU in Dom0 needs a buffer in as few
 * machine-contiguous runs as possible, and only the guest can choose its
 * memory. In order of preference:
 *
 * - The DMA API, which takes contiguous memory from CMA where the kernel has
 *   it (Debian's arm64 kernel does). Not in an x86 PV guest: there its
 *   dma-direct hands out guest-physical addresses, not machine ones.
 * - Naturally aligned 2 MiB buddy blocks. A PV guest's memory is
 *   machine-contiguous in 2 MiB-aligned chunks that are never adjacent to one
 *   another, so a buffer built from them has ceil(size / 2 MiB) machine runs:
 *   the fewest a stock PV guest can get without exchanging memory with Xen.
 *   Smaller blocks are taken when 2 MiB ones run out, and for what is left
 *   of a buffer after its last whole 2 MiB.
 * - Single pages, with a log line.
 *
 * Every page is zeroed before anyone can see it (XSA-403): the backend gets
 * the buffer by grant.
 */
#include <linux/dma-mapping.h>
#include <linux/highmem.h>
#include <linux/mm.h>

#include <xen/page.h>
#include <xen/xen.h>

#include "front.h"

/* 2 MiB: the machine-contiguous chunk of a PV guest's memory. */
#define BLOCK_ORDER (21 - PAGE_SHIFT)

const char *vdispl_front_mem_name(enum vdispl_front_mem mem)
{
	switch (mem) {
	case VDISPL_FRONT_MEM_DMA:
		return "dma";
	case VDISPL_FRONT_MEM_BLOCKS:
		return "2MiB-blocks";
	case VDISPL_FRONT_MEM_PAGES:
		return "pages";
	case VDISPL_FRONT_MEM_IMPORTED:
		return "imported";
	case VDISPL_FRONT_MEM_BACKEND:
		return "backend";
	}
	return "?";
}

static int alloc_dma(struct device *dma_dev, struct vdispl_front_bo *bo)
{
	size_t size = (size_t)bo->num_pages << PAGE_SHIFT;
	struct page *page;
	unsigned int i;

	if (!dma_dev)
		return -ENODEV;
	page = dma_alloc_pages(dma_dev, size, &bo->dma_addr, DMA_BIDIRECTIONAL,
			       GFP_KERNEL | __GFP_NOWARN);
	if (!page)
		return -ENOMEM;
	for (i = 0; i < bo->num_pages; i++) {
		bo->pages[i] = nth_page(page, i);
		clear_highpage(bo->pages[i]);
	}
	bo->mem = VDISPL_FRONT_MEM_DMA;
	return 0;
}

/*
 * Blocks of at most 2^@order pages, split into single pages so that each can
 * be handed to the grant table on its own once the backend lets go. Sets
 * *@smallest to the smallest order taken.
 */
static int alloc_blocks(struct vdispl_front_bo *bo, unsigned int order, unsigned int *smallest)
{
	unsigned int filled = 0;

	*smallest = order;
	while (filled < bo->num_pages) {
		unsigned int left = bo->num_pages - filled;
		unsigned int want = min_t(unsigned int, order, get_order((size_t)left << PAGE_SHIFT));
		gfp_t gfp = GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN | (want ? __GFP_NORETRY : 0);
		struct page *page = alloc_pages(gfp, want);
		unsigned int j;

		if (!page) {
			if (!want)
				return -ENOMEM;
			/* Fragmented: go on with smaller blocks. */
			order = want - 1;
			*smallest = min(*smallest, order);
			continue;
		}
		if (want)
			split_page(page, want);
		for (j = 0; j < (1u << want); j++) {
			if (filled < bo->num_pages)
				bo->pages[filled++] = page + j;
			else
				__free_page(page + j);
		}
	}
	return 0;
}

static void free_pages_of(struct vdispl_front_bo *bo)
{
	unsigned int i;

	for (i = 0; i < bo->num_pages; i++) {
		if (bo->pages[i])
			__free_page(bo->pages[i]);
		bo->pages[i] = NULL;
	}
}

int vdispl_front_alloc(struct vdispl_front_info *front, struct device *dma_dev,
		       struct vdispl_front_bo *bo)
{
	unsigned int smallest;
	int ret;

	if (!xen_pv_domain() && !alloc_dma(dma_dev, bo))
		return 0;

	ret = alloc_blocks(bo, BLOCK_ORDER, &smallest);
	if (ret < 0) {
		free_pages_of(bo);
		return ret;
	}
	bo->mem = smallest ? VDISPL_FRONT_MEM_BLOCKS : VDISPL_FRONT_MEM_PAGES;
	if (smallest < BLOCK_ORDER && bo->num_pages > (1u << smallest) &&
	    !front->warned_scattered) {
		front->warned_scattered = true;
		dev_warn(&front->xb_dev->dev,
			 "memory is fragmented: a %u-page buffer fell back to %s (order %u); the backend may need more DMA segments\n",
			 bo->num_pages, smallest ? "smaller blocks" : "scattered pages", smallest);
	}
	return 0;
}

void vdispl_front_alloc_free(struct device *dma_dev, struct vdispl_front_bo *bo, bool leaked)
{
	switch (bo->mem) {
	case VDISPL_FRONT_MEM_DMA:
		/* A grant still mapped by the backend pins the whole run. */
		if (leaked)
			pr_warn(VDISPL_FRONT_NAME ": a %u-page buffer is still mapped by the backend: kept\n",
				bo->num_pages);
		else
			dma_free_pages(dma_dev, (size_t)bo->num_pages << PAGE_SHIFT, bo->pages[0],
				       bo->dma_addr, DMA_BIDIRECTIONAL);
		break;
	case VDISPL_FRONT_MEM_BLOCKS:
	case VDISPL_FRONT_MEM_PAGES:
		free_pages_of(bo);
		break;
	case VDISPL_FRONT_MEM_IMPORTED:
	case VDISPL_FRONT_MEM_BACKEND:
		break;
	}
}

unsigned int vdispl_front_runs(struct vdispl_front_bo *bo, bool machine,
			       void (*emit)(void *ctx, unsigned long start, unsigned int len),
			       void *ctx)
{
	unsigned long start = 0, prev = 0, frame;
	unsigned int i, len = 0, runs = 0;

	for (i = 0; i < bo->num_pages; i++) {
		if (!bo->pages[i])
			continue;
		frame = page_to_xen_pfn(bo->pages[i]);
		/* A PV guest's own view of the machine frame behind the page. */
		if (machine)
			frame = pfn_to_bfn(frame);
		if (len && frame == prev + 1) {
			len++;
		} else {
			if (len && emit)
				emit(ctx, start, len);
			start = frame;
			len = 1;
			runs++;
		}
		prev = frame;
	}
	if (len && emit)
		emit(ctx, start, len);
	return runs;
}
