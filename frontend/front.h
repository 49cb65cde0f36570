/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * DOC: vdispl-front
 *
 * vdispl's DomU display driver for Xen's para-virtual display protocol
 * (displif v2): a DRM/KMS device per xenbus "vdispl" device, one CRTC,
 * primary plane and virtual connector per displif connector.
 *
 * Buffers are allocated as contiguous for the device as the platform
 * allows (CMA through the DMA API, 2 MiB blocks in an x86 PV guest), zeroed
 * and granted to the backend; their grants are revoked only once the
 * backend has unmapped them. Flips complete on the backend's PG_FLIP event.
 *
 * Everything here shares the vdispl_front_ prefix; the wire encoding and
 * checks are protocol/'s pure code, shared with the user-space backend.
 */
#ifndef VDISPL_FRONT_H
#define VDISPL_FRONT_H

#include <linux/completion.h>
#include <linux/hrtimer.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include <drm/drm_connector.h>
#include <drm/drm_device.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem.h>
#include <drm/drm_simple_kms_helper.h>

#include <xen/grant_table.h>
#include <xen/xenbus.h>
#include <xen/interface/io/ring.h>

#include "common/kernel/grant-ptes.h"
#include "protocol/displif.h"
#include "protocol/edid-modes.h"
#include "protocol/xenstore-value.h"

#define VDISPL_FRONT_NAME "vdispl"
/* displif has no limit; a DomU rarely wants more than a car's screens. */
#define VDISPL_FRONT_MAX_CONNECTORS 16
/* How long a request may wait for its response (the mainline frontend's). */
#define VDISPL_FRONT_REQ_TIMEOUT_MS 3000
/* A flip the backend never reports done completes on its own after this. */
#define VDISPL_FRONT_FLIP_TIMEOUT_MS 1000

struct vdispl_front_info;

struct vdispl_front_connector_cfg {
	u32 width;
	u32 height;
	char unique_id[VDISPL_UNIQUE_ID_MAX + 1];
};

struct vdispl_front_cfg {
	unsigned int num_connectors;
	bool be_alloc;
	struct vdispl_front_connector_cfg connectors[VDISPL_FRONT_MAX_CONNECTORS];
};

/* One connector's two channels: requests with responses, and events. */
struct vdispl_front_ring {
	struct vdispl_front_info *front;
	unsigned int index;

	struct xen_displif_front_ring req;
	grant_ref_t req_gref;
	evtchn_port_t req_port;
	int req_irq;
	/* One request in flight per ring, as on the mainline frontend. */
	struct mutex call_lock;
	spinlock_t resp_lock;
	struct completion resp_done;
	u16 req_id;
	bool waiting;
	int resp_status;
	u32 resp_edid_sz;

	struct xendispl_event_page *evt_page;
	grant_ref_t evt_gref;
	evtchn_port_t evt_port;
	int evt_irq;
	u32 evt_cons;

	bool connected;
};

/* Where a buffer's memory came from. */
enum vdispl_front_mem {
	VDISPL_FRONT_MEM_DMA,      /* one dma_alloc_pages() run (CMA) */
	VDISPL_FRONT_MEM_BLOCKS,   /* 2 MiB (or smaller) buddy blocks, split */
	VDISPL_FRONT_MEM_PAGES,    /* scattered pages: the fallback */
	VDISPL_FRONT_MEM_IMPORTED, /* another driver's dma-buf */
	VDISPL_FRONT_MEM_BACKEND,  /* the backend's pages, mapped (be-alloc) */
};

/* A buffer shared with the backend: its grants and page directory. */
struct vdispl_front_shbuf {
	unsigned int num_pages;
	bool be_alloc;               /* @grefs are the backend's, never ours to end */
	grant_ref_t *grefs;          /* one per page */
	unsigned int num_dir_pages;
	struct page **dir_pages;
	grant_ref_t *dir_grefs;
	struct gnttab_map_grant_ref *map_ops;     /* be-alloc only */
	struct gnttab_unmap_grant_ref *unmap_ops; /* be-alloc only */
};

struct vdispl_front_bo {
	struct drm_gem_object base;
	struct vdispl_front_info *front; /* a reference: it may outlive the device */
	enum vdispl_front_mem mem;
	unsigned int num_pages;
	struct page **pages;
	/* MEM_DMA: what dma_free_pages() wants back */
	dma_addr_t dma_addr;
	/* MEM_IMPORTED */
	struct sg_table *sgt;
	void *vaddr;
	struct vdispl_grant_ptes *vmap_ptes; /* MEM_BACKEND in a PV guest */
	unsigned int vmap_count;
	struct mutex lock;

	/* The displif buffer: cookie 0 until DBUF_CREATE succeeded. */
	u64 dbuf_cookie;
	u32 generation; /* the connection the buffer was created on */
	u32 width, height, bpp, pitch, data_ofs;
	struct vdispl_front_shbuf shbuf;

	struct list_head node; /* in front->bos, for debugfs */
};

struct vdispl_front_fb {
	struct drm_framebuffer base;
	u64 fb_cookie;
	u32 generation;
};

struct vdispl_front_pipeline {
	struct vdispl_front_drm *drm;
	unsigned int index;
	struct drm_simple_display_pipe pipe;
	struct drm_connector connector;
	u32 width, height;

