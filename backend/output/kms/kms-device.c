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

struct kms_handle {
	struct vdispl_list link; /* in vdispl_kms_device.handles */
	uint32_t handle;
	unsigned int refs;
};

/* The daemon is single-threaded; devices are shared by path. */
static struct vdispl_list devices = { &devices, &devices };

/* Flip tokens: a claim's slot in the low 8 bits, its generation above. */
#define TOKEN_SLOT_BITS 8
#define TOKEN_GENERATION_MASK ((UINTPTR_MAX >> TOKEN_SLOT_BITS) & 0xffffffu)

/* The device whose events drmHandleEvent() is handing out (one thread). */
static struct vdispl_kms_device *handling;

void *vdispl_kms_device_flip_token(const struct vdispl_kms_device *dev, uint32_t crtc_id)
{
	for (uintptr_t i = 0; i < KMS_MAX_CLAIMS; i++) {
		if (dev->claims[i].crtc_id == crtc_id)
			return (void *)(((dev->claims[i].generation & TOKEN_GENERATION_MASK)
					 << TOKEN_SLOT_BITS) | i);
	}
	return NULL;
}

static void page_flip_handler(int fd, unsigned int sequence, unsigned int tv_sec,
			      unsigned int tv_usec, unsigned int crtc_id, void *user_data)
{
	struct vdispl_kms_device *dev = handling;
	uintptr_t token = (uintptr_t)user_data;
	size_t slot = token & ((1u << TOKEN_SLOT_BITS) - 1);
	uint32_t generation = (uint32_t)(token >> TOKEN_SLOT_BITS);

	/*
	 * An output may be gone by the time its last flip completes, and its
	 * CRTC claimed again: only the claim that committed gets the event.
	 */
	if (!dev || slot >= KMS_MAX_CLAIMS || dev->claims[slot].crtc_id != crtc_id ||
	    (dev->claims[slot].generation & TOKEN_GENERATION_MASK) != generation ||
	    !dev->claims[slot].flip_done) {
		vdispl_log(DEBUG, dev ? dev->path : NULL, "stale flip event on CRTC %u ignored",
			   crtc_id);
		return;
	}
	dev->claims[slot].flip_done(dev->claims[slot].data);
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
	handling = dev;
	if (drmHandleEvent(dev->fd, &ctx) < 0)
		vdispl_log_errno(WARN, dev->path, -errno, "reading DRM events");
	handling = NULL;
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
	struct vdispl_list *pos;
	int ret;

	vdispl_list_for_each(pos, &devices) {
		dev = vdispl_container_of(pos, struct vdispl_kms_device, link);
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
	vdispl_list_init(&dev->handles);
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
	vdispl_list_add(&devices, &dev->link);
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
	if (!dev || --dev->refs)
		return;
	vdispl_list_del(&dev->link);
	vdispl_loop_remove(dev->source);
	/* Closing the fd closes the handles left. */
	while (!vdispl_list_empty(&dev->handles)) {
		struct vdispl_list *first = dev->handles.next;

		vdispl_list_del(first);
		free(vdispl_container_of(first, struct kms_handle, link));
	}
	close(dev->fd);
	free(dev);
}

static struct kms_handle *find_handle(struct vdispl_kms_device *dev, uint32_t handle)
{
	struct vdispl_list *pos, *tmp;
	struct kms_handle *h;

	vdispl_list_for_each_item(h, struct kms_handle, link, &dev->handles, pos, tmp)
		if (h->handle == handle)
			return h;
	return NULL;
}

int vdispl_kms_device_get_handle(struct vdispl_kms_device *dev, int dmabuf_fd, uint32_t *handle)
{
	struct kms_handle *h;

	if (drmPrimeFDToHandle(dev->fd, dmabuf_fd, handle) < 0)
		return -errno;
	/* The same buffer imported again gives the same handle: one more user. */
	h = find_handle(dev, *handle);
	if (h) {
		h->refs++;
		return 0;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		struct drm_gem_close close = { .handle = *handle };

		drmIoctl(dev->fd, DRM_IOCTL_GEM_CLOSE, &close);
		return -ENOMEM;
	}
	h->handle = *handle;
	h->refs = 1;
	vdispl_list_add(&dev->handles, &h->link);
	return 0;
}

void vdispl_kms_device_put_handle(struct vdispl_kms_device *dev, uint32_t handle)
{
	struct kms_handle *h = handle ? find_handle(dev, handle) : NULL;
	struct drm_gem_close close = { .handle = handle };

	if (!h || --h->refs)
		return;
	vdispl_list_del(&h->link);
	free(h);
	drmIoctl(dev->fd, DRM_IOCTL_GEM_CLOSE, &close);
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
			dev->claims[i].generation = ++dev->next_generation;
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
