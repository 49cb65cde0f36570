// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/buffers.h"
#include "protocol/format.h"
#include "common/grant-directory.h"
#include "common/log.h"

/* The directory walk, logging what went wrong on the way. */
static int walk_directory(struct vdispl_buffers *bufs, grant_ref_t first, uint32_t num_grefs,
			  grant_ref_t *grefs, bool fill)
{
	grant_ref_t bad_page = 0;
	int ret = vdispl_grant_directory_walk(bufs->import.gnttab, bufs->import.domid, first,
					      num_grefs, grefs, fill, &bad_page);

	if (ret && bad_page)
		vdispl_log_errno_limited(WARN, bufs->import.guest_log, bufs->import.tag, ret,
					 "mapping directory page gref %u", bad_page);
	return ret;
}

void vdispl_buffers_init(struct vdispl_buffers *bufs)
{
	vdispl_list_init(&bufs->dbufs);
	vdispl_list_init(&bufs->fbs);
}

static struct vdispl_dbuf *dbuf_find(struct vdispl_buffers *bufs, uint64_t cookie)
{
	struct vdispl_list *pos, *tmp;
	struct vdispl_dbuf *d;

	vdispl_list_for_each_item(d, struct vdispl_dbuf, link, &bufs->dbufs, pos, tmp)
		if (d->params.dbuf_cookie == cookie)
			return d;
	return NULL;
}

struct vdispl_fb *vdispl_fb_find(struct vdispl_buffers *bufs, uint64_t cookie)
{
	struct vdispl_list *pos, *tmp;
	struct vdispl_fb *f;

	vdispl_list_for_each_item(f, struct vdispl_fb, link, &bufs->fbs, pos, tmp)
		if (f->params.fb_cookie == cookie)
			return f;
	return NULL;
}

/* What DBUF_CREATE cost so far, over every device: CPU time and pages. */
static uint64_t create_ns, create_pages;

/* Hypercalls and the module's mapping count as this process's system time. */
static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void vdispl_buffers_create_cost(uint64_t *us, uint64_t *pages)
{
	*us = create_ns / 1000u;
	*pages = create_pages;
}

static int dbuf_create(struct vdispl_buffers *bufs, const struct vdispl_dbuf_create *params);

int vdispl_dbuf_create(struct vdispl_buffers *bufs, const struct vdispl_dbuf_create *params)
{
	uint64_t start = cpu_ns();
	int ret = dbuf_create(bufs, params);

	if (!ret) {
		create_ns += cpu_ns() - start;
		create_pages += params->num_grefs;
	}
	return ret;
}

/* May this device hold one more buffer of @pages pages? 0 or -errno, logged. */
static int check_caps(struct vdispl_buffers *bufs, uint32_t pages)
{
	const struct vdispl_limits *limits = bufs->limits;
	struct vdispl_buffer_totals *totals = bufs->totals;
	struct vdispl_import_device *dev = &bufs->import;

	if (bufs->num_dbufs >= limits->max_buffers) {
		vdispl_log_limited(WARN, dev->guest_log, dev->tag,
				   "buffer refused: the guest holds max-buffers = %u already",
				   limits->max_buffers);
		return -ENOSPC;
	}
	if (bufs->pages + pages > limits->max_pages) {
		vdispl_log_limited(WARN, dev->guest_log, dev->tag,
				   "buffer of %u pages refused: %llu of max-pages = %u in use", pages,
				   (unsigned long long)bufs->pages, limits->max_pages);
		return -ENOMEM;
	}
	if (totals->buffers >= totals->max_buffers) {
		vdispl_log_limited(WARN, dev->guest_log, dev->tag,
				   "buffer refused: all guests hold max-total-buffers = %u already",
				   totals->max_buffers);
		return -ENOSPC;
	}
	if (totals->pages + pages > totals->max_pages) {
		vdispl_log_limited(WARN, dev->guest_log, dev->tag,
				   "buffer of %u pages refused: all guests hold %llu of "
				   "max-total-pages = %u", pages, (unsigned long long)totals->pages,
				   totals->max_pages);
		return -ENOMEM;
	}
	return 0;
}

