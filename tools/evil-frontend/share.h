/* SPDX-License-Identifier: MIT */
/*
 * Pages this guest grants to the backend (gntalloc through libxengnttab's
 * xengntshr), and buffers described by a displif page directory.
 *
 * Every share is recorded in the session, so evil_unshare_all() undoes all
 * of them on any exit path.
 */
#ifndef VDISPL_EVIL_SHARE_H
#define VDISPL_EVIL_SHARE_H

#include <stdint.h>

#include "tools/evil-frontend/evil.h"

/*
 * Allocate @count zeroed pages, grant them writable to ctx->backend_id and
 * map them here contiguously. @what names them in messages. Returns 0 and
 * sets *out, or a negative errno after printing which step failed.
 */
int evil_share_pages(struct evil_ctx *ctx, uint32_t count, const char *what,
		     struct evil_share **out);

/*
 * Stop sharing everything. A page the backend still maps is kept by the
 * guest kernel until the backend lets go, so this is safe at any time, but
 * an orderly close (backend Closing first) avoids the kernel's warnings.
 */
void evil_unshare_all(struct evil_ctx *ctx);

/* A buffer of @num_pages pages and the directory pages that list them. */
struct evil_buffer {
	struct evil_share *pages;
	struct evil_share *dir;
	uint32_t num_pages;
};

/*
 * Share a buffer of @num_pages pages plus ceil(@num_pages / 1023) directory
 * pages, and fill the directory as displif describes it: each page's
 * gref_dir_next_page is the next directory page (0 on the last), followed
 * by the buffer's grant references in order. Returns 0 or a negative errno.
 */
int evil_buffer_create(struct evil_ctx *ctx, uint32_t num_pages, const char *what,
		       struct evil_buffer *buf);

/* The grant reference a request's gref_directory carries for @buf. */
static inline grant_ref_t evil_buffer_directory(const struct evil_buffer *buf)
{
	return buf->dir->refs[0];
}

#endif
