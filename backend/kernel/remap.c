// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: CPU mappings of an exported buffer
 *
 * In a PV Dom0, Xen refuses an ordinary PTE to a frame that is grant-mapped
 * from another domain: vmap() of the mapped pages "succeeds" with PTEs of 0
 * (the failed update is ignored) and the first access oopses. So both the
 * kernel mapping (vmap) and a process's mapping (mmap) map the grants
 * again, straight into the PTEs: GNTMAP_contains_pte with each PTE's
 * machine address, as gntdev does for user space. Such PTEs must be
 * unmapped through Xen before Linux clears them, or Xen kills Dom0:
 * vunmap() comes after the grant unmap, and a process mapping is unmapped
 * from an MMU notifier before the kernel zaps it.
 *
 * Auto-translated domains (arm, PVH) map grants into their physmap, so
 * there the ordinary vmap() and vm_map_pages() of the mapped pages work.
 */
#include <linux/dma-buf.h>
#include <linux/iosys-map.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <xen/xen.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/page.h>

#include "internal.h"

#define REMAP_BATCH 512u

static bool remap_through_ptes(void)
{
	return xen_pv_domain();
}

static unsigned int grant_pte_flags(const struct vdispl_dmabuf_buffer *buf)
{
	unsigned int flags = GNTMAP_host_map | GNTMAP_contains_pte;

	if (!(buf->flags & VDISPL_DMABUF_WRITABLE))
		flags |= GNTMAP_readonly;
	return flags;
}

static void remap_free(struct vdispl_dmabuf_remap *r)
{
	kvfree(r->pte_maddr);
	kvfree(r->handles);
	kfree(r);
}

static struct vdispl_dmabuf_remap *remap_alloc(u32 count)
{
	struct vdispl_dmabuf_remap *r = kzalloc(sizeof(*r), GFP_KERNEL);
	u32 i;

	if (!r)
		return NULL;
	r->pte_maddr = kvcalloc(count, sizeof(*r->pte_maddr), GFP_KERNEL);
	r->handles = kvcalloc(count, sizeof(*r->handles), GFP_KERNEL);
	if (!r->pte_maddr || !r->handles) {
		remap_free(r);
		return NULL;
	}
	for (i = 0; i < count; i++)
		r->handles[i] = INVALID_GRANT_HANDLE;
	return r;
}

/*
 * Unmap the grants in PTEs [first, first + n) of @r. Returns 0, or -EIO if
 * Xen refused one: that PTE must then never be cleared by Linux.
 */
static int unmap_ptes(struct vdispl_dmabuf_remap *r, u32 first, u32 n)
{
	struct gnttab_unmap_grant_ref ops[16];
	u32 idx[ARRAY_SIZE(ops)];
	u32 i = first, end = first + n, k;
	int ret = 0;

	while (i < end) {
		u32 batch = 0;

		for (; i < end && batch < ARRAY_SIZE(ops); i++) {
			if (r->handles[i] == INVALID_GRANT_HANDLE)
				continue;
			gnttab_set_unmap_op(&ops[batch], r->pte_maddr[i], GNTMAP_contains_pte,
					    r->handles[i]);
			idx[batch++] = i;
		}
		if (!batch)
			break;
		if (HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, ops, batch)) {
			ret = -EIO;
			continue;
		}
		for (k = 0; k < batch; k++) {
			if (ops[k].status != GNTST_okay) {
				ret = -EIO;
				continue;
			}
			r->handles[idx[k]] = INVALID_GRANT_HANDLE;
			r->mapped--;
		}
	}
	if (ret)
		pr_err("unmapping grants from %u PTEs failed; the mapping is leaked\n", n);
	return ret;
}

