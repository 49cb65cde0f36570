/* SPDX-License-Identifier: MIT */
/*
 * PNG files written by a thread of their own. Encoding a large picture takes
 * long enough (a second and more at 4096x4096 under emulation) to stall every
 * guest the backend's one loop serves, so outputs hand the writer a copy of
 * the pixels and go on. Pictures wait in a bounded queue: per submitter
 * (tag: one output) and in octets over all, so that every output's
 * pictures of one moment are written, yet a guest flipping faster than PNGs
 * can be written never grows the backend's memory. Beyond that a picture is
 * dropped and counted.
 */
#ifndef VDISPL_COMMON_PNG_WRITER_H
#define VDISPL_COMMON_PNG_WRITER_H

#include <stddef.h>
#include <stdint.h>

struct vdispl_png_writer;

/* Pictures of one tag waiting to be written, beyond the one being written. */
#define VDISPL_PNG_WRITER_QUEUE 2
/* Octets of pixels held over every tag: 8 pictures of 4096x4096. */
#define VDISPL_PNG_WRITER_MAX_BYTES (8ull * 4096 * 4096 * 4)

/* Start the writer's thread. Returns 0 or a negative errno. */
int vdispl_png_writer_create(struct vdispl_png_writer **out);

/*
 * Queue @height rows of @width XRGB8888 pixels, @stride octets apart, for
 * @path; they are copied before this returns. The writer logs "wrote <path>"
 * or the failure under @tag once the file is there. Returns 0, -EBUSY when
 * VDISPL_PNG_WRITER_QUEUE pictures of @tag already wait or the pictures held
 * would pass VDISPL_PNG_WRITER_MAX_BYTES (the picture is dropped and
 * counted), or another negative errno.
 */
int vdispl_png_writer_submit(struct vdispl_png_writer *writer, const char *tag,
			     const char *path, const void *pixels, uint32_t stride,
			     uint32_t width, uint32_t height);

/* Pictures written and dropped so far. */
uint64_t vdispl_png_writer_written(struct vdispl_png_writer *writer);
uint64_t vdispl_png_writer_dropped(struct vdispl_png_writer *writer);

/* Write what waits, then stop the thread. NULL is a no-op. */
void vdispl_png_writer_destroy(struct vdispl_png_writer *writer);

#endif
