// SPDX-License-Identifier: MIT
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "backend/backend.h"
#include "backend/device.h"
#include "common/log.h"
#ifdef VDISPL_HAVE_PNG
#include "common/png-writer.h"
#endif

#define TOKEN_BACKEND "backend"
#define TOKEN_RELEASE "release"

/* Walk every device; @dev may be removed in the body. */
#define for_each_device(dev, b, pos, tmp)                                                          \
	vdispl_list_for_each_item(dev, struct vdispl_device, link, &(b)->devices, pos, tmp)

static struct vdispl_device *find_device(struct vdispl_backend *b, uint32_t domid,
					 uint32_t devid)
{
	struct vdispl_list *pos, *tmp;
	struct vdispl_device *d;

	for_each_device(d, b, pos, tmp)
		if (d->domid == domid && d->devid == devid)
			return d;
	return NULL;
}

static void remove_device(struct vdispl_device *dev)
{
	vdispl_list_del(&dev->link);
	vdispl_device_destroy(dev);
}

static bool node_exists(struct vdispl_backend *b, const char *path)
{
	char *value;

	if (vdispl_xs_read(b->xs, path, &value))
		return false;
	free(value);
	return true;
}

static void add_devices_of(struct vdispl_backend *b, const char *domid_name)
{
	char path[128];
	char **devids;
	unsigned int count;
	uint32_t domid;

	if (vdispl_xs_parse_u32(domid_name, &domid))
		return;
	snprintf(path, sizeof(path), "%s/%u", b->base_path, domid);
	if (vdispl_xs_directory(b->xs, path, &devids, &count))
		return;
	for (unsigned int i = 0; i < count; i++) {
		struct vdispl_device *dev;
		uint32_t devid;

		if (vdispl_xs_parse_u32(devids[i], &devid) || find_device(b, domid, devid))
			continue;
		if (vdispl_device_create(b, domid, devid, &dev) == 0)
			vdispl_list_add(&b->devices, &dev->link);
	}
	free(devids);
}

/*
 * The backend tree changed: pick up new devices, drop those whose
 * directory the toolstack removed, and let every device re-read its state.
 */
static void rescan(struct vdispl_backend *b)
{
	struct vdispl_list *pos, *tmp;
	struct vdispl_device *dev;
	char **domids;
	unsigned int count;

	if (vdispl_xs_directory(b->xs, b->base_path, &domids, &count) == 0) {
		for (unsigned int i = 0; i < count; i++)
			add_devices_of(b, domids[i]);
		free(domids);
	}
	for_each_device(dev, b, pos, tmp) {
		if (!node_exists(b, dev->be_path))
			remove_device(dev);
		else
			vdispl_device_reconcile(dev);
	}
}

/* A domain died: nothing of it may stay mapped, or it lingers as a zombie. */
static void check_domains(struct vdispl_backend *b)
{
	struct vdispl_list *pos, *tmp;
	struct vdispl_device *dev;
	char path[64];

	for_each_device(dev, b, pos, tmp) {
		snprintf(path, sizeof(path), "/local/domain/%u", dev->domid);
		if (!node_exists(b, path)) {
			vdispl_log(INFO, dev->tag, "guest is gone");
			remove_device(dev);
		}
	}
}

/*
 * Watches handled per loop round: the rest stay pending (libxenstore keeps
 * its fd readable), so a storm of XenStore writes never starves signals,
 * event channels or DRM events.
 */
#define WATCHES_PER_ROUND 64

static void xenstore_readable(void *data, uint32_t events)
{
	struct vdispl_backend *b = data;
	const char *path, *token;
	char *block;
	int ret = 0;

	for (int n = 0; n < WATCHES_PER_ROUND &&
			(ret = vdispl_xs_next_watch(b->xs, &block, &path, &token)) > 0;
	     n++) {
		uint32_t domid, devid;

		vdispl_log(DEBUG, NULL, "watch %s: %s", token, path);
		if (strcmp(token, TOKEN_BACKEND) == 0) {
			rescan(b);
		} else if (strcmp(token, TOKEN_RELEASE) == 0) {
			check_domains(b);
		} else if (sscanf(token, "fe/%u/%u", &domid, &devid) == 2) {
			struct vdispl_device *dev = find_device(b, domid, devid);

			if (dev)
				vdispl_device_reconcile(dev);
		}
		free(block);
	}
	if (ret < 0) {
		vdispl_log_errno(ERROR, NULL, ret, "reading XenStore watches");
		b->quit = true;
	}
}

