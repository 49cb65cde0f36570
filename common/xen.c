// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>
#include <xentoollog.h>

#include "common/log.h"
#include "common/xen.h"

/* libxen* report failure as -1 or NULL with errno; make sure it is not 0. */
static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

/*
 * libxen*'s own messages go through our log with the tag of what the
 * handle serves (NULL: the daemon's), instead of untagged to stderr.
 */
struct vdispl_xtl {
	xentoollog_logger base; /* first: libxen* hands us this pointer */
	const char *tag;
};

static void xtl_vmessage(xentoollog_logger *logger, xentoollog_level level, int errnoval,
			 const char *context, const char *format, va_list al)
{
	const struct vdispl_xtl *xtl = (const struct vdispl_xtl *)logger;
	char text[512];

	vsnprintf(text, sizeof(text), format, al);
	if (level >= XTL_ERROR)
		vdispl_log_errno(ERROR, xtl->tag, errnoval > 0 ? -errnoval : 0, "%s: %s",
				 context ? context : "libxen", text);
	else if (level >= XTL_WARN)
		vdispl_log_errno(WARN, xtl->tag, errnoval > 0 ? -errnoval : 0, "%s: %s",
				 context ? context : "libxen", text);
	else
		vdispl_log(DEBUG, xtl->tag, "%s: %s", context ? context : "libxen", text);
}

static void xtl_destroy(xentoollog_logger *logger)
{
}

static void xtl_init(struct vdispl_xtl *xtl, const char *tag)
{
	xtl->base.vmessage = xtl_vmessage;
	xtl->base.progress = NULL;
	xtl->base.destroy = xtl_destroy;
	xtl->tag = tag;
}

/* ---- XenStore ---- */

struct vdispl_xs {
	struct xs_handle *h;
};

int vdispl_xs_open(struct vdispl_xs **out)
{
	struct vdispl_xs *xs = calloc(1, sizeof(*xs));

	if (!xs)
		return -ENOMEM;
	xs->h = xs_open(0);
	if (!xs->h) {
		int ret = neg_errno();

		free(xs);
		return ret;
	}
	*out = xs;
	return 0;
}

void vdispl_xs_close(struct vdispl_xs *xs)
{
	if (!xs)
		return;
	xs_close(xs->h);
	free(xs);
}

int vdispl_xs_fd(struct vdispl_xs *xs)
{
	return xs_fileno(xs->h);
}

int vdispl_xs_read(struct vdispl_xs *xs, const char *path, char **value)
{
	unsigned int len;
	char *v = xs_read(xs->h, XBT_NULL, path, &len);

	if (!v)
		return neg_errno();
	*value = v;
	return 0;
}

int vdispl_xs_write(struct vdispl_xs *xs, const char *path, const char *value)
{
	return xs_write(xs->h, XBT_NULL, path, value, strlen(value)) ? 0 : neg_errno();
}

int vdispl_xs_directory(struct vdispl_xs *xs, const char *path, char ***children,
			unsigned int *count)
{
	char **list = xs_directory(xs->h, XBT_NULL, path, count);

	if (!list)
		return neg_errno();
	*children = list;
	return 0;
}

int vdispl_xs_watch(struct vdispl_xs *xs, const char *path, const char *token)
{
	return xs_watch(xs->h, path, token) ? 0 : neg_errno();
}

int vdispl_xs_unwatch(struct vdispl_xs *xs, const char *path, const char *token)
{
	return xs_unwatch(xs->h, path, token) ? 0 : neg_errno();
}

int vdispl_xs_next_watch(struct vdispl_xs *xs, char **block, const char **path,
			 const char **token)
{
	char **vec;

	errno = 0;
	vec = xs_check_watch(xs->h);
	if (!vec)
		return errno == EAGAIN || errno == 0 ? 0 : -errno;
	*block = (char *)vec;
	*path = vec[XS_WATCH_PATH];
	*token = vec[XS_WATCH_TOKEN];
	return 1;
}

/* ---- Event channels ---- */

struct vdispl_evtchn {
	xenevtchn_handle *h;
	struct vdispl_xtl logger;
};

int vdispl_evtchn_open(struct vdispl_evtchn **out)
{
	struct vdispl_evtchn *evtchn = calloc(1, sizeof(*evtchn));

	if (!evtchn)
		return -ENOMEM;
	int fd, flags;

	xtl_init(&evtchn->logger, NULL);
	evtchn->h = xenevtchn_open(&evtchn->logger.base, 0);
	if (!evtchn->h) {
		int ret = neg_errno();

		free(evtchn);
		return ret;
	}
	/*
	 * xenevtchn_pending() reads the fd: blocking, a loop draining pending
	 * ports would sleep in it until the next notification and starve every
	 * other fd of the event loop.
	 */
	fd = xenevtchn_fd(evtchn->h);
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		int ret = -errno;

		xenevtchn_close(evtchn->h);
		free(evtchn);
		return ret;
	}
	*out = evtchn;
	return 0;
}

void vdispl_evtchn_close(struct vdispl_evtchn *evtchn)
{
	if (!evtchn)
		return;
	xenevtchn_close(evtchn->h);
	free(evtchn);
}

int vdispl_evtchn_fd(struct vdispl_evtchn *evtchn)
{
	return xenevtchn_fd(evtchn->h);
}

int vdispl_evtchn_bind(struct vdispl_evtchn *evtchn, uint32_t domid, uint32_t remote_port)
{
	xenevtchn_port_or_error_t port = xenevtchn_bind_interdomain(evtchn->h, domid, remote_port);

	return port < 0 ? neg_errno() : (int)port;
}

