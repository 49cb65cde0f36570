// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: a domain's grant references, mapped into Dom0 and exported
 *
 * Mapping: references are mapped in batches into pages from the
 * unpopulated-page pool, every entry's status checked; the first refusal
 * unmaps everything mapped so far. On x86 GNTMAP_device_map also asks Xen
 * for the device (IOMMU) mapping, since these pages are meant for DMA.
 *
 * Translation: a grant-mapped page sits on a Dom0 frame that is not the
 * guest's. Each page's bus address comes from the p2m (pfn_to_bfn), the
 * same translation Xen's DMA ops make, and dmabuf.c checks every DMA
 * address the DMA API gives an importer against it.
 */
#include <linux/dma-buf.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <xen/interface/xen.h>
#include <xen/page.h>
#include <xen/xen.h>

#include "common/dma-segments.h"
#include "internal.h"

#define MAP_BATCH 512u

static atomic_t last_id = ATOMIC_INIT(0);

static int gntst_to_errno(s16 status)
{
	switch (status) {
	case GNTST_bad_domain:
		return -ESRCH;
	case GNTST_bad_gntref:
		return -ENOENT;
	case GNTST_permission_denied:
		return -EACCES;
	case GNTST_no_device_space:
	case GNTST_no_space:
		return -EBUSY;
	default:
		return -EIO;
	}
}

static unsigned int map_flags(const struct vdispl_dmabuf_buffer *buf)
{
	unsigned int flags = GNTMAP_host_map;

	if (!(buf->flags & VDISPL_DMABUF_WRITABLE))
		flags |= GNTMAP_readonly;
	if (IS_ENABLED(CONFIG_X86))
		flags |= GNTMAP_device_map;
	return flags;
}

static unsigned long kaddr(struct page *page)
{
	return (unsigned long)pfn_to_kaddr(page_to_pfn(page));
}

#define UNMAP_BATCH 64u

/* Unmap the pages of [first, first + n) that have a valid handle. */
static void unmap_batch(struct vdispl_dmabuf_buffer *buf, u32 first, u32 n,
			struct gnttab_unmap_grant_ref *ops, struct page **pages)
{
	struct gntab_unmap_queue_data queue = { .unmap_ops = ops, .pages = pages };
	unsigned int flags = map_flags(buf);
	u32 i, k = 0;

	for (i = first; i < first + n; i++) {
		if (buf->handles[i] == INVALID_GRANT_HANDLE)
			continue;
		gnttab_set_unmap_op(&ops[k], kaddr(buf->pages[i]), flags, buf->handles[i]);
		ops[k].dev_bus_addr = buf->dev_bus_addr[i];
		/* An op Xen never reached must not look done. */
		ops[k].status = GNTST_general_error;
		pages[k++] = buf->pages[i];
	}
	if (!k)
		return;
	queue.count = k;
	/* Its return value also covers the p2m; each op's status says what Xen did. */
	gnttab_unmap_refs_sync(&queue);
	for (i = first, k = 0; i < first + n; i++) {
		if (buf->handles[i] == INVALID_GRANT_HANDLE)
			continue;
		if (ops[k++].status == GNTST_okay)
			buf->handles[i] = INVALID_GRANT_HANDLE;
	}
}

/*
 * Unmap every page with a valid handle. Returns 0, or -EIO when Xen refused
 * an unmap: those pages stay mapped and must never go back to the pool.
 * Small batches whose allocation cannot fail: a release must not leave a
 * guest's memory mapped for want of memory.
 */
static int unmap_pages(struct vdispl_dmabuf_buffer *buf)
{
	struct gnttab_unmap_grant_ref *ops;
	struct page **pages;
	u32 first, i;

	ops = kcalloc(UNMAP_BATCH, sizeof(*ops), GFP_KERNEL | __GFP_NOFAIL);
	pages = kcalloc(UNMAP_BATCH, sizeof(*pages), GFP_KERNEL | __GFP_NOFAIL);
	for (first = 0; first < buf->count; first += UNMAP_BATCH)
		unmap_batch(buf, first, min(buf->count - first, UNMAP_BATCH), ops, pages);
	kfree(pages);
	kfree(ops);
	for (i = 0; i < buf->count; i++) {
		if (buf->handles[i] != INVALID_GRANT_HANDLE) {
			pr_err("buffer %u of dom%u: Xen refused to unmap its grants; pages leaked\n",
			       buf->id, buf->domid);
			return -EIO;
		}
	}
	return 0;
}

