/* SPDX-License-Identifier: MIT */
/*
 * Where a guest connector's picture goes: one ops struct, one implementation
 * per folder (kms/, headless/), picked by name at run time.
 *
 * An output shows pictures of the connector's size. The caller (the
 * connector) serialises flips: it never calls flip() while one is pending,
 * and the output calls done() exactly once per accepted flip, later, from
 * the event loop, never from inside flip().
 *
 * A picture is a guest framebuffer. An output that can scan out its
 * dma-buf directly (zero-copy) may keep using it until forget() says the
 * framebuffer is going away; otherwise it copies the picture during the
 * call (the copy path), and the guest may reuse its buffer once done() ran.
 */
#ifndef VDISPL_BACKEND_OUTPUT_H
#define VDISPL_BACKEND_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/config.h"
#include "backend/output/kinds.h"
#include "common/loop.h"
#include "common/pixel.h"

struct vdispl_png_writer;

struct vdispl_output;

typedef void (*vdispl_output_done_fn)(void *data);

/* A guest framebuffer, and the part of it SET_CONFIG makes visible. */
struct vdispl_picture {
	uint64_t key;		/* which framebuffer; stable until forget() */
	struct vdispl_pixels fb; /* all of it; .data is NULL until mapped */
	uint32_t x, y;		/* the visible part starts here */
	int dmabuf_fd;		/* its buffer as a dma-buf, or -1 */
	uint64_t dmabuf_offset; /* of fb's first pixel in that dma-buf */
	/* Map fb.data for the CPU: 0 or -errno. */
	int (*map)(void *map_data, struct vdispl_pixels *fb);
	void *map_data;
	/* The backend's own pixels (a layout's composition), not a guest's: copies go uncounted. */
	bool backend_owned;
};

/*
 * Where the visible part starts: (x, y), or 0 on a side it is out of range
 * of, x made even for formats whose pixel pairs share chroma.
 */
void vdispl_picture_origin(const struct vdispl_picture *picture, uint32_t *x, uint32_t *y);

/* The visible part's pixels, mapping the buffer if needed. Returns 0 or -errno. */
int vdispl_picture_pixels(struct vdispl_picture *picture, struct vdispl_pixels *out);

/*
 * Copy the visible part into @dst (top-left), through the CPU view: with a
 * dma-buf, bracketed by DMA_BUF_IOCTL_SYNC so the exporter keeps caches
 * right. Counted in vdispl_output_bytes_copied(). Returns 0 or -errno.
 */
int vdispl_picture_copy(struct vdispl_picture *picture, const struct vdispl_pixels *dst);

/* Octets outputs copied out of guest buffers since start (not of backend-owned pictures). */
uint64_t vdispl_output_bytes_copied(void);

struct vdispl_output_impl {
	const char *name;
	/*
	 * Show @picture from now on, setting the display mode first if it is
	 * off. Synchronous. Returns 0 or -errno.
	 */
	int (*enable)(struct vdispl_output *output, struct vdispl_picture *picture);
	/* Turn the display off; nothing of the guest's stays on screen. */
	void (*disable)(struct vdispl_output *output);
	/*
	 * Have @picture shown at the next refresh; done() follows when it is.
	 * Returns 0 or -errno (then done() is not called).
	 */
	int (*flip)(struct vdispl_output *output, struct vdispl_picture *picture);
	/*
	 * Framebuffer @key is going away: let go of whatever was kept for it.
	 * Optional. What is on screen may stay there until the next flip.
	 */
	void (*forget)(struct vdispl_output *output, uint64_t key);
	/* Save what is shown now as a PNG (headless; KMS with writeback). Optional. */
	void (*snapshot)(struct vdispl_output *output);
	void (*destroy)(struct vdispl_output *output);
};

/* The part every output embeds first. */
struct vdispl_output {
	const struct vdispl_output_impl *impl;
	uint32_t width;  /* the guest connector's resolution */
	uint32_t height;
	vdispl_output_done_fn done;
	void *done_data;
	struct vdispl_png_writer *png_writer;
	/* Flips done without reaching the screen (no window, no compositor, or it was late). */
	uint64_t unshown_flips;
	bool png_drop_logged; /* the first picture the writer dropped is logged */
	char tag[64];
};

struct vdispl_output_params {
	const struct vdispl_output_config *config;
	struct vdispl_loop *loop;
	uint32_t width;
	uint32_t height;
	const char *tag; /* for logs and file names: "dom1/vdispl0/0" */
	const char *title; /* for people: "<guest name> <connector unique-id>" */
	vdispl_output_done_fn done;
	void *done_data;
	struct vdispl_png_writer *png_writer; /* NULL: built without libpng */
};

/*
 * Create the output @params->config names. Returns 0 or -errno (-ENODEV: no
 * free display; -ENOTSUP: an output this build lacks).
 */
int vdispl_output_create(const struct vdispl_output_params *params, struct vdispl_output **out);

/* NULL is a no-op. */
void vdispl_output_destroy(struct vdispl_output *output);

/* For implementations: fill the embedded base from @params. */
void vdispl_output_init(struct vdispl_output *output, const struct vdispl_output_impl *impl,
			const struct vdispl_output_params *params);

/*
 * Save a PNG of @output's pixels (XRGB8888, @stride octets a row, the
 * output's size unless @width x @height say otherwise) as
 * "<dir>/<tag with - for />-<count><suffix>.png", e.g.
 * "shots/dom1-vdispl0-0-000050-requested.png". The pixels are copied and
 * written by the PNG writer's thread, which logs "wrote <path>". Returns 0,
 * -EBUSY when the writer is too far behind (the picture is dropped), or
 * another negative errno; failures are logged here.
 */
int vdispl_output_save_png(struct vdispl_output *output, const char *dir, uint64_t count,
			   const char *suffix, const void *pixels, uint32_t stride, uint32_t width,
			   uint32_t height);


#endif
