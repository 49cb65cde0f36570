// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <drm_fourcc.h>

#include "backend/output/headless/headless.h"
#include "common/log.h"

struct headless_output {
	struct vdispl_output base; /* first: the output ops reach us through it */
	uint32_t *pixels;          /* XRGB8888, width x height */
	bool enabled;
	bool flip_pending;
	uint64_t flips;
	uint32_t png_every;
	char png_dir[VDISPL_CONFIG_STR];
	struct vdispl_loop_source *done_timer;
};

static const struct vdispl_output_impl headless_impl;

static struct headless_output *headless_output(struct vdispl_output *output)
{
	return output->impl == &headless_impl ? (struct headless_output *)output : NULL;
}

/* Through the buffer's CPU view; a dma-buf's is bracketed with DMA_BUF_IOCTL_SYNC. */
static int copy_in(struct headless_output *h, struct vdispl_picture *picture)
{
	struct vdispl_pixels dst = {
		.data = h->pixels,
		.stride = h->base.width * 4,
		.width = h->base.width,
		.height = h->base.height,
		.fourcc = DRM_FORMAT_XRGB8888,
	};

	return vdispl_picture_copy(picture, &dst);
}

/*
 * Files are named after the connector and the number of flips shown so far:
 * "dom1-vdispl0-0-000050.png", and "...-000050-requested.png" for SIGUSR2.
 */
static void save_png(struct headless_output *h, bool requested)
{
	struct vdispl_output *output = &h->base;

	if (!h->enabled)
		return;
	vdispl_output_save_png(output, h->png_dir, h->flips, requested ? "-requested" : "",
			       h->pixels, output->width * 4, output->width, output->height);
}

static void headless_snapshot(struct vdispl_output *output)
{
	save_png(headless_output(output), true);
}

static void done_later(void *data)
{
	struct headless_output *h = data;

	if (!h->flip_pending)
		return;
	h->flip_pending = false;
	h->base.done(h->base.done_data);
}

static int headless_enable(struct vdispl_output *output, struct vdispl_picture *picture)
{
	struct headless_output *h = headless_output(output);
	int ret = copy_in(h, picture);

	if (ret)
		return ret;
	h->enabled = true;
	return 0;
}

static void headless_disable(struct vdispl_output *output)
{
	headless_output(output)->enabled = false;
}

static int headless_flip(struct vdispl_output *output, struct vdispl_picture *picture)
{
	struct headless_output *h = headless_output(output);
	int ret;

	if (!h->enabled || h->flip_pending)
		return -EBUSY;
	ret = copy_in(h, picture);
	if (ret)
		return ret;
	h->flips++;
	if (h->png_every && h->flips % h->png_every == 0)
		save_png(h, false);
	/* done() must come from the loop, never from inside flip(). */
	ret = vdispl_loop_timer_arm(h->done_timer, 1);
	if (ret)
		return ret;
	h->flip_pending = true;
	return 0;
}

static void headless_destroy(struct vdispl_output *output)
{
	struct headless_output *h = headless_output(output);

	vdispl_loop_remove(h->done_timer);
	free(h->pixels);
	free(h);
}

static const struct vdispl_output_impl headless_impl = {
	.name = "headless",
	.enable = headless_enable,
	.disable = headless_disable,
	.flip = headless_flip,
	.snapshot = headless_snapshot,
	.destroy = headless_destroy,
};

int vdispl_headless_output_create(const struct vdispl_output_params *params,
				  struct vdispl_output **out)
{
	struct headless_output *h = calloc(1, sizeof(*h));
	int ret;

	if (!h)
		return -ENOMEM;
	vdispl_output_init(&h->base, &headless_impl, params);
	h->pixels = calloc((size_t)params->width * params->height, 4);
	if (!h->pixels) {
		ret = -ENOMEM;
		goto err_pixels;
	}
	h->done_timer = vdispl_loop_add_timer(params->loop, done_later, h);
	if (!h->done_timer) {
		ret = -errno;
		goto err_timer;
	}
	h->png_every = params->config->png_every;
	snprintf(h->png_dir, sizeof(h->png_dir), "%s", params->config->png_dir);
	vdispl_log(INFO, h->base.tag, "headless %ux%u, PNGs in %s%s", params->width,
		   params->height, h->png_dir, h->png_every ? "" : " on SIGUSR2");
	*out = &h->base;
	return 0;

err_timer:
	free(h->pixels);
err_pixels:
	free(h);
	return ret;
}
