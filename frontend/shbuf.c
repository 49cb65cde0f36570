// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * DOC: shared buffers
 *
 * A buffer reaches the backend as grant references listed in a page
 * directory (protocol/page-directory.c builds and walks it). With guest
 * buffers we grant our pages and the backend maps them; with be-alloc the
 * backend grants its pages, fills in the directory, and we map them.
 *
 * Grants of our pages end only once the backend has unmapped them
 * (XSA-396): a page whose grant is still in use is handed to the grant
 * table's deferred list, which frees it when the backend lets go.
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include <xen/page.h>

#include "protocol/page-directory.h"
#include "front.h"

static int grant_page(struct vdispl_front_info *front, struct page *page, grant_ref_t *ref)
{
	int ret = gnttab_grant_foreign_access(front->xb_dev->otherend_id, xen_page_to_gfn(page), 0);

	if (ret < 0)
		return ret;
	*ref = ret;
	return 0;
}

static void shbuf_free_arrays(struct vdispl_front_shbuf *buf)
{
	kvfree(buf->grefs);
	kfree(buf->dir_pages);
	kfree(buf->dir_grefs);
	kvfree(buf->map_ops);
	kvfree(buf->unmap_ops);
	memset(buf, 0, sizeof(*buf));
}

int vdispl_front_shbuf_grant(struct vdispl_front_info *front, struct vdispl_front_shbuf *buf,
			     struct page **pages, unsigned int num_pages, bool be_alloc)
{
	unsigned int d, i, granted = 0, dirs_granted = 0;
	int ret = -ENOMEM;

	memset(buf, 0, sizeof(*buf));
	buf->num_pages = num_pages;
	buf->be_alloc = be_alloc;
	buf->num_dir_pages = vdispl_pgdir_pages(num_pages);
	buf->grefs = kvcalloc(num_pages, sizeof(*buf->grefs), GFP_KERNEL);
	buf->dir_pages = kcalloc(buf->num_dir_pages, sizeof(*buf->dir_pages), GFP_KERNEL);
	buf->dir_grefs = kcalloc(buf->num_dir_pages, sizeof(*buf->dir_grefs), GFP_KERNEL);
	if (!buf->grefs || !buf->dir_pages || !buf->dir_grefs)
		goto err;

	for (d = 0; d < buf->num_dir_pages; d++) {
		buf->dir_pages[d] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!buf->dir_pages[d])
			goto err;
		ret = grant_page(front, buf->dir_pages[d], &buf->dir_grefs[d]);
		if (ret < 0)
			goto err;
		dirs_granted++;
	}
	if (!be_alloc) {
		for (i = 0; i < num_pages; i++) {
			ret = grant_page(front, pages[i], &buf->grefs[i]);
			if (ret < 0)
				goto err;
			granted++;
		}
	}
	for (d = 0; d < buf->num_dir_pages; d++)
		vdispl_pgdir_build_page(page_address(buf->dir_pages[d]), d,
					d + 1 < buf->num_dir_pages ? buf->dir_grefs[d + 1] : 0,
					be_alloc ? NULL : buf->grefs, num_pages);
	return 0;

err:
	/* Nothing was sent yet: these grants were never mapped. */
	for (i = 0; i < granted; i++)
		gnttab_end_foreign_access(buf->grefs[i], NULL);
	for (d = 0; d < buf->num_dir_pages && buf->dir_pages; d++) {
		if (d < dirs_granted)
			gnttab_end_foreign_access(buf->dir_grefs[d], buf->dir_pages[d]);
		else if (buf->dir_pages[d])
			__free_page(buf->dir_pages[d]);
	}
	shbuf_free_arrays(buf);
	dev_err(&front->xb_dev->dev, "cannot share a buffer of %u pages: %d\n", num_pages, ret);
	return ret;
}

