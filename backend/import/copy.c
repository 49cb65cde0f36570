// SPDX-License-Identifier: MIT
/*
 * copy: the guest's pages mapped read-only with one batched gntdev call;
 * outputs copy the pixels out of the mapping. Works on every Dom0.
 */
#include "backend/import/import.h"

static int copy_probe(struct vdispl_import *import, char *why, size_t why_size)
{
	return 0;
}

static int copy_create(struct vdispl_import_device *dev, uint32_t pages, vdispl_gref_t *grefs,
		       struct vdispl_import_buffer *buf)
{
	return vdispl_gnttab_map(dev->gnttab, dev->domid, pages, grefs, false, &buf->map);
}

static int copy_destroy(struct vdispl_import_device *dev, struct vdispl_import_buffer *buf)
{
	return vdispl_gnttab_unmap(dev->gnttab, buf->map, buf->pages);
}

const struct vdispl_import_impl vdispl_import_copy = {
	.name = "copy",
	.probe = copy_probe,
	.create = copy_create,
	.destroy = copy_destroy,
};
