// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buffers.h"
#include "format.h"
#include "log.h"
#include "page-directory.h"
#include "status.h"

/*
 * Walk the page directory at @first describing @num_grefs pages: read its
 * references into @grefs or, for a buffer we allocated (@fill), write
 * @grefs into it. One directory page is mapped at a time, copied out
 * before anything in it is believed, and unmapped.
 */
static int walk_directory(struct vdispl_buffers *bufs, grant_ref_t first, uint32_t num_grefs,
			  grant_ref_t *grefs, bool fill)
{
	struct vdispl_pgdir_walk walk;
	/* A private copy: the guest may rewrite the shared page while we read. */
	static uint8_t copy[VDISPL_XEN_PAGE_SIZE];
	int ret = vdispl_pgdir_walk_init(&walk, first, num_grefs);

	while (!ret && !vdispl_pgdir_walk_done(&walk)) {
		void *page;

		ret = vdispl_gnttab_map(bufs->gnttab, bufs->domid, 1, &walk.next, fill, &page);
		if (ret) {
			vdispl_log_errno(WARN, bufs->tag, ret, "mapping directory page gref %u",
					 walk.next);
			return vdispl_status_from_errno(ret);
		}
		memcpy(copy, page, sizeof(copy));
		ret = fill ? vdispl_pgdir_fill_page(&walk, copy, page, grefs)
			   : vdispl_pgdir_walk_page(&walk, copy, grefs);
		vdispl_gnttab_unmap(bufs->gnttab, page, 1);
	}
	return ret;
}

static struct vdispl_dbuf *dbuf_find(struct vdispl_buffers *bufs, uint64_t cookie)
{
	for (struct vdispl_dbuf *d = bufs->dbufs; d; d = d->next)
		if (d->params.dbuf_cookie == cookie)
			return d;
	return NULL;
}

struct vdispl_fb *vdispl_fb_find(struct vdispl_buffers *bufs, uint64_t cookie)
{
	for (struct vdispl_fb *f = bufs->fbs; f; f = f->next)
		if (f->params.fb_cookie == cookie)
			return f;
	return NULL;
}

/* The guest's pages, mapped read-only with one batched call. */
static int dbuf_map(struct vdispl_buffers *bufs, struct vdispl_dbuf *dbuf, grant_ref_t *grefs)
{
	const struct vdispl_dbuf_create *params = &dbuf->params;
	int ret = walk_directory(bufs, params->gref_directory, params->num_grefs, grefs, false);

	if (ret)
		return ret;
	ret = vdispl_gnttab_map(bufs->gnttab, bufs->domid, params->num_grefs, grefs, false,
				&dbuf->map);
	if (ret) {
		vdispl_log_errno(WARN, bufs->tag, ret, "mapping %u buffer pages", params->num_grefs);
		return vdispl_status_from_errno(ret);
	}
	return 0;
}

/* REQ_ALLOC: our pages, granted to the guest, listed in its directory. */
static int dbuf_share(struct vdispl_buffers *bufs, struct vdispl_dbuf *dbuf, grant_ref_t *grefs)
{
	const struct vdispl_dbuf_create *params = &dbuf->params;
	int ret;

	if (!bufs->gntshr) {
		ret = vdispl_gntshr_open(&bufs->gntshr);
		if (ret) {
			vdispl_log_errno(ERROR, bufs->tag, ret, "cannot share pages (xen-gntalloc loaded?)");
			return vdispl_status_from_errno(ret);
		}
	}
	ret = vdispl_gntshr_share(bufs->gntshr, bufs->domid, params->num_grefs, true, grefs,
				  &dbuf->map);
	if (ret) {
		vdispl_log_errno(WARN, bufs->tag, ret, "sharing %u pages%s", params->num_grefs,
				 ret == -ENOSPC ? " (raise /sys/module/xen_gntalloc/parameters/limit)"
						: "");
		return vdispl_status_from_errno(ret);
	}
	ret = walk_directory(bufs, params->gref_directory, params->num_grefs, grefs, true);
	if (ret) {
		vdispl_gntshr_unshare(bufs->gntshr, dbuf->map, params->num_grefs);
		return ret;
	}
	dbuf->shared = true;
	bufs->shared_pages += params->num_grefs;
	return 0;
}

int vdispl_dbuf_create(struct vdispl_buffers *bufs, const struct vdispl_dbuf_create *params)
{
	uint64_t in_use = vdispl_gnttab_mapped(bufs->gnttab) + bufs->shared_pages;
	struct vdispl_dbuf *dbuf;
	grant_ref_t *grefs;
	int ret;

	if (dbuf_find(bufs, params->dbuf_cookie))
		return -XEN_EEXIST;
	if (in_use + params->num_grefs > bufs->max_pages) {
		vdispl_log(WARN, bufs->tag, "buffer of %u pages refused: %llu of %llu in use",
			   params->num_grefs, (unsigned long long)in_use,
			   (unsigned long long)bufs->max_pages);
		return -XEN_ENOMEM;
	}
	dbuf = calloc(1, sizeof(*dbuf));
	grefs = calloc(params->num_grefs, sizeof(*grefs));
	if (!dbuf || !grefs) {
		ret = -XEN_ENOMEM;
		goto out;
	}
	dbuf->params = *params;
	ret = params->backend_alloc ? dbuf_share(bufs, dbuf, grefs) : dbuf_map(bufs, dbuf, grefs);
	if (ret)
		goto out;
	dbuf->next = bufs->dbufs;
	bufs->dbufs = dbuf;
	vdispl_log(DEBUG, bufs->tag, "dbuf %#llx: %ux%u %u bpp, %u pages %s",
		   (unsigned long long)params->dbuf_cookie, params->width, params->height,
		   params->bpp, params->num_grefs, dbuf->shared ? "shared by us" : "mapped");
	dbuf = NULL;
out:
	free(grefs);
	free(dbuf);
	return ret;
}