	/* GET_EDID's answer, checked; NULL when the backend gave none */
	u8 *edid;
	u32 edid_size;
	struct vdispl_edid_timing timings[VDISPL_EDID_MAX_TIMINGS];
	int num_timings;

	/* The flip waiting for the backend's PG_FLIP event (drm->event_lock). */
	struct drm_pending_vblank_event *pending_event;
	u64 pending_cookie;
	struct delayed_work flip_timeout;

	/* vblank ticks between flips, at the mode's rate */
	struct hrtimer vblank_timer;
	ktime_t vblank_period;
};

struct vdispl_front_drm {
	struct drm_device *dev;
	struct vdispl_front_info *front;
	struct vdispl_front_pipeline pipelines[VDISPL_FRONT_MAX_CONNECTORS];
	unsigned int num_pipelines;
};

struct vdispl_front_info {
	/* The xenbus device's, and one per buffer: buffers may outlive remove(). */
	struct kref ref;
	struct xenbus_device *xb_dev; /* NULL once removed */
	domid_t backend_id;
	struct vdispl_front_cfg cfg;
	struct vdispl_front_ring rings[VDISPL_FRONT_MAX_CONNECTORS];
	/* Set while connected: the DRM device and its parent */
	struct platform_device *pdev;
	struct vdispl_front_drm *drm;
	/* Each connection gets a new one: cookies of an older one are dead. */
	u32 generation;
	atomic64_t next_cookie;

	/* Every buffer, for debugfs */
	struct mutex bos_lock;
	struct list_head bos;
	struct dentry *debugfs;
	bool warned_scattered;
};

static inline struct vdispl_front_bo *to_vdispl_front_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct vdispl_front_bo, base);
}

static inline struct vdispl_front_fb *to_vdispl_front_fb(struct drm_framebuffer *fb)
{
	return container_of(fb, struct vdispl_front_fb, base);
}

/* config.c */
int vdispl_front_cfg_read(struct vdispl_front_info *front);

/* ring.c */
int vdispl_front_rings_create(struct vdispl_front_info *front);
int vdispl_front_rings_publish(struct vdispl_front_info *front);
void vdispl_front_rings_set_connected(struct vdispl_front_info *front, bool connected);
void vdispl_front_rings_destroy(struct vdispl_front_info *front);
int vdispl_front_call(struct vdispl_front_ring *ring, struct xendispl_req *req, u32 *edid_sz);

/* shbuf.c */
int vdispl_front_shbuf_grant(struct vdispl_front_info *front, struct vdispl_front_shbuf *buf,
			     struct page **pages, unsigned int num_pages, bool be_alloc);
int vdispl_front_shbuf_map(struct vdispl_front_info *front, struct vdispl_front_shbuf *buf,
			   struct page **pages);
void vdispl_front_shbuf_unmap(struct vdispl_front_shbuf *buf, struct page **pages);
void vdispl_front_shbuf_end(struct vdispl_front_shbuf *buf, struct page **pages, bool give_pages,
			    bool *leaked);

/* alloc.c */
int vdispl_front_alloc(struct vdispl_front_info *front, struct device *dma_dev,
		       struct vdispl_front_bo *bo);
void vdispl_front_alloc_free(struct device *dma_dev, struct vdispl_front_bo *bo, bool leaked);
unsigned int vdispl_front_runs(struct vdispl_front_bo *bo, bool machine,
			       void (*emit)(void *ctx, unsigned long start, unsigned int len),
			       void *ctx);
const char *vdispl_front_mem_name(enum vdispl_front_mem mem);

/* gem.c */
extern const struct drm_gem_object_funcs vdispl_front_bo_funcs;
int vdispl_front_dumb_create(struct drm_file *file, struct drm_device *dev,
			     struct drm_mode_create_dumb *args);
struct drm_gem_object *vdispl_front_import_sg_table(struct drm_device *dev,
						     struct dma_buf_attachment *attach,
						     struct sg_table *sgt);
int vdispl_front_prime_mmap(struct drm_gem_object *obj, struct vm_area_struct *vma);
struct drm_framebuffer *vdispl_front_fb_create(struct drm_device *dev, struct drm_file *file,
					       const struct drm_mode_fb_cmd2 *cmd);

/* kms.c */
int vdispl_front_kms_init(struct vdispl_front_drm *drm);
void vdispl_front_kms_flip_done(struct vdispl_front_info *front, unsigned int index, u64 cookie);
void vdispl_front_kms_fini(struct vdispl_front_drm *drm);

/* edid.c */
void vdispl_front_edid_fetch(struct vdispl_front_info *front,
			     struct vdispl_front_pipeline *pipeline);
int vdispl_front_edid_modes(struct vdispl_front_pipeline *pipeline);

/* debugfs.c */
void vdispl_front_debugfs_init(struct vdispl_front_info *front);
void vdispl_front_debugfs_fini(struct vdispl_front_info *front);

/* drv.c: a request on connector @index's ring; -ENODEV once disconnected */
int vdispl_front_request(struct vdispl_front_info *front, unsigned int index,
			 struct xendispl_req *req);
u64 vdispl_front_new_cookie(struct vdispl_front_info *front);
void vdispl_front_get(struct vdispl_front_info *front);
void vdispl_front_put(struct vdispl_front_info *front);

#endif