static int dbuf_create(struct vdispl_buffers *bufs, const struct vdispl_dbuf_create *params)
{
	struct vdispl_import_device *dev = &bufs->import;
	struct vdispl_dbuf *dbuf;
	grant_ref_t *grefs;
	char name[32];
	int ret;

	if (dbuf_find(bufs, params->dbuf_cookie))
		return -EEXIST;
	ret = check_caps(bufs, params->num_grefs);
	if (ret)
		return ret;
	dbuf = calloc(1, sizeof(*dbuf));
	grefs = calloc(params->num_grefs, sizeof(*grefs));
	if (!dbuf || !grefs) {
		ret = -ENOMEM;
		goto out;
	}
	dbuf->bufs = bufs;
	dbuf->params = *params;
	snprintf(name, sizeof(name), "dbuf %#llx", (unsigned long long)params->dbuf_cookie);
	if (!params->backend_alloc) {
		ret = walk_directory(bufs, params->gref_directory, params->num_grefs, grefs, false);
		if (ret)
			goto out;
	}
	ret = vdispl_import_buffer_create(dev, name, params->backend_alloc, params->num_grefs,
					  grefs, &dbuf->mem);
	if (ret)
		goto out;
	if (params->backend_alloc) {
		/* Our references go into the directory the guest gave us. */
		ret = walk_directory(bufs, params->gref_directory, params->num_grefs, grefs, true);
		if (ret) {
			vdispl_import_buffer_destroy(dev, &dbuf->mem);
			goto out;
		}
	}
	bufs->pages += params->num_grefs;
	bufs->num_dbufs++;
	bufs->totals->pages += params->num_grefs;
	bufs->totals->buffers++;
	vdispl_list_add(&bufs->dbufs, &dbuf->link);
	vdispl_log(DEBUG, dev->tag, "%s: %ux%u %u bpp", name, params->width, params->height,
		   params->bpp);
	dbuf = NULL;
out:
	free(grefs);
	free(dbuf);
	return ret;
}

static void fb_unlink(struct vdispl_buffers *bufs, struct vdispl_fb *fb)
{
	vdispl_list_del(&fb->link);
	bufs->num_fbs--;
	free(fb);
}

static void dbuf_free(struct vdispl_buffers *bufs, struct vdispl_dbuf *dbuf)
{
	int ret = vdispl_import_buffer_destroy(&bufs->import, &dbuf->mem);

	bufs->num_dbufs--;
	if (ret) {
		/*
		 * What could not be let go of is still held: it stays counted
		 * against the caps, so a guest cannot leak its way past them.
		 */
		vdispl_log_errno(ERROR, bufs->import.tag, ret,
				 "releasing dbuf %#llx: its %u pages stay counted",
				 (unsigned long long)dbuf->params.dbuf_cookie,
				 dbuf->params.num_grefs);
		free(dbuf);
		return;
	}
	bufs->pages -= dbuf->params.num_grefs;
	bufs->totals->pages -= dbuf->params.num_grefs;
	bufs->totals->buffers--;
	free(dbuf);
}

int vdispl_dbuf_destroy(struct vdispl_buffers *bufs, uint64_t cookie,
			void (*fb_gone)(void *data, uint64_t fb_cookie), void *data)
{
	struct vdispl_dbuf *dbuf = dbuf_find(bufs, cookie);
	struct vdispl_list *pos, *tmp;
	struct vdispl_fb *fb;

	if (!dbuf)
		return -ENOENT;
	/* The mainline frontend detaches first; a hostile one may not. */
	vdispl_list_for_each_item(fb, struct vdispl_fb, link, &bufs->fbs, pos, tmp) {
		if (fb->dbuf == dbuf) {
			fb_gone(data, fb->params.fb_cookie);
			fb_unlink(bufs, fb);
		}
	}
	vdispl_list_del(&dbuf->link);
	dbuf_free(bufs, dbuf);
	return 0;
}

int vdispl_fb_attach(struct vdispl_buffers *bufs, const struct vdispl_fb_attach *params)
{
	struct vdispl_dbuf *dbuf = dbuf_find(bufs, params->dbuf_cookie);
	struct vdispl_fb *fb;
	uint32_t stride;

	if (!dbuf)
		return -ENOENT;
	if (vdispl_fb_find(bufs, params->fb_cookie))
		return -EEXIST;
	if (bufs->num_fbs >= bufs->limits->max_framebuffers) {
		vdispl_log_limited(WARN, bufs->import.guest_log, bufs->import.tag,
				   "framebuffer refused: the guest holds max-framebuffers = %u already",
				   bufs->limits->max_framebuffers);
		return -ENOSPC;
	}
	stride = vdispl_fb_stride(&dbuf->params, params);
	if (!stride)
		return -EINVAL;
	fb = calloc(1, sizeof(*fb));
	if (!fb)
		return -ENOMEM;
	fb->params = *params;
	fb->dbuf = dbuf;
	fb->stride = stride;
	vdispl_list_add(&bufs->fbs, &fb->link);
	bufs->num_fbs++;
	return 0;
}