/*
 * Ports handled per loop round: the rest stay pending in the evtchn
 * device, whose fd stays readable, so guests notifying without pause
 * never starve XenStore, signals or DRM events.
 */
#define PORTS_PER_ROUND 64

static void evtchn_readable(void *data, uint32_t events)
{
	struct vdispl_backend *b = data;
	int port = -EAGAIN;

	for (int n = 0; n < PORTS_PER_ROUND && (port = vdispl_evtchn_next_pending(b->evtchn)) >= 0;
	     n++) {
		struct vdispl_list *pos, *tmp;
		struct vdispl_device *d;
		bool known = false;

		for_each_device(d, b, pos, tmp) {
			if (vdispl_device_port_event(d, (uint32_t)port)) {
				known = true;
				break;
			}
		}
		if (!known)
			vdispl_log(DEBUG, NULL, "event on unknown port %d", port);
	}
	if (port < 0 && port != -EAGAIN)
		vdispl_log_errno(ERROR, NULL, port, "reading event channels");
}

void vdispl_backend_log_status(struct vdispl_backend *b)
{
	unsigned int devices = 0, connectors = 0, dbufs = 0, fbs = 0;
	struct vdispl_list *pos, *tmp;
	struct vdispl_device *d;
	struct vdispl_import_stats imports;
	uint64_t create_us, create_pages;
	struct timespec cpu = { 0 };

	vdispl_import_stats(b->import, &imports);
	vdispl_buffers_create_cost(&create_us, &create_pages);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
	for_each_device(d, b, pos, tmp) {
		unsigned int nd, nf;

		devices++;
		connectors += d->num_connectors;
		vdispl_buffers_count(&d->buffers, &nd, &nf);
		dbufs += nd;
		fbs += nf;
	}
	vdispl_log(INFO, NULL,
		   "status: devices=%u connectors=%u dbufs=%u fbs=%u grants_mapped=%llu "
		   "grants_remapped=%llu grants_shared=%llu shared_lingering=%llu flips=%llu zero_copy_dbufs=%llu "
		   "dma_segments=%llu bytes_copied=%llu dmabuf_releases=%llu "
		   "dbuf_create_cpu_us=%llu dbuf_create_pages=%llu cpu_us=%llu "
		   "ring_passes_cut=%llu log_suppressed=%llu unmap_failures=%llu",
		   devices, connectors, dbufs, fbs,
		   (unsigned long long)(vdispl_gnttab_mapped_total() + imports.module_pages),
		   (unsigned long long)imports.module_remapped,
		   (unsigned long long)(vdispl_gntshr_shared_total() + imports.module_shared),
		   (unsigned long long)imports.module_lingering, (unsigned long long)b->flips,
		   (unsigned long long)imports.zero_copy_buffers,
		   (unsigned long long)imports.dma_segments,
		   (unsigned long long)vdispl_output_bytes_copied(),
		   (unsigned long long)imports.module_releases, (unsigned long long)create_us,
		   (unsigned long long)create_pages,
		   (unsigned long long)cpu.tv_sec * 1000000u + (unsigned long long)cpu.tv_nsec / 1000u,
		   (unsigned long long)b->ring_passes_cut,
		   (unsigned long long)vdispl_ratelimit_suppressed_total(),
		   (unsigned long long)vdispl_xen_unmap_failures());
}

static void signal_readable(void *data, uint32_t events)
{
	struct vdispl_backend *b = data;
	struct signalfd_siginfo info;
	struct vdispl_list *pos, *tmp;
	struct vdispl_device *d;

	while (read(b->signal_fd, &info, sizeof(info)) == sizeof(info)) {
		switch (info.ssi_signo) {
		case SIGINT:
		case SIGTERM:
			vdispl_log(INFO, NULL, "signal %u: stopping", info.ssi_signo);
			b->quit = true;
			break;
		case SIGUSR1:
			vdispl_backend_log_status(b);
			break;
		case SIGUSR2:
			for_each_device(d, b, pos, tmp)
				vdispl_device_snapshot(d);
			break;
		default:
			break;
		}
	}
}

void vdispl_backend_signals(sigset_t *mask)
{
	sigemptyset(mask);
	sigaddset(mask, SIGINT);
	sigaddset(mask, SIGTERM);
	sigaddset(mask, SIGUSR1);
	sigaddset(mask, SIGUSR2);
}

static int read_own_domid(struct vdispl_backend *b)
{
	char *value;
	int ret = vdispl_xs_read(b->xs, "domid", &value);

	if (ret)
		return ret;
	ret = vdispl_xs_parse_u32(value, &b->domid);
	free(value);
	return ret;
}

