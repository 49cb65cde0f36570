// SPDX-License-Identifier: MIT
/*
 * Which guest framebuffers the Wayland output may hand to the compositor
 * as they are (vdispl_wl_dmabuf_unsuitable): compositors end the whole
 * connection, every guest's windows with it, over a buffer whose rows at
 * its stride run past the dma-buf, so such a framebuffer must go through
 * wl_shm instead. A memfd stands in for the dma-buf: its size is what
 * lseek(SEEK_END) says, as a dma-buf's is.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm_fourcc.h>

#include "backend/output/wayland/wl-dmabuf.h"
#include "tests/unit/tap.h"

#define W 640
#define H 480

static int buffer_of(size_t size)
{
	int fd = memfd_create("test-wl-dmabuf", MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, (off_t)size)) {
		perror("memfd");
		return -1;
	}
	return fd;
}

static struct vdispl_picture picture_of(int fd, uint32_t width, uint32_t stride, uint32_t x)
{
	return (struct vdispl_picture){
		.key = 1,
		.fb = { .width = width, .height = H, .stride = stride, .fourcc = DRM_FORMAT_XRGB8888 },
		.x = x,
		.dmabuf_fd = fd,
	};
}

int main(void)
{
	static struct vdispl_wl_dmabuf_format linear_xrgb = { DRM_FORMAT_XRGB8888,
							       DRM_FORMAT_MOD_LINEAR };
	int exact = buffer_of((size_t)W * H * 4);
	/* Wider by one pixel, holding only the last row's pixels past its start. */
	int last_row = buffer_of((size_t)(W + 1) * 4 * (H - 1) + (W + 1) * 4);
	int whole = buffer_of((size_t)(W + 1) * 4 * H + 4);
	struct vdispl_wl_globals g = { 0 };
	struct vdispl_picture p;

	if (exact < 0 || last_row < 0 || whole < 0)
		return 1;
	p = picture_of(exact, W, W * 4, 0);
	TAP_CHECK(vdispl_wl_dmabuf_unsuitable(&g, &p, W, H) != NULL,
		  "no linux-dmabuf global: unsuitable");
	/* Never dereferenced: only whether the global is there matters. */
	g.linux_dmabuf = (struct zwp_linux_dmabuf_v1 *)&g;
	TAP_CHECK(vdispl_wl_dmabuf_unsuitable(&g, &p, W, H) != NULL,
		  "XRGB8888 LINEAR not among the compositor's formats: unsuitable");
	g.dmabuf_formats = &linear_xrgb;
	g.dmabuf_format_count = 1;
	TAP_CHECK(vdispl_wl_dmabuf_unsuitable(&g, &p, W, H) == NULL,
		  "a tightly packed XRGB8888 framebuffer of the connector's size goes as it is");
	p.fb.fourcc = DRM_FORMAT_ARGB8888;
	TAP_CHECK(vdispl_wl_dmabuf_unsuitable(&g, &p, W, H) != NULL,
		  "a format the compositor did not list: unsuitable");
	p = picture_of(-1, W, W * 4, 0);
	TAP_CHECK(vdispl_wl_dmabuf_unsuitable(&g, &p, W, H) != NULL,
		  "a buffer with no dma-buf (the copy import): unsuitable");
	p = picture_of(exact, W, W * 4, 0);
	TAP_CHECK(vdispl_wl_dmabuf_unsuitable(&g, &p, W + 2, H) != NULL,
		  "a framebuffer smaller than its connector: unsuitable");

	p = picture_of(last_row, W + 1, (W + 1) * 4, 0);
	TAP_CHECK(vdispl_wl_dmabuf_unsuitable(&g, &p, W, H) == NULL,
		  "from (0,0), every row at the stride fits the buffer");
	p = picture_of(last_row, W + 1, (W + 1) * 4, 1);
	TAP_CHECK(vdispl_wl_dmabuf_unsuitable(&g, &p, W, H) != NULL,
		  "panned to x = 1, the last row at the stride runs 4 octets past the buffer: "
		  "unsuitable, though the guest's framebuffer is valid");
	p = picture_of(whole, W + 1, (W + 1) * 4, 1);
	TAP_CHECK(vdispl_wl_dmabuf_unsuitable(&g, &p, W, H) == NULL,
		  "panned to x = 1 in a buffer holding it all: goes as it is");
	p.dmabuf_offset = 8;
	TAP_CHECK(vdispl_wl_dmabuf_unsuitable(&g, &p, W, H) != NULL,
		  "the same at a data offset of 8: unsuitable");
	close(exact);
	close(last_row);
	close(whole);
	return tap_done();
}
