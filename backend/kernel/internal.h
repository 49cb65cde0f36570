/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DOC: vdispl-dmabuf internals
 *
 * A context is one open file of the misc device. A buffer is one export:
 * a domain's grant references mapped into Dom0 pages, wrapped in a dma-buf.
 * The buffer lives until the dma-buf is released (the last fd, importer and
 * CPU mapping gone); it keeps its context alive until then, and the dma-buf
 * core keeps the module loaded. A shared buffer (SHARE) is Dom0's own pages
 * granted to a domain; released while the domain still maps some of them,
 * it lingers on share.c's list, keeping its context, until those are free.
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
	u64 pages_live;	     /* pages held for it: its buffers, their second mappings, and
			      * lingering shared pages */
	u64 pages_remapped;  /* of which second mappings (vmap, mmap) */
	u64 pages_shared;    /* of which live shared buffers' pages */
	u64 pages_lingering; /* of which released shared pages a domain still maps */
	wait_queue_head_t released_wait;
	DECLARE_KFIFO(released, u32, VDISPL_DMABUF_RELEASED_FIFO);
};

struct vdispl_dmabuf_buffer {
	struct vdispl_dmabuf_context *ctx;
	struct list_head link; /* in ctx->buffers; once released, on the lingering list */
	struct dma_buf *dmabuf;
	u32 id;
	u32 domid;
	u32 count;
	u32 flags;   /* VDISPL_DMABUF_*; SHARED: the pages are ours, granted to @domid */
	grant_ref_t *refs;
	struct page **pages; /* shared: NULL once its grant has ended */
	struct page *block;  /* shared, CONTIGUOUS: the block of all pages, until freed */
	dma_addr_t block_dma; /* what freeing @block needs back */
	grant_handle_t *handles; /* of the Dom0 mapping (not shared) */
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
/*
 * For both kinds: whether a request for @count pages of @domid with @flags
 * (of @known) may go on, then the new buffer of @ctx, and what makes it a
 * dma-buf.
 */
bool vdispl_dmabuf_request_ok(u32 count, u32 flags, u32 known, u32 domid);
struct vdispl_dmabuf_buffer *vdispl_dmabuf_buffer_alloc(struct vdispl_dmabuf_context *ctx,
							u32 domid, u32 count, u32 flags);
void vdispl_dmabuf_buffer_free(struct vdispl_dmabuf_buffer *buf);
void vdispl_dmabuf_translate(struct vdispl_dmabuf_buffer *buf);
int vdispl_dmabuf_publish(struct vdispl_dmabuf_buffer *buf, struct dma_buf **out);
int vdispl_dmabuf_query(struct vdispl_dmabuf_query *args,
			struct vdispl_dmabuf_range __user *ranges);
void vdispl_dmabuf_context_put(struct vdispl_dmabuf_context *ctx);

/* share.c */
int vdispl_dmabuf_share(struct vdispl_dmabuf_context *ctx, struct vdispl_dmabuf_share *args,
			u32 __user *refs, struct dma_buf **dmabuf);
/*
 * End the grants of released shared buffer @buf and free what the domain
 * no longer maps. Returns how many pages it still maps: then @buf lingers,
 * and share.c frees it (vdispl_dmabuf_buffer_free) once they are free.
 */
u32 vdispl_dmabuf_unshare(struct vdispl_dmabuf_buffer *buf);
void vdispl_dmabuf_linger(struct vdispl_dmabuf_buffer *buf);
/* Module init and exit: the allocator of contiguous blocks; at exit, what
 * still lingers goes to the kernel's own deferred list. */
int vdispl_dmabuf_share_init(void);
void vdispl_dmabuf_share_exit(void);

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
