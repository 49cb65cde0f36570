// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buffers.h"
#include "format.h"
#include "log.h"
#include "page-directory.h"
#include "status.h"

int vdispl_buffers_read_directory(struct vdispl_buffers *bufs, grant_ref_t first,
				  uint32_t num_grefs, grant_ref_t *grefs)
{
	struct vdispl_pgdir_walk walk;
	/* A private copy: the guest may rewrite the shared page while we read. */
	static uint8_t copy[VDISPL_XEN_PAGE_SIZE];
	int ret = vdispl_pgdir_walk_init(&walk, first, num_grefs);

	while (!ret && !vdispl_pgdir_walk_done(&walk)) {
		void *page;

		ret = vdispl_gnttab_map(bufs->gnttab, bufs->domid, 1, &walk.next, false, &page);
		if (ret) {
			vdispl_log_errno(WARN, bufs->tag, ret, "mapping directory page gref %u",
					 walk.next);
			return vdispl_status_from_errno(ret);
		}
		memcpy(copy, page, sizeof(copy));
		vdispl_gnttab_unmap(bufs->gnttab, page, 1);
		ret = vdispl_pgdir_walk_page(&walk, copy, grefs);
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

int vdispl_dbuf_create(struct vdispl_buffers *bufs, const struct vdispl_dbuf_create *params)
{
	struct vdispl_dbuf *dbuf;
	grant_ref_t *grefs;
	int ret;

	if (dbuf_find(bufs, params->dbuf_cookie))
		return -XEN_EEXIST;
	if (params->backend_alloc) {
		vdispl_log(WARN, bufs->tag, "backend-allocated buffers are not supported yet");
		return -XEN_EOPNOTSUPP;
	}
	if (vdispl_gnttab_mapped(bufs->gnttab) + params->num_grefs > bufs->max_pages) {
		vdispl_log(WARN, bufs->tag, "buffer of %u pages refused: %llu of %llu mapped",
			   params->num_grefs, (unsigned long long)vdispl_gnttab_mapped(bufs->gnttab),
			   (unsigned long long)bufs->max_pages);
		return -XEN_ENOMEM;
	}
	dbuf = calloc(1, sizeof(*dbuf));
	grefs = calloc(params->num_grefs, sizeof(*grefs));
	if (!dbuf || !grefs) {
		ret = -XEN_ENOMEM;
		goto err_alloc;
	}
	dbuf->params = *params;
	ret = vdispl_buffers_read_directory(bufs, params->gref_directory, params->num_grefs, grefs);
	if (ret)
		goto err_alloc;
	ret = vdispl_gnttab_map(bufs->gnttab, bufs->domid, params->num_grefs, grefs, false,
				&dbuf->map);
	if (ret) {
		vdispl_log_errno(WARN, bufs->tag, ret, "mapping %u buffer pages", params->num_grefs);
		ret = vdispl_status_from_errno(ret);
		goto err_alloc;
	}
	free(grefs);
	dbuf->next = bufs->dbufs;
	bufs->dbufs = dbuf;
	vdispl_log(DEBUG, bufs->tag, "dbuf %#llx: %ux%u %u bpp, %u pages",
		   (unsigned long long)params->dbuf_cookie, params->width, params->height,
		   params->bpp, params->num_grefs);
	return 0;

err_alloc:
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
	int ret = vdispl_gnttab_unmap(bufs->gnttab, dbuf->map, dbuf->params.num_grefs);

	if (ret)
		vdispl_log_errno(ERROR, bufs->tag, ret, "unmapping dbuf %#llx",
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
	ret = vdispl_buffers_read_directory(bufs, first, num_grefs, grefs);
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
