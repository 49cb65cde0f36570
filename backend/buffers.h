/* SPDX-License-Identifier: MIT */
/*
 * A device's display buffers (dbufs: guest pages, the way backend/import/
 * got them) and the framebuffers attached to them (fbs: a format and size
 * over a dbuf).
 *
 * Everything a guest shares is reached through a page directory it also
 * shares; the walk copies each directory page out before reading it and is
 * bounded by the buffer size (common/grant-directory.h).
 *
 * With be-alloc (REQ_ALLOC) the backend allocates the buffer instead:
 * zeroed pages from gntalloc, granted to the guest, their references
 * written into the directory the guest provides.
 */
#ifndef VDISPL_BACKEND_BUFFERS_H
#define VDISPL_BACKEND_BUFFERS_H

#include <stdint.h>

#include "backend/config.h"
#include "backend/import/import.h"
#include "common/list.h"
#include "backend/output/output.h"
#include "common/pixel.h"
#include "protocol/request.h"
#include "common/xen.h"

struct vdispl_buffers;

struct vdispl_dbuf {
	struct vdispl_list link; /* in vdispl_buffers.dbufs */
	struct vdispl_buffers *bufs;
	struct vdispl_dbuf_create params;
	struct vdispl_import_buffer mem;
};

struct vdispl_fb {
	struct vdispl_list link; /* in vdispl_buffers.fbs */
	struct vdispl_fb_attach params;
	struct vdispl_dbuf *dbuf;
	uint32_t stride;
};

/* What every device's buffers together hold, against the daemon-wide caps. */
struct vdispl_buffer_totals {
	uint64_t buffers;
	uint64_t pages;
	uint32_t max_buffers;
	uint32_t max_pages;
};

/* What buffers of one device share. */
struct vdispl_buffers {
	struct vdispl_import_device import;   /* handles, domid, log tag */
	const struct vdispl_limits *limits;   /* the device's caps */
	struct vdispl_buffer_totals *totals; /* the daemon's */
	uint64_t pages;			      /* of its dbufs now */
	uint32_t num_dbufs;
	uint32_t num_fbs;
	struct vdispl_list dbufs;
	struct vdispl_list fbs;
};

/* Ready an embedded vdispl_buffers for use (its lists empty). */
void vdispl_buffers_init(struct vdispl_buffers *bufs);

/*
 * DBUF_CREATE. Returns 0 or -errno: -ENOSPC past the device's or the
 * daemon's cap on buffers, -ENOMEM past a cap on pages.
 */
int vdispl_dbuf_create(struct vdispl_buffers *bufs, const struct vdispl_dbuf_create *params);
/* DBUF_DESTROY: also detaches its framebuffers, calling @fb_gone for each. */
int vdispl_dbuf_destroy(struct vdispl_buffers *bufs, uint64_t cookie,
			void (*fb_gone)(void *data, uint64_t fb_cookie), void *data);

/* FB_ATTACH / FB_DETACH. Return 0 or -errno (-ENOSPC past max-framebuffers). */
int vdispl_fb_attach(struct vdispl_buffers *bufs, const struct vdispl_fb_attach *params);
int vdispl_fb_detach(struct vdispl_buffers *bufs, uint64_t cookie);
struct vdispl_fb *vdispl_fb_find(struct vdispl_buffers *bufs, uint64_t cookie);

/* Unmap and forget everything: a disconnect. */
void vdispl_buffers_release_all(struct vdispl_buffers *bufs);

/* Release_all, then close the handles. */
void vdispl_buffers_finish(struct vdispl_buffers *bufs);

/* CPU time and pages of every successful DBUF_CREATE so far, all devices. */
void vdispl_buffers_create_cost(uint64_t *us, uint64_t *pages);

/* Counts for the status line. */
void vdispl_buffers_count(const struct vdispl_buffers *bufs, unsigned int *dbufs,
			  unsigned int *fbs);

/*
 * Framebuffer @fb as outputs see it, its visible part from (@x, @y) on
 * (SET_CONFIG's offset; out of range: 0).
 */
void vdispl_fb_picture(struct vdispl_fb *fb, uint32_t x, uint32_t y,
		       struct vdispl_picture *picture);

/*
 * GET_EDID: write @edid (@size octets) at the start of the guest buffer of
 * @num_grefs pages described by the directory at @first. Returns 0 or
 * -errno.
 */
int vdispl_buffers_write_edid(struct vdispl_buffers *bufs, grant_ref_t first, uint32_t num_grefs,
			      const void *edid, uint32_t size);

#endif
