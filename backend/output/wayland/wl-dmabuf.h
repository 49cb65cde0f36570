/* SPDX-License-Identifier: MIT */
/*
 * A guest framebuffer handed to the compositor as it is: its dma-buf
 * (from the import strategy) becomes a wl_buffer through
 * zwp_linux_dmabuf_v1, with nothing copied. The compositor answers
 * asynchronously, and may refuse (a format its renderer cannot import, a
 * buffer it cannot map); a refused one goes through wl_shm instead.
 *
 * The wl_buffer lives on one connection: when the compositor goes away
 * the proxies are dropped, and asked for again on the next one.
 */
#ifndef VDISPL_OUTPUT_WAYLAND_DMABUF_H
#define VDISPL_OUTPUT_WAYLAND_DMABUF_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/output/output.h"
#include "backend/output/wayland/wl-connection.h"
#include "common/list.h"

struct wl_buffer;
struct zwp_linux_buffer_params_v1;

struct vdispl_wl_dmabuf {
	struct vdispl_list link;
	struct vdispl_picture picture; /* a copy: valid until the output forgets its key */
	uint32_t width, height;	       /* of the wl_buffer: the connector's */
	struct zwp_linux_buffer_params_v1 *params; /* asked; no answer yet */
	struct wl_buffer *buffer; /* the compositor's, on the current connection */
	bool refused;		  /* it said no on this connection */
	/* The compositor answered: @buffer is set, or @refused. */
	void (*answered)(struct vdispl_wl_dmabuf *dmabuf, void *data);
	void *data;
};

/*
 * Why @picture, shown @width x @height, cannot go to the compositor of @g
 * as a dma-buf; NULL if it can (the compositor may still refuse it).
 */
const char *vdispl_wl_dmabuf_unsuitable(const struct vdispl_wl_globals *g,
					const struct vdispl_picture *picture, uint32_t width,
					uint32_t height);

/* Ask the compositor of @g for the wl_buffer; answered() follows. Returns 0 or -errno. */
int vdispl_wl_dmabuf_ask(struct vdispl_wl_dmabuf *dmabuf, const struct vdispl_wl_globals *g);

/*
 * Let go of the compositor's buffer and forget its refusal: the connection
 * is gone (@connection_gone), or the framebuffer, or where it starts.
 */
void vdispl_wl_dmabuf_drop(struct vdispl_wl_dmabuf *dmabuf, bool connection_gone);

#endif
