// SPDX-License-Identifier: MIT
/*
 * The buffers of a guest's vdispl-grant-test module, exported through
 * vdispl-dmabuf one by one: "buffer", "ranges", "cpu", "edu", "edu-unbound", "after" and
 * "released" lines for each, then a "stats" line once all are gone.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-buf.h>

#include "tools/dmabuf-check/check.h"
#include "common/grant-directory.h"
#include "tests/kernel/grant-pattern.h"
#include "tests/kernel/edu-check/vdispl-edu-check.h"
#include "common/xen.h"
#include "protocol/xenstore-value.h"

#define EDU_DEVICE "/dev/vdispl-edu-check"
#define READY_TIMEOUT_S 120
#define MAX_RANGES 8

/* @node of the guest's vdispl-grant-test directory in XenStore. */
static void node_path(char *path, size_t size, uint32_t domid, const char *node)
{
	snprintf(path, size, "/local/domain/%u/data/vdispl-grant-test/%s", domid, node);
}

static int read_node(struct vdispl_xs *xs, uint32_t domid, const char *node, char **value)
{
	char path[160];

	node_path(path, sizeof(path), domid, node);
	return vdispl_xs_read(xs, path, value);
}

static int read_u32(struct vdispl_xs *xs, uint32_t domid, const char *node, uint32_t *out)
{
	char *value;
	int ret = read_node(xs, domid, node, &value);

	if (ret)
		return ret;
	ret = vdispl_xs_parse_u32(value, out);
	free(value);
	return ret;
}

/* The guest writes "ready" last, once everything else is there. */
static int wait_ready(struct vdispl_xs *xs, uint32_t domid)
{
	const struct timespec tick = { 0, 200 * 1000 * 1000 };
	uint32_t ready = 0;

	for (int i = 0; i < READY_TIMEOUT_S * 5; i++) {
		if (read_u32(xs, domid, "ready", &ready) == 0 && ready == 1)
			return 0;
		nanosleep(&tick, NULL);
	}
	return -ETIMEDOUT;
}

static int read_buffer(struct vdispl_xs *xs, struct vdispl_gnttab *gnttab, uint32_t domid,
		       uint32_t index, struct granted_buffer *b)
{
	char node[64], *kind;
	uint32_t directory;
	int ret;

	memset(b, 0, sizeof(*b));
	b->index = index;
	snprintf(node, sizeof(node), "%u/kind", index);
	ret = read_node(xs, domid, node, &kind);
	if (ret)
		return fail_errno(ret, "reading buffer %u", index);
	snprintf(b->kind, sizeof(b->kind), "%s", kind);
	free(kind);
	snprintf(node, sizeof(node), "%u/pages", index);
	ret = read_u32(xs, domid, node, &b->pages);
	snprintf(node, sizeof(node), "%u/machine-runs", index);
	if (!ret)
		ret = read_u32(xs, domid, node, &b->machine_runs);
	snprintf(node, sizeof(node), "%u/gref-directory", index);
	if (!ret)
		ret = read_u32(xs, domid, node, &directory);
	if (ret || !b->pages)
		return fail_errno(ret ? ret : -EINVAL, "reading buffer %u", index);
	b->refs = calloc(b->pages, sizeof(*b->refs));
	if (!b->refs)
		return -ENOMEM;
	ret = vdispl_grant_directory_walk(gnttab, domid, directory, b->pages, b->refs, false, NULL);
	return ret ? fail_errno(ret, "walking buffer %u's directory", index) : 0;
}

static int dmabuf_sync(int fd, uint64_t flags)
{
	struct dma_buf_sync sync = { .flags = flags };

	return ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync) < 0 ? -errno : 0;
}

/*
 * The guest's pattern of frame @frame (0: as it granted the buffer), read
 * through the dma-buf's mmap: the CPU-access ops. Printed with @index.
 */
