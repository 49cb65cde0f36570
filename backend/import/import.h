/* SPDX-License-Identifier: MIT */
/*
 * How a guest's display buffer reaches the outputs: one implementation per
 * file behind one ops struct, probed once at start-up and chosen per
 * buffer.
 *
 *   module         our Dom0 module exports the guest's grants as a dma-buf
 *                  (zero-copy; backend/kernel/)
 *   gntdev-dmabuf  gntdev's own dma-buf export, where the kernel has it and
 *                  allows it (not in a PV Dom0) (zero-copy)
 *   copy           the grants mapped with gntdev; outputs copy the pixels
 *   module-share   be-alloc (REQ_ALLOC): our module's zeroed pages, granted
 *                  to the guest and exported as a dma-buf (zero-copy);
 *                  pages the guest keeps mapping stay counted
 *   gntalloc       be-alloc: zeroed pages from gntalloc, shared with the
 *                  guest, where the module is not there or not chosen
 *
 * A guest-allocated buffer takes the first zero-copy way that is available
 * and works for it, else copy; or the one way the configuration forces.
 * The choice and its reason are logged once per buffer.
 */
#ifndef VDISPL_BACKEND_IMPORT_H
#define VDISPL_BACKEND_IMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/log.h"

#include "backend/config.h"
#include "common/loop.h"
#include "common/xen.h"

struct vdispl_import;
struct vdispl_import_impl;

/* A guest buffer, the way one implementation got it. */
struct vdispl_import_buffer {
	const struct vdispl_import_impl *impl;
	uint32_t pages;
	void *map;	      /* CPU view of every page, NULL until vdispl_import_map_cpu() */
	int dmabuf_fd;	      /* a dma-buf of the pages, or -1 */
	uint32_t dmabuf_id;   /* the module's id for it, 0 if not the module's */
	uint32_t bus_segments; /* bus-contiguous runs of its frames, 0 if unknown */
	bool shared;	      /* ours, granted to the guest (be-alloc) */
};

/* One device's side: its grant handles and where its logs go. */
struct vdispl_import_device {
	struct vdispl_import *import;
	struct vdispl_gnttab *gnttab;
	struct vdispl_gntshr *gntshr; /* opened on the first be-alloc buffer */
	uint32_t domid;
	const char *tag;
	struct vdispl_ratelimit *guest_log; /* the device's, for what its guest causes */
	/*
	 * Export the guest's buffers writable: Mesa's llvmpipe, a Wayland
	 * compositor's renderer, maps every dma-buf it imports for reading and
	 * writing, even one it only samples, and crashes when that mapping fails.
	 */
	bool writable;
	/* The module cannot give this Dom0 contiguous blocks (a PV Dom0). */
	bool scattered_shares;
};

struct vdispl_import_impl {
	const char *name;
	/* Usable on this host? 0, or -errno with *@why saying why not. */
	int (*probe)(struct vdispl_import *import, char *why, size_t why_size);
	/*
	 * Guest-allocated: take the @pages references @grefs of the guest.
	 * Backend-allocated: allocate @pages pages, share them, fill @grefs.
	 * Returns 0 or -errno.
	 */
	int (*create)(struct vdispl_import_device *dev, uint32_t pages, vdispl_gref_t *grefs,
		      struct vdispl_import_buffer *buf);
	/* Give @buf a CPU view (buf->map). Optional: NULL if create() always maps. */
	int (*map_cpu)(struct vdispl_import_device *dev, struct vdispl_import_buffer *buf);
	/* Let go of @buf. Returns 0 or -errno (then something stays mapped). */
	int (*destroy)(struct vdispl_import_device *dev, struct vdispl_import_buffer *buf);
};

extern const struct vdispl_import_impl vdispl_import_module;
extern const struct vdispl_import_impl vdispl_import_gntdev_dmabuf;
extern const struct vdispl_import_impl vdispl_import_copy;
extern const struct vdispl_import_impl vdispl_import_gntalloc;
extern const struct vdispl_import_impl vdispl_import_module_share;

/*
 * Probe every way once; @kind forces one (its probe must pass, or -errno
 * with the reason logged). The module's release notices go through @loop.
 */
int vdispl_import_create(enum vdispl_import_kind kind, struct vdispl_loop *loop,
			 struct vdispl_import **out);
void vdispl_import_destroy(struct vdispl_import *import);

/*
 * Get buffer @name (for the log) of @pages pages: the guest's @grefs, or for
 * @backend_alloc ours, whose references fill @grefs. Returns 0 or -errno.
 */
int vdispl_import_buffer_create(struct vdispl_import_device *dev, const char *name,
				bool backend_alloc, uint32_t pages, vdispl_gref_t *grefs,
				struct vdispl_import_buffer *buf);

/* Make buf->map valid (a second mapping for dma-buf imports). Returns 0 or -errno. */
int vdispl_import_map_cpu(struct vdispl_import_device *dev, struct vdispl_import_buffer *buf);

/* Let go; a dma-buf's grants stay mapped until its importers let go too. */
int vdispl_import_buffer_destroy(struct vdispl_import_device *dev,
				 struct vdispl_import_buffer *buf);

/* For the status line. */
struct vdispl_import_stats {
	uint64_t zero_copy_buffers; /* live buffers with a dma-buf */
	uint64_t dma_segments;	    /* their bus segments */
	uint64_t module_pages;	    /* guest pages the module maps for us (until released) */
	uint64_t module_remapped;   /* second mappings of them: vmaps, our mmaps */
	uint64_t module_releases;   /* buffers the module reported released */
	uint64_t module_shared;	    /* our pages the module shares with guests (be-alloc) */
	uint64_t module_lingering;  /* of released be-alloc buffers, still mapped by guests */
};
void vdispl_import_stats(struct vdispl_import *import, struct vdispl_import_stats *out);

/* For implementations: the module's handle, or NULL when it is not usable. */
struct vdispl_dmabuf_module *vdispl_import_module_handle(struct vdispl_import *import);

#endif