/* Map pages [first, first + n); report the first refusal in @args. */
static int map_batch(struct vdispl_dmabuf_buffer *buf, struct gnttab_map_grant_ref *ops,
		     u32 first, u32 n, struct vdispl_dmabuf_export *args)
{
	unsigned int flags = map_flags(buf);
	int ret = 0;
	u32 i;

	for (i = 0; i < n; i++) {
		gnttab_set_map_op(&ops[i], kaddr(buf->pages[first + i]), flags,
				  buf->refs[first + i], buf->domid);
		/* Entries Xen never reached must not look mapped. */
		ops[i].status = GNTST_general_error;
		ops[i].handle = INVALID_GRANT_HANDLE;
	}
	/* Its return value only repeats what the statuses say. */
	gnttab_map_refs(ops, NULL, buf->pages + first, n);
	for (i = 0; i < n; i++) {
		if (ops[i].status == GNTST_okay) {
			buf->handles[first + i] = ops[i].handle;
			buf->dev_bus_addr[first + i] = ops[i].dev_bus_addr;
		} else if (!ret) {
			ret = gntst_to_errno(ops[i].status);
			args->failed = first + i;
			args->status = ops[i].status;
		}
	}
	return ret;
}

static int map_all(struct vdispl_dmabuf_buffer *buf, struct vdispl_dmabuf_export *args)
{
	struct gnttab_map_grant_ref *ops;
	int ret = 0;
	u32 first;

	ops = kvcalloc(min(buf->count, MAP_BATCH), sizeof(*ops), GFP_KERNEL);
	if (!ops)
		return -ENOMEM;
	for (first = 0; first < buf->count && !ret; first += MAP_BATCH)
		ret = map_batch(buf, ops, first, min(buf->count - first, MAP_BATCH), args);
	kvfree(ops);
	return ret;
}

/* The p2m-aware translation: each page's bus frame, not its Dom0 pfn. */
void vdispl_dmabuf_translate(struct vdispl_dmabuf_buffer *buf)
{
	u32 i;

	for (i = 0; i < buf->count; i++)
		buf->bus[i] = (u64)pfn_to_bfn(page_to_xen_pfn(buf->pages[i])) << XEN_PAGE_SHIFT;
	buf->bus_segments = vdispl_dma_segments_build(buf->bus, buf->count, PAGE_SIZE, NULL,
						      NULL, 0);
}

/* Frees the buffer and its arrays, and lets go of its context. */
void vdispl_dmabuf_buffer_free(struct vdispl_dmabuf_buffer *buf)
{
	struct vdispl_dmabuf_context *ctx = buf->ctx;

	kvfree(buf->refs);
	kvfree(buf->pages);
	kvfree(buf->handles);
	kvfree(buf->dev_bus_addr);
	kvfree(buf->bus);
	kfree(buf);
	vdispl_dmabuf_context_put(ctx);
}

/* A buffer of @count pages, none mapped or allocated yet; it holds @ctx. */
struct vdispl_dmabuf_buffer *vdispl_dmabuf_buffer_alloc(struct vdispl_dmabuf_context *ctx,
							u32 domid, u32 count, u32 flags)
{
	struct vdispl_dmabuf_buffer *buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	u32 i;

	if (!buf)
		return NULL;
	kref_get(&ctx->ref);
	buf->ctx = ctx;
	buf->domid = domid;
	buf->count = count;
	buf->flags = flags;
	mutex_init(&buf->lock);
	INIT_LIST_HEAD(&buf->attachments);
	INIT_LIST_HEAD(&buf->link);
	buf->refs = kvcalloc(count, sizeof(*buf->refs), GFP_KERNEL);
	buf->pages = kvcalloc(count, sizeof(*buf->pages), GFP_KERNEL);
	buf->bus = kvcalloc(count, sizeof(*buf->bus), GFP_KERNEL);
	if (!(flags & VDISPL_DMABUF_SHARED)) {
		buf->handles = kvcalloc(count, sizeof(*buf->handles), GFP_KERNEL);
		buf->dev_bus_addr = kvcalloc(count, sizeof(*buf->dev_bus_addr), GFP_KERNEL);
	}
	if (!buf->refs || !buf->pages || !buf->bus ||
	    (!(flags & VDISPL_DMABUF_SHARED) && (!buf->handles || !buf->dev_bus_addr))) {
		vdispl_dmabuf_buffer_free(buf);
		return NULL;
	}
	for (i = 0; buf->handles && i < count; i++)
		buf->handles[i] = INVALID_GRANT_HANDLE;
	return buf;
}