static void check_cpu_view(const char *label, int fd, const struct granted_buffer *b,
			   uint32_t frame, uint32_t index)
{
	size_t size = (size_t)b->pages * 4096;
	uint64_t mismatches = 0, first = UINT64_MAX;
	const uint32_t *words;
	int ret;

	words = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	if (words == MAP_FAILED) {
		printf("%s %u mmap=%s\n", label, index, errno_name(-errno));
		return;
	}
	ret = dmabuf_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
	for (uint32_t p = 0; p < b->pages; p++) {
		for (uint32_t k = 0; k < 1024; k++) {
			if (words[p * 1024 + k] != vdispl_grant_frame_pattern(b->index, p, k, frame)) {
				if (!mismatches++)
					first = (uint64_t)p * 4096 + 4 * k;
			}
		}
	}
	if (!ret)
		ret = dmabuf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
	munmap((void *)words, size);
	printf("%s %u mmap=ok sync=%s words=%u mismatches=%" PRIu64 " first_mismatch=%" PRId64 "\n",
	       label, index, errno_name(ret), b->pages * 1024, mismatches,
	       first == UINT64_MAX ? (int64_t)-1 : (int64_t)first);
}

/*
 * A real DMA master reads each segment at the addresses we handed out:
 * to the edu device itself ("edu"), and to a device no driver set DMA up
 * for ("edu-unbound").
 */
void check_edu(const char *what, int fd, uint32_t index, uint32_t importer)
{
	struct vdispl_edu_check c = { .fd = fd, .windows_per_segment = 2, .importer = importer };
	const char *suffix = importer == VDISPL_EDU_IMPORTER_UNBOUND ? "-unbound" : "";
	int edu = open(EDU_DEVICE, O_RDWR | O_CLOEXEC);

	if (edu < 0 || ioctl(edu, VDISPL_EDU_CHECK_IOC, &c) < 0) {
		printf("%s%s %u result=%s\n", what, suffix, index, errno_name(-errno));
		if (edu >= 0)
			close(edu);
		return;
	}
	close(edu);
	printf("%s%s %u result=0 pages=%u dma_segments=%u bus_runs=%u segments_at_bus=%u "
	       "windows=%u mismatches=%u bytes=%llu\n",
	       what, suffix, index, c.pages, c.dma_segments, c.bus_runs, c.segments_at_bus, c.windows,
	       c.mismatches, (unsigned long long)c.bytes);
}

static void print_ranges(struct vdispl_dmabuf_module *m, int fd, uint32_t index)
{
	struct vdispl_dmabuf_range ranges[MAX_RANGES];
	struct vdispl_dmabuf_query q;
	int ret = vdispl_dmabuf_module_query(m, fd, ranges, MAX_RANGES, &q);

	printf("ranges %u result=%s dom0_pfn_runs=%u first_dom0_pfn=%#llx segments=%u", index,
	       errno_name(ret), ret ? 0 : q.dom0_pfn_runs,
	       ret ? 0ull : (unsigned long long)q.first_dom0_pfn, ret ? 0 : q.bus_segments);
	for (uint32_t i = 0; !ret && i < q.bus_segments && i < MAX_RANGES; i++)
		printf(" %#llx+%#llx", (unsigned long long)ranges[i].addr,
		       (unsigned long long)ranges[i].len);
	printf("\n");
}

/*
 * With nobody else holding it, closing the dma-buf releases the buffer at
 * once: then its id is already among those read() returns.
 */
static int wait_released(struct vdispl_dmabuf_module *m, uint32_t id)
{
	uint32_t ids[64];
	int ret = vdispl_dmabuf_module_wait(m, id, 5000);
	int n;

	if (ret != -ENOENT)
		return ret;
	while ((n = vdispl_dmabuf_module_released(m, ids, 64)) > 0)
		for (int i = 0; i < n; i++)
			if (ids[i] == id)
				return 0;
	return n < 0 ? n : -ENOENT;
}

