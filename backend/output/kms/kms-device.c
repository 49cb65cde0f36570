// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <xf86drm.h>
#include <xf86drmMode.h>

#include "backend/output/kms/kms-device.h"
#include "common/log.h"

/* The daemon is single-threaded; devices are shared by path. */
static struct vdispl_kms_device *devices;

static void page_flip_handler(int fd, unsigned int sequence, unsigned int tv_sec,
			      unsigned int tv_usec, unsigned int crtc_id, void *user_data)
{
	struct vdispl_kms_device *dev = user_data;

	/*
	 * Every commit passes the device as user_data and events are routed
	 * by CRTC: an output may be gone by the time its last flip completes.
	 */
	for (size_t i = 0; i < KMS_MAX_CLAIMS; i++) {
		if (dev->claims[i].crtc_id == crtc_id && dev->claims[i].flip_done) {
			dev->claims[i].flip_done(dev->claims[i].data);
			return;
		}
	}
}

static void device_readable(void *data, uint32_t events)
{
	struct vdispl_kms_device *dev = data;
	drmEventContext ctx = {
		.version = 3,
		.page_flip_handler2 = page_flip_handler,
	};

	if (events & (EPOLLERR | EPOLLHUP)) {
		vdispl_log(ERROR, dev->path, "DRM device fd reported an error");
		vdispl_loop_remove(dev->source);
		dev->source = NULL;
		return;
	}
	if (drmHandleEvent(dev->fd, &ctx) < 0)
		vdispl_log_errno(WARN, dev->path, -errno, "reading DRM events");
}

/*
 * Probe every connector once, when the device is opened: a probe can block
 * (DDC on real hardware), so every later lookup, on a guest's connect, uses
 * what this found (drmModeGetConnectorCurrent).
 */
static void probe_connectors(int fd)
{
	drmModeRes *res = drmModeGetResources(fd);

	for (int i = 0; res && i < res->count_connectors; i++)
		drmModeFreeConnector(drmModeGetConnector(fd, res->connectors[i]));
	drmModeFreeResources(res);
}

int vdispl_kms_device_get(const char *path, bool legacy, struct vdispl_loop *loop,
			  struct vdispl_kms_device **out)
{
	struct vdispl_kms_device *dev;
	int ret;

	for (dev = devices; dev; dev = dev->next) {
		if (strcmp(dev->path, path) == 0) {
			dev->refs++;
			*out = dev;
			return 0;
		}
	}

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	snprintf(dev->path, sizeof(dev->path), "%s", path);
	dev->fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (dev->fd < 0) {
		ret = -errno;
		vdispl_log_errno(ERROR, path, ret, "cannot open DRM device");
		goto err_open;
	}
	if (drmSetClientCap(dev->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) < 0) {
		ret = -errno;
		vdispl_log_errno(ERROR, path, ret, "no universal planes");
		goto err_caps;
	}
	dev->atomic = !legacy && drmSetClientCap(dev->fd, DRM_CLIENT_CAP_ATOMIC, 1) == 0;
	/* Writeback connectors (captures) show up only to clients that ask. */
	if (dev->atomic)
		drmSetClientCap(dev->fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, 1);
	vdispl_log(INFO, path, "opened, %s modesetting", dev->atomic ? "atomic" : "legacy");
	probe_connectors(dev->fd);

	dev->source = vdispl_loop_add_fd(loop, dev->fd, EPOLLIN, device_readable, dev);
	if (!dev->source) {
		ret = -errno;
		goto err_caps;
	}
	dev->refs = 1;
	dev->next = devices;
	devices = dev;
	*out = dev;
	return 0;

err_caps:
	close(dev->fd);
err_open:
	free(dev);
	return ret;
}

void vdispl_kms_device_put(struct vdispl_kms_device *dev)
{
	struct vdispl_kms_device **link;

	if (!dev || --dev->refs)
		return;
	for (link = &devices; *link; link = &(*link)->next) {
		if (*link == dev) {
			*link = dev->next;
			break;
		}
	}
	vdispl_loop_remove(dev->source);
	close(dev->fd);
	free(dev);
}

bool vdispl_kms_device_crtc_taken(const struct vdispl_kms_device *dev, uint32_t crtc_id)
{
	for (size_t i = 0; i < KMS_MAX_CLAIMS; i++)
		if (dev->claims[i].crtc_id == crtc_id)
			return true;
	return false;
}

bool vdispl_kms_device_connector_taken(const struct vdispl_kms_device *dev, uint32_t connector_id)
{
	for (size_t i = 0; i < KMS_MAX_CLAIMS; i++)
		if (dev->claims[i].crtc_id && dev->claims[i].connector_id == connector_id)
			return true;
	return false;
}

int vdispl_kms_device_claim(struct vdispl_kms_device *dev, uint32_t crtc_id,
			    uint32_t connector_id, vdispl_kms_flip_fn flip_done, void *data)
{
	for (size_t i = 0; i < KMS_MAX_CLAIMS; i++) {
		if (!dev->claims[i].crtc_id) {
			dev->claims[i].crtc_id = crtc_id;
			dev->claims[i].connector_id = connector_id;
			dev->claims[i].flip_done = flip_done;
			dev->claims[i].data = data;
			return 0;
		}
	}
	return -ENOSPC;
}

void vdispl_kms_device_release(struct vdispl_kms_device *dev, uint32_t crtc_id)
{
	for (size_t i = 0; i < KMS_MAX_CLAIMS; i++)
		if (dev->claims[i].crtc_id == crtc_id)
			memset(&dev->claims[i], 0, sizeof(dev->claims[i]));
}
