// SPDX-License-Identifier: MIT
/*
 * Zero-copy on KMS: a guest framebuffer's dma-buf becomes a KMS framebuffer
 * (PRIME fd to handle, AddFB2 with the guest's pitch and offset) that the
 * plane scans out as it is. One import per framebuffer, made on its first
 * flip and kept until the guest lets go of it; one that is on screen then
 * stays until the screen moves on, so the guest's picture never vanishes
 * under the user. A driver that refuses a dma-buf gets that framebuffer
 * copied instead, logged once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xf86drm.h>

#include "backend/output/kms/kms-output.h"
#include "common/log.h"

/* Walk @k's imports; @imp may be removed in the body. */
#define for_each_import(imp, sc, pos, tmp)                                                          \
	vdispl_list_for_each_item(imp, struct kms_import, link, &(sc)->imports, pos, tmp)

static struct kms_import *find(struct kms_scanout *sc, uint64_t key)
{
	struct vdispl_list *pos, *tmp;
	struct kms_import *imp;

	for_each_import(imp, sc, pos, tmp)
		if (imp->key == key)
			return imp;
	return NULL;
}

static void remove_import(struct kms_scanout *sc, struct kms_import *gone)
{
	vdispl_list_del(&gone->link);
	if (gone->fb_id)
		drmModeRmFB(sc->dev->fd, gone->fb_id);
	vdispl_kms_device_put_handle(sc->dev, gone->handle);
	free(gone);
}

static int add_fb(struct kms_scanout *sc, const struct vdispl_picture *picture,
		  struct kms_import *imp)
{
	const struct vdispl_pixels *fb = &picture->fb;
	uint32_t handles[4] = { imp->handle }, pitches[4] = { fb->stride };
	uint32_t offsets[4] = { 0 };

	/* AddFB2 takes 32-bit offsets: a guest's data_ofs is checked against the buffer. */
	if (picture->dmabuf_offset > UINT32_MAX)
		return -EINVAL;
	offsets[0] = (uint32_t)picture->dmabuf_offset;
	return drmModeAddFB2(sc->dev->fd, fb->width, fb->height, fb->fourcc, handles, pitches,
			     offsets, &imp->fb_id, 0) < 0 ? -errno : 0;
}

uint32_t kms_import_fb(struct kms_scanout *sc, const struct vdispl_picture *picture)
{
	struct kms_import *imp;
	int ret;

	if (picture->dmabuf_fd < 0)
		return 0;
	imp = find(sc, picture->key);
	if (imp)
		return imp->fb_id;
	imp = calloc(1, sizeof(*imp));
	if (!imp)
		return 0;
	imp->key = picture->key;
	vdispl_list_add(&sc->imports, &imp->link);
	ret = vdispl_kms_device_get_handle(sc->dev, picture->dmabuf_fd, &imp->handle);
	if (ret) {
		imp->handle = 0;
		vdispl_log_errno(INFO, sc->tag, ret,
				 "fb %#llx: %s cannot import its dma-buf; copying it",
				 (unsigned long long)imp->key, sc->dev->path);
		return 0;
	}
	ret = add_fb(sc, picture, imp);
	if (ret) {
		vdispl_log_errno(INFO, sc->tag, ret,
				 "fb %#llx: %s refuses a %.4s framebuffer %ux%u pitch %u on its "
				 "dma-buf; copying it",
				 (unsigned long long)imp->key, sc->dev->path,
				 (const char *)&picture->fb.fourcc, picture->fb.width,
				 picture->fb.height, picture->fb.stride);
		vdispl_kms_device_put_handle(sc->dev, imp->handle);
		imp->handle = 0;
		imp->fb_id = 0;
		return 0;
	}
	vdispl_log(INFO, sc->tag, "fb %#llx: scanned out from the guest's dma-buf (zero-copy)",
		   (unsigned long long)imp->key);
	return imp->fb_id;
}

void kms_import_committed(struct kms_scanout *sc, uint32_t fb_id)
{
	struct vdispl_list *pos, *tmp;
	struct kms_import *imp;

	for_each_import(imp, sc, pos, tmp)
		if (fb_id && imp->fb_id == fb_id)
			imp->committed = true;
}

bool kms_import_refused(struct kms_scanout *sc, uint32_t fb_id, int error)
{
	struct vdispl_list *pos, *tmp;
	struct kms_import *imp;

	for_each_import(imp, sc, pos, tmp) {
		/*
		 * One the driver took before is not the cause: it may be on
		 * screen, and removing it would blank the plane.
		 */
		if (!fb_id || imp->fb_id != fb_id || imp->committed)
			continue;
		vdispl_log_errno(INFO, sc->tag, error,
				 "fb %#llx: %s cannot show its dma-buf; copying it",
				 (unsigned long long)imp->key, sc->dev->path);
		drmModeRmFB(sc->dev->fd, imp->fb_id);
		imp->fb_id = 0;
		vdispl_kms_device_put_handle(sc->dev, imp->handle);
		imp->handle = 0;
		return true;
	}
	return false;
}

void kms_import_forget(struct kms_scanout *sc, uint64_t key)
{
	struct kms_import *imp = find(sc, key);

	if (!imp)
		return;
	imp->forgotten = true;
	kms_import_reap(sc, false);
}

void kms_import_reap(struct kms_scanout *sc, bool all)
{
	struct vdispl_list *pos, *tmp;
	struct kms_import *imp;

	for_each_import(imp, sc, pos, tmp) {
		if (all || (imp->forgotten && (!imp->fb_id || (imp->fb_id != sc->shown_fb &&
							       imp->fb_id != sc->pending_fb &&
							       imp->fb_id != sc->next_fb))))
			remove_import(sc, imp);
	}
}
