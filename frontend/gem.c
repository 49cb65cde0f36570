// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * DOC: buffers and framebuffers
 *
 * A GEM object is a displif buffer (DBUF_CREATE on connector 0's ring) from
 * the moment it exists: dumb buffers with their geometry, PRIME imports
 * without (their framebuffers carry it), with data_ofs the import's offset
 * into its first page. A framebuffer is an FB_ATTACH of one.
 *
 * Cookies are a per-device counter, not kernel addresses: the backend is
 * another domain and learns nothing of our memory layout from them.
 * displif has no pitch, so the backend derives it: a dumb buffer's
 * ceil(width * bpp / 8), or the framebuffer's own tight pitch for an import.
 * Framebuffers whose pitch is anything else are refused here.
 */
#include <linux/dma-buf.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_prime.h>

#include "protocol/format.h"
#include "protocol/request.h"
#include "protocol/request-encode.h"
#include "front.h"

static struct vdispl_front_info *front_of(struct drm_device *dev)
{
	return ((struct vdispl_front_drm *)dev->dev_private)->front;
}

static void bo_release_memory(struct vdispl_front_bo *bo)
{
	bool give = bo->mem == VDISPL_FRONT_MEM_BLOCKS || bo->mem == VDISPL_FRONT_MEM_PAGES ||
		    bo->mem == VDISPL_FRONT_MEM_IMPORTED;
	bool leaked = false;
	unsigned int i;

	if (bo->mem == VDISPL_FRONT_MEM_BACKEND) {
		vdispl_front_shbuf_unmap(&bo->shbuf, bo->pages);
	} else if (bo->mem == VDISPL_FRONT_MEM_IMPORTED && bo->shbuf.grefs) {
		/* Not our pages: a reference of ours goes with each grant. */
		for (i = 0; i < bo->num_pages; i++)
			get_page(bo->pages[i]);
	}
	vdispl_front_shbuf_end(&bo->shbuf, bo->pages, give, &leaked);
	vdispl_front_alloc_free(bo->base.dev->dev, bo, leaked);
	if (leaked)
		pr_warn(VDISPL_FRONT_NAME ": buffer %llu: grants still in use, memory kept\n",
			bo->dbuf_cookie);
}

static void bo_free(struct drm_gem_object *obj)
{
	struct vdispl_front_bo *bo = to_vdispl_front_bo(obj);
	struct vdispl_front_info *front = bo->front;
	struct xendispl_req req;
	int idx;

	if (bo->dbuf_cookie && bo->generation == front->generation &&
	    drm_dev_enter(obj->dev, &idx)) {
		/* The backend unmaps before it answers: only then may grants end. */
		vdispl_req_dbuf_destroy(&req, bo->dbuf_cookie);
		vdispl_front_request(front, 0, &req);
		drm_dev_exit(idx);
	}
	mutex_lock(&front->bos_lock);
	list_del(&bo->node);
	mutex_unlock(&front->bos_lock);

	if (bo->vaddr && bo->mem == VDISPL_FRONT_MEM_BACKEND) {
		/* A failure leaves the mapping (and so the pages) for good: Xen holds them. */
		if (vdispl_grant_vunmap(bo->vaddr, bo->vmap_ptes))
			return;
	} else if (bo->vaddr) {
		vunmap(bo->vaddr);
	}
	/* Grants end first: they hold page references the exporter's free must see. */
	bo_release_memory(bo);
	if (obj->import_attach)
		drm_prime_gem_destroy(obj, bo->sgt);
	kvfree(bo->pages);
	drm_gem_object_release(obj);
	kfree(bo);
	vdispl_front_put(front);
}

/* The backend's pages as the grant-mapping helpers take them. */
static void backend_source(struct vdispl_front_bo *bo, struct vdispl_grant_source *src)
{
	*src = (struct vdispl_grant_source){
		.refs = bo->shbuf.grefs,
		.pages = bo->pages,
		.count = bo->num_pages,
		.domid = bo->front->backend_id,
	};
}

static vm_fault_t bo_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct vdispl_front_bo *bo = to_vdispl_front_bo(vma->vm_private_data);
	pgoff_t index = (vmf->address - vma->vm_start) >> PAGE_SHIFT;

	if (index >= bo->num_pages || !bo->pages[index])
		return VM_FAULT_SIGBUS;
	return vmf_insert_pfn(vma, vmf->address, page_to_pfn(bo->pages[index]));
}

