/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DOC: vdispl-dmabuf internals
 *
 * A context is one open file of the misc device. A buffer is one export:
 * a domain's grant references mapped into Dom0 pages, wrapped in a dma-buf.
 * The buffer lives until the dma-buf is released (the last fd, importer and
 * CPU mapping gone); it keeps its context alive until then, and the dma-buf
 * core keeps the module loaded.
 */
#ifndef VDISPL_DMABUF_INTERNAL_H
#define VDISPL_DMABUF_INTERNAL_H

#include <linux/dma-buf.h>
#include <linux/kfifo.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <xen/grant_table.h>

#include "common/kernel/grant-ptes.h"
#include "vdispl-dmabuf.h"

/* Released ids a context keeps until read(); older ones are dropped beyond. */
#define VDISPL_DMABUF_RELEASED_FIFO 1024

struct vdispl_dmabuf_context {
	struct kref ref; /* the open file and each live buffer */
	spinlock_t lock; /* what follows; never held across anything that sleeps */
	struct list_head buffers; /* live */
	u32 buffers_live;
	u64 pages_live;	    /* pages mapped for it: its buffers and their second mappings */
	u64 pages_remapped; /* of which second mappings (vmap, mmap) */
	wait_queue_head_t released_wait;
	DECLARE_KFIFO(released, u32, VDISPL_DMABUF_RELEASED_FIFO);
};

struct vdispl_dmabuf_buffer {
	struct vdispl_dmabuf_context *ctx;
	struct list_head link; /* in ctx->buffers */
	struct dma_buf *dmabuf;
	u32 id;
	u32 domid;
	u32 count;
	u32 flags;
	grant_ref_t *refs;
	struct page **pages;
	grant_handle_t *handles; /* of the Dom0 mapping */
	u64 *dev_bus_addr;	 /* what Xen's map op returned, for the unmap */
	u64 *bus;		 /* each page's bus address through the p2m */
	u32 bus_segments;

	struct mutex lock; /* what follows */
	struct list_head attachments;
	u32 num_attachments;
	u32 dma_segments;
	void *vmap; /* made on the first vmap, kept until release */
	struct vdispl_grant_ptes *vmap_ptes; /* what undoes it (PV) */
	u32 vmap_users;
	u32 mmaps;
	u32 cpu_accesses;
};

/* buffer.c */
/*
 * Take @count pages from @ctx's cap (-ENOSPC if they do not fit), or give
 * them back; @remap: for a second mapping of a buffer's grants.
 */
int vdispl_dmabuf_reserve(struct vdispl_dmabuf_context *ctx, u32 count, bool remap);
void vdispl_dmabuf_unreserve(struct vdispl_dmabuf_context *ctx, u32 count, bool remap);
bool vdispl_dmabuf_holds(struct vdispl_dmabuf_context *ctx, u32 id);
int vdispl_dmabuf_export(struct vdispl_dmabuf_context *ctx,
			 struct vdispl_dmabuf_export *args, const u32 __user *refs,
			 struct dma_buf **dmabuf);
void vdispl_dmabuf_release(struct vdispl_dmabuf_buffer *buf);
int vdispl_dmabuf_query(struct vdispl_dmabuf_query *args,
			struct vdispl_dmabuf_range __user *ranges);
void vdispl_dmabuf_context_put(struct vdispl_dmabuf_context *ctx);

/* dmabuf.c */
extern const struct dma_buf_ops vdispl_dmabuf_ops;

/* remap.c */
int vdispl_dmabuf_vmap(struct dma_buf *dmabuf, struct iosys_map *map);
void vdispl_dmabuf_vunmap(struct dma_buf *dmabuf, struct iosys_map *map);
/* At release: take the kept kernel mapping down. */
void vdispl_dmabuf_vmap_release(struct vdispl_dmabuf_buffer *buf);
int vdispl_dmabuf_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma);

/* main.c: module parameters */
extern unsigned int vdispl_dmabuf_max_buffer_pages;
extern unsigned int vdispl_dmabuf_max_file_pages;

#endif