int vdispl_fb_detach(struct vdispl_buffers *bufs, uint64_t cookie)
{
	struct vdispl_fb *fb = vdispl_fb_find(bufs, cookie);

	if (!fb)
		return -ENOENT;
	fb_unlink(bufs, fb);
	return 0;
}

void vdispl_buffers_release_all(struct vdispl_buffers *bufs)
{
	while (!vdispl_list_empty(&bufs->fbs))
		fb_unlink(bufs, vdispl_container_of(bufs->fbs.next, struct vdispl_fb, link));
	while (!vdispl_list_empty(&bufs->dbufs)) {
		struct vdispl_dbuf *dbuf = vdispl_container_of(bufs->dbufs.next, struct vdispl_dbuf,
							       link);

		vdispl_list_del(&dbuf->link);
		dbuf_free(bufs, dbuf);
	}
}

void vdispl_buffers_finish(struct vdispl_buffers *bufs)
{
	vdispl_buffers_release_all(bufs);
	vdispl_gntshr_close(bufs->import.gntshr);
	bufs->import.gntshr = NULL;
	vdispl_gnttab_close(bufs->import.gnttab);
	bufs->import.gnttab = NULL;
}

void vdispl_buffers_count(const struct vdispl_buffers *bufs, unsigned int *dbufs,
			  unsigned int *fbs)
{
	*dbufs = bufs->num_dbufs;
	*fbs = bufs->num_fbs;
}

/* The CPU view of a framebuffer, mapped the first time an output needs it. */
static int map_fb(void *data, struct vdispl_pixels *pixels)
{
	struct vdispl_fb *fb = data;
	struct vdispl_dbuf *dbuf = fb->dbuf;
	int ret = vdispl_import_map_cpu(&dbuf->bufs->import, &dbuf->mem);

	if (ret)
		return ret;
	pixels->data = (uint8_t *)dbuf->mem.map + dbuf->params.data_ofs;
	return 0;
}

void vdispl_fb_picture(struct vdispl_fb *fb, uint32_t x, uint32_t y,
		       struct vdispl_picture *picture)
{
	const struct vdispl_dbuf *dbuf = fb->dbuf;

	*picture = (struct vdispl_picture){
		.key = fb->params.fb_cookie,
		.fb = {
			.data = dbuf->mem.map ? (uint8_t *)dbuf->mem.map + dbuf->params.data_ofs
					      : NULL,
			.stride = fb->stride,
			.width = fb->params.width,
			.height = fb->params.height,
			.fourcc = fb->params.fourcc,
		},
		.x = x,
		.y = y,
		.dmabuf_fd = dbuf->mem.dmabuf_fd,
		.dmabuf_offset = dbuf->params.data_ofs,
		.map = map_fb,
		.map_data = fb,
	};
}

int vdispl_buffers_write_edid(struct vdispl_buffers *bufs, grant_ref_t first, uint32_t num_grefs,
			      const void *edid, uint32_t size)
{
	grant_ref_t *grefs = calloc(num_grefs, sizeof(*grefs));
	void *map;
	int ret;

	if (!grefs)
		return -ENOMEM;
	ret = walk_directory(bufs, first, num_grefs, grefs, false);
	if (ret)
		goto out;
	/* Only the pages the EDID lands on; the guest zeroed the rest. */
	num_grefs = (size + VDISPL_XEN_PAGE_SIZE - 1) / VDISPL_XEN_PAGE_SIZE;
	ret = vdispl_gnttab_map(bufs->import.gnttab, bufs->import.domid, num_grefs, grefs, true,
				&map);
	if (ret)
		goto out;
	memcpy(map, edid, size);
	vdispl_gnttab_unmap(bufs->import.gnttab, map, num_grefs);
out:
	free(grefs);
	return ret;
}
