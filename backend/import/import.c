// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/epoll.h>

#include "common/dmabuf-module.h"
#include "backend/import/import.h"
#include "common/log.h"

/* Guest-allocated buffers try these in this order (zero-copy first). */
static const struct {
	enum vdispl_import_kind kind;
	const struct vdispl_import_impl *impl;
} ways[] = {
	{ VDISPL_IMPORT_MODULE, &vdispl_import_module },
	{ VDISPL_IMPORT_GNTDEV_DMABUF, &vdispl_import_gntdev_dmabuf },
	{ VDISPL_IMPORT_COPY, &vdispl_import_copy },
};
#define NUM_WAYS (sizeof(ways) / sizeof(ways[0]))

struct vdispl_import {
	enum vdispl_import_kind forced; /* AUTO: none */
	int probed[NUM_WAYS];		/* 0: usable, else -errno */
	char why[NUM_WAYS][128];	/* why not */
	struct vdispl_dmabuf_module *module;
	struct vdispl_loop_source *module_source;
	struct vdispl_import_stats stats;
};

struct vdispl_dmabuf_module *vdispl_import_module_handle(struct vdispl_import *import)
{
	return import->module;
}

/* The module says which buffers it has let go of: their grants are unmapped. */
static void module_readable(void *data, uint32_t events)
{
	struct vdispl_import *import = data;
	uint32_t ids[64];
	int n;

	while ((n = vdispl_dmabuf_module_released(import->module, ids, 64)) > 0) {
		for (int i = 0; i < n; i++)
			vdispl_log(DEBUG, NULL, "vdispl-dmabuf released buffer %u: grants unmapped",
				   ids[i]);
		import->stats.module_releases += (uint64_t)n;
	}
	if (n < 0)
		vdispl_log_errno(WARN, NULL, n, "reading vdispl-dmabuf's releases");
}

static void open_module(struct vdispl_import *import, struct vdispl_loop *loop, char *why,
			size_t why_size)
{
	int ret = vdispl_dmabuf_module_open(&import->module);

	if (ret) {
		snprintf(why, why_size, "%s", ret == -ENOENT ? "vdispl-dmabuf is not loaded"
							    : strerror(-ret));
		return;
	}
	import->module_source = vdispl_loop_add_fd(loop, vdispl_dmabuf_module_fd(import->module),
						   EPOLLIN, module_readable, import);
	if (!import->module_source) {
		snprintf(why, why_size, "cannot watch it: %s", strerror(errno));
		vdispl_dmabuf_module_close(import->module);
		import->module = NULL;
	}
}

int vdispl_import_create(enum vdispl_import_kind kind, struct vdispl_loop *loop,
			 struct vdispl_import **out)
{
	struct vdispl_import *import = calloc(1, sizeof(*import));
	char module_why[128] = "";

	if (!import)
		return -ENOMEM;
	import->forced = kind;
	if (kind == VDISPL_IMPORT_AUTO || kind == VDISPL_IMPORT_MODULE)
		open_module(import, loop, module_why, sizeof(module_why));
	for (size_t i = 0; i < NUM_WAYS; i++) {
		char *why = import->why[i];

		if (kind != VDISPL_IMPORT_AUTO && kind != ways[i].kind) {
			import->probed[i] = -ENOTSUP;
			snprintf(why, sizeof(import->why[i]), "not chosen (import = %s)",
				 vdispl_import_kind_name(kind));
			continue;
		}
		import->probed[i] = ways[i].impl->probe(import, why, sizeof(import->why[i]));
		if (import->probed[i] && ways[i].kind == VDISPL_IMPORT_MODULE)
			snprintf(why, sizeof(import->why[i]), "%s", module_why);
		if (import->probed[i])
			vdispl_log(INFO, NULL, "import %s: unavailable: %s", ways[i].impl->name, why);
		else
			vdispl_log(INFO, NULL, "import %s: available", ways[i].impl->name);
		if (import->probed[i] && kind == ways[i].kind) {
			int ret = import->probed[i];

			vdispl_log(ERROR, NULL, "import = %s, but it is unavailable: %s",
				   ways[i].impl->name, why);
			vdispl_import_destroy(import);
			return ret;
		}
	}
	*out = import;
	return 0;
}

void vdispl_import_destroy(struct vdispl_import *import)
{
	if (!import)
		return;
	vdispl_loop_remove(import->module_source);
	vdispl_dmabuf_module_close(import->module);
	free(import);
}

static void log_choice(struct vdispl_import_device *dev, const char *name,
		       const struct vdispl_import_buffer *buf, const char *skipped)
{
	if (buf->dmabuf_fd >= 0)
		vdispl_log(INFO, dev->tag, "%s: %u pages, zero-copy through %s: dma-buf %u, "
			   "%u bus segments%s%s",
			   name, buf->pages, buf->impl->name, buf->dmabuf_id, buf->bus_segments,
			   *skipped ? "; skipped " : "", skipped);
	else
		vdispl_log(INFO, dev->tag, "%s: %u pages, mapped for copying%s%s", name, buf->pages,
			   *skipped ? ": " : "", skipped);
}

