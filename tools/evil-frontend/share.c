// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/page-directory.h"
#include "tools/evil-frontend/report.h"
#include "tools/evil-frontend/share.h"

int evil_share_pages(struct evil_ctx *ctx, uint32_t count, const char *what,
		     struct evil_share **out)
{
	struct evil_share *share = NULL;
	char object[128];
	int ret;

	for (size_t i = 0; i < EVIL_MAX_SHARES; i++) {
		if (!ctx->shares[i].addr) {
			share = &ctx->shares[i];
			break;
		}
	}
	snprintf(object, sizeof(object), "%u page(s) for %s with domain %u", count, what,
		 ctx->backend_id);
	if (!share) {
		evil_setup_error("sharing pages", object, -ENOSPC);
		return -ENOSPC;
	}
	if (count == 0 || count > INT32_MAX) {
		evil_setup_error("sharing pages", object, -EINVAL);
		return -EINVAL;
	}
	share->refs = calloc(count, sizeof(*share->refs));
	if (!share->refs) {
		evil_setup_error("sharing pages", object, -ENOMEM);
		return -ENOMEM;
	}
	/* gntalloc hands out zeroed pages, so no stale guest data reaches Dom0. */
	share->addr = xengntshr_share_pages(ctx->xgs, ctx->backend_id, (int)count, share->refs, 1);
	if (!share->addr) {
		ret = -errno;
		evil_setup_error("xengntshr_share_pages (/dev/xen/gntalloc; is xen_gntalloc "
				 "loaded, its page limit reached?)",
				 object, ret);
		free(share->refs);
		share->refs = NULL;
		return ret;
	}
	share->count = count;
	snprintf(share->what, sizeof(share->what), "%s", what);
	*out = share;
	return 0;
}

void evil_unshare_all(struct evil_ctx *ctx)
{
	for (size_t i = 0; i < EVIL_MAX_SHARES; i++) {
		struct evil_share *share = &ctx->shares[i];

		if (!share->addr)
			continue;
		if (xengntshr_unshare(ctx->xgs, share->addr, share->count) < 0) {
			char object[128];

			snprintf(object, sizeof(object), "%u page(s) of %s", share->count,
				 share->what);
			evil_setup_error("xengntshr_unshare", object, -errno);
		}
		free(share->refs);
		memset(share, 0, sizeof(*share));
	}
}

int evil_buffer_create(struct evil_ctx *ctx, uint32_t num_pages, const char *what,
		       struct evil_buffer *buf)
{
	uint32_t num_dir = vdispl_pgdir_pages(num_pages);
	int ret;

	memset(buf, 0, sizeof(*buf));
	ret = evil_share_pages(ctx, num_pages, what, &buf->pages);
	if (ret)
		return ret;
	ret = evil_share_pages(ctx, num_dir, what, &buf->dir);
	if (ret)
		return ret; /* buf->pages stays recorded: evil_unshare_all() frees it */
	buf->num_pages = num_pages;

	for (uint32_t d = 0; d < num_dir; d++)
		vdispl_pgdir_build_page((uint8_t *)buf->dir->addr + (size_t)d * VDISPL_XEN_PAGE_SIZE,
					d, d + 1 < num_dir ? buf->dir->refs[d + 1] : 0,
					buf->pages->refs, num_pages);
	return 0;
}