static void check_buffer(struct vdispl_dmabuf_module *m, uint32_t domid,
			 const struct granted_buffer *b, bool edu)
{
	struct vdispl_dmabuf_export e;
	struct vdispl_dmabuf_query q;
	int ret = vdispl_dmabuf_module_export(m, domid, b->refs, b->pages, false, &e);

	printf("buffer %u kind=%s pages=%u guest_machine_runs=%u export=%s id=%u "
	       "bus_segments=%u\n",
	       b->index, b->kind, b->pages, b->machine_runs, errno_name(ret), e.id,
	       e.bus_segments);
	if (ret)
		return;
	print_ranges(m, e.fd, b->index);
	check_cpu_view("cpu", e.fd, b, 0, b->index);
	if (edu) {
		check_edu("edu", e.fd, b->index, VDISPL_EDU_IMPORTER_EDU);
		check_edu("edu", e.fd, b->index, VDISPL_EDU_IMPORTER_UNBOUND);
	}
	ret = vdispl_dmabuf_module_query(m, e.fd, NULL, 0, &q);
	printf("after %u result=%s attachments=%u dma_segments=%u vmaps=%u mmaps=%u "
	       "cpu_accesses=%u\n",
	       b->index, errno_name(ret), q.attachments, q.dma_segments, q.vmaps, q.mmaps,
	       q.cpu_accesses);
	close(e.fd);
	printf("released %u result=%s\n", b->index, errno_name(wait_released(m, e.id)));
}

struct handles {
	struct vdispl_xs *xs;
	struct vdispl_gnttab *gnttab;
	struct vdispl_dmabuf_module *module;
};

static void close_handles(struct handles *h)
{
	vdispl_dmabuf_module_close(h->module);
	vdispl_gnttab_close(h->gnttab);
	vdispl_xs_close(h->xs);
}

/* XenStore, gntdev and the module; then wait for the guest's buffers. */
static int open_handles(struct handles *h, uint32_t domid, uint32_t *count)
{
	int ret = vdispl_xs_open(&h->xs);

	if (!ret)
		ret = vdispl_gnttab_open(NULL, &h->gnttab);
	if (ret)
		return fail_errno(ret, "opening XenStore and gntdev");
	ret = vdispl_dmabuf_module_open(&h->module);
	if (ret)
		return fail_errno(ret, "opening %s (vdispl-dmabuf loaded?)", VDISPL_DMABUF_DEVICE);
	ret = wait_ready(h->xs, domid);
	if (!ret)
		ret = read_u32(h->xs, domid, "count", count);
	if (ret)
		return fail_errno(ret, "no buffers from dom%u's vdispl-grant-test", domid);
	return 0;
}

int check_guest(uint32_t domid, bool edu, bool misuse)
{
	struct handles h = { 0 };
	struct granted_buffer b = { 0 };
	struct vdispl_dmabuf_stats stats;
	uint32_t count = 0;
	int ret = open_handles(&h, domid, &count);

	if (ret)
		goto out;
	printf("guest domid=%u buffers=%u\n", domid, count);
	for (uint32_t i = 0; i < count && !ret; i++) {
		ret = read_buffer(h.xs, h.gnttab, domid, i, &b);
		if (!ret)
			check_buffer(h.module, domid, &b, edu);
		if (!ret && misuse && i == 0)
			ret = check_misuse(h.module, domid, &b);
		free(b.refs);
		b.refs = NULL;
	}
	if (!ret) {
		ret = vdispl_dmabuf_module_stats(h.module, &stats);
		printf("stats result=%s buffers=%u pages=%u\n", errno_name(ret), stats.buffers,
		       stats.pages);
	}
out:
	close_handles(&h);
	return ret;
}

/* The guest's buffer @index (@b), exported (@e); the error printed. */
static int export_buffer(struct handles *h, uint32_t domid, uint32_t index,
			 struct granted_buffer *b, struct vdispl_dmabuf_export *e)
{
	int ret = read_buffer(h->xs, h->gnttab, domid, index, b);

