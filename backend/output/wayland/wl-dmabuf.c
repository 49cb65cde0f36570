// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stddef.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <wayland-client.h>

#include "backend/output/wayland/wl-dmabuf.h"
#include "linux-dmabuf-unstable-v1-client-protocol.h" /* generated */
#include "protocol/format.h"

/* The offset of the visible part's first pixel in the dma-buf, or -1 if it has none. */
static int64_t visible_offset(const struct vdispl_picture *picture)
{
	const struct vdispl_format *format = vdispl_format_lookup(picture->fb.fourcc);
	uint32_t x, y;
	uint64_t offset;

	if (!format || format->bpp % 8)
		return -1;
	vdispl_picture_origin(picture, &x, &y);
	offset = picture->dmabuf_offset + (uint64_t)y * picture->fb.stride +
		 (uint64_t)x * (format->bpp / 8);
	/* zwp_linux_buffer_params_v1.add takes 32 bits. */
	return offset > UINT32_MAX ? -1 : (int64_t)offset;
}

const char *vdispl_wl_dmabuf_unsuitable(const struct vdispl_wl_globals *g,
					const struct vdispl_picture *picture, uint32_t width,
					uint32_t height)
{
	int64_t offset;
	off_t size;
	uint32_t x, y;

	if (!g->linux_dmabuf)
		return "the compositor offers no zwp_linux_dmabuf_v1 (version 3 or later)";
	if (picture->dmabuf_fd < 0)
		return "the guest's buffer is not a dma-buf (the import strategy maps it)";
	/* Guest buffers are linear: displif has no modifiers. */
	if (!vdispl_wl_globals_take_dmabuf(g, picture->fb.fourcc, DRM_FORMAT_MOD_LINEAR))
		return "the compositor takes no dma-buf of the guest's format with a linear layout";
	vdispl_picture_origin(picture, &x, &y);
	if (picture->fb.width - x < width || picture->fb.height - y < height)
		return "the guest's framebuffer is smaller than its connector";
	offset = visible_offset(picture);
	if (offset < 0)
		return "the visible part cannot be addressed in the dma-buf";
	/*
	 * Compositors refuse, with a protocol error that ends the connection
	 * every guest's windows share, a buffer whose last row's stride runs
	 * past the dma-buf's end; a guest's framebuffer need only hold the
	 * last row's pixels.
	 */
	size = lseek(picture->dmabuf_fd, 0, SEEK_END);
	if (size < 0 || (uint64_t)offset + (uint64_t)picture->fb.stride * height > (uint64_t)size)
		return "the visible part's last row, at the framebuffer's stride, runs past its "
		       "dma-buf";
	return NULL;
}

static void params_created(void *data, struct zwp_linux_buffer_params_v1 *params,
			   struct wl_buffer *buffer)
{
	struct vdispl_wl_dmabuf *dmabuf = data;

	zwp_linux_buffer_params_v1_destroy(params);
	if (!dmabuf) {
		/* Asked for by a framebuffer gone since: the compositor lets go of it now. */
		wl_buffer_destroy(buffer);
		return;
	}
	dmabuf->params = NULL;
	dmabuf->buffer = buffer;
	dmabuf->answered(dmabuf, dmabuf->data);
}

static void params_failed(void *data, struct zwp_linux_buffer_params_v1 *params)
{
	struct vdispl_wl_dmabuf *dmabuf = data;

	zwp_linux_buffer_params_v1_destroy(params);
	if (!dmabuf)
		return;
	dmabuf->params = NULL;
	dmabuf->refused = true;
	dmabuf->answered(dmabuf, dmabuf->data);
}

static const struct zwp_linux_buffer_params_v1_listener params_listener = {
	.created = params_created,
	.failed = params_failed,
};

int vdispl_wl_dmabuf_ask(struct vdispl_wl_dmabuf *dmabuf, const struct vdispl_wl_globals *g)
{
	const struct vdispl_picture *picture = &dmabuf->picture;
	int64_t offset = visible_offset(picture);

	if (offset < 0)
		return -EINVAL;
	dmabuf->params = zwp_linux_dmabuf_v1_create_params(g->linux_dmabuf);
	if (!dmabuf->params)
		return -ENOMEM;
	zwp_linux_buffer_params_v1_add_listener(dmabuf->params, &params_listener, dmabuf);
	/* libwayland sends a duplicate of the fd: ours stays the import's. */
	zwp_linux_buffer_params_v1_add(dmabuf->params, picture->dmabuf_fd, 0, (uint32_t)offset,
				       picture->fb.stride, (uint32_t)(DRM_FORMAT_MOD_LINEAR >> 32),
				       (uint32_t)DRM_FORMAT_MOD_LINEAR);
	/* Not create_immed: a refusal there may be a protocol error that ends the connection. */
	zwp_linux_buffer_params_v1_create(dmabuf->params, (int32_t)dmabuf->width,
					  (int32_t)dmabuf->height, picture->fb.fourcc, 0);
	return 0;
}

void vdispl_wl_dmabuf_drop(struct vdispl_wl_dmabuf *dmabuf, bool connection_gone)
{
	/*
	 * A create already sent is answered all the same: with the params
	 * destroyed we would never learn of the buffer made, and the
	 * compositor would hold it, and the guest's pages, for as long as it
	 * stays connected. So they stay, answered to no one.
	 */
	if (dmabuf->params && connection_gone)
		zwp_linux_buffer_params_v1_destroy(dmabuf->params);
	else if (dmabuf->params)
		zwp_linux_buffer_params_v1_set_user_data(dmabuf->params, NULL);
	dmabuf->params = NULL;
	if (dmabuf->buffer)
		wl_buffer_destroy(dmabuf->buffer);
	dmabuf->buffer = NULL;
	dmabuf->refused = false;
}