int vdispl_dmabuf_reserve(struct vdispl_dmabuf_context *ctx, u32 count, bool remap)
{
	int ret = 0;

	spin_lock(&ctx->lock);
	if (ctx->pages_live + count > READ_ONCE(vdispl_dmabuf_max_file_pages)) {
		ret = -ENOSPC;
	} else {
		ctx->pages_live += count;
		if (remap)
			ctx->pages_remapped += count;
	}
	spin_unlock(&ctx->lock);
	return ret;
}

void vdispl_dmabuf_unreserve(struct vdispl_dmabuf_context *ctx, u32 count, bool remap)
{
	spin_lock(&ctx->lock);
	ctx->pages_live -= count;
	if (remap)
		ctx->pages_remapped -= count;
	spin_unlock(&ctx->lock);
}

bool vdispl_dmabuf_holds(struct vdispl_dmabuf_context *ctx, u32 id)
{
	struct vdispl_dmabuf_buffer *buf;
	bool found = false;

	spin_lock(&ctx->lock);
	list_for_each_entry(buf, &ctx->buffers, link)
		found |= buf->id == id;
	spin_unlock(&ctx->lock);
	return found;
}

/* Ids are never 0, even after 2^32 exports. */
static u32 next_id(void)
{
	u32 id;

	do {
		id = atomic_inc_return(&last_id);
	} while (!id);
	return id;
}

bool vdispl_dmabuf_request_ok(u32 count, u32 flags, u32 known, u32 domid)
{
	return count && count <= READ_ONCE(vdispl_dmabuf_max_buffer_pages) && !(flags & ~known) &&
	       domid < DOMID_FIRST_RESERVED;
}

/* Wrap @buf, whose pages are in place, in a dma-buf, and count it live. */
int vdispl_dmabuf_publish(struct vdispl_dmabuf_buffer *buf, struct dma_buf **out)
{
	DEFINE_DMA_BUF_EXPORT_INFO(info);
	struct vdispl_dmabuf_context *ctx = buf->ctx;
	struct dma_buf *dmabuf;

	buf->id = next_id();
	info.exp_name = KBUILD_MODNAME;
	info.owner = THIS_MODULE;
	info.ops = &vdispl_dmabuf_ops;
	info.size = (size_t)buf->count << PAGE_SHIFT;
	info.flags = O_RDWR;
	info.priv = buf;
	dmabuf = dma_buf_export(&info);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	buf->dmabuf = dmabuf;
	spin_lock(&ctx->lock);
	list_add_tail(&buf->link, &ctx->buffers);
	ctx->buffers_live++;
	if (buf->flags & VDISPL_DMABUF_SHARED)
		ctx->pages_shared += buf->count;
	spin_unlock(&ctx->lock);
	*out = dmabuf;
	return 0;
}

int vdispl_dmabuf_export(struct vdispl_dmabuf_context *ctx,
			 struct vdispl_dmabuf_export *args, const u32 __user *refs,
			 struct dma_buf **out)
{
	struct vdispl_dmabuf_buffer *buf;
	int ret;

	if (!vdispl_dmabuf_request_ok(args->count, args->flags, VDISPL_DMABUF_WRITABLE,
				      args->domid))
		return -EINVAL;
	ret = vdispl_dmabuf_reserve(ctx, args->count, false);
	if (ret)
		return ret;
	buf = vdispl_dmabuf_buffer_alloc(ctx, args->domid, args->count, args->flags);
	if (!buf) {
		ret = -ENOMEM;
		goto err_buf;
	}
	if (copy_from_user(buf->refs, refs, (size_t)buf->count * sizeof(u32))) {
		ret = -EFAULT;
		goto err_pages;
	}
	ret = gnttab_alloc_pages(buf->count, buf->pages);
	if (ret)
		goto err_pages;
	ret = map_all(buf, args);
	if (ret)
		goto err_export;
	vdispl_dmabuf_translate(buf);
	ret = vdispl_dmabuf_publish(buf, out);
	if (ret)
		goto err_export;
	args->id = buf->id;
	args->bus_segments = buf->bus_segments;
	return 0;

err_export:
	if (unmap_pages(buf))
		goto err_pages; /* pages still mapped: leak, never reuse */
	gnttab_free_pages(buf->count, buf->pages);
err_pages:
	vdispl_dmabuf_buffer_free(buf);
err_buf:
	vdispl_dmabuf_unreserve(ctx, args->count, false);
	return ret;
}