	if (!ret)
		ret = vdispl_dmabuf_module_export(h->module, domid, b->refs, b->pages, false, e);
	if (ret)
		fail_errno(ret, "exporting dom%u's buffer %u", domid, index);
	return ret;
}

int check_hold(uint32_t domid)
{
	struct handles h = { 0 };
	struct granted_buffer b = { 0 };
	struct vdispl_dmabuf_export e;
	uint32_t count = 0, frame;
	sigset_t term;
	int ret = open_handles(&h, domid, &count), sig;

	if (!ret)
		ret = export_buffer(&h, domid, 0, &b, &e);
	if (ret)
		goto out;
	/* The frame the guest last drew into it, read while the guest is there. */
	if (read_u32(h.xs, domid, "drawn", &frame))
		frame = 0;
	/* Whatever happens to the guest now, our mapping must keep its pages. */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	printf("hold ready id=%u pages=%u\n", e.id, b.pages);
	sigwait(&term, &sig);
	check_cpu_view("hold-cpu", e.fd, &b, frame, b.index);
	close(e.fd);
	printf("hold released result=%s\n", errno_name(wait_released(h.module, e.id)));
out:
	free(b.refs);
	close_handles(&h);
	return ret;
}

/* Have the guest draw frame @frame into buffer 0, and wait until it has. */
static int draw_frame(struct vdispl_xs *xs, uint32_t domid, uint32_t frame)
{
	const struct timespec tick = { 0, 5 * 1000 * 1000 };
	char path[160];
	uint32_t drawn = 0;
	int ret;

	node_path(path, sizeof(path), domid, "frame");
	ret = vdispl_xs_printf(xs, path, "%u", frame);
	for (int i = 0; !ret && i < 2000; i++) {
		if (read_u32(xs, domid, "drawn", &drawn) == 0 && drawn == frame)
			return 0;
		nanosleep(&tick, NULL);
	}
	return ret ? ret : -ETIMEDOUT;
}

int check_frames(uint32_t domid, uint32_t frames)
{
	struct handles h = { 0 };
	struct granted_buffer b[FRAMES_MAX_BUFFERS] = { 0 };
	struct vdispl_dmabuf_export e[FRAMES_MAX_BUFFERS];
	uint32_t count = 0, exported = 0;
	char label[32];
	int ret = open_handles(&h, domid, &count);

	if (!ret && (count == 0 || count > FRAMES_MAX_BUFFERS))
		ret = fail_errno(-ERANGE, "dom%u granted %u buffers, frames checks 1 to %u", domid,
				 count, FRAMES_MAX_BUFFERS);
	while (!ret && exported < count) {
		ret = export_buffer(&h, domid, exported, &b[exported], &e[exported]);
		if (!ret)
			exported++;
	}
	if (ret)
		goto out;
	/*
	 * One export per buffer for every frame: the guest redraws the pages Dom0
	 * maps. The CPU view of each is read every frame; the edu device reads one
	 * buffer a frame, in turn (a DMA window takes edu 0.2 s or more: a
	 * scattered buffer's are many).
	 */
	for (uint32_t f = 1; f <= frames; f++) {
		ret = draw_frame(h.xs, domid, f);
		printf("frame %u drawn=%s\n", f, errno_name(ret));
		if (ret)
			break;
		for (uint32_t i = 0; i < count; i++) {
			snprintf(label, sizeof(label), "frame-cpu-%u", i);
			check_cpu_view(label, e[i].fd, &b[i], f, f);
		}
		snprintf(label, sizeof(label), "frame-edu-%u", (f - 1) % count);
		check_edu(label, e[(f - 1) % count].fd, f, VDISPL_EDU_IMPORTER_EDU);
	}
out:
	for (uint32_t i = 0; i < exported; i++)
		close(e[i].fd);
	for (uint32_t i = 0; i < FRAMES_MAX_BUFFERS; i++)
		free(b[i].refs);
	close_handles(&h);
	return ret;
}