/* Map the grants @refs[0, n) of @domid into the PTEs [0, n) @r records. */
static int map_ptes(struct vdispl_dmabuf_remap *r, const grant_ref_t *refs, u32 domid, u32 n,
		    unsigned int flags)
{
	struct gnttab_map_grant_ref *ops;
	u32 done, i;
	int ret = 0;

	ops = kvcalloc(min(n, REMAP_BATCH), sizeof(*ops), GFP_KERNEL);
	if (!ops)
		return -ENOMEM;
	for (done = 0; done < n && !ret; done += REMAP_BATCH) {
		u32 batch = min(n - done, REMAP_BATCH);

		for (i = 0; i < batch; i++) {
			gnttab_set_map_op(&ops[i], r->pte_maddr[done + i], flags, refs[done + i],
					  domid);
			ops[i].status = GNTST_general_error;
		}
		gnttab_batch_map(ops, batch);
		for (i = 0; i < batch; i++) {
			if (ops[i].status == GNTST_okay) {
				r->handles[done + i] = ops[i].handle;
				r->mapped++;
			} else {
				ret = -EIO;
			}
		}
	}
	kvfree(ops);
	if (ret)
		unmap_ptes(r, 0, n);
	return ret;
}

/* ---- the kernel's mapping ---- */

#ifdef CONFIG_X86
/*
 * A vm area of @count pages whose PTEs exist but are not present: the
 * grants go into them. Non-present entries are never cached in the TLB,
 * so nothing stale can shadow the grant mappings.
 */
static void *vmap_ptes(u32 count, u64 *pte_maddr)
{
	struct page **pages;
	void *vaddr;
	u32 i;

	pages = kvmalloc_array(count, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for (i = 0; i < count; i++)
		pages[i] = ZERO_PAGE(0);
	vaddr = vmap(pages, count, VM_MAP, PAGE_NONE);
	kvfree(pages);
	if (!vaddr)
		return NULL;
	for (i = 0; i < count; i++) {
		unsigned int level;
		pte_t *pte = lookup_address((unsigned long)vaddr + i * PAGE_SIZE, &level);

		if (!pte || level != PG_LEVEL_4K) {
			vunmap(vaddr);
			return NULL;
		}
		pte_maddr[i] = arbitrary_virt_to_machine(pte).maddr;
	}
	return vaddr;
}
#else
static void *vmap_ptes(u32 count, u64 *pte_maddr)
{
	return NULL;
}
#endif

/*
 * A read-only buffer gives a read-only mapping: an importer must not write
 * into what the guest only lent us to read. Every second mapping of the
 * grants counts against the exporting context's cap, as they take Xen
 * mapping slots as the first one does.
 *
 * The kernel mapping is made on the first vmap and kept until the buffer
 * is released: importers such as vkms vmap a framebuffer for each commit
 * that shows it and vunmap it after the next, and mapping thousands of
 * grants again at every page flip would make zero-copy cost as much as a
 * copy at high resolutions.
 */
static int vmap_create(struct vdispl_dmabuf_buffer *buf, struct vdispl_dmabuf_remap **out)
{
	struct vdispl_dmabuf_remap *r;
	int ret;

	ret = vdispl_dmabuf_reserve(buf->ctx, buf->count, true);
	if (ret)
		return ret;
	r = remap_alloc(buf->count);
	if (!r) {
		vdispl_dmabuf_unreserve(buf->ctx, buf->count, true);
		return -ENOMEM;
	}
	if (remap_through_ptes()) {
		r->vaddr = vmap_ptes(buf->count, r->pte_maddr);
		ret = r->vaddr ? map_ptes(r, buf->refs, buf->domid, buf->count, grant_pte_flags(buf))
				: -ENOMEM;
		if (ret) {
			if (r->vaddr && !r->mapped)
				vunmap(r->vaddr);
			goto err;
		}
	} else {
		r->vaddr = vmap(buf->pages, buf->count, VM_MAP, PAGE_KERNEL);
		if (!r->vaddr) {
			ret = -ENOMEM;
			goto err;
		}
	}
	*out = r;
	return 0;
err:
	if (!r->mapped) {
		remap_free(r);
		vdispl_dmabuf_unreserve(buf->ctx, buf->count, true);
	}
	return ret;
}

int vdispl_dmabuf_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct vdispl_dmabuf_buffer *buf = dmabuf->priv;
	int ret = 0;

	mutex_lock(&buf->lock);
	if (!buf->vmap)
		ret = vmap_create(buf, &buf->vmap);
	if (!ret) {
		buf->vmap_users++;
		iosys_map_set_vaddr(map, buf->vmap->vaddr);
	}
	mutex_unlock(&buf->lock);
	return ret;
}