static void fb_unlink(struct vdispl_buffers *bufs, struct vdispl_fb *fb)
{
	for (struct vdispl_fb **link = &bufs->fbs; *link; link = &(*link)->next) {
		if (*link == fb) {
			*link = fb->next;
			break;
		}
	}
	free(fb);
}

static void dbuf_free(struct vdispl_buffers *bufs, struct vdispl_dbuf *dbuf)
{
	uint32_t pages = dbuf->params.num_grefs;
	int ret;

	if (dbuf->shared) {
		/* gntalloc keeps a page the guest still maps until it lets go. */
		ret = vdispl_gntshr_unshare(bufs->gntshr, dbuf->map, pages);
		bufs->shared_pages -= pages;
	} else {
		ret = vdispl_gnttab_unmap(bufs->gnttab, dbuf->map, pages);
	}
	if (ret)
		vdispl_log_errno(ERROR, bufs->tag, ret, "releasing dbuf %#llx",
				 (unsigned long long)dbuf->params.dbuf_cookie);
	free(dbuf);
}

int vdispl_dbuf_destroy(struct vdispl_buffers *bufs, uint64_t cookie,
			void (*fb_gone)(void *data, uint64_t fb_cookie), void *data)
{
	struct vdispl_dbuf *dbuf = dbuf_find(bufs, cookie);
	struct vdispl_fb *fb, *next;

	if (!dbuf)
		return -XEN_ENOENT;
	/* The mainline frontend detaches first; a hostile one may not. */
	for (fb = bufs->fbs; fb; fb = next) {
		next = fb->next;
		if (fb->dbuf == dbuf) {
			fb_gone(data, fb->params.fb_cookie);
			fb_unlink(bufs, fb);
		}
	}
	for (struct vdispl_dbuf **link = &bufs->dbufs; *link; link = &(*link)->next) {
		if (*link == dbuf) {
			*link = dbuf->next;
			break;
		}
	}
	dbuf_free(bufs, dbuf);
	return 0;
}

int vdispl_fb_attach(struct vdispl_buffers *bufs, const struct vdispl_fb_attach *params)
{
	struct vdispl_dbuf *dbuf = dbuf_find(bufs, params->dbuf_cookie);
	struct vdispl_fb *fb;
	uint32_t stride;

	if (!dbuf)
		return -XEN_ENOENT;
	if (vdispl_fb_find(bufs, params->fb_cookie))
		return -XEN_EEXIST;
	stride = vdispl_fb_stride(&dbuf->params, params);
	if (!stride)
		return -XEN_EINVAL;
	fb = calloc(1, sizeof(*fb));
	if (!fb)
		return -XEN_ENOMEM;
	fb->params = *params;
	fb->dbuf = dbuf;
	fb->pixels = (struct vdispl_pixels){
		.data = (uint8_t *)dbuf->map + dbuf->params.data_ofs,
		.stride = stride,
		.width = params->width,
		.height = params->height,
		.fourcc = params->fourcc,
	};
	fb->next = bufs->fbs;
	bufs->fbs = fb;
	return 0;
}

int vdispl_fb_detach(struct vdispl_buffers *bufs, uint64_t cookie)
{
	struct vdispl_fb *fb = vdispl_fb_find(bufs, cookie);

	if (!fb)
		return -XEN_ENOENT;
	fb_unlink(bufs, fb);
	return 0;
}

void vdispl_buffers_release_all(struct vdispl_buffers *bufs)
{
	while (bufs->fbs)
		fb_unlink(bufs, bufs->fbs);
	while (bufs->dbufs) {
		struct vdispl_dbuf *dbuf = bufs->dbufs;

		bufs->dbufs = dbuf->next;
		dbuf_free(bufs, dbuf);
	}
}

void vdispl_buffers_finish(struct vdispl_buffers *bufs)
{
	vdispl_buffers_release_all(bufs);
	vdispl_gntshr_close(bufs->gntshr);
	bufs->gntshr = NULL;
	vdispl_gnttab_close(bufs->gnttab);
	bufs->gnttab = NULL;
}

void vdispl_buffers_count(const struct vdispl_buffers *bufs, unsigned int *dbufs,
			  unsigned int *fbs)
{
	*dbufs = 0;
	*fbs = 0;
	for (const struct vdispl_dbuf *d = bufs->dbufs; d; d = d->next)
		(*dbufs)++;
	for (const struct vdispl_fb *f = bufs->fbs; f; f = f->next)
		(*fbs)++;
}

int vdispl_buffers_write_edid(struct vdispl_buffers *bufs, grant_ref_t first, uint32_t num_grefs,
			      const void *edid, uint32_t size)
{
	grant_ref_t *grefs = calloc(num_grefs, sizeof(*grefs));
	void *map;
	int ret;

	if (!grefs)
		return -XEN_ENOMEM;
	ret = walk_directory(bufs, first, num_grefs, grefs, false);
	if (ret)
		goto out;
	/* Only the pages the EDID lands on; the guest zeroed the rest. */
	num_grefs = (size + VDISPL_XEN_PAGE_SIZE - 1) / VDISPL_XEN_PAGE_SIZE;
	ret = vdispl_gnttab_map(bufs->gnttab, bufs->domid, num_grefs, grefs, true, &map);
	if (ret) {
		ret = vdispl_status_from_errno(ret);
		goto out;
	}
	memcpy(map, edid, size);
	vdispl_gnttab_unmap(bufs->gnttab, map, num_grefs);
out:
	free(grefs);
	return ret;
}