static const struct vm_operations_struct bo_vm_ops = {
	.fault = bo_fault,
	.open = drm_gem_vm_open,
	.close = drm_gem_vm_close,
};

/* A process mapping of the backend's pages; it holds the GEM reference drm took. */
struct backend_map {
	struct vdispl_grant_umap umap;
	struct drm_gem_object *obj;
};

static void backend_map_release(struct vdispl_grant_umap *umap)
{
	struct backend_map *m = container_of(umap, struct backend_map, umap);

	drm_gem_object_put(m->obj);
	kfree(m);
}

/*
 * The backend's pages are another domain's: in a PV guest only the grant
 * table can put them into a process's page tables (common/kernel/grant-ptes.c),
 * which is what the mainline frontend lacks (SIGBUS).
 */
static int backend_mmap(struct vdispl_front_bo *bo, struct vm_area_struct *vma)
{
	struct vdispl_grant_source src;
	struct backend_map *m = kzalloc(sizeof(*m), GFP_KERNEL);
	int ret;

	if (!m)
		return -ENOMEM;
	m->obj = &bo->base;
	backend_source(bo, &src);
	ret = vdispl_grant_umap(&m->umap, vma, &src, backend_map_release);
	if (ret)
		kfree(m);
	return ret;
}

static int bo_mmap(struct drm_gem_object *obj, struct vm_area_struct *vma)
{
	struct vdispl_front_bo *bo = to_vdispl_front_bo(obj);

	/* An import is mapped through its exporter's own device. */
	if (bo->mem == VDISPL_FRONT_MEM_IMPORTED)
		return -EINVAL;
	/* A private writable mapping would copy pages these mappings do not have. */
	if (is_cow_mapping(vma->vm_flags))
		return -EINVAL;
	vma->vm_pgoff -= drm_vma_node_start(&obj->vma_node);
	if (bo->mem == VDISPL_FRONT_MEM_BACKEND)
		return backend_mmap(bo, vma);
	/* PFN mappings: no page reference games with split or CMA pages. */
	vma->vm_flags |= VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP;
	vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
	vma->vm_ops = &bo_vm_ops;
	return 0;
}

/*
 * A dma-buf's mmap. drm_gem_prime_mmap() points vm_private_data at the
 * object after our mmap ran, which the mapping of the backend's pages
 * (backend_mmap) keeps for its own state: those go through bo_mmap alone,
 * with the reference drm_gem_prime_mmap() would take.
 */
int vdispl_front_prime_mmap(struct drm_gem_object *obj, struct vm_area_struct *vma)
{
	int ret;

	if (to_vdispl_front_bo(obj)->mem != VDISPL_FRONT_MEM_BACKEND)
		return drm_gem_prime_mmap(obj, vma);
	/* The offset into the dma-buf, as bo_mmap expects an offset into the node. */
	vma->vm_pgoff += drm_vma_node_start(&obj->vma_node);
	drm_gem_object_get(obj);
	ret = bo_mmap(obj, vma);
	if (ret)
		drm_gem_object_put(obj);
	return ret;
}

static struct sg_table *bo_get_sg_table(struct drm_gem_object *obj)
{
	struct vdispl_front_bo *bo = to_vdispl_front_bo(obj);

	return drm_prime_pages_to_sg(obj->dev, bo->pages, bo->num_pages);
}

static int bo_vmap(struct drm_gem_object *obj, struct iosys_map *map)
{
	struct vdispl_front_bo *bo = to_vdispl_front_bo(obj);
	int ret = 0;

	mutex_lock(&bo->lock);
	if (!bo->vaddr && bo->mem == VDISPL_FRONT_MEM_BACKEND) {
		struct vdispl_grant_source src;
		void *vaddr;

		/* vmap() of the backend's pages is silently broken in a PV guest. */
		backend_source(bo, &src);
		vaddr = vdispl_grant_vmap(&src, &bo->vmap_ptes);
		if (IS_ERR(vaddr))
			ret = PTR_ERR(vaddr);
		else
			bo->vaddr = vaddr;
	} else if (!bo->vaddr) {
		bo->vaddr = vmap(bo->pages, bo->num_pages, VM_MAP, PAGE_KERNEL);
		if (!bo->vaddr)
			ret = -ENOMEM;
	}
	if (!ret) {
		bo->vmap_count++;
		iosys_map_set_vaddr(map, bo->vaddr);
	}
	mutex_unlock(&bo->lock);
	return ret;
}

