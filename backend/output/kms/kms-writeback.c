// SPDX-License-Identifier: MIT
/*
 * Capture of a KMS output through the writeback connector of its CRTC,
 * where the device has one (vkms does; so do several SoC display
 * controllers): what the CRTC really composed, written to png-dir on
 * SIGUSR2 as "<guest>-<connector>-<flips>-writeback.png".
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <xf86drm.h>

#include "backend/output/kms/kms-output.h"
#include "common/log.h"

#define FENCE_TIMEOUT_MS 2000

static bool drives_crtc(int fd, const drmModeConnector *conn, uint32_t crtc_bit)
{
	bool ok = false;

	for (int e = 0; e < conn->count_encoders && !ok; e++) {
		drmModeEncoder *enc = drmModeGetEncoder(fd, conn->encoders[e]);

		ok = enc && (enc->possible_crtcs & crtc_bit);
		drmModeFreeEncoder(enc);
	}
	return ok;
}

void kms_writeback_find(struct kms_output *k)
{
	int fd = k->dev->fd;
	drmModeRes *res = drmModeGetResources(fd);
	struct kms_writeback *wb = &k->writeback;
	uint32_t crtc_bit = kms_crtc_bit(fd, k->crtc_id);

	for (int i = 0; res && crtc_bit && i < res->count_connectors && !wb->connector_id; i++) {
		drmModeConnector *conn = drmModeGetConnectorCurrent(fd, res->connectors[i]);

		if (conn && conn->connector_type == DRM_MODE_CONNECTOR_WRITEBACK &&
		    drives_crtc(fd, conn, crtc_bit)) {
			wb->prop_crtc_id = kms_prop_id(fd, conn->connector_id,
						       DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID");
			wb->prop_fb_id = kms_prop_id(fd, conn->connector_id,
						     DRM_MODE_OBJECT_CONNECTOR, "WRITEBACK_FB_ID");
			wb->prop_out_fence = kms_prop_id(fd, conn->connector_id,
							 DRM_MODE_OBJECT_CONNECTOR,
							 "WRITEBACK_OUT_FENCE_PTR");
			if (wb->prop_crtc_id && wb->prop_fb_id && wb->prop_out_fence)
				wb->connector_id = conn->connector_id;
		}
		drmModeFreeConnector(conn);
	}
	drmModeFreeResources(res);
	if (wb->connector_id)
		vdispl_log(INFO, k->base.tag, "%s: writeback connector %u can capture CRTC %u",
			   k->dev->path, wb->connector_id, k->crtc_id);
}

/*
 * Attach the writeback connector with @fb_id as its target, or detach it
 * (0). With @alone the display connector leaves the CRTC meanwhile, for
 * devices whose encoders cannot clone (vkms on Debian's 6.1 kernels).
 */
static int writeback_commit(struct kms_output *k, uint32_t fb_id, int32_t *fence, bool alone)
{
	const struct kms_writeback *wb = &k->writeback;
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	int ret;

	if (!req)
		return -ENOMEM;
	drmModeAtomicAddProperty(req, wb->connector_id, wb->prop_crtc_id, fb_id ? k->crtc_id : 0);
	if (fb_id) {
		drmModeAtomicAddProperty(req, wb->connector_id, wb->prop_fb_id, fb_id);
		drmModeAtomicAddProperty(req, wb->connector_id, wb->prop_out_fence,
					 (uint64_t)(uintptr_t)fence);
	}
	if (alone)
		drmModeAtomicAddProperty(req, k->connector_id, k->props.conn_crtc_id,
					 fb_id ? 0 : k->crtc_id);
	/* A connector joining or leaving the CRTC counts as a modeset. */
	ret = drmModeAtomicCommit(k->dev->fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL) < 0
		      ? -errno
		      : 0;
	drmModeAtomicFree(req);
	return ret;
}

static int wait_fence(int fence)
{
	struct pollfd p = { .fd = fence, .events = POLLIN };
	int ret;

	do {
		ret = poll(&p, 1, FENCE_TIMEOUT_MS);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	return ret ? 0 : -ETIMEDOUT;
}

int kms_writeback_capture(struct kms_output *k)
{
	struct kms_buffer buf = { 0 };
	int32_t fence = -1;
	int ret;

	if (!k->enabled)
		return -ENODEV;
	ret = kms_buffer_create(k->dev->fd, k->mode.hdisplay, k->mode.vdisplay, &buf);
	if (ret)
		goto out;
	ret = writeback_commit(k, buf.fb_id, &fence, k->writeback.alone);
	if (ret == -EINVAL && !k->writeback.alone) {
		vdispl_log(INFO, k->base.tag, "%s cannot clone %s into its writeback connector: "
			   "captures take it off the CRTC meanwhile", k->dev->path, k->connector_name);
		k->writeback.alone = true;
		ret = writeback_commit(k, buf.fb_id, &fence, true);
	}
	if (ret)
		goto out;
	ret = fence >= 0 ? wait_fence(fence) : -EIO;
	if (fence >= 0)
		close(fence);
	writeback_commit(k, 0, NULL, k->writeback.alone);
	if (ret)
		goto out;
	vdispl_log(INFO, k->base.tag, "writeback of %s captured", k->connector_name);
	/* Failures are logged there. */
	vdispl_output_save_png(&k->base, k->png_dir, k->flips, "-writeback", buf.map, buf.pitch,
			       k->mode.hdisplay, k->mode.vdisplay);
	kms_buffer_destroy(k->dev->fd, &buf);
	return 0;
out:
	if (ret)
		vdispl_log_errno(WARN, k->base.tag, ret, "writeback capture of %s", k->connector_name);
	kms_buffer_destroy(k->dev->fd, &buf);
	return ret;
}