static void add_reason(char *reasons, size_t size, const char *name, const char *why)
{
	size_t len = strlen(reasons);

	snprintf(reasons + len, size - len, "%s%s: %s", len ? "; " : "", name, why);
}

static int create_guest_buffer(struct vdispl_import_device *dev, const char *name,
			       uint32_t pages, vdispl_gref_t *grefs,
			       struct vdispl_import_buffer *buf)
{
	struct vdispl_import *import = dev->import;
	char skipped[384] = "";
	int ret = -ENODEV;

	for (size_t i = 0; i < NUM_WAYS; i++) {
		if (import->probed[i]) {
			if (import->forced == VDISPL_IMPORT_AUTO)
				add_reason(skipped, sizeof(skipped), ways[i].impl->name,
					   import->why[i]);
			continue;
		}
		buf->impl = ways[i].impl;
		ret = buf->impl->create(dev, pages, grefs, buf);
		if (!ret) {
			log_choice(dev, name, buf, skipped);
			return 0;
		}
		add_reason(skipped, sizeof(skipped), ways[i].impl->name, strerror(-ret));
		buf->dmabuf_fd = -1;
	}
	vdispl_log_limited(WARN, dev->guest_log, dev->tag, "%s: %u pages: no way to take it (%s)",
			   name, pages, skipped);
	return ret;
}

/*
 * be-alloc: our module's pages where it is usable (zero-copy, and pages the
 * guest keeps mapping stay counted), else gntalloc's.
 */
static int create_backend_buffer(struct vdispl_import_device *dev, const char *name,
				 uint32_t pages, vdispl_gref_t *grefs,
				 struct vdispl_import_buffer *buf)
{
	struct vdispl_import *import = dev->import;
	char skipped[256] = "";
	int ret;

	/* ways[0] is the module: probed 0 when it is open and not ruled out. */
	if (!import->probed[0]) {
		buf->impl = &vdispl_import_module_share;
		ret = buf->impl->create(dev, pages, grefs, buf);
		if (!ret) {
			vdispl_log(INFO, dev->tag, "%s: %u pages, ours, shared with the guest through "
				   "%s: dma-buf %u, %u bus segments", name, pages, buf->impl->name,
				   buf->dmabuf_id, buf->bus_segments);
			return 0;
		}
		add_reason(skipped, sizeof(skipped), buf->impl->name, strerror(-ret));
		buf->dmabuf_fd = -1;
	} else {
		add_reason(skipped, sizeof(skipped), "module-share", import->why[0]);
	}
	buf->impl = &vdispl_import_gntalloc;
	ret = buf->impl->create(dev, pages, grefs, buf);
	if (!ret)
		vdispl_log(INFO, dev->tag, "%s: %u pages, ours, shared with the guest through %s; "
			   "skipped %s", name, pages, buf->impl->name, skipped);
	return ret;
}

int vdispl_import_buffer_create(struct vdispl_import_device *dev, const char *name,
				bool backend_alloc, uint32_t pages, vdispl_gref_t *grefs,
				struct vdispl_import_buffer *buf)
{
	int ret;

	memset(buf, 0, sizeof(*buf));
	buf->pages = pages;
	buf->dmabuf_fd = -1;
	if (backend_alloc)
		ret = create_backend_buffer(dev, name, pages, grefs, buf);
	else
		ret = create_guest_buffer(dev, name, pages, grefs, buf);
	if (ret)
		return ret;
	if (buf->dmabuf_fd >= 0) {
		dev->import->stats.zero_copy_buffers++;
		dev->import->stats.dma_segments += buf->bus_segments;
	}
	return 0;
}

int vdispl_import_map_cpu(struct vdispl_import_device *dev, struct vdispl_import_buffer *buf)
{
	if (buf->map)
		return 0;
	return buf->impl->map_cpu ? buf->impl->map_cpu(dev, buf) : -ENOTSUP;
}

int vdispl_import_buffer_destroy(struct vdispl_import_device *dev,
				 struct vdispl_import_buffer *buf)
{
	if (buf->dmabuf_fd >= 0) {
		dev->import->stats.zero_copy_buffers--;
		dev->import->stats.dma_segments -= buf->bus_segments;
	}
	return buf->impl->destroy(dev, buf);
}

void vdispl_import_stats(struct vdispl_import *import, struct vdispl_import_stats *out)
{
	struct vdispl_dmabuf_stats stats;

	*out = import->stats;
	out->module_pages = 0;
	out->module_remapped = 0;
	out->module_shared = 0;
	out->module_lingering = 0;
	if (import->module && vdispl_dmabuf_module_stats(import->module, &stats) == 0) {
		out->module_pages = stats.pages;
		out->module_remapped = stats.remapped_pages;
		out->module_shared = stats.shared_pages;
		out->module_lingering = stats.lingering_pages;
	}
}
