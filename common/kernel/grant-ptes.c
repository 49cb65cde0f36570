// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * DOC: grants in page table entries
 *
 * See grant-ptes.h. Built into each of vdispl's kernel modules through a
 * one-line .c of its own that includes this file.
 */
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <xen/xen.h>
#include <xen/page.h>
#include <asm/xen/hypercall.h>

#include "common/kernel/grant-ptes.h"

#define GRANT_MAP_BATCH 512u

static void grant_ptes_free(struct vdispl_grant_ptes *p)
{
	if (!p)
		return;
	kvfree(p->pte_maddr);
	kvfree(p->handles);
	kfree(p);
}

static struct vdispl_grant_ptes *grant_ptes_alloc(u32 count)
{
	struct vdispl_grant_ptes *p = kzalloc(sizeof(*p), GFP_KERNEL);
	u32 i;

	if (!p)
		return NULL;
	p->count = count;
	p->pte_maddr = kvcalloc(count, sizeof(*p->pte_maddr), GFP_KERNEL);
	p->handles = kvcalloc(count, sizeof(*p->handles), GFP_KERNEL);
	if (!p->pte_maddr || !p->handles) {
		grant_ptes_free(p);
		return NULL;
	}
	for (i = 0; i < count; i++)
		p->handles[i] = INVALID_GRANT_HANDLE;
	return p;
}

/*
 * Unmap the grants in entries [first, first + n) of @p. Returns 0, or -EIO
 * if Xen refused one: that entry must then never be cleared by Linux.
 */
static int grant_ptes_unmap(struct vdispl_grant_ptes *p, u32 first, u32 n)
{
	struct gnttab_unmap_grant_ref ops[16];
	u32 idx[ARRAY_SIZE(ops)];
	u32 i = first, end = first + n, k;
	int ret = 0;

	while (i < end) {
		u32 batch = 0;

		for (; i < end && batch < ARRAY_SIZE(ops); i++) {
			if (p->handles[i] == INVALID_GRANT_HANDLE)
				continue;
			gnttab_set_unmap_op(&ops[batch], p->pte_maddr[i], GNTMAP_contains_pte,
					    p->handles[i]);
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
			p->handles[idx[k]] = INVALID_GRANT_HANDLE;
			p->mapped--;
		}
	}
	if (ret)
		pr_err("unmapping grants from %u page table entries failed; the mapping is leaked\n",
		       n);
	return ret;
}

/* Map grants @refs[0, count) of @domid into the entries @p records. */
static int grant_ptes_map(struct vdispl_grant_ptes *p, const grant_ref_t *refs, domid_t domid,
			  unsigned int flags)
{
	struct gnttab_map_grant_ref *ops;
	u32 n = p->count, done, i;
	int ret = 0;

	ops = kvcalloc(min(n, GRANT_MAP_BATCH), sizeof(*ops), GFP_KERNEL);
	if (!ops)
		return -ENOMEM;
	for (done = 0; done < n && !ret; done += GRANT_MAP_BATCH) {
		u32 batch = min(n - done, GRANT_MAP_BATCH);

		for (i = 0; i < batch; i++) {
			gnttab_set_map_op(&ops[i], p->pte_maddr[done + i], flags, refs[done + i],
					  domid);
			ops[i].status = GNTST_general_error;
		}
		gnttab_batch_map(ops, batch);
		for (i = 0; i < batch; i++) {
			if (ops[i].status == GNTST_okay) {
				p->handles[done + i] = ops[i].handle;
				p->mapped++;
			} else {
				ret = -EIO;
			}
		}
	}
	kvfree(ops);
	if (ret)
		grant_ptes_unmap(p, 0, n);
	return ret;
}

/* ---- the kernel's mapping ---- */

#if IS_ENABLED(CONFIG_XEN_PV)
/*
 * A vm area of @p->count pages whose entries exist but are not present:
 * the grants go into them. Non-present entries are never cached in the
 * TLB, so nothing stale can shadow the grant mappings.
 */
