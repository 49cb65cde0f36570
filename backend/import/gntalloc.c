// SPDX-License-Identifier: MIT
/*
 * gntalloc: for be-alloc (REQ_ALLOC) the backend allocates the buffer:
 * zeroed pages from gntalloc, granted to the guest, mapped here too.
 */
#include <errno.h>

#include "backend/import/import.h"
#include "common/log.h"

static int gntalloc_probe(struct vdispl_import *import, char *why, size_t why_size)
{
	return 0; /* xen-gntalloc is opened on the first be-alloc buffer */
}

static int gntalloc_create(struct vdispl_import_device *dev, uint32_t pages,
			   vdispl_gref_t *grefs, struct vdispl_import_buffer *buf)
{
	int ret;

	if (!dev->gntshr) {
		ret = vdispl_gntshr_open(dev->tag, &dev->gntshr);
		if (ret) {
			vdispl_log_errno(ERROR, dev->tag, ret,
					 "cannot share pages (xen-gntalloc loaded?)");
			return ret;
		}
	}
	ret = vdispl_gntshr_share(dev->gntshr, dev->domid, pages, true, grefs, &buf->map);
	if (ret)
		vdispl_log_errno_limited(WARN, dev->guest_log, dev->tag, ret, "sharing %u pages%s",
					 pages,
				 ret == -ENOSPC
					 ? " (raise /sys/module/xen_gntalloc/parameters/limit)"
					 : "");
	buf->shared = !ret;
	return ret;
}

static int gntalloc_destroy(struct vdispl_import_device *dev, struct vdispl_import_buffer *buf)
{
	/* gntalloc keeps a page the guest still maps until it lets go. */
	return vdispl_gntshr_unshare(dev->gntshr, buf->map, buf->pages);
}

const struct vdispl_import_impl vdispl_import_gntalloc = {
	.name = "gntalloc",
	.probe = gntalloc_probe,
	.create = gntalloc_create,
	.destroy = gntalloc_destroy,
};