void vdispl_dmabuf_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct vdispl_dmabuf_buffer *buf = dmabuf->priv;

	mutex_lock(&buf->lock);
	if (!WARN_ON(!buf->vmap_users || buf->vmap->vaddr != map->vaddr))
		buf->vmap_users--;
	mutex_unlock(&buf->lock);
}

void vdispl_dmabuf_vmap_release(struct vdispl_dmabuf_buffer *buf)
{
	struct vdispl_dmabuf_remap *r = buf->vmap;

	if (!r)
		return;
	buf->vmap = NULL;
	/* A PTE Xen still holds a grant in must never be cleared by vunmap. */
	if (remap_through_ptes() && unmap_ptes(r, 0, buf->count))
		return;
	vunmap(r->vaddr);
	remap_free(r);
	vdispl_dmabuf_unreserve(buf->ctx, buf->count, true);
}

/* ---- a process's mapping ---- */

/*
 * One process mapping. It may be shared by a second vma for a moment: an
 * mremap() copies the vma (calling open) before our mremap hook refuses
 * the move, and the copy is closed again; the last close frees it.
 */
struct user_map {
	struct kref ref;
	struct mmu_interval_notifier notifier;
	struct vdispl_dmabuf_buffer *buf;
	struct vdispl_dmabuf_remap *remap; /* indexed by page of the vma */
	struct mutex lock;		   /* remap's handles */
	unsigned long start;
	u32 first_page; /* of the buffer, at @start */
	u32 pages;
};

/* The kernel is about to zap [range): take the grants out of those PTEs first. */
static bool user_map_invalidate(struct mmu_interval_notifier *mn,
				const struct mmu_notifier_range *range, unsigned long cur_seq)
{
	struct user_map *m = container_of(mn, struct user_map, notifier);
	unsigned long end = m->start + ((unsigned long)m->pages << PAGE_SHIFT);
	unsigned long from, to;

	if (!mmu_notifier_range_blockable(range))
		return false;
	from = max(range->start, m->start);
	to = min(range->end, end);
	if (from >= to)
		return true;
	mmu_interval_set_seq(mn, cur_seq);
	mutex_lock(&m->lock);
	if (unmap_ptes(m->remap, (from - m->start) >> PAGE_SHIFT, (to - from) >> PAGE_SHIFT))
		pr_crit("grants stay in PTEs the kernel is about to clear: Xen will object\n");
	mutex_unlock(&m->lock);
	return true;
}

static const struct mmu_interval_notifier_ops user_map_notifier_ops = {
	.invalidate = user_map_invalidate,
};

static void user_map_release(struct kref *ref)
{
	struct user_map *m = container_of(ref, struct user_map, ref);
	struct vdispl_dmabuf_buffer *buf = m->buf;

	if (m->notifier.mm)
		mmu_interval_notifier_remove(&m->notifier);
	/* The zap before the last close has unmapped every grant through the notifier. */
	if (WARN_ON(m->remap && m->remap->mapped))
		return; /* leak: Xen still holds those grants */
	mutex_lock(&buf->lock);
	buf->mmaps--;
	mutex_unlock(&buf->lock);
	vdispl_dmabuf_unreserve(buf->ctx, m->pages, true);
	if (m->remap)
		remap_free(m->remap);
	kfree(m);
}

static void user_map_open(struct vm_area_struct *vma)
{
	struct user_map *m = vma->vm_private_data;

	kref_get(&m->ref);
}

static void user_map_close(struct vm_area_struct *vma)
{
	struct user_map *m = vma->vm_private_data;

	kref_put(&m->ref, user_map_release);
}

/* One mapping per vma: no splitting, moving or changing what it may do. */
static int user_map_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

