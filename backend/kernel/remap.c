// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: CPU mappings of an exported buffer
 *
 * The kernel's mapping (vmap) and a process's (mmap) map the guest's grants
 * a second time, through common/kernel/grant-ptes.c: straight into the page
 * table entries in a PV Dom0, where vmap() of grant-mapped pages is
 * silently broken. What is decided here is policy: a read-only buffer
 * gives read-only mappings, and every second mapping counts against the
 * exporting context's cap, as it takes Xen mapping slots as the first one
 * does. A shared buffer's pages are Dom0's own: they are mapped as any
 * kernel pages are, and cost no Xen slot.
 */
#include <linux/dma-buf.h>
#include <linux/err.h>
#include <linux/iosys-map.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "common/kernel/grant-ptes.h"
#include "internal.h"

static void grant_source(const struct vdispl_dmabuf_buffer *buf, struct vdispl_grant_source *src)
{
	*src = (struct vdispl_grant_source){
		.refs = buf->refs,
		.pages = buf->pages,
		.count = buf->count,
		.domid = buf->domid,
		.readonly = !(buf->flags & VDISPL_DMABUF_WRITABLE),
	};
}

/* ---- the kernel's mapping ---- */

/*
 * Made on the first vmap and kept until the buffer is released: importers
 * such as vkms vmap a framebuffer for each commit that shows it and vunmap
 * it after the next, and mapping thousands of grants again at every page
 * flip would make zero-copy cost as much as a copy at high resolutions.
 */
static int vmap_create(struct vdispl_dmabuf_buffer *buf)
{
	struct vdispl_grant_source src;
	void *vaddr;
	int ret;

	if (buf->flags & VDISPL_DMABUF_SHARED) {
		buf->vmap = vmap(buf->pages, buf->count, VM_MAP, PAGE_KERNEL);
		return buf->vmap ? 0 : -ENOMEM;
	}
	ret = vdispl_dmabuf_reserve(buf->ctx, buf->count, true);
	if (ret)
		return ret;
	grant_source(buf, &src);
	vaddr = vdispl_grant_vmap(&src, &buf->vmap_ptes);
	if (IS_ERR(vaddr)) {
		/* -EIO: Xen kept a grant; its slot stays counted. */
		if (PTR_ERR(vaddr) != -EIO)
			vdispl_dmabuf_unreserve(buf->ctx, buf->count, true);
		return PTR_ERR(vaddr);
	}
	buf->vmap = vaddr;
	return 0;
}

int vdispl_dmabuf_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct vdispl_dmabuf_buffer *buf = dmabuf->priv;
	int ret = 0;

	mutex_lock(&buf->lock);
	if (!buf->vmap)
		ret = vmap_create(buf);
	if (!ret) {
		buf->vmap_users++;
		iosys_map_set_vaddr(map, buf->vmap);
	}
	mutex_unlock(&buf->lock);
	return ret;
}

void vdispl_dmabuf_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct vdispl_dmabuf_buffer *buf = dmabuf->priv;

	mutex_lock(&buf->lock);
	if (!WARN_ON(!buf->vmap_users || buf->vmap != map->vaddr))
		buf->vmap_users--;
	mutex_unlock(&buf->lock);
}

void vdispl_dmabuf_vmap_release(struct vdispl_dmabuf_buffer *buf)
{
	void *vaddr = buf->vmap;

	if (!vaddr)
		return;
	buf->vmap = NULL;
	if (buf->flags & VDISPL_DMABUF_SHARED) {
		vunmap(vaddr);
		return;
	}
	if (vdispl_grant_vunmap(vaddr, buf->vmap_ptes))
		return; /* leaked, and so still counted */
	buf->vmap_ptes = NULL;
	vdispl_dmabuf_unreserve(buf->ctx, buf->count, true);
}

/* ---- a process's mapping ---- */

struct user_map {
	struct vdispl_grant_umap umap;
	struct vdispl_dmabuf_buffer *buf;
	u32 pages;
};

static void user_map_release(struct vdispl_grant_umap *umap)
{
	struct user_map *m = container_of(umap, struct user_map, umap);
	struct vdispl_dmabuf_buffer *buf = m->buf;

	mutex_lock(&buf->lock);
	buf->mmaps--;
	mutex_unlock(&buf->lock);
	vdispl_dmabuf_unreserve(buf->ctx, m->pages, true);
	kfree(m);
}

/*
 * Dom0's own pages. A contiguous block's pages may be the tail of one
 * high-order allocation, which cannot be refcounted one by one: they are
 * mapped by frame number, as device memory is.
 */
static int map_shared(struct vdispl_dmabuf_buffer *buf, struct vm_area_struct *vma)
{
	unsigned long first = vma->vm_pgoff, i;
	int ret = 0;

	if (!buf->block)
		return vm_map_pages(vma, buf->pages, buf->count);
	if (first >= buf->count || vma_pages(vma) > buf->count - first)
		return -ENXIO;
	for (i = 0; i < vma_pages(vma) && !ret; i++)
		ret = remap_pfn_range(vma, vma->vm_start + (i << PAGE_SHIFT),
				      page_to_pfn(buf->pages[first + i]), PAGE_SIZE,
				      vma->vm_page_prot);
	return ret;
}

int vdispl_dmabuf_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	struct vdispl_dmabuf_buffer *buf = dmabuf->priv;
	struct vdispl_grant_source src;
	struct user_map *m;
	int ret;

	if (!(vma->vm_flags & VM_SHARED) || !(vma->vm_flags & VM_READ))
		return -EINVAL;
	if (!(buf->flags & VDISPL_DMABUF_WRITABLE)) {
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		vma->vm_flags &= ~VM_MAYWRITE;
	}
	if (buf->flags & VDISPL_DMABUF_SHARED)
		return map_shared(buf, vma);
	ret = vdispl_dmabuf_reserve(buf->ctx, vma_pages(vma), true);
	if (ret)
		return ret;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m) {
		vdispl_dmabuf_unreserve(buf->ctx, vma_pages(vma), true);
		return -ENOMEM;
	}
	m->buf = buf;
	m->pages = vma_pages(vma);
	mutex_lock(&buf->lock);
	buf->mmaps++;
	mutex_unlock(&buf->lock);

	grant_source(buf, &src);
	ret = vdispl_grant_umap(&m->umap, vma, &src, user_map_release);
	if (ret)
		/* mmap_region() does not call close() for a failed mmap. */
		user_map_release(&m->umap);
	return ret;
}