static void *vmap_ptes(struct vdispl_grant_ptes *p)
{
	struct page **pages;
	void *vaddr;
	u32 i;

	pages = kvmalloc_array(p->count, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for (i = 0; i < p->count; i++)
		pages[i] = ZERO_PAGE(0);
	vaddr = vmap(pages, p->count, VM_MAP, PAGE_NONE);
	kvfree(pages);
	if (!vaddr)
		return NULL;
	for (i = 0; i < p->count; i++) {
		unsigned int level;
		pte_t *pte = lookup_address((unsigned long)vaddr + i * PAGE_SIZE, &level);

		if (!pte || level != PG_LEVEL_4K) {
			vunmap(vaddr);
			return NULL;
		}
		p->pte_maddr[i] = arbitrary_virt_to_machine(pte).maddr;
	}
	return vaddr;
}

static int find_pte(pte_t *pte, unsigned long addr, void *data)
{
	struct vdispl_grant_umap *um = data;

	um->ptes->pte_maddr[(addr - um->start) >> PAGE_SHIFT] =
		arbitrary_virt_to_machine(pte).maddr;
	return 0;
}
#else
/* Only x86 has PV domains. */
static void *vmap_ptes(struct vdispl_grant_ptes *p)
{
	return NULL;
}

static int find_pte(pte_t *pte, unsigned long addr, void *data)
{
	return -ENODEV;
}
#endif

void *vdispl_grant_vmap(const struct vdispl_grant_source *src, struct vdispl_grant_ptes **ptes)
{
	unsigned int flags = GNTMAP_host_map | GNTMAP_contains_pte |
			     (src->readonly ? GNTMAP_readonly : 0);
	struct vdispl_grant_ptes *p;
	void *vaddr;
	int ret;

	*ptes = NULL;
	if (!xen_pv_domain()) {
		vaddr = vmap(src->pages, src->count, VM_MAP, PAGE_KERNEL);
		return vaddr ? vaddr : ERR_PTR(-ENOMEM);
	}
	p = grant_ptes_alloc(src->count);
	if (!p)
		return ERR_PTR(-ENOMEM);
	vaddr = vmap_ptes(p);
	if (!vaddr) {
		grant_ptes_free(p);
		return ERR_PTR(-ENOMEM);
	}
	ret = grant_ptes_map(p, src->refs, src->domid, flags);
	if (ret) {
		/* A grant Xen kept pins its entry: leave the area alone then. */
		if (!p->mapped) {
			vunmap(vaddr);
			grant_ptes_free(p);
		}
		return ERR_PTR(ret);
	}
	*ptes = p;
	return vaddr;
}

int vdispl_grant_vunmap(void *vaddr, struct vdispl_grant_ptes *ptes)
{
	if (ptes && grant_ptes_unmap(ptes, 0, ptes->count))
		return -EIO;
	vunmap(vaddr);
	grant_ptes_free(ptes);
	return 0;
}

/* ---- a process's mapping ---- */

/* The kernel is about to zap [range): take the grants out of those entries first. */
static bool umap_invalidate(struct mmu_interval_notifier *mn,
			    const struct mmu_notifier_range *range, unsigned long cur_seq)
{
	struct vdispl_grant_umap *um = container_of(mn, struct vdispl_grant_umap, notifier);
	unsigned long end = um->start + ((unsigned long)um->ptes->count << PAGE_SHIFT);
	unsigned long from, to;

	if (!mmu_notifier_range_blockable(range))
		return false;
	from = max(range->start, um->start);
	to = min(range->end, end);
	if (from >= to)
		return true;
	mmu_interval_set_seq(mn, cur_seq);
	mutex_lock(&um->lock);
	if (grant_ptes_unmap(um->ptes, (from - um->start) >> PAGE_SHIFT,
			     (to - from) >> PAGE_SHIFT))
		pr_crit("grants stay in page table entries the kernel is about to clear: Xen will object\n");
	mutex_unlock(&um->lock);
	return true;
}

static const struct mmu_interval_notifier_ops umap_notifier_ops = {
	.invalidate = umap_invalidate,
};

static void umap_release(struct kref *ref)
{
	struct vdispl_grant_umap *um = container_of(ref, struct vdispl_grant_umap, ref);

	if (um->notifier.mm)
		mmu_interval_notifier_remove(&um->notifier);
	/* The zap before the last close has unmapped every grant through the notifier. */
	if (WARN_ON(um->ptes && um->ptes->mapped))
		return; /* leak: Xen still holds those grants */
	grant_ptes_free(um->ptes);
	um->release(um);
}

static void umap_open(struct vm_area_struct *vma)
{
	struct vdispl_grant_umap *um = vma->vm_private_data;

	kref_get(&um->ref);
}

static void umap_close(struct vm_area_struct *vma)
{
	struct vdispl_grant_umap *um = vma->vm_private_data;

	kref_put(&um->ref, umap_release);
}

/* One mapping per vma: no splitting, moving or changing what it may do. */
static int umap_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

static int umap_mremap(struct vm_area_struct *vma)
{
	return -EINVAL;
}

static int umap_mprotect(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			 unsigned long newflags)
{
	return -EINVAL;
}

static const struct vm_operations_struct umap_vm_ops = {
	.open = umap_open,
	.close = umap_close,
	.may_split = umap_may_split,
	.mremap = umap_mremap,
	.mprotect = umap_mprotect,
};

static int umap_through_ptes(struct vdispl_grant_umap *um, struct vm_area_struct *vma,
			     const struct vdispl_grant_source *src)
{
	/*
	 * guest_avail0 is the kernel's "special" bit on x86: with VM_MIXEDMAP,
	 * nothing takes these entries for ordinary pages.
	 */
	unsigned int flags = GNTMAP_host_map | GNTMAP_contains_pte | GNTMAP_application_map |
			     (1 << _GNTMAP_guest_avail0);
	int ret;

	if (src->readonly || !(vma->vm_flags & VM_WRITE))
		flags |= GNTMAP_readonly;
	um->ptes = grant_ptes_alloc(vma_pages(vma));
	if (!um->ptes)
		return -ENOMEM;
	ret = mmu_interval_notifier_insert_locked(&um->notifier, vma->vm_mm, vma->vm_start,
						  vma->vm_end - vma->vm_start, &umap_notifier_ops);
	if (ret) {
		grant_ptes_free(um->ptes);
		return ret;
	}
	/*
	 * mmap_lock is held for writing: neither the entries nor an
	 * invalidation of this range can come between us and the grants.
	 */
	mmu_interval_read_begin(&um->notifier);
	ret = apply_to_page_range(vma->vm_mm, vma->vm_start, vma->vm_end - vma->vm_start,
				  find_pte, um);
	if (!ret)
		ret = grant_ptes_map(um->ptes, src->refs + vma->vm_pgoff, src->domid, flags);
	if (ret) {
		mmu_interval_notifier_remove(&um->notifier);
		/* Entries Xen still holds grants in cannot be given back. */
		if (!um->ptes->mapped)
			grant_ptes_free(um->ptes);
		return ret;
	}
	return 0;
}

int vdispl_grant_umap(struct vdispl_grant_umap *um, struct vm_area_struct *vma,
		      const struct vdispl_grant_source *src,
		      void (*release)(struct vdispl_grant_umap *um))
{
	int ret;

	if (vma->vm_pgoff > src->count || vma_pages(vma) > src->count - vma->vm_pgoff)
		return -EINVAL;
	memset(um, 0, sizeof(*um));
	kref_init(&um->ref);
	mutex_init(&um->lock);
	um->start = vma->vm_start;
	um->release = release;
	/*
	 * VM_IO as well: no fork may copy these entries (madvise(MADV_DOFORK)
	 * cannot undo VM_DONTCOPY then), and get_user_pages leaves them alone.
	 */
	vma->vm_flags |= VM_IO | VM_DONTEXPAND | VM_DONTDUMP | VM_DONTCOPY;
	if (xen_pv_domain()) {
		vma->vm_flags |= VM_MIXEDMAP;
		ret = umap_through_ptes(um, vma, src);
	} else {
		ret = vm_map_pages(vma, src->pages, src->count);
	}
	if (ret)
		return ret;
	vma->vm_ops = &umap_vm_ops;
	vma->vm_private_data = um;
	return 0;
}
