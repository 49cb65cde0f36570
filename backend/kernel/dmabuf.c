// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: the dma-buf an importer sees
 *
 * The scatterlist has one CPU entry per page: an entry spanning several
 * Dom0 pfns whose guest frames are not adjacent would be bounced by
 * swiotlb-xen (measured), and sg_alloc_table_from_pages() merges
 * pfn-adjacent pages. Each page is DMA-mapped on its own; the DMA API's
 * address must equal the page's bus address through the p2m. A bounced
 * address fails the map. An untranslated one is the seeds' trap: on arm a
 * device Xen's DMA ops were never set up for (vkms's platform device, any
 * device without a bound driver) goes straight to dma-direct, which gives a
 * foreign page its Dom0 pfn's address, not the guest frame behind it
 * (measured). Such a device is handed the bus address Xen's ops would have
 * given, if its DMA mask reaches it; the DMA API's own address is kept for
 * unmapping and syncing, whose cache maintenance goes through Dom0's mapping
 * of the page either way. A real device bound to a driver has Xen's ops on
 * arm, so what gets corrected are virtual ones such as vkms, which only use
 * the CPU mapping; an importer that synced the table's addresses itself on
 * a non-coherent device would sync the guest frame's machine address, not
 * Dom0's mapping (none is known to). The
 * DMA side is then merged into one entry per bus-contiguous run, within the
 * device's segment limits, so a buffer of contiguous guest frames is one DMA
 * segment.
 */
#include <linux/dma-buf.h>
#include <linux/dma-direct.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "common/dma-segments.h"
#include "internal.h"

struct vdispl_dmabuf_attachment {
	struct list_head link; /* in buf->attachments */
	struct device *dev;
	u64 *page_dma; /* while mapped: each page's DMA address */
	enum dma_data_direction dir;
};

static int attach(struct dma_buf *dmabuf, struct dma_buf_attachment *attach)
{
	struct vdispl_dmabuf_buffer *buf = dmabuf->priv;
	struct vdispl_dmabuf_attachment *a = kzalloc(sizeof(*a), GFP_KERNEL);

	if (!a)
		return -ENOMEM;
	a->dev = attach->dev;
	mutex_lock(&buf->lock);
	list_add_tail(&a->link, &buf->attachments);
	buf->num_attachments++;
	mutex_unlock(&buf->lock);
	attach->priv = a;
	return 0;
}

static void detach(struct dma_buf *dmabuf, struct dma_buf_attachment *attach)
{
	struct vdispl_dmabuf_buffer *buf = dmabuf->priv;
	struct vdispl_dmabuf_attachment *a = attach->priv;

	mutex_lock(&buf->lock);
	list_del(&a->link);
	buf->num_attachments--;
	mutex_unlock(&buf->lock);
	kfree(a);
}

static void unmap_pages(struct device *dev, const u64 *page_dma, u32 count,
			enum dma_data_direction dir)
{
	u32 i;

	for (i = 0; i < count; i++)
		dma_unmap_page(dev, page_dma[i], PAGE_SIZE, dir);
}

/*
 * The DMA API gave @dev the address of the Dom0 pfn @page sits on, as
 * dma-direct does for a device without Xen's DMA ops.
 */
static bool untranslated(struct device *dev, struct page *page, dma_addr_t addr)
{
	return !get_dma_ops(dev) && addr == phys_to_dma(dev, page_to_phys(page));
}

/*
 * Map each page for @dev: @page_dma gets the DMA API's addresses (for
 * unmapping and syncing), @dev_addr what the device is handed, every one the
 * page's bus address. Returns how many pages were untranslated and
 * corrected, or -errno.
 */
static int map_pages(struct vdispl_dmabuf_buffer *buf, struct device *dev, u64 *page_dma,
		     u64 *dev_addr, enum dma_data_direction dir)
{
	u32 i, corrected = 0;

	for (i = 0; i < buf->count; i++) {
		dma_addr_t addr = dma_map_page(dev, buf->pages[i], 0, PAGE_SIZE, dir);
		dma_addr_t want = phys_to_dma(dev, buf->bus[i]);

		if (dma_mapping_error(dev, addr)) {
			unmap_pages(dev, page_dma, i, dir);
			return -ENOMEM;
		}
		page_dma[i] = addr;
		dev_addr[i] = want;
		/* Corrected only to an address the device can reach. */
		if (addr != want && untranslated(dev, buf->pages[i], addr) &&
		    dma_capable(dev, want, PAGE_SIZE, true)) {
			corrected++;
			continue;
		}
		if (addr != want) {
			dev_warn_ratelimited(dev,
					     "vdispl-dmabuf: buffer %u page %u: DMA address %pad is not its bus address %pad (bounced, or no Xen DMA ops); refused\n",
					     buf->id, i, &addr, &want);
			/*
			 * A bounce slot's unmap would copy back into the page:
			 * a fault on a read-only grant, stale data otherwise.
			 */
			dma_unmap_page_attrs(dev, addr, PAGE_SIZE, dir, DMA_ATTR_SKIP_CPU_SYNC);
			unmap_pages(dev, page_dma, i, dir);
			return -EIO;
		}
	}
	return corrected;
}

