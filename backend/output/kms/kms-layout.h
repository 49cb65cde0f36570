/* SPDX-License-Identifier: MIT */
/*
 * A layout on KMS: connectors of several guests on one display, each in
 * its own region (the ini keys position, size and z-order).
 *
 * The display is a screen (kms-screen.c): one KMS output in the display's
 * preferred mode (kms.c, as for a single guest), whose primary plane shows
 * a composition. Each composed region (kms-region.c) keeps a copy of its
 * guest's last picture, cut to the region's size, so a guest's pixels never
 * reach outside its region. A composition paints the regions lowest
 * z-order first (among equals, the one created first), on black.
 *
 * Where the display has overlay planes for the CRTC (atomic drivers), a
 * region gets one of its own instead, while they last: the guest's
 * framebuffer is scanned out from its dma-buf as it is (zero-copy, as a
 * single KMS output does), or copied into the region's own buffers where
 * the driver refuses it; the plane's source is cut to the region. Regions
 * on planes are stacked by z-order on the overlays in the driver's order
 * (planes without a zpos property stack that way), all above the primary,
 * which shows the composition of the regions left without a plane.
 *
 * The screen commits one update at a time. A region's flip takes the
 * guest's picture at once and marks the screen changed; the next commit
 * carries every region changed since the last one, and their done()
 * follows that commit's. So each guest runs at the display's rate, and a
 * guest flipping fast costs the others nothing but the composition.
 */
#ifndef VDISPL_KMS_LAYOUT_H
#define VDISPL_KMS_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/output/kms/kms-output.h"
#include "backend/output/output.h"
#include "common/list.h"

/* Overlay planes a screen uses at most. */
#define KMS_MAX_OVERLAYS 16

struct kms_screen {
	struct vdispl_list link; /* in kms-screen.c's screens */
	/* What regions share it by: their configuration's display keys. */
	char drm_device[VDISPL_CONFIG_STR];
	char drm_connector[VDISPL_CONFIG_STR];
	bool kms_legacy;
	struct vdispl_output *display; /* the KMS output showing the compositions */
	struct kms_output *kms;	       /* the same, where it is atomic: NULL otherwise */
	/* The CRTC's overlay planes no other screen uses, in stacking order. */
	struct kms_layer layers[KMS_MAX_OVERLAYS];
	unsigned int num_layers;
	struct vdispl_loop_source *retry;
	struct vdispl_list regions; /* struct kms_region.link, lowest z-order first */
	struct vdispl_pixels canvas; /* the composition, the display's size */
	bool on;		     /* the display shows compositions */
	bool turn_on;		     /* ... once the flip in flight is done */
	bool flip_pending;	     /* a composition's flip is in flight */
	bool changed;		     /* a region changed since the last commit */
	bool canvas_changed;	     /* ... and the composition with it */
	bool failure_logged;
	char tag[64];
};

struct kms_region {
	struct vdispl_output base; /* first: the output ops reach us through it */
	struct kms_screen *screen;
	struct vdispl_list link; /* in screen->regions */
	uint32_t x, y, z;
	uint32_t width, height;	     /* the region's size */
	struct vdispl_pixels pixels; /* composed: the guest's last picture, the region's size */
	/*
	 * On a plane of its own: its pictures' framebuffers (the latest is
	 * scanout.next_fb, 0 for none), and what of it shows where.
	 */
	bool on_plane;
	struct kms_scanout scanout;
	struct kms_buffer buffers[KMS_BUFFERS]; /* copies, of pictures not imported */
	struct kms_plane_rect rect;
	bool shown;		     /* enabled: painted in compositions */
	bool waiting;		     /* a flip accepted, for the next composition */
	bool in_flight;		     /* a flip carried by the composition in flight */
	bool completing;	     /* its done() is due, now */
};

/*
 * The output of a region of the display @params->config names (drm-device,
 * drm-connector, kms-legacy), at its position, of its size (0x0: the
 * connector's resolution), at its z-order. Regions naming the same display
 * share it; it is set up with the first and let go with the last. Returns
 * 0 or -errno.
 */
int vdispl_kms_region_create(const struct vdispl_output_params *params,
			     struct vdispl_output **out);

/* kms-region.c: whether @fb_id is one of @r's own copies (not a guest's dma-buf). */
bool kms_region_owns_fb(const struct kms_region *r, uint32_t fb_id);

/* kms-screen.c: the screen of the display @params->config names, shared or made now. */
int kms_screen_get(const struct vdispl_output_params *params, struct kms_screen **out);
/* Let go of a screen whose last region left. */
void kms_screen_destroy(struct kms_screen *s);
/* Link @r among @s's regions by z-order, and whether it gets an overlay plane. */
void kms_screen_add(struct kms_screen *s, struct kms_region *r);
/* Commit what changed, unless a commit is in flight (then once it is done). */
void kms_screen_kick(struct kms_screen *s);
/* Turn the display on with what the shown regions show: a blocking modeset. */
int kms_screen_turn_on(struct kms_screen *s);
/* @r stopped showing: its region goes black, the display off with the last one. */
void kms_screen_hide(struct kms_screen *s, struct kms_region *r);
/* The composition changed: a composed region's picture, or one came or went. */
static inline void kms_screen_recompose(struct kms_screen *s)
{
	s->canvas_changed = true;
}

#endif
