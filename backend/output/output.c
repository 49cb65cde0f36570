// SPDX-License-Identifier: MIT
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include <drm_fourcc.h>
#include <linux/dma-buf.h>

#include "protocol/format.h"
#include "backend/output/output.h"
#include "common/log.h"
#include "common/png-writer.h" /* declarations only: linked where libpng is */
#include "headless/headless.h"
#ifdef VDISPL_HAVE_KMS
#include "kms/kms.h"
#endif
#ifdef VDISPL_HAVE_WAYLAND
#include "backend/output/wayland/wayland.h"
#endif

typedef int (*output_create_fn)(const struct vdispl_output_params *params,
				struct vdispl_output **out);

/* What this build can create; names and keys are in kinds.c. */
static const struct {
	enum vdispl_output_kind kind;
	output_create_fn create;
} outputs[] = {
#ifdef VDISPL_HAVE_KMS
	{ VDISPL_OUTPUT_KMS, vdispl_kms_output_create },
#endif
	{ VDISPL_OUTPUT_HEADLESS, vdispl_headless_output_create },
#ifdef VDISPL_HAVE_WAYLAND
	{ VDISPL_OUTPUT_WAYLAND, vdispl_wayland_output_create },
#endif
};

int vdispl_output_create(const struct vdispl_output_params *params, struct vdispl_output **out)
{
	for (size_t i = 0; i < sizeof(outputs) / sizeof(outputs[0]); i++)
		if (outputs[i].kind == params->config->kind)
			return outputs[i].create(params, out);
	return -ENOTSUP;
}

void vdispl_output_destroy(struct vdispl_output *output)
{
	if (output)
		output->impl->destroy(output);
}

void vdispl_output_init(struct vdispl_output *output, const struct vdispl_output_impl *impl,
			const struct vdispl_output_params *params)
{
	output->impl = impl;
	output->width = params->width;
	output->height = params->height;
	output->done = params->done;
	output->done_data = params->done_data;
	output->png_writer = params->png_writer;
	snprintf(output->tag, sizeof(output->tag), "%s", params->tag);
}

int vdispl_output_save_png(struct vdispl_output *output, const char *dir, uint64_t count,
			   const char *suffix, const void *pixels, uint32_t stride, uint32_t width,
			   uint32_t height)
{
	char name[sizeof(output->tag)];
	char path[PATH_MAX];
	int ret;

	/* "dom1/vdispl0/0" -> "dom1-vdispl0-0" */
	snprintf(name, sizeof(name), "%s", output->tag);
	for (char *c = name; *c; c++)
		if (*c == '/')
			*c = '-';
	snprintf(path, sizeof(path), "%s/%s-%06llu%s.png", dir, name, (unsigned long long)count,
		 suffix);
#ifdef VDISPL_HAVE_PNG
	ret = output->png_writer ? vdispl_png_writer_submit(output->png_writer, output->tag, path,
							    pixels, stride, width, height)
				 : -ENOTSUP;
#else
	ret = -ENOTSUP;
#endif
	if (ret == -EBUSY) {
		if (!output->png_drop_logged)
			vdispl_log(WARN, output->tag, "not writing %s: the PNG writer is "
				   "behind, with %d of this output's pictures waiting or its memory "
				   "bound reached (logged once per output)", path,
				   VDISPL_PNG_WRITER_QUEUE);
		output->png_drop_logged = true;
	} else if (ret == -ENOTSUP) {
		vdispl_log(WARN, output->tag, "not writing %s: built without libpng", path);
	} else if (ret) {
		vdispl_log_errno(WARN, output->tag, ret, "not writing %s", path);
	}
	return ret;
}

static uint64_t bytes_copied;

uint64_t vdispl_output_bytes_copied(void)
{
	return bytes_copied;
}

void vdispl_picture_origin(const struct vdispl_picture *picture, uint32_t *x, uint32_t *y)
{
	const struct vdispl_format *format = vdispl_format_lookup(picture->fb.fourcc);

	*x = picture->x < picture->fb.width ? picture->x : 0;
	*y = picture->y < picture->fb.height ? picture->y : 0;
	if (format && format->is_yuv)
		*x &= ~1u; /* YUYV pairs share their chroma */
}

int vdispl_picture_pixels(struct vdispl_picture *picture, struct vdispl_pixels *out)
{
	const struct vdispl_format *format;
	struct vdispl_pixels p;
	uint32_t x, y;
	int ret;

	if (!picture->fb.data) {
		ret = picture->map ? picture->map(picture->map_data, &picture->fb) : -ENOTSUP;
		if (ret)
			return ret;
	}
	p = picture->fb;
	format = vdispl_format_lookup(p.fourcc);
	vdispl_picture_origin(picture, &x, &y);
	if (format && (format->bpp % 8) == 0) {
		p.data = (uint8_t *)p.data + (size_t)y * p.stride + (size_t)x * (format->bpp / 8);
		p.width -= x;
		p.height -= y;
	}
	*out = p;
	return 0;
}

static int dmabuf_sync(int fd, uint64_t flags)
{
	struct dma_buf_sync sync = { .flags = flags | DMA_BUF_SYNC_READ };
	int ret;

	do {
		ret = ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync);
	} while (ret < 0 && (errno == EINTR || errno == EAGAIN));
	return ret < 0 ? -errno : 0;
}

int vdispl_picture_copy(struct vdispl_picture *picture, const struct vdispl_pixels *dst)
{
	struct vdispl_pixels src;
	int ret = vdispl_picture_pixels(picture, &src);

	if (ret)
		return ret;
	if (picture->dmabuf_fd >= 0) {
		ret = dmabuf_sync(picture->dmabuf_fd, DMA_BUF_SYNC_START);
		if (ret)
			return ret;
	}
	ret = vdispl_pixels_copy(dst, &src);
	if (picture->dmabuf_fd >= 0) {
		int end = dmabuf_sync(picture->dmabuf_fd, DMA_BUF_SYNC_END);

		ret = ret ? ret : end;
	}
	if (!ret && !picture->backend_owned)
		bytes_copied += (uint64_t)(src.width < dst->width ? src.width : dst->width) *
				(src.height < dst->height ? src.height : dst->height) * 4u;
	return ret;
}
