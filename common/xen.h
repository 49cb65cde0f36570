/* SPDX-License-Identifier: MIT */
/*
 * The thin wrapper over libxenstore, libxenevtchn and libxengnttab.
 *
 * Every function returns 0 (or a value) on success and a negative errno on
 * failure: the libraries' -1/errno and NULL/errno conventions are converted
 * here and nowhere else. Each handle exposes its fd for the daemon's epoll
 * loop. None of this is thread-safe; the daemon is single-threaded.
 */
#ifndef VDISPL_COMMON_XEN_H
#define VDISPL_COMMON_XEN_H

#include <stdbool.h>
#include <stdint.h>

typedef uint32_t vdispl_gref_t; /* grant_ref_t, without pulling in Xen's headers */

/* ---- XenStore ---- */

struct vdispl_xs;

int vdispl_xs_open(struct vdispl_xs **out);
void vdispl_xs_close(struct vdispl_xs *xs);
int vdispl_xs_fd(struct vdispl_xs *xs);

/*
 * Read @path into a newly allocated NUL-terminated string (free() it).
 * Returns 0, -ENOENT if the node does not exist, or another -errno.
 */
int vdispl_xs_read(struct vdispl_xs *xs, const char *path, char **value);

int vdispl_xs_write(struct vdispl_xs *xs, const char *path, const char *value);
int vdispl_xs_printf(struct vdispl_xs *xs, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * List the children of @path: a newly allocated array of *count strings in
 * one block (free() the array only). -ENOENT if @path does not exist.
 */
int vdispl_xs_directory(struct vdispl_xs *xs, const char *path, char ***children,
			unsigned int *count);

int vdispl_xs_watch(struct vdispl_xs *xs, const char *path, const char *token);
int vdispl_xs_unwatch(struct vdispl_xs *xs, const char *path, const char *token);

/*
 * Take one fired watch without blocking. Returns 1 and sets *path and *token
 * (both inside *block, which the caller free()s), 0 if none is pending, or a
 * negative errno.
 */
int vdispl_xs_next_watch(struct vdispl_xs *xs, char **block, const char **path,
			 const char **token);

/* ---- Event channels ---- */

struct vdispl_evtchn;

int vdispl_evtchn_open(struct vdispl_evtchn **out);
void vdispl_evtchn_close(struct vdispl_evtchn *evtchn);
int vdispl_evtchn_fd(struct vdispl_evtchn *evtchn);

/* Bind to @remote_port of @domid. Returns the local port or -errno. */
int vdispl_evtchn_bind(struct vdispl_evtchn *evtchn, uint32_t domid, uint32_t remote_port);
int vdispl_evtchn_unbind(struct vdispl_evtchn *evtchn, uint32_t local_port);
int vdispl_evtchn_notify(struct vdispl_evtchn *evtchn, uint32_t local_port);

/*
 * Take one pending port and unmask it, without blocking. Returns the local
 * port, -EAGAIN if none is pending, or another -errno.
 */
int vdispl_evtchn_next_pending(struct vdispl_evtchn *evtchn);

/* ---- Grant mappings ---- */

struct vdispl_gnttab;

/* @tag (kept, not copied; may be NULL) tags libxengnttab's own messages. */
int vdispl_gnttab_open(const char *tag, struct vdispl_gnttab **out);
/* Every mapping must have been unmapped before. */
void vdispl_gnttab_close(struct vdispl_gnttab *gnttab);

/*
 * Map @count grants of @domid contiguously with one gntdev call. gntdev
 * checks each entry's status and undoes a partial map, so the result is all
 * or nothing. Returns 0 and sets *addr, or -errno.
 */
int vdispl_gnttab_map(struct vdispl_gnttab *gnttab, uint32_t domid, uint32_t count,
		      const vdispl_gref_t *refs, bool writable, void **addr);

/* Unmap what vdispl_gnttab_map() mapped; @count as given there. */
int vdispl_gnttab_unmap(struct vdispl_gnttab *gnttab, void *addr, uint32_t count);

/*
 * gntdev's own dma-buf of @count grants of @domid (its
 * IOCTL_GNTDEV_DMABUF_EXP_FROM_REFS). -ENOTTY: a kernel without
 * XEN_GNTDEV_DMABUF; -EINVAL also from a PV Dom0, where gntdev refuses it.
 * Returns 0 and sets *fd (the dma-buf), or -errno.
 */
int vdispl_gnttab_dmabuf_export(struct vdispl_gnttab *gnttab, uint32_t domid, uint32_t count,
				const vdispl_gref_t *refs, int *fd);

/* Grant pages this handle has mapped right now. */
uint64_t vdispl_gnttab_mapped(const struct vdispl_gnttab *gnttab);

/* Grant pages mapped right now through every handle of this process. */
/*
 * Unmaps and unshares that failed since start. Each is logged where it
 * happens; its pages stay counted as mapped or shared.
 */
uint64_t vdispl_xen_unmap_failures(void);

uint64_t vdispl_gnttab_mapped_total(void);

/* ---- Grant sharing (gntalloc): pages we allocate and grant ---- */

struct vdispl_gntshr;

/* @tag as for vdispl_gnttab_open(). */
int vdispl_gntshr_open(const char *tag, struct vdispl_gntshr **out);
/* Every shared page must have been unshared before. NULL is a no-op. */
void vdispl_gntshr_close(struct vdispl_gntshr *gntshr);

/*
 * Allocate @count zeroed pages, grant them to @domid (@writable by it) and
 * map them here contiguously; @refs receives their grant references.
 * -ENOSPC when gntalloc's global page limit (module parameter "limit",
 * 1024 by default) would be exceeded. Returns 0 and sets *addr, or -errno.
 */
int vdispl_gntshr_share(struct vdispl_gntshr *gntshr, uint32_t domid, uint32_t count,
			bool writable, vdispl_gref_t *refs, void **addr);

/* Stop sharing what vdispl_gntshr_share() shared; @count as given there. */
int vdispl_gntshr_unshare(struct vdispl_gntshr *gntshr, void *addr, uint32_t count);

/* Pages this process shares right now through every handle. */
uint64_t vdispl_gntshr_shared_total(void);

#endif
