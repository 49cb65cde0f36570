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
 * Pictures are read during the call only: the output copies them (this is
 * the copy path), so the guest may reuse its buffer once done() ran.
 */
#ifndef VDISPL_BACKEND_OUTPUT_H
#define VDISPL_BACKEND_OUTPUT_H

#include <stdint.h>

#include "config.h"
#include "loop.h"
#include "pixel.h"

struct vdispl_output;

typedef void (*vdispl_output_done_fn)(void *data);

struct vdispl_output_impl {
	const char *name;
	/*
	 * Show @picture from now on, setting the display mode first if it is
	 * off. Synchronous. Returns 0 or -errno.
	 */
	int (*enable)(struct vdispl_output *output, const struct vdispl_pixels *picture);
	/* Turn the display off. */
	void (*disable)(struct vdispl_output *output);
	/*
	 * Copy @picture and have it shown at the next refresh; done() follows
	 * when it is. Returns 0 or -errno (then done() is not called).
	 */
	int (*flip)(struct vdispl_output *output, const struct vdispl_pixels *picture);
	/* Save what is shown now (headless: a PNG). Optional. */
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
	char tag[64];
};

struct vdispl_output_params {
	const struct vdispl_output_config *config;
	struct vdispl_loop *loop;
	uint32_t width;
	uint32_t height;
	const char *tag; /* for logs and file names: "dom1/vdispl0/0" */
	vdispl_output_done_fn done;
	void *done_data;
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

/* "kms", "headless". */
const char *vdispl_output_kind_name(enum vdispl_output_kind kind);

#endif