static int user_map_mremap(struct vm_area_struct *vma)
{
	return -EINVAL;
}

static int user_map_mprotect(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			     unsigned long newflags)
{
	return -EINVAL;
}

static const struct vm_operations_struct user_map_vm_ops = {
	.open = user_map_open,
	.close = user_map_close,
	.may_split = user_map_may_split,
	.mremap = user_map_mremap,
	.mprotect = user_map_mprotect,
};

static int find_pte(pte_t *pte, unsigned long addr, void *data)
{
	struct user_map *m = data;

	m->remap->pte_maddr[(addr - m->start) >> PAGE_SHIFT] = arbitrary_virt_to_machine(pte).maddr;
	return 0;
}

static int mmap_through_ptes(struct user_map *m, struct vm_area_struct *vma)
{
	/*
	 * guest_avail0 marks the PTEs special, as gntdev's are: the kernel
	 * must not take them for ordinary pages. A read-only vma gets
	 * read-only PTEs, whatever the buffer allows.
	 */
	unsigned int flags = grant_pte_flags(m->buf) | GNTMAP_application_map |
			     (1 << _GNTMAP_guest_avail0);
	int ret;

	if (!(vma->vm_flags & VM_WRITE))
		flags |= GNTMAP_readonly;

	m->remap = remap_alloc(m->pages);
	if (!m->remap)
		return -ENOMEM;
	ret = mmu_interval_notifier_insert_locked(&m->notifier, vma->vm_mm, vma->vm_start,
						  vma->vm_end - vma->vm_start,
						  &user_map_notifier_ops);
	if (ret) {
		m->notifier.mm = NULL;
		return ret;
	}
	/*
	 * mmap_lock is held for writing: neither the PTEs nor an invalidation
	 * of this range can come between us and the grants going in.
	 */
	mmu_interval_read_begin(&m->notifier);
	ret = apply_to_page_range(vma->vm_mm, vma->vm_start, vma->vm_end - vma->vm_start,
				  find_pte, m);
	if (ret)
		return ret;
	return map_ptes(m->remap, m->buf->refs + m->first_page, m->buf->domid, m->pages, flags);
}

int vdispl_dmabuf_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	struct vdispl_dmabuf_buffer *buf = dmabuf->priv;
	struct user_map *m;
	int ret;

	if (!(vma->vm_flags & VM_SHARED) || !(vma->vm_flags & VM_READ))
		return -EINVAL;
	if (!(buf->flags & VDISPL_DMABUF_WRITABLE)) {
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		vma->vm_flags &= ~VM_MAYWRITE;
	}
	ret = vdispl_dmabuf_reserve(buf->ctx, vma_pages(vma), true);
	if (ret)
		return ret;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m) {
		vdispl_dmabuf_unreserve(buf->ctx, vma_pages(vma), true);
		return -ENOMEM;
	}
	kref_init(&m->ref);
	mutex_init(&m->lock);
	m->buf = buf;
	m->start = vma->vm_start;
	m->first_page = vma->vm_pgoff;
	m->pages = vma_pages(vma);
	mutex_lock(&buf->lock);
	buf->mmaps++;
	mutex_unlock(&buf->lock);

	/*
	 * VM_IO as well: no fork may copy these PTEs (madvise(MADV_DOFORK)
	 * cannot undo VM_DONTCOPY then), and get_user_pages leaves them alone.
	 */
	vma->vm_flags |= VM_IO | VM_DONTEXPAND | VM_DONTDUMP | VM_DONTCOPY;
	vma->vm_ops = &user_map_vm_ops;
	vma->vm_private_data = m;
	if (remap_through_ptes()) {
		vma->vm_flags |= VM_MIXEDMAP;
		ret = mmap_through_ptes(m, vma);
	} else {
		ret = vm_map_pages(vma, buf->pages, buf->count);
	}
	if (ret) {
		/* mmap_region() does not call close() for a failed mmap. */
		vma->vm_private_data = NULL;
		kref_put(&m->ref, user_map_release);
	}
	return ret;
}