static int open_handles(struct vdispl_backend *b)
{
	sigset_t mask;
	int ret;

	ret = vdispl_xs_open(&b->xs);
	if (ret) {
		vdispl_log_errno(ERROR, NULL, ret, "cannot open XenStore (is xenstored running?)");
		return ret;
	}
	ret = vdispl_evtchn_open(&b->evtchn);
	if (ret) {
		vdispl_log_errno(ERROR, NULL, ret, "cannot open event channels (xen-evtchn loaded?)");
		return ret;
	}
	vdispl_backend_signals(&mask);
	b->signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (b->signal_fd < 0)
		return -errno;
	return 0;
}

int vdispl_backend_create(const struct vdispl_config *config, struct vdispl_backend **out)
{
	struct vdispl_backend *b = calloc(1, sizeof(*b));
	int ret;

	if (!b)
		return -ENOMEM;
	b->config = *config;
	b->signal_fd = -1;
	vdispl_list_init(&b->devices);
	b->buffer_totals.max_buffers = config->max_total_buffers;
	b->buffer_totals.max_pages = config->max_total_pages;
	b->loop = vdispl_loop_create();
	if (!b->loop) {
		ret = -errno;
		goto err;
	}
	ret = open_handles(b);
	if (ret)
		goto err;
	ret = vdispl_import_create(config->import, b->loop, &b->import);
	if (ret)
		goto err;
#ifdef VDISPL_HAVE_PNG
	ret = vdispl_png_writer_create(&b->png_writer);
	if (ret) {
		vdispl_log_errno(ERROR, NULL, ret, "starting the PNG writer");
		goto err;
	}
#endif
	ret = read_own_domid(b);
	if (ret) {
		vdispl_log_errno(ERROR, NULL, ret, "reading our domain id from XenStore");
		goto err;
	}
	snprintf(b->base_path, sizeof(b->base_path), "/local/domain/%u/backend/vdispl", b->domid);

	b->xs_source = vdispl_loop_add_fd(b->loop, vdispl_xs_fd(b->xs), EPOLLIN, xenstore_readable, b);
	b->evtchn_source = vdispl_loop_add_fd(b->loop, vdispl_evtchn_fd(b->evtchn), EPOLLIN,
					      evtchn_readable, b);
	b->signal_source = vdispl_loop_add_fd(b->loop, b->signal_fd, EPOLLIN, signal_readable, b);
	if (!b->xs_source || !b->evtchn_source || !b->signal_source) {
		ret = -errno;
		goto err;
	}
	/* A watch fires once when set: the first rescan finds existing devices. */
	ret = vdispl_xs_watch(b->xs, b->base_path, TOKEN_BACKEND);
	if (!ret)
		ret = vdispl_xs_watch(b->xs, "@releaseDomain", TOKEN_RELEASE);
	if (ret) {
		vdispl_log_errno(ERROR, NULL, ret, "setting XenStore watches");
		goto err;
	}
	vdispl_log(INFO, NULL, "ready: serving %s", b->base_path);
	*out = b;
	return 0;
err:
	vdispl_backend_destroy(b);
	return ret;
}

int vdispl_backend_run(struct vdispl_backend *b)
{
	while (!b->quit) {
		int ret = vdispl_loop_dispatch(b->loop, -1);

		if (ret < 0) {
			vdispl_log_errno(ERROR, NULL, ret, "event loop");
			return ret;
		}
	}
	return 0;
}

void vdispl_backend_destroy(struct vdispl_backend *b)
{
	if (!b)
		return;
	while (!vdispl_list_empty(&b->devices)) {
		struct vdispl_device *dev =
			vdispl_container_of(b->devices.next, struct vdispl_device, link);
		char path[160];

		vdispl_list_del(&dev->link);
		vdispl_device_disconnect(dev);
		/* Tell a live frontend we are gone, so it can recover later. */
		snprintf(path, sizeof(path), "%s/state", dev->be_path);
		if (node_exists(b, path))
			vdispl_xs_printf(b->xs, path, "%d", (int)VDISPL_XENBUS_CLOSED);
		vdispl_device_destroy(dev);
	}
	vdispl_import_destroy(b->import);
#ifdef VDISPL_HAVE_PNG
	/* After the outputs: what they queued is still written. */
	vdispl_png_writer_destroy(b->png_writer);
#endif
	vdispl_loop_destroy(b->loop);
	if (b->signal_fd >= 0)
		close(b->signal_fd);
	vdispl_evtchn_close(b->evtchn);
	vdispl_xs_close(b->xs);
	free(b);
}
