/* SPDX-License-Identifier: MIT */
/*
 * The thin wrapper over vdispl-dmabuf, the Dom0 kernel module that exports
 * another domain's grant references as a dma-buf (backend/kernel/). Its
 * ioctl interface, errno values included, is backend/kernel/vdispl-dmabuf.h.
 *
 * Every function returns 0 (or a value) or a negative errno; the handle's
 * fd is pollable: readable when buffers it exported have been released.
 */
#ifndef VDISPL_COMMON_DMABUF_MODULE_H
#define VDISPL_COMMON_DMABUF_MODULE_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/kernel/vdispl-dmabuf.h"

struct vdispl_dmabuf_module;

/* -ENOENT: the module is not loaded; -EACCES/-EPERM: not root. */
int vdispl_dmabuf_module_open(struct vdispl_dmabuf_module **out);
/* Buffers exported stay until released, even after close. NULL is a no-op. */
void vdispl_dmabuf_module_close(struct vdispl_dmabuf_module *m);
int vdispl_dmabuf_module_fd(const struct vdispl_dmabuf_module *m);

/*
 * Export @count references of @domid as a dma-buf. On success fills
 * @result (fd, id, bus_segments); on a refusal by Xen @result->failed and
 * @result->status say which reference and why.
 */
int vdispl_dmabuf_module_export(struct vdispl_dmabuf_module *m, uint32_t domid,
				const uint32_t *refs, uint32_t count, bool writable,
				struct vdispl_dmabuf_export *result);

/*
 * Allocate @count zeroed pages (@contiguous: one block, -EOPNOTSUPP where
 * that is not machine-contiguous, -ENOMEM when none is free), grant them to
 * @domid writable, and export them as a dma-buf: @refs gets the @count
 * grant references, @result the fd, id and bus_segments. Pages the domain
 * still maps when the dma-buf is released stay counted (stats'
 * lingering_pages) until it lets go.
 */
int vdispl_dmabuf_module_share(struct vdispl_dmabuf_module *m, uint32_t domid, uint32_t count,
			       bool contiguous, uint32_t *refs, struct vdispl_dmabuf_share *result);

/* Query dma-buf @fd; @ranges (may be NULL) gets up to @max_ranges bus ranges. */
int vdispl_dmabuf_module_query(struct vdispl_dmabuf_module *m, int fd,
			       struct vdispl_dmabuf_range *ranges, uint32_t max_ranges,
			       struct vdispl_dmabuf_query *result);

int vdispl_dmabuf_module_stats(struct vdispl_dmabuf_module *m, struct vdispl_dmabuf_stats *out);

/* Block until buffer @id is released: 0, -ETIMEDOUT, -ENOENT (not held). */
int vdispl_dmabuf_module_wait(struct vdispl_dmabuf_module *m, uint32_t id, uint32_t timeout_ms);

/*
 * Take the ids of released buffers without blocking: up to @max into @ids.
 * Returns how many (0: none).
 */
int vdispl_dmabuf_module_released(struct vdispl_dmabuf_module *m, uint32_t *ids, uint32_t max);

#endif
