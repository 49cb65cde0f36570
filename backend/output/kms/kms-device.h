/* SPDX-License-Identifier: MIT */
/*
 * A DRM device shared by every KMS output on it: opened once, one fd in the
 * event loop, page-flip events routed to the output driving that CRTC, and
 * the record of which connectors and CRTCs are taken.
 */
#ifndef VDISPL_KMS_DEVICE_H
#define VDISPL_KMS_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/list.h"
#include "common/loop.h"

#define KMS_MAX_CLAIMS 32

struct vdispl_kms_device;

/* Called from the loop for a flip on @crtc_id; @data is what claim() got. */
typedef void (*vdispl_kms_flip_fn)(void *data);

struct vdispl_kms_device {
	char path[256];
	int fd;
	bool atomic;
	unsigned int refs;
	struct vdispl_loop_source *source;
	struct {
		uint32_t crtc_id;
		uint32_t connector_id;
		uint32_t generation; /* tells this claim from earlier ones of the slot */
		vdispl_kms_flip_fn flip_done;
		void *data;
	} claims[KMS_MAX_CLAIMS];
	uint32_t next_generation;
	/*
	 * GEM handles of imported dma-bufs, counted: the fd has one handle per
	 * buffer, whichever outputs and regions on it import that buffer.
	 */
	struct vdispl_list handles;
	struct vdispl_list link; /* in the list of open devices */
};

/*
 * Open (or share) the device at @path; @legacy refuses atomic modesetting.
 * Returns 0 or -errno.
 */
int vdispl_kms_device_get(const char *path, bool legacy, struct vdispl_loop *loop,
			  struct vdispl_kms_device **out);
void vdispl_kms_device_put(struct vdispl_kms_device *dev);

/*
 * The GEM handle of @dmabuf_fd on @dev, counted: each one got is given
 * back with vdispl_kms_device_put_handle(). Returns 0 or -errno.
 */
int vdispl_kms_device_get_handle(struct vdispl_kms_device *dev, int dmabuf_fd, uint32_t *handle);
/* Closes the handle when its last user gives it back. */
void vdispl_kms_device_put_handle(struct vdispl_kms_device *dev, uint32_t handle);

bool vdispl_kms_device_crtc_taken(const struct vdispl_kms_device *dev, uint32_t crtc_id);
bool vdispl_kms_device_connector_taken(const struct vdispl_kms_device *dev, uint32_t connector_id);

/* Take @crtc_id and @connector_id; flips on the CRTC go to @flip_done. */
int vdispl_kms_device_claim(struct vdispl_kms_device *dev, uint32_t crtc_id,
			    uint32_t connector_id, vdispl_kms_flip_fn flip_done, void *data);
void vdispl_kms_device_release(struct vdispl_kms_device *dev, uint32_t crtc_id);

/*
 * The user_data for a commit or page flip on @crtc_id: its event goes to
 * the claim holding the CRTC now, and never to a later claim of the same
 * CRTC (an output destroyed with a flip in flight, then a new one).
 */
void *vdispl_kms_device_flip_token(const struct vdispl_kms_device *dev, uint32_t crtc_id);

#endif
