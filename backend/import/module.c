// SPDX-License-Identifier: MIT
/*
 * module: our Dom0 module (backend/kernel/) maps the guest's grants and
 * exports them as a dma-buf whose DMA addresses come through Xen's p2m. The
 * CPU view, for outputs that still copy, is the dma-buf's own mmap.
 *
 * module-share: for be-alloc, the module allocates the pages and grants
 * them to the guest, and the buffer is a dma-buf as above: one contiguous
 * block where Dom0 can have one that is machine-contiguous (arm: one DMA
 * segment), else single pages. Unlike gntalloc's, pages the guest keeps
 * mapping after the buffer is gone stay counted (the status line's
 * shared_lingering) until it lets go.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "protocol/displif.h"
#include "common/dmabuf-module.h"
#include "backend/import/import.h"
#include "common/log.h"

static int module_probe(struct vdispl_import *import, char *why, size_t why_size)
{
	return vdispl_import_module_handle(import) ? 0 : -ENODEV;
}

static int module_create(struct vdispl_import_device *dev, uint32_t pages, vdispl_gref_t *grefs,
			 struct vdispl_import_buffer *buf)
{
	struct vdispl_dmabuf_module *m = vdispl_import_module_handle(dev->import);
	struct vdispl_dmabuf_export e;
	int ret = vdispl_dmabuf_module_export(m, dev->domid, grefs, pages, dev->writable, &e);

	if (ret) {
		if (e.status)
			vdispl_log_limited(WARN, dev->guest_log, dev->tag,
					   "vdispl-dmabuf: reference %u of %u refused by Xen "
					   "(status %d)", e.failed, pages, e.status);
		return ret;
	}
	buf->dmabuf_fd = e.fd;
	buf->dmabuf_id = e.id;
	buf->bus_segments = e.bus_segments;
	return 0;
}

static int module_share_create(struct vdispl_import_device *dev, uint32_t pages,
			       vdispl_gref_t *grefs, struct vdispl_import_buffer *buf)
{
	struct vdispl_dmabuf_module *m = vdispl_import_module_handle(dev->import);
	struct vdispl_dmabuf_share sh;
	int ret = -EOPNOTSUPP;

	if (!dev->scattered_shares) {
		ret = vdispl_dmabuf_module_share(m, dev->domid, pages, true, grefs, &sh);
		if (ret == -EOPNOTSUPP) {
			dev->scattered_shares = true;
			vdispl_log(INFO, dev->tag, "be-alloc buffers are single pages: this Dom0 "
				   "has no machine-contiguous blocks (PV)");
		} else if (ret == -ENOMEM) {
			vdispl_log_limited(WARN, dev->guest_log, dev->tag, "no contiguous block of "
					   "%u pages free (Dom0's CMA): single pages instead", pages);
		}
	}
	if (ret == -EOPNOTSUPP || ret == -ENOMEM)
		ret = vdispl_dmabuf_module_share(m, dev->domid, pages, false, grefs, &sh);
	if (ret)
		return ret;
	buf->dmabuf_fd = sh.fd;
	buf->dmabuf_id = sh.id;
	buf->bus_segments = sh.bus_segments;
	buf->shared = true;
	return 0;
}

static int module_map_cpu(struct vdispl_import_device *dev, struct vdispl_import_buffer *buf)
{
	void *map = mmap(NULL, (size_t)buf->pages * VDISPL_XEN_PAGE_SIZE, PROT_READ, MAP_SHARED,
			 buf->dmabuf_fd, 0);

	if (map == MAP_FAILED)
		return -errno;
	buf->map = map;
	return 0;
}

static int module_destroy(struct vdispl_import_device *dev, struct vdispl_import_buffer *buf)
{
	int ret = 0;

	if (buf->map && munmap(buf->map, (size_t)buf->pages * VDISPL_XEN_PAGE_SIZE))
		ret = -errno;
	/* The grants go when the last importer lets go too; the module says when. */
	if (close(buf->dmabuf_fd) && !ret)
		ret = -errno;
	return ret;
}

const struct vdispl_import_impl vdispl_import_module = {
	.name = "module",
	.probe = module_probe,
	.create = module_create,
	.map_cpu = module_map_cpu,
	.destroy = module_destroy,
};

const struct vdispl_import_impl vdispl_import_module_share = {
	.name = "module-share",
	.probe = module_probe,
	.create = module_share_create,
	.map_cpu = module_map_cpu,
	.destroy = module_destroy,
};
