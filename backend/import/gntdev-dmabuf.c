// SPDX-License-Identifier: MIT
/*
 * gntdev-dmabuf: gntdev's own dma-buf export, for kernels built with
 * XEN_GNTDEV_DMABUF (Debian's are not) in a Dom0 that is not PV (gntdev
 * refuses it there). Its dma-bufs have no mmap, so the CPU view, for
 * outputs that still copy, is a second, ordinary gntdev mapping made with
 * the export.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backend/import/import.h"

/* "PV", "PVH" or "HVM": what kind of domain we are. */
static bool running_pv(void)
{
	char type[8] = "";
	FILE *f = fopen("/sys/hypervisor/guest_type", "r");

	if (!f)
		return false;
	if (!fgets(type, sizeof(type), f))
		type[0] = '\0';
	fclose(f);
	return !strncmp(type, "PV\n", 3);
}

/* Xen's DOMID_SELF, and a reference no domain grants us through it. */
#define DOMID_SELF_PROBE 0x7ff0u

static int gntdev_dmabuf_probe(struct vdispl_import *import, char *why, size_t why_size)
{
	static const vdispl_gref_t probe_ref = 0;
	struct vdispl_gnttab *gnttab;
	int fd, ret;

	if (running_pv()) {
		snprintf(why, why_size, "gntdev refuses dma-buf export in a PV Dom0");
		return -EPERM;
	}
	ret = vdispl_gnttab_open(NULL, &gnttab);
	if (ret) {
		snprintf(why, why_size, "no gntdev (%s)", strerror(-ret));
		return ret;
	}
	/*
	 * One reference of our own, which Xen will not map for us: a kernel
	 * with the ioctl fails the mapping, one without says ENOTTY. (With no
	 * reference at all libxengnttab says EINVAL before asking the kernel.)
	 */
	ret = vdispl_gnttab_dmabuf_export(gnttab, DOMID_SELF_PROBE, 1, &probe_ref, &fd);
	vdispl_gnttab_close(gnttab);
	if (!ret) {
		close(fd);
		return 0;
	}
	if (ret == -ENOTTY) {
		snprintf(why, why_size, "the kernel lacks XEN_GNTDEV_DMABUF");
		return ret;
	}
	return 0;
}

/* The same grants mapped once more for the CPU: this dma-buf cannot be mmap()ed. */
static int gntdev_dmabuf_create(struct vdispl_import_device *dev, uint32_t pages,
				vdispl_gref_t *grefs, struct vdispl_import_buffer *buf)
{
	int ret = vdispl_gnttab_dmabuf_export(dev->gnttab, dev->domid, pages, grefs,
					      &buf->dmabuf_fd);

	if (ret)
		return ret;
	ret = vdispl_gnttab_map(dev->gnttab, dev->domid, pages, grefs, false, &buf->map);
	if (ret) {
		close(buf->dmabuf_fd);
		buf->dmabuf_fd = -1;
	}
	return ret;
}

static int gntdev_dmabuf_destroy(struct vdispl_import_device *dev,
				 struct vdispl_import_buffer *buf)
{
	int ret = 0;

	if (buf->map)
		ret = vdispl_gnttab_unmap(dev->gnttab, buf->map, buf->pages);
	/* gntdev unmaps once the importers let go too. */
	if (close(buf->dmabuf_fd) && !ret)
		ret = -errno;
	return ret;
}

const struct vdispl_import_impl vdispl_import_gntdev_dmabuf = {
	.name = "gntdev-dmabuf",
	.probe = gntdev_dmabuf_probe,
	.create = gntdev_dmabuf_create,
	.destroy = gntdev_dmabuf_destroy,
};
