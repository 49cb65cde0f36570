// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: Dom0's own pages, granted to a domain (be-alloc)
 *
 * displif lets a guest have the backend allocate its buffers. The pages are
 * then Dom0's, granted to the guest, which maps them. Dom0 decides when a
 * buffer goes, but not when the guest lets go of its mappings: a page the
 * guest still maps when its buffer is released must not be freed, and Xen
 * will not end a grant that is in use. The kernel's own answer
 * (gnttab_end_foreign_access) puts such pages on a deferred list that
 * nobody can count. Here they stay on our own list, counted against the
 * exporting context and in its STATS, and every second each grant is tried
 * again; a page is freed the moment its grant ends. A domain that dies
 * lets go of every mapping, so nothing lingers past it.
 *
 * A contiguous buffer is one block, from Dom0's CMA through the DMA API of a
 * device of ours whose DMA nothing set up (dma-direct, as on arm): where
 * Dom0 is direct-mapped it is machine-contiguous, so an importer gets it as
 * one DMA segment. It is freed as a whole once every grant has ended.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-buf.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include <xen/xen.h>

#include "internal.h"

#define RETRY_INTERVAL HZ

static LIST_HEAD(lingering);
static DEFINE_SPINLOCK(lingering_lock);
static void retry_lingering(struct work_struct *work);
static DECLARE_DELAYED_WORK(lingering_work, retry_lingering);
/* Contiguous blocks are allocated through its DMA API (dma-direct: CMA). */
static struct platform_device *allocator;

static void free_block(struct vdispl_dmabuf_buffer *buf)
{
	dma_free_pages(&allocator->dev, (size_t)buf->count << PAGE_SHIFT, buf->block,
		       buf->block_dma, DMA_BIDIRECTIONAL);
	buf->block = NULL;
}

/*
 * Pages @buf still holds allocated: those whose grant has not ended, or the
 * whole block while any has not.
 */
static u32 held_pages(const struct vdispl_dmabuf_buffer *buf)
{
	u32 i, held = 0;

	if (buf->block)
		return buf->count;
	for (i = 0; i < buf->count; i++)
		held += !!buf->pages[i];
	return held;
}

/*
 * End each grant that is not in use and free its page, or the block once
 * all have ended. Returns how many pages stay allocated (held_pages()).
 */
static u32 end_grants(struct vdispl_dmabuf_buffer *buf)
{
	u32 i, left = 0;

	for (i = 0; i < buf->count; i++) {
		if (!buf->pages[i])
			continue;
		if (gnttab_try_end_foreign_access(buf->refs[i])) {
			if (!buf->block)
				__free_page(buf->pages[i]);
			buf->pages[i] = NULL;
		} else {
			left++;
		}
	}
	if (!left && buf->block)
		free_block(buf);
	return held_pages(buf);
}

u32 vdispl_dmabuf_unshare(struct vdispl_dmabuf_buffer *buf)
{
	u32 left = end_grants(buf), mapped = 0, i;

	for (i = 0; left && i < buf->count; i++)
		mapped += !!buf->pages[i];
	if (left)
		pr_info_ratelimited("buffer %u: dom%u still maps %u of its %u pages; %u stay allocated until it lets go\n",
				    buf->id, buf->domid, mapped, buf->count, left);
	return left;
}

void vdispl_dmabuf_linger(struct vdispl_dmabuf_buffer *buf)
{
	spin_lock(&lingering_lock);
	list_add_tail(&buf->link, &lingering);
	spin_unlock(&lingering_lock);
	/* Not pushed back if pending: a guest lingering often must not stall the others. */
	schedule_delayed_work(&lingering_work, RETRY_INTERVAL);
}

/* Give back to @buf's context what it no longer holds. */
static void uncount(struct vdispl_dmabuf_buffer *buf, u32 freed)
{
	struct vdispl_dmabuf_context *ctx = buf->ctx;

	spin_lock(&ctx->lock);
	ctx->pages_live -= freed;
	ctx->pages_lingering -= freed;
	spin_unlock(&ctx->lock);
}

static void retry_lingering(struct work_struct *work)
{
	struct vdispl_dmabuf_buffer *buf, *tmp;
	LIST_HEAD(batch);
	bool more;

	/*
	 * Taken off the list to work on without the lock: freeing a block
	 * goes back to CMA. Only this work and module exit take buffers off.
	 */
	spin_lock(&lingering_lock);
	list_splice_init(&lingering, &batch);
	spin_unlock(&lingering_lock);

	list_for_each_entry_safe(buf, tmp, &batch, link) {
		u32 before = held_pages(buf), left;

		left = end_grants(buf);
		uncount(buf, before - left);
		if (left)
			continue;
		list_del(&buf->link);
		pr_info_ratelimited("buffer %u: dom%u let go of its last pages; freed\n", buf->id,
				    buf->domid);
		vdispl_dmabuf_buffer_free(buf);
	}

	spin_lock(&lingering_lock);
	list_splice(&batch, &lingering);
	more = !list_empty(&lingering);
	spin_unlock(&lingering_lock);
	if (more)
		schedule_delayed_work(&lingering_work, RETRY_INTERVAL);
}

