// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * DOC: backend pages in a PV guest's user space
 *
 * A PV guest's page table entries hold machine frames, and Xen lets a guest
 * put a frame it does not own there only through the grant table. So the
 * backend's pages (be-alloc) cannot be inserted by pfn as our own pages are:
 * that is the SIGBUS the mainline frontend gives. Here each grant is mapped a
 * second time, straight into the process's page table entry
 * (GNTMAP_contains_pte), beside the kernel mapping the buffer already holds,
 * as gntdev does for its own mappings.
 *
 * Xen refuses to have a grant mapping cleared as an ordinary entry, so an
 * interval notifier unmaps the grants before the kernel touches those
 * entries (munmap, mremap, mprotect, exit). After that the area faults with
 * SIGBUS; mapping the buffer again gives fresh entries. Splitting the area
 * is refused.
 *
 * The entries carry Xen's guest-available bit 0, which on x86 is the
 * kernel's "special" bit: with VM_PFNMAP, nothing in the kernel takes them
 * for pages of its own (no get_user_pages, no reference counting).
 *
 * Auto-translated guests (PVH, arm) need none of this: the fault path
 * inserts the pfn, and the hypervisor's p2m points it at the backend's frame.
 */
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/refcount.h>
#include <linux/slab.h>

#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include <asm/xen/hypercall.h>

#include "front.h"

struct vdispl_front_usermap {
	struct mmu_interval_notifier notifier;
	struct drm_gem_object *obj;
	refcount_t users; /* vmas sharing this state: a moved area has two */
	unsigned long start;
	unsigned int num_pages;
	struct mutex lock;
	struct gnttab_map_grant_ref *map_ops;
	/* The grants mapped now, packed; none once the notifier has run. */
	struct gnttab_unmap_grant_ref *unmap_ops;
	unsigned int num_mapped;
};

#if IS_ENABLED(CONFIG_XEN_PV)

static void usermap_unmap(struct vdispl_front_usermap *um)
{
	unsigned int i;

	mutex_lock(&um->lock);
	if (um->num_mapped &&
	    HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, um->unmap_ops, um->num_mapped))
		pr_err(VDISPL_FRONT_NAME ": unmapping %u backend pages from user space failed\n",
		       um->num_mapped);
	for (i = 0; i < um->num_mapped; i++)
		if (um->unmap_ops[i].status != GNTST_okay)
			pr_err(VDISPL_FRONT_NAME ": user mapping of gref %u: unmap status %d\n",
			       um->map_ops[i].ref, um->unmap_ops[i].status);
	um->num_mapped = 0;
	mutex_unlock(&um->lock);
}

static bool usermap_invalidate(struct mmu_interval_notifier *mn,
			       const struct mmu_notifier_range *range, unsigned long cur_seq)
{
	struct vdispl_front_usermap *um = container_of(mn, struct vdispl_front_usermap, notifier);

	if (!mmu_notifier_range_blockable(range))
		return false;
	mmu_interval_set_seq(mn, cur_seq);
	/* All of it: the area cannot be split, so any change is the end of it. */
	usermap_unmap(um);
	return true;
}

static const struct mmu_interval_notifier_ops usermap_notifier_ops = {
	.invalidate = usermap_invalidate,
};

static void usermap_free(struct vdispl_front_usermap *um)
{
	kvfree(um->map_ops);
	kvfree(um->unmap_ops);
	kfree(um);
}

static void usermap_vm_open(struct vm_area_struct *vma)
{
	struct vdispl_front_usermap *um = vma->vm_private_data;

	refcount_inc(&um->users);
}

static void usermap_vm_close(struct vm_area_struct *vma)
{
	struct vdispl_front_usermap *um = vma->vm_private_data;

	if (!refcount_dec_and_test(&um->users))
		return;
	mmu_interval_notifier_remove(&um->notifier);
	usermap_unmap(um);
	drm_gem_object_put(um->obj);
	usermap_free(um);
}

static int usermap_vm_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

static vm_fault_t usermap_vm_fault(struct vm_fault *vmf)
{
	/* Only after the notifier has unmapped the area, or in a moved one. */
	return VM_FAULT_SIGBUS;
}