int vdispl_evtchn_unbind(struct vdispl_evtchn *evtchn, uint32_t local_port)
{
	return xenevtchn_unbind(evtchn->h, local_port) < 0 ? neg_errno() : 0;
}

int vdispl_evtchn_notify(struct vdispl_evtchn *evtchn, uint32_t local_port)
{
	return xenevtchn_notify(evtchn->h, local_port) < 0 ? neg_errno() : 0;
}

int vdispl_evtchn_next_pending(struct vdispl_evtchn *evtchn)
{
	xenevtchn_port_or_error_t port = xenevtchn_pending(evtchn->h);

	if (port < 0)
		return neg_errno();
	if (xenevtchn_unmask(evtchn->h, port) < 0)
		return neg_errno();
	return (int)port;
}

/* ---- Grant mappings ---- */

struct vdispl_gnttab {
	xengnttab_handle *h;
	struct vdispl_xtl logger;
	uint64_t mapped;
};

static uint64_t mapped_total;

int vdispl_gnttab_open(const char *tag, struct vdispl_gnttab **out)
{
	struct vdispl_gnttab *gnttab = calloc(1, sizeof(*gnttab));

	if (!gnttab)
		return -ENOMEM;
	xtl_init(&gnttab->logger, tag);
	gnttab->h = xengnttab_open(&gnttab->logger.base, 0);
	if (!gnttab->h) {
		int ret = neg_errno();

		free(gnttab);
		return ret;
	}
	*out = gnttab;
	return 0;
}

void vdispl_gnttab_close(struct vdispl_gnttab *gnttab)
{
	if (!gnttab)
		return;
	xengnttab_close(gnttab->h);
	free(gnttab);
}

int vdispl_gnttab_map(struct vdispl_gnttab *gnttab, uint32_t domid, uint32_t count,
		      const vdispl_gref_t *refs, bool writable, void **addr)
{
	void *p;

	if (count == 0)
		return -EINVAL;
	p = xengnttab_map_domain_grant_refs(gnttab->h, count, domid, (uint32_t *)refs,
					    writable ? PROT_READ | PROT_WRITE : PROT_READ);
	if (!p)
		return neg_errno();
	gnttab->mapped += count;
	mapped_total += count;
	*addr = p;
	return 0;
}

/* Unmaps that failed: those pages stay mapped, and counted as mapped. */
static uint64_t unmap_failures;

uint64_t vdispl_xen_unmap_failures(void)
{
	return unmap_failures;
}

int vdispl_gnttab_unmap(struct vdispl_gnttab *gnttab, void *addr, uint32_t count)
{
	if (xengnttab_unmap(gnttab->h, addr, count) < 0) {
		int ret = neg_errno();

		unmap_failures++;
		vdispl_log_errno(ERROR, gnttab->logger.tag, ret,
				 "unmapping %u grant pages: they stay mapped", count);
		return ret;
	}
	gnttab->mapped -= count;
	mapped_total -= count;
	return 0;
}

int vdispl_gnttab_dmabuf_export(struct vdispl_gnttab *gnttab, uint32_t domid, uint32_t count,
				const vdispl_gref_t *refs, int *fd)
{
	uint32_t out;

	/* Flags 0: the guest's own pages, no DMA-capable backing store of gntdev's. */
	if (xengnttab_dmabuf_exp_from_refs(gnttab->h, domid, 0, count, refs, &out))
		return neg_errno();
	*fd = (int)out;
	return 0;
}

uint64_t vdispl_gnttab_mapped(const struct vdispl_gnttab *gnttab)
{
	return gnttab->mapped;
}

uint64_t vdispl_gnttab_mapped_total(void)
{
	return mapped_total;
}

/* ---- Grant sharing ---- */

struct vdispl_gntshr {
	xengntshr_handle *h;
	struct vdispl_xtl logger;
};

static uint64_t shared_total;

int vdispl_gntshr_open(const char *tag, struct vdispl_gntshr **out)
{
	struct vdispl_gntshr *gntshr = calloc(1, sizeof(*gntshr));

	if (!gntshr)
		return -ENOMEM;
	xtl_init(&gntshr->logger, tag);
	gntshr->h = xengntshr_open(&gntshr->logger.base, 0);
	if (!gntshr->h) {
		int ret = neg_errno();

		free(gntshr);
		return ret;
	}
	*out = gntshr;
	return 0;
}

void vdispl_gntshr_close(struct vdispl_gntshr *gntshr)
{
	if (!gntshr)
		return;
	xengntshr_close(gntshr->h);
	free(gntshr);
}

int vdispl_gntshr_share(struct vdispl_gntshr *gntshr, uint32_t domid, uint32_t count,
			bool writable, vdispl_gref_t *refs, void **addr)
{
	void *p;

	if (count == 0 || count > INT32_MAX)
		return -EINVAL;
	p = xengntshr_share_pages(gntshr->h, domid, (int)count, refs, writable);
	if (!p)
		return neg_errno();
	/* gntalloc hands out zeroed pages; nothing of ours may reach the guest. */
	memset(p, 0, (size_t)count * 4096u);
	shared_total += count;
	*addr = p;
	return 0;
}

int vdispl_gntshr_unshare(struct vdispl_gntshr *gntshr, void *addr, uint32_t count)
{
	if (xengntshr_unshare(gntshr->h, addr, count) < 0) {
		int ret = neg_errno();

		unmap_failures++;
		vdispl_log_errno(ERROR, gntshr->logger.tag, ret,
				 "unsharing %u pages: they stay shared", count);
		return ret;
	}
	shared_total -= count;
	return 0;
}

uint64_t vdispl_gntshr_shared_total(void)
{
	return shared_total;
}