/* be-alloc: the backend's references, read from our directory, checked. */
static int read_backend_grefs(struct vdispl_front_shbuf *buf)
{
	struct vdispl_pgdir_walk walk;
	void *copy;
	int ret;

	copy = kmalloc(XEN_PAGE_SIZE, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	ret = vdispl_pgdir_walk_init(&walk, buf->dir_grefs[0], buf->num_pages);
	while (!ret && !vdispl_pgdir_walk_done(&walk)) {
		/* The chain is ours: a backend that rewrote it is refused. */
		if (walk.next != buf->dir_grefs[walk.pages_done]) {
			ret = -EINVAL;
			break;
		}
		/* One copy, then only the copy is read: the backend shares the page. */
		memcpy(copy, page_address(buf->dir_pages[walk.pages_done]), XEN_PAGE_SIZE);
		ret = vdispl_pgdir_walk_page(&walk, copy, buf->grefs) ? -EINVAL : 0;
	}
	kfree(copy);
	return ret;
}

int vdispl_front_shbuf_map(struct vdispl_front_info *front, struct vdispl_front_shbuf *buf,
			   struct page **pages)
{
	unsigned int i, n = buf->num_pages;
	domid_t domid = front->xb_dev->otherend_id;
	int ret;

	ret = read_backend_grefs(buf);
	if (ret < 0) {
		dev_err(&front->xb_dev->dev, "the backend's page directory is malformed\n");
		return ret;
	}
	buf->map_ops = kvcalloc(n, sizeof(*buf->map_ops), GFP_KERNEL);
	buf->unmap_ops = kvcalloc(n, sizeof(*buf->unmap_ops), GFP_KERNEL);
	if (!buf->map_ops || !buf->unmap_ops)
		return -ENOMEM;
	ret = gnttab_alloc_pages(n, pages);
	if (ret < 0)
		return ret;

	for (i = 0; i < n; i++) {
		unsigned long addr = (unsigned long)pfn_to_kaddr(page_to_xen_pfn(pages[i]));

		gnttab_set_map_op(&buf->map_ops[i], addr, GNTMAP_host_map, buf->grefs[i], domid);
		buf->unmap_ops[i].handle = INVALID_GRANT_HANDLE;
	}
	ret = gnttab_map_refs(buf->map_ops, NULL, pages, n);
	for (i = 0; i < n; i++) {
		/*
		 * The page's kernel address, as for the map: in an auto-translated
		 * guest map_ops[].host_addr already holds its physical address,
		 * which gnttab_set_unmap_op() would translate a second time.
		 */
		unsigned long addr = (unsigned long)pfn_to_kaddr(page_to_xen_pfn(pages[i]));

		if (buf->map_ops[i].status == GNTST_okay) {
			gnttab_set_unmap_op(&buf->unmap_ops[i], addr, GNTMAP_host_map,
					    buf->map_ops[i].handle);
		} else if (!ret) {
			dev_err(&front->xb_dev->dev, "backend page %u (gref %u): map status %d\n",
				i, buf->grefs[i], buf->map_ops[i].status);
			ret = -EFAULT;
		}
	}
	if (ret) {
		vdispl_front_shbuf_unmap(buf, pages);
		return ret;
	}
	return 0;
}

void vdispl_front_shbuf_unmap(struct vdispl_front_shbuf *buf, struct page **pages)
{
	unsigned int i, n = 0;
	struct page **mapped;

	if (!buf->unmap_ops || !pages[0])
		return;
	mapped = kvcalloc(buf->num_pages, sizeof(*mapped), GFP_KERNEL | __GFP_NOFAIL);
	/* Only the entries that were mapped, packed to the front. */
	for (i = 0; i < buf->num_pages; i++) {
		if (buf->unmap_ops[i].handle == INVALID_GRANT_HANDLE)
			continue;
		buf->unmap_ops[n] = buf->unmap_ops[i];
		mapped[n++] = pages[i];
	}
	if (n && gnttab_unmap_refs(buf->unmap_ops, NULL, mapped, n)) {
		/* Pages still holding a grant must never be handed out again. */
		pr_err(VDISPL_FRONT_NAME ": unmapping %u backend pages failed; pages kept\n", n);
		kvfree(mapped);
		return;
	}
	for (i = 0; i < n; i++) {
		if (buf->unmap_ops[i].status != GNTST_okay) {
			pr_err(VDISPL_FRONT_NAME ": backend page %u: unmap status %d; pages kept\n",
			       i, buf->unmap_ops[i].status);
			kvfree(mapped);
			return;
		}
	}
	kvfree(mapped);
	gnttab_free_pages(buf->num_pages, pages);
	memset(pages, 0, buf->num_pages * sizeof(*pages));
}

void vdispl_front_shbuf_end(struct vdispl_front_shbuf *buf, struct page **pages, bool give_pages,
			    bool *leaked)
{
	unsigned int i, d;

	*leaked = false;
	if (!buf->grefs)
		return;
	for (d = 0; d < buf->num_dir_pages; d++)
		gnttab_end_foreign_access(buf->dir_grefs[d], buf->dir_pages[d]);
	if (pages && !buf->be_alloc) {
		for (i = 0; i < buf->num_pages; i++) {
			if (give_pages) {
				/* The page is the grant table's now, freed once unmapped. */
				gnttab_end_foreign_access(buf->grefs[i], pages[i]);
				pages[i] = NULL;
			} else if (!gnttab_try_end_foreign_access(buf->grefs[i])) {
				*leaked = true;
				gnttab_end_foreign_access(buf->grefs[i], NULL);
			}
		}
	}
	shbuf_free_arrays(buf);
}