static void bo_vunmap(struct drm_gem_object *obj, struct iosys_map *map)
{
	struct vdispl_front_bo *bo = to_vdispl_front_bo(obj);

	/* The mapping stays until the object goes: importers vmap per frame. */
	mutex_lock(&bo->lock);
	if (bo->vmap_count)
		bo->vmap_count--;
	mutex_unlock(&bo->lock);
}

const struct drm_gem_object_funcs vdispl_front_bo_funcs = {
	.free = bo_free,
	.get_sg_table = bo_get_sg_table,
	.vmap = bo_vmap,
	.vunmap = bo_vunmap,
	.mmap = bo_mmap,
	.vm_ops = &bo_vm_ops,
};

static struct vdispl_front_bo *bo_new(struct drm_device *dev, size_t size)
{
	struct vdispl_front_info *front = front_of(dev);
	struct vdispl_front_bo *bo;
	int ret;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	bo->base.funcs = &vdispl_front_bo_funcs;
	mutex_init(&bo->lock);
	INIT_LIST_HEAD(&bo->node);
	bo->num_pages = size >> PAGE_SHIFT;
	bo->pages = kvcalloc(bo->num_pages, sizeof(*bo->pages), GFP_KERNEL);
	if (!bo->pages) {
		kfree(bo);
		return ERR_PTR(-ENOMEM);
	}
	drm_gem_private_object_init(dev, &bo->base, size);
	ret = drm_gem_create_mmap_offset(&bo->base);
	if (ret) {
		drm_gem_object_release(&bo->base);
		kvfree(bo->pages);
		kfree(bo);
		return ERR_PTR(ret);
	}
	bo->mem = VDISPL_FRONT_MEM_PAGES;
	vdispl_front_get(front);
	bo->front = front;
	mutex_lock(&front->bos_lock);
	list_add_tail(&bo->node, &front->bos);
	mutex_unlock(&front->bos_lock);
	return bo;
}

