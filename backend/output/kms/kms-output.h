/* SPDX-License-Identifier: MIT */
/*
 * The KMS output's own parts, shared by its files: kms.c (displays, modes,
 * commits, the output ops), kms-import.c (guest dma-bufs scanned out as
 * they are) and kms-writeback.c (capture through a writeback connector).
 */
#ifndef VDISPL_KMS_OUTPUT_H
#define VDISPL_KMS_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

#include <xf86drmMode.h>

#include "backend/output/kms/kms-device.h"
#include "common/log.h"
#include "backend/output/output.h"
#include "common/list.h"

/* Double buffering on the copy path: the next picture goes into the one not shown. */
#define KMS_BUFFERS 2

/* A dumb buffer with its framebuffer and CPU mapping. */
struct kms_buffer {
	uint32_t handle;
	uint32_t fb_id;
	uint32_t pitch;
	uint64_t size;
	void *map;
};

/* A plane's atomic properties. */
struct kms_plane_props {
	uint32_t fb_id, crtc_id;
	uint32_t src_x, src_y, src_w, src_h;
	uint32_t crtc_x, crtc_y, crtc_w, crtc_h;
};

struct kms_props {
	uint32_t crtc_mode_id, crtc_active;
	uint32_t conn_crtc_id;
	struct kms_plane_props plane; /* the primary's */
};

/* What of a framebuffer a plane shows (whole pixels), and where on the display. */
struct kms_plane_rect {
	uint32_t src_x, src_y, w, h;
	uint32_t x, y;
};

/*
 * A plane above the primary that every atomic commit of the output sets
 * too: a region of a layout (kms-screen.c) on a plane of its own.
 */
struct kms_layer {
	uint32_t plane_id;
	struct kms_plane_props props;
	uint32_t fb_id; /* 0: the plane is off */
	struct kms_plane_rect rect;
};

/* A guest framebuffer imported from its dma-buf: zero-copy. */
struct kms_import {
	struct vdispl_list link; /* in kms_scanout.imports */
	uint64_t key;	 /* the picture's key */
	uint32_t handle; /* GEM handle of the dma-buf; shared by imports of one buffer */
	uint32_t fb_id;	 /* 0: the driver refused it, the picture is copied */
	bool committed;	 /* the driver took it in a commit once */
	bool forgotten;	 /* the guest let go; removed once off screen */
};

/*
 * The guest framebuffers imported for one plane, and which of them it
 * shows: a KMS output's primary, or a layout region's own plane.
 */
struct kms_scanout {
	struct vdispl_kms_device *dev;
	const char *tag;	    /* for logs */
	struct vdispl_list imports; /* struct kms_import.link */
	uint32_t shown_fb;	    /* on screen now (0: nothing) */
	uint32_t pending_fb;	    /* of the commit in flight */
	uint32_t next_fb;	    /* taken for the next commit (a layout's region) */
};

/* The writeback connector of our CRTC, where the device has one. */
struct kms_writeback {
	uint32_t connector_id; /* 0: none */
	uint32_t prop_crtc_id, prop_fb_id, prop_out_fence;
	bool alone; /* the display connector must leave the CRTC while it captures */
};

struct kms_output {
	struct vdispl_output base; /* first: the output ops reach us through it */
	struct vdispl_kms_device *dev;
	uint32_t connector_id;
	uint32_t crtc_id;
	uint32_t plane_id;
	struct kms_props props;
	drmModeModeInfo mode;
	uint32_t mode_blob;
	bool enabled;
	bool flip_pending;
	struct kms_buffer buffers[KMS_BUFFERS];
	struct kms_scanout scanout; /* the primary plane's */
	/* Planes above the primary (a layout's regions), set by every atomic commit. */
	const struct kms_layer *layers;
	unsigned int num_layers;
	/* The next flip keeps the primary's picture: nothing is copied for it. */
	bool keep_primary;
	struct kms_writeback writeback;
	bool capture_requested; /* SIGUSR2 while a flip was in flight */
	struct vdispl_ratelimit flip_log_limit;
	uint64_t flips;
	char png_dir[VDISPL_CONFIG_STR];
	char connector_name[32];
};

/* kms.c */
/* @output as a KMS output that commits atomically, or NULL. */
struct kms_output *kms_output_atomic(struct vdispl_output *output);
int kms_buffer_create(int fd, uint32_t width, uint32_t height, struct kms_buffer *buf);
void kms_buffer_destroy(int fd, struct kms_buffer *buf);
bool kms_find_prop(int fd, uint32_t object, uint32_t type, const char *name, uint32_t *id,
		   uint64_t *value);
uint32_t kms_prop_id(int fd, uint32_t object, uint32_t type, const char *name);
/* @crtc_id as a bit of possible_crtcs masks; 0 if the device has no such CRTC. */
uint32_t kms_crtc_bit(int fd, uint32_t crtc_id);

/* The atomic properties of @plane_id. Returns 0, or -ENODEV if it lacks some. */
int kms_plane_props_lookup(int fd, uint32_t plane_id, struct kms_plane_props *p);
/* Whether @plane_id is of @type (DRM_PLANE_TYPE_PRIMARY, _OVERLAY, _CURSOR). */
bool kms_plane_is(int fd, uint32_t plane_id, uint64_t type);

/*
 * kms-import.c: the framebuffer showing @picture's dma-buf as it is, or 0
 * when the picture has none or the driver refused it (logged once per
 * framebuffer): then it is copied.
 */
uint32_t kms_import_fb(struct kms_scanout *sc, const struct vdispl_picture *picture);
/* A commit with @fb_id succeeded: it is never refused from now on. */
void kms_import_committed(struct kms_scanout *sc, uint32_t fb_id);
/*
 * A commit with @fb_id failed: unless a commit took it before, copy that
 * framebuffer from now on (true), its framebuffer removed.
 */
bool kms_import_refused(struct kms_scanout *sc, uint32_t fb_id, int error);
/* The guest let go of @key: remove its framebuffer, or once it is off screen. */
void kms_import_forget(struct kms_scanout *sc, uint64_t key);
/* Remove forgotten framebuffers not shown, pending or next; all of them with @all. */
void kms_import_reap(struct kms_scanout *sc, bool all);

/* kms-writeback.c: find our CRTC's writeback connector (atomic devices only). */
void kms_writeback_find(struct kms_output *k);
/* Capture what is on screen into a PNG in png_dir. Returns 0 or -errno. */
int kms_writeback_capture(struct kms_output *k);

#endif