/* The dma-buf is gone: nobody in Dom0 maps the pages any more. */
void vdispl_dmabuf_release(struct vdispl_dmabuf_buffer *buf)
{
	struct vdispl_dmabuf_context *ctx = buf->ctx;
	bool shared = buf->flags & VDISPL_DMABUF_SHARED;
	u32 lingering = 0;

	if (WARN(buf->vmap_users || buf->mmaps || buf->num_attachments,
		 "buffer %u released while still mapped\n", buf->id))
		return; /* leak rather than free what is in use */
	vdispl_dmabuf_vmap_release(buf);
	if (shared)
		lingering = vdispl_dmabuf_unshare(buf);
	else if (!unmap_pages(buf))
		gnttab_free_pages(buf->count, buf->pages);

	spin_lock(&ctx->lock);
	list_del_init(&buf->link);
	ctx->buffers_live--;
	ctx->pages_live -= buf->count - lingering;
	if (shared)
		ctx->pages_shared -= buf->count;
	ctx->pages_lingering += lingering;
	/* Full: forget the oldest id, the reader can recount with STATS. */
	if (kfifo_is_full(&ctx->released))
		kfifo_skip(&ctx->released);
	kfifo_put(&ctx->released, buf->id);
	spin_unlock(&ctx->lock);
	wake_up_interruptible(&ctx->released_wait);

	if (lingering)
		vdispl_dmabuf_linger(buf);
	else
		vdispl_dmabuf_buffer_free(buf);
}

int vdispl_dmabuf_query(struct vdispl_dmabuf_query *args,
			struct vdispl_dmabuf_range __user *ranges)
{
	struct vdispl_dma_segment *segs = NULL;
	struct vdispl_dmabuf_buffer *buf;
	struct dma_buf *dmabuf;
	u32 n, i;
	int ret = 0;

	dmabuf = dma_buf_get(args->fd);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	if (dmabuf->ops != &vdispl_dmabuf_ops) {
		ret = -EINVAL;
		goto out;
	}
	buf = dmabuf->priv;
	args->id = buf->id;
	args->domid = buf->domid;
	args->pages = buf->count;
	args->flags = buf->flags;
	args->bus_segments = buf->bus_segments;
	mutex_lock(&buf->lock);
	args->attachments = buf->num_attachments;
	args->dma_segments = buf->dma_segments;
	args->vmaps = buf->vmap_users;
	args->mmaps = buf->mmaps;
	args->cpu_accesses = buf->cpu_accesses;
	mutex_unlock(&buf->lock);
	/* Where Dom0 has them, for comparison with the bus: its own frames. */
	args->reserved = 0;
	args->first_dom0_pfn = page_to_pfn(buf->pages[0]);
	args->dom0_pfn_runs = 1;
	for (i = 1; i < buf->count; i++)
		args->dom0_pfn_runs += page_to_pfn(buf->pages[i]) != page_to_pfn(buf->pages[i - 1]) + 1;

	n = min(args->max_ranges, buf->bus_segments);
	if (!ranges || !n)
		goto out;
	segs = kvcalloc(n, sizeof(*segs), GFP_KERNEL);
	if (!segs) {
		ret = -ENOMEM;
		goto out;
	}
	vdispl_dma_segments_build(buf->bus, buf->count, PAGE_SIZE, NULL, segs, n);
	for (i = 0; i < n && !ret; i++) {
		struct vdispl_dmabuf_range r = { .addr = segs[i].addr, .len = segs[i].len };

		if (copy_to_user(&ranges[i], &r, sizeof(r)))
			ret = -EFAULT;
	}
out:
	kvfree(segs);
	dma_buf_put(dmabuf);
	return ret;
}