/* Share @bo and announce it: DBUF_CREATE, then map the backend's pages. */
static int bo_create_dbuf(struct vdispl_front_bo *bo, bool be_alloc)
{
	struct vdispl_front_info *front = front_of(bo->base.dev);
	struct xendispl_req req;
	u64 cookie = vdispl_front_new_cookie(front);
	int ret;

	ret = vdispl_front_shbuf_grant(front, &bo->shbuf, bo->pages, bo->num_pages, be_alloc);
	if (ret < 0)
		return ret;
	vdispl_req_dbuf_create(&req, cookie, bo->shbuf.dir_grefs[0], bo->width, bo->height,
			       bo->bpp, bo->base.size, bo->data_ofs,
			       be_alloc ? XENDISPL_DBUF_FLG_REQ_ALLOC : 0);
	ret = vdispl_front_request(front, 0, &req);
	if (ret < 0) {
		dev_err(&front->xb_dev->dev, "DBUF_CREATE of %zu octets refused: %d\n",
			bo->base.size, ret);
		return ret;
	}
	bo->dbuf_cookie = cookie;
	bo->generation = front->generation;
	if (be_alloc) {
		bo->mem = VDISPL_FRONT_MEM_BACKEND;
		ret = vdispl_front_shbuf_map(front, &bo->shbuf, bo->pages);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int vdispl_front_dumb_create(struct drm_file *file, struct drm_device *dev,
			     struct drm_mode_create_dumb *args)
{
	struct vdispl_front_info *front = front_of(dev);
	struct vdispl_front_bo *bo;
	u64 pitch, size;
	int ret;

	if (!args->width || !args->height || args->width > VDISPL_MAX_DIMENSION ||
	    args->height > VDISPL_MAX_DIMENSION || !args->bpp || args->bpp > 32)
		return -EINVAL;
	/* The pitch the backend will compute: no alignment, as displif has none. */
	pitch = vdispl_format_row_size(args->bpp, args->width);
	size = PAGE_ALIGN(pitch * args->height);
	if (size > U32_MAX)
		return -EINVAL;

	bo = bo_new(dev, size);
	if (IS_ERR(bo))
		return PTR_ERR(bo);
	bo->width = args->width;
	bo->height = args->height;
	bo->bpp = args->bpp;
	bo->pitch = pitch;

	if (!front->cfg.be_alloc) {
		ret = vdispl_front_alloc(front, dev->dev, bo);
		if (ret < 0)
			goto err;
	}
	ret = bo_create_dbuf(bo, front->cfg.be_alloc);
	if (ret < 0)
		goto err;

	ret = drm_gem_handle_create(file, &bo->base, &args->handle);
	if (ret)
		goto err;
	drm_gem_object_put(&bo->base);
	args->pitch = pitch;
	args->size = size;
	return 0;

err:
	drm_gem_object_put(&bo->base);
	return ret;
}

struct drm_gem_object *vdispl_front_import_sg_table(struct drm_device *dev,
						     struct dma_buf_attachment *attach,
						     struct sg_table *sgt)
{
	size_t size = PAGE_ALIGN(attach->dmabuf->size);
	struct vdispl_front_bo *bo;
	int ret;

	if (!sgt->sgl || size > U32_MAX)
		return ERR_PTR(-EINVAL);
	bo = bo_new(dev, size);
	if (IS_ERR(bo))
		return ERR_CAST(bo);
	bo->mem = VDISPL_FRONT_MEM_IMPORTED;
	bo->sgt = sgt;
	ret = drm_prime_sg_to_page_array(sgt, bo->pages, bo->num_pages);
	if (ret < 0)
		goto err;
	/* Geometry comes with the framebuffer; the offset only here. */
	bo->data_ofs = sgt->sgl->offset;
	ret = bo_create_dbuf(bo, false);
	if (ret < 0)
		goto err;
	return &bo->base;

err:
	/* Not yet an import: drm_prime_gem_destroy() must not run. */
	bo->sgt = NULL;
	drm_gem_object_put(&bo->base);
	return ERR_PTR(ret);
}

static void fb_destroy(struct drm_framebuffer *base)
{
	struct vdispl_front_fb *fb = to_vdispl_front_fb(base);
	struct vdispl_front_info *front = front_of(base->dev);
	struct xendispl_req req;
	int idx;

	if (fb->generation == front->generation && drm_dev_enter(base->dev, &idx)) {
		vdispl_req_fb_detach(&req, fb->fb_cookie);
		vdispl_front_request(front, 0, &req);
		drm_dev_exit(idx);
	}
	drm_gem_fb_destroy(base);
}

static const struct drm_framebuffer_funcs fb_funcs = {
	.destroy = fb_destroy,
	.create_handle = drm_gem_fb_create_handle,
};

struct drm_framebuffer *vdispl_front_fb_create(struct drm_device *dev, struct drm_file *file,
					       const struct drm_mode_fb_cmd2 *cmd)
{
	struct vdispl_front_info *front = front_of(dev);
	const struct vdispl_format *format = vdispl_format_lookup(cmd->pixel_format);
	struct vdispl_front_bo *bo;
	struct vdispl_front_fb *fb;
	struct xendispl_req req;
	u64 want_pitch;
	int ret;

	if (!format || cmd->offsets[0] || (cmd->flags & DRM_MODE_FB_MODIFIERS &&
					   cmd->modifier[0] != DRM_FORMAT_MOD_LINEAR))
		return ERR_PTR(-EINVAL);

	fb = kzalloc(sizeof(*fb), GFP_KERNEL);
	if (!fb)
		return ERR_PTR(-ENOMEM);
	ret = drm_gem_fb_init_with_funcs(dev, &fb->base, file, cmd, &fb_funcs);
	if (ret) {
		kfree(fb);
		return ERR_PTR(ret);
	}
	bo = to_vdispl_front_bo(fb->base.obj[0]);
	/* The backend knows no pitch but the one it derives; see DOC above. */
	want_pitch = bo->pitch ? bo->pitch : vdispl_format_row_size(format->bpp, cmd->width);
	if (cmd->pitches[0] != want_pitch) {
		drm_dbg_kms(dev, "pitch %u refused: displif carries none, the backend assumes %llu\n",
			    cmd->pitches[0], want_pitch);
		ret = -EINVAL;
		goto err;
	}

	fb->fb_cookie = vdispl_front_new_cookie(front);
	fb->generation = front->generation;
	vdispl_req_fb_attach(&req, bo->dbuf_cookie, fb->fb_cookie, cmd->width, cmd->height,
			     cmd->pixel_format);
	ret = vdispl_front_request(front, 0, &req);
	if (ret < 0)
		goto err;
	return &fb->base;

err:
	/* Never attached: no FB_DETACH on the way out. */
	drm_gem_fb_destroy(&fb->base);
	return ERR_PTR(ret);
}
