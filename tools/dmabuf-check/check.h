/* SPDX-License-Identifier: MIT */
/* vdispl-dmabuf-check's parts: each prints "<what> key=value ..." lines. */
#ifndef VDISPL_DMABUF_CHECK_H
#define VDISPL_DMABUF_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "common/dmabuf-module.h"

/* One buffer a guest's vdispl-grant-test module granted. */
struct granted_buffer {
	uint32_t index;
	char kind[16];
	uint32_t pages;
	uint32_t machine_runs; /* the guest's own count */
	uint32_t *refs;
};

/* guest.c */
int check_guest(uint32_t domid, bool edu, bool misuse);
/* Export buffer 0 and hold it until SIGTERM, then check it is still the guest's. */
int check_hold(uint32_t domid);
/* frames: at most this many buffers, each exported once. */
#define FRAMES_MAX_BUFFERS 8u
/*
 * Export every buffer once, then @frames times have the guest redraw them,
 * check each one's CPU view and have the edu device DMA one of them, in
 * turn: "frame" lines, and per buffer B "frame-cpu-B" and "frame-edu-B"
 * lines, indexed by frame.
 */
int check_frames(uint32_t domid, uint32_t frames);

/*
 * The edu device DMAs every segment of dma-buf @fd, imported for itself or
 * for a device no driver set DMA up for (VDISPL_EDU_IMPORTER_*); one line
 * "<what>[-unbound] <index> result=... dma_segments=... mismatches=...".
 */
void check_edu(const char *what, int fd, uint32_t index, uint32_t importer);

/* share.c: Dom0's own pages granted to @domid (be-alloc), one contiguous block. */
int check_share(uint32_t domid, uint32_t pages);

/* misuse.c: refusals, caps and a partial failure, with @buf's references. */
int check_misuse(struct vdispl_dmabuf_module *m, uint32_t domid, const struct granted_buffer *buf);

/* report.c */
const char *errno_name(int neg_errno);
int fail_errno(int neg_errno, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