static const struct vm_operations_struct usermap_vm_ops = {
	.open = usermap_vm_open,
	.close = usermap_vm_close,
	.may_split = usermap_vm_may_split,
	.fault = usermap_vm_fault,
};

static int usermap_find_pte(pte_t *pte, unsigned long addr, void *data)
{
	struct vdispl_front_usermap *um = data;

	um->map_ops[(addr - um->start) >> PAGE_SHIFT].host_addr =
		arbitrary_virt_to_machine(pte).maddr;
	return 0;
}

int vdispl_front_usermap_mmap(struct vdispl_front_bo *bo, struct vm_area_struct *vma,
			      domid_t backend)
{
	unsigned long size = vma->vm_end - vma->vm_start;
	unsigned int i, n = size >> PAGE_SHIFT;
	u32 flags = GNTMAP_host_map | GNTMAP_application_map | GNTMAP_contains_pte |
		    (1 << _GNTMAP_guest_avail0);
	struct vdispl_front_usermap *um;
	int ret;

	if (vma->vm_pgoff > bo->num_pages || n > bo->num_pages - vma->vm_pgoff)
		return -EINVAL;
	if (!(vma->vm_flags & VM_WRITE))
		flags |= GNTMAP_readonly;

	um = kzalloc(sizeof(*um), GFP_KERNEL);
	if (!um)
		return -ENOMEM;
	um->map_ops = kvcalloc(n, sizeof(*um->map_ops), GFP_KERNEL);
	um->unmap_ops = kvcalloc(n, sizeof(*um->unmap_ops), GFP_KERNEL);
	if (!um->map_ops || !um->unmap_ops) {
		usermap_free(um);
		return -ENOMEM;
	}
	mutex_init(&um->lock);
	refcount_set(&um->users, 1);
	um->obj = &bo->base;
	um->start = vma->vm_start;
	um->num_pages = n;

	ret = mmu_interval_notifier_insert_locked(&um->notifier, vma->vm_mm, vma->vm_start, size,
						  &usermap_notifier_ops);
	if (ret) {
		usermap_free(um);
		return ret;
	}
	/* The mmap lock is held: nothing can invalidate the range meanwhile. */
	mmu_interval_read_begin(&um->notifier);
	ret = apply_to_page_range(vma->vm_mm, vma->vm_start, size, usermap_find_pte, um);
	if (ret)
		goto err;
	for (i = 0; i < n; i++)
		gnttab_set_map_op(&um->map_ops[i], um->map_ops[i].host_addr, flags,
				  bo->shbuf.grefs[vma->vm_pgoff + i], backend);
	gnttab_batch_map(um->map_ops, n);

	mutex_lock(&um->lock);
	for (i = 0; i < n; i++) {
		if (um->map_ops[i].status != GNTST_okay) {
			pr_err(VDISPL_FRONT_NAME ": user mapping of gref %u: map status %d\n",
			       um->map_ops[i].ref, um->map_ops[i].status);
			ret = -EFAULT;
			continue;
		}
		/* Packed, with map_ops[] rearranged alike for the error messages. */
		um->map_ops[um->num_mapped] = um->map_ops[i];
		gnttab_set_unmap_op(&um->unmap_ops[um->num_mapped++], um->map_ops[i].host_addr,
				    flags, um->map_ops[i].handle);
	}
	mutex_unlock(&um->lock);
	if (ret)
		goto err;

	vma->vm_flags |= VM_DONTCOPY;
	vma->vm_ops = &usermap_vm_ops;
	/* The GEM reference drm_gem_mmap_obj() took is this state's now. */
	vma->vm_private_data = um;
	return 0;

err:
	mmu_interval_notifier_remove(&um->notifier);
	usermap_unmap(um);
	usermap_free(um);
	return ret;
}

#else

int vdispl_front_usermap_mmap(struct vdispl_front_bo *bo, struct vm_area_struct *vma,
			      domid_t backend)
{
	/* Only PV guests come here, and only x86 has them. */
	return -ENODEV;
}

#endif