/* Write the merged DMA segments of @dev_addr into the table's first entries. */
static int merge_segments(struct vdispl_dmabuf_buffer *buf, struct device *dev,
			  const u64 *dev_addr, struct sg_table *sgt)
{
	struct vdispl_dma_limits limits = {
		/* sg_dma_len() is an unsigned int. */
		.max_segment_size = min_t(u64, dma_get_max_seg_size(dev), UINT_MAX & PAGE_MASK),
		.segment_boundary_mask = dma_get_seg_boundary(dev),
	};
	struct vdispl_dma_segment *segs;
	struct scatterlist *sg;
	u32 n;
	int i;

	/* A device that cannot take a page in one segment cannot take ours. */
	if (limits.max_segment_size < PAGE_SIZE)
		return -EINVAL;
	n = vdispl_dma_segments_build(dev_addr, buf->count, PAGE_SIZE, &limits, NULL, 0);
	segs = kvcalloc(n, sizeof(*segs), GFP_KERNEL);
	if (!segs)
		return -ENOMEM;
	vdispl_dma_segments_build(dev_addr, buf->count, PAGE_SIZE, &limits, segs, n);
	for_each_sg(sgt->sgl, sg, n, i) {
		sg_dma_address(sg) = segs[i].addr;
		sg_dma_len(sg) = segs[i].len;
	}
	sgt->nents = n;
	kvfree(segs);
	return n;
}

static struct sg_table *map_dma_buf(struct dma_buf_attachment *attach,
				    enum dma_data_direction dir)
{
	struct vdispl_dmabuf_buffer *buf = attach->dmabuf->priv;
	struct vdispl_dmabuf_attachment *a = attach->priv;
	struct scatterlist *sg;
	struct sg_table *sgt;
	u64 *page_dma, *dev_addr;
	int ret, i;

	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	page_dma = kvcalloc(buf->count, sizeof(*page_dma), GFP_KERNEL);
	dev_addr = kvcalloc(buf->count, sizeof(*dev_addr), GFP_KERNEL);
	if (!sgt || !page_dma || !dev_addr) {
		ret = -ENOMEM;
		goto err_alloc;
	}
	ret = sg_alloc_table(sgt, buf->count, GFP_KERNEL);
	if (ret)
		goto err_alloc;
	for_each_sgtable_sg(sgt, sg, i)
		sg_set_page(sg, buf->pages[i], PAGE_SIZE, 0);
	ret = map_pages(buf, attach->dev, page_dma, dev_addr, dir);
	if (ret < 0)
		goto err_map;
	if (ret)
		dev_info_ratelimited(attach->dev,
				     "vdispl-dmabuf: buffer %u: no Xen DMA ops here; %d pages handed out at their bus addresses through the p2m, not their Dom0 pfns'\n",
				     buf->id, ret);
	ret = merge_segments(buf, attach->dev, dev_addr, sgt);
	if (ret < 0)
		goto err_merge;
	kvfree(dev_addr);

	mutex_lock(&buf->lock);
	a->page_dma = page_dma;
	a->dir = dir;
	buf->dma_segments = ret;
	mutex_unlock(&buf->lock);
	return sgt;

err_merge:
	unmap_pages(attach->dev, page_dma, buf->count, dir);
err_map:
	sg_free_table(sgt);
err_alloc:
	kvfree(dev_addr);
	kvfree(page_dma);
	kfree(sgt);
	return ERR_PTR(ret);
}

static void unmap_dma_buf(struct dma_buf_attachment *attach, struct sg_table *sgt,
			  enum dma_data_direction dir)
{
	struct vdispl_dmabuf_buffer *buf = attach->dmabuf->priv;
	struct vdispl_dmabuf_attachment *a = attach->priv;
	u64 *page_dma;

	mutex_lock(&buf->lock);
	page_dma = a->page_dma;
	a->page_dma = NULL;
	mutex_unlock(&buf->lock);
	if (page_dma)
		unmap_pages(attach->dev, page_dma, buf->count, dir);
	kvfree(page_dma);
	sg_free_table(sgt);
	kfree(sgt);
}

/*
 * CPU access: make every device's view and the CPU's agree, in the
 * direction each device mapped the buffer (a no-op on coherent x86; cache
 * maintenance on arm).
 */
static int begin_cpu_access(struct dma_buf *dmabuf, enum dma_data_direction dir)
{
	struct vdispl_dmabuf_buffer *buf = dmabuf->priv;
	struct vdispl_dmabuf_attachment *a;
	u32 i;

	mutex_lock(&buf->lock);
	buf->cpu_accesses++;
	list_for_each_entry(a, &buf->attachments, link)
		for (i = 0; a->page_dma && i < buf->count; i++)
			dma_sync_single_for_cpu(a->dev, a->page_dma[i], PAGE_SIZE, a->dir);
	mutex_unlock(&buf->lock);
	return 0;
}

static int end_cpu_access(struct dma_buf *dmabuf, enum dma_data_direction dir)
{
	struct vdispl_dmabuf_buffer *buf = dmabuf->priv;
	struct vdispl_dmabuf_attachment *a;
	u32 i;

	mutex_lock(&buf->lock);
	list_for_each_entry(a, &buf->attachments, link)
		for (i = 0; a->page_dma && i < buf->count; i++)
			dma_sync_single_for_device(a->dev, a->page_dma[i], PAGE_SIZE, a->dir);
	mutex_unlock(&buf->lock);
	return 0;
}

static void release(struct dma_buf *dmabuf)
{
	vdispl_dmabuf_release(dmabuf->priv);
}

const struct dma_buf_ops vdispl_dmabuf_ops = {
	/* The core keeps each attachment's mapping until it detaches. */
	.cache_sgt_mapping = true,
	.attach = attach,
	.detach = detach,
	.map_dma_buf = map_dma_buf,
	.unmap_dma_buf = unmap_dma_buf,
	.release = release,
	.begin_cpu_access = begin_cpu_access,
	.end_cpu_access = end_cpu_access,
	.mmap = vdispl_dmabuf_mmap,
	.vmap = vdispl_dmabuf_vmap,
	.vunmap = vdispl_dmabuf_vunmap,
};
