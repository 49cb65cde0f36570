/* SPDX-License-Identifier: MIT */
/*
 * The Dom0 daemon's top: one epoll loop over XenStore watches, the event
 * channels of every guest connector, the DRM devices and signals.
 *
 * Signals: SIGINT/SIGTERM stop it cleanly (every grant unmapped, every
 * device Closed), SIGUSR1 logs a status line, SIGUSR2 asks outputs for a
 * snapshot (headless: a PNG).
 */
#ifndef VDISPL_BACKEND_BACKEND_H
#define VDISPL_BACKEND_BACKEND_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "backend/buffers.h"
#include "backend/config.h"
#include "backend/import/import.h"
#include "common/list.h"
#include "common/loop.h"
#include "common/xen.h"

struct vdispl_device;

struct vdispl_backend {
	struct vdispl_loop *loop;
	struct vdispl_xs *xs;
	struct vdispl_evtchn *evtchn;
	struct vdispl_config config;
	struct vdispl_import *import; /* how guest buffers are taken */
	struct vdispl_png_writer *png_writer; /* NULL: built without libpng */
	uint32_t domid;      /* ours */
	char base_path[64];  /* /local/domain/<domid>/backend/vdispl */
	struct vdispl_list devices; /* struct vdispl_device.link */
	struct vdispl_loop_source *xs_source;
	struct vdispl_loop_source *evtchn_source;
	struct vdispl_loop_source *signal_source;
	int signal_fd;
	bool quit;
	uint64_t flips;      /* flips shown on every output since start */
	struct vdispl_buffer_totals buffer_totals; /* every device's, against the caps */
	uint64_t ring_passes_cut; /* ring passes that ended on their budget */
};

/* The signals above, which the loop takes through a signalfd. */
void vdispl_backend_signals(sigset_t *mask);

/*
 * Open the Xen handles and start watching for vdispl devices. The caller
 * has blocked vdispl_backend_signals(). Returns 0 or -errno.
 */
int vdispl_backend_create(const struct vdispl_config *config, struct vdispl_backend **out);

/* Run until SIGINT/SIGTERM. Returns 0 or -errno from the loop. */
int vdispl_backend_run(struct vdispl_backend *b);

/* Tear every device down and close the handles. NULL is a no-op. */
void vdispl_backend_destroy(struct vdispl_backend *b);

/*
 * Log "status: devices=N connectors=N dbufs=N fbs=N grants_mapped=N
 * grants_remapped=N grants_shared=N flips=N zero_copy_dbufs=N dma_segments=N bytes_copied=N
 * dmabuf_releases=N dbuf_create_cpu_us=N dbuf_create_pages=N cpu_us=N
 * ring_passes_cut=N log_suppressed=N unmap_failures=N": grant
 * pages mapped for us right now (through gntdev or, until their importers
 * let go, the vdispl-dmabuf module), second mappings of the module's
 * (importers' vmaps, our mmaps), and pages shared (backend-allocated buffers);
 * live buffers imported as dma-bufs and their bus segments; since start:
 * octets copied out of guest buffers, dma-bufs the module released, the
 * CPU time and pages of DBUF_CREATE, the process's CPU time, ring passes
 * cut short by their budget, guest-caused messages the rate limit
 * dropped, and unmaps that failed (their pages stay counted as mapped).
 */
void vdispl_backend_log_status(struct vdispl_backend *b);

#endif