void vdispl_dmabuf_share_exit(void)
{
	struct vdispl_dmabuf_buffer *buf, *tmp;
	u32 i;

	cancel_delayed_work_sync(&lingering_work);
	/*
	 * No context is open any more: nobody reads these counts. A block's
	 * pages cannot be freed one by one: the kernel keeps their grants
	 * and the block stays allocated.
	 */
	list_for_each_entry_safe(buf, tmp, &lingering, link) {
		for (i = 0; i < buf->count; i++)
			if (buf->pages[i])
				gnttab_end_foreign_access(buf->refs[i],
							  buf->block ? NULL : buf->pages[i]);
		if (buf->block)
			pr_warn("buffer %u: dom%u still maps part of its contiguous block at unload: leaked\n",
				buf->id, buf->domid);
		list_del(&buf->link);
		vdispl_dmabuf_buffer_free(buf);
	}
	platform_device_unregister(allocator);
}

int vdispl_dmabuf_share_init(void)
{
	int ret;

	/* As a device no driver set DMA up for: dma-direct, whose large allocations are CMA's. */
	allocator = platform_device_register_simple("vdispl-dmabuf-alloc", -1, NULL, 0);
	if (IS_ERR(allocator))
		return PTR_ERR(allocator);
	ret = dma_coerce_mask_and_coherent(&allocator->dev, DMA_BIT_MASK(64));
	if (ret)
		platform_device_unregister(allocator);
	return ret;
}

/* The contiguous block of @buf, its pages not granted yet. */
static int alloc_block(struct vdispl_dmabuf_buffer *buf)
{
	/* A PV Dom0's contiguous pfns are not contiguous machine frames. */
	if (xen_pv_domain() || get_dma_ops(&allocator->dev))
		return -EOPNOTSUPP;
	/* No CMA block free is an answer, not a warning: single pages follow. */
	buf->block = dma_alloc_pages(&allocator->dev, (size_t)buf->count << PAGE_SHIFT,
				     &buf->block_dma, DMA_BIDIRECTIONAL, GFP_KERNEL | __GFP_NOWARN);
	return buf->block ? 0 : -ENOMEM;
}

/*
 * A buffer that failed before the caller had it. The domain may still have
 * mapped a page: references are easy to guess, and these were granted to
 * it. Such pages linger like any others.
 */
static void abandon(struct vdispl_dmabuf_buffer *buf)
{
	struct vdispl_dmabuf_context *ctx = buf->ctx;
	u32 left = end_grants(buf);

	spin_lock(&ctx->lock);
	ctx->pages_live -= buf->count - left;
	ctx->pages_lingering += left;
	spin_unlock(&ctx->lock);
	if (left)
		vdispl_dmabuf_linger(buf);
	else
		vdispl_dmabuf_buffer_free(buf);
}

/*
 * Allocate (unless a block holds them) and grant every page; the caller
 * ends the grants on failure. A page is in @buf->pages once granted.
 */
static int grant_pages(struct vdispl_dmabuf_buffer *buf)
{
	struct page *page;
	int ref;
	u32 i;

	for (i = 0; i < buf->count; i++) {
		page = buf->block ? nth_page(buf->block, i) : alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!page)
			return -ENOMEM;
		/* Zeroed, as single pages are: no stale Dom0 data reaches the guest. */
		if (buf->block)
			clear_highpage(page);
		ref = gnttab_grant_foreign_access(buf->domid, xen_page_to_gfn(page), 0);
		if (ref < 0) {
			/* Not granted: freed here (or with the block), not ended. */
			if (!buf->block)
				__free_page(page);
			return ref;
		}
		buf->refs[i] = ref;
		buf->pages[i] = page;
	}
	return 0;
}

int vdispl_dmabuf_share(struct vdispl_dmabuf_context *ctx, struct vdispl_dmabuf_share *args,
			u32 __user *refs, struct dma_buf **out)
{
	struct vdispl_dmabuf_buffer *buf;
	int ret;

	if (!vdispl_dmabuf_request_ok(args->count, args->flags, VDISPL_DMABUF_CONTIGUOUS,
				      args->domid))
		return -EINVAL;
	ret = vdispl_dmabuf_reserve(ctx, args->count, false);
	if (ret)
		return ret;
	/* Dom0's own memory: writable for every importer and mapping. */
	buf = vdispl_dmabuf_buffer_alloc(ctx, args->domid, args->count,
					 VDISPL_DMABUF_SHARED | VDISPL_DMABUF_WRITABLE);
	if (!buf) {
		ret = -ENOMEM;
		goto err_buf;
	}
	if (args->flags & VDISPL_DMABUF_CONTIGUOUS) {
		ret = alloc_block(buf);
		if (ret) {
			vdispl_dmabuf_buffer_free(buf);
			goto err_buf;
		}
	}
	ret = grant_pages(buf);
	if (!ret && copy_to_user(refs, buf->refs, (size_t)buf->count * sizeof(u32)))
		ret = -EFAULT;
	if (!ret) {
		vdispl_dmabuf_translate(buf);
		ret = vdispl_dmabuf_publish(buf, out);
	}
	if (ret) {
		abandon(buf);
		return ret;
	}
	args->id = buf->id;
	args->bus_segments = buf->bus_segments;
	return 0;

err_buf:
	vdispl_dmabuf_unreserve(ctx, args->count, false);
	return ret;
}
