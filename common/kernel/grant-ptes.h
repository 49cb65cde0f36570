/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Another domain's grants, mapped for the CPU a second time: into a kernel
 * mapping (vmap) or into a process (mmap), beside the mapping the caller
 * already holds on its own pages. Shared by vdispl's kernel modules: Dom0's
 * vdispl-dmabuf (a guest's buffers) and the guest's vdispl-front (the
 * backend's be-alloc buffers).
 *
 * In a PV domain a page table entry holds a machine frame, and Xen refuses
 * an ordinary entry for a frame another domain owns: vmap() of grant-mapped
 * pages "succeeds" with entries of 0, and inserting their pfn into a
 * process faults. So there the grants are mapped again straight into the
 * entries (GNTMAP_contains_pte, each entry's machine address), as gntdev
 * does. Such entries must be unmapped through Xen before Linux clears them:
 * a kernel mapping is vunmap()ed only after the grant unmap, and a process
 * mapping is unmapped from an MMU interval notifier before the kernel zaps
 * it. Auto-translated domains (arm, PVH) map grants into their physmap:
 * there the ordinary vmap() and vm_map_pages() of the caller's pages work,
 * and these functions do that.
 */
#ifndef VDISPL_COMMON_KERNEL_GRANT_PTES_H
#define VDISPL_COMMON_KERNEL_GRANT_PTES_H

#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <xen/grant_table.h>

/* Grants held in page table entries (PV only). */
struct vdispl_grant_ptes {
	u32 count;
	u32 mapped;		 /* entries holding a grant now */
	u64 *pte_maddr;		 /* machine address of each page's entry */
	grant_handle_t *handles; /* each page's grant handle, or invalid */
};

/* What a second mapping takes from: the caller's first mapping of the grants. */
struct vdispl_grant_source {
	const grant_ref_t *refs;
	struct page **pages; /* where the caller mapped them */
	u32 count;
	domid_t domid;
	bool readonly;
};

/*
 * A kernel mapping of all @src's pages. Returns the address, or an
 * ERR_PTR; *@ptes is what vdispl_grant_vunmap() needs back (NULL unless PV).
 */
void *vdispl_grant_vmap(const struct vdispl_grant_source *src, struct vdispl_grant_ptes **ptes);

/*
 * Undo vdispl_grant_vmap(). Returns 0, or -EIO when Xen kept a grant: the
 * mapping is then left in place (leaked), since clearing it would make Xen
 * kill the domain.
 */
int vdispl_grant_vunmap(void *vaddr, struct vdispl_grant_ptes *ptes);

/*
 * A process mapping of @src's pages from vma->vm_pgoff on. The owner
 * embeds this in its own state; @release runs at the last close of the
 * vma, once every grant is out of it.
 */
struct vdispl_grant_umap {
	struct kref ref; /* the vma, and a copy mremap() makes for a moment */
	struct mmu_interval_notifier notifier;
	struct vdispl_grant_ptes *ptes; /* PV */
	struct mutex lock;		/* ptes' handles */
	unsigned long start;
	void (*release)(struct vdispl_grant_umap *um);
};

/*
 * Map @src into @vma (mmap_lock held for writing, as in an mmap handler).
 * On success the vma's ops and private data are @um's: the mapping cannot be
 * split, moved or have its protection changed, and is not inherited on
 * fork. On failure nothing of @um needs undoing and @release is not called.
 * Read-only for a read-only vma or @src.
 */
int vdispl_grant_umap(struct vdispl_grant_umap *um, struct vm_area_struct *vma,
		      const struct vdispl_grant_source *src,
		      void (*release)(struct vdispl_grant_umap *um));

#endif
