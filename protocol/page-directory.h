/* SPDX-License-Identifier: MIT */
/*
 * Walking a displif page directory, pure and I/O-free.
 *
 * A buffer of N pages is described by ceil(N / 1023) directory pages chained
 * through gref_dir_next_page. The walker is told N up front and consumes
 * exactly that many directory pages, so a frontend that links a directory to
 * itself, or never ends it, costs at most ceil(N / 1023) page maps.
 *
 * The caller maps one directory page at a time (by the grant reference the
 * walker asks for), hands the walker a private copy of it, and unmaps it.
 */
#ifndef VDISPL_PROTOCOL_PAGE_DIRECTORY_H
#define VDISPL_PROTOCOL_PAGE_DIRECTORY_H

#include "protocol/displif.h"

struct vdispl_pgdir_walk {
	uint32_t num_grefs;     /* buffer pages to describe */
	uint32_t num_dir_pages; /* ceil(num_grefs / 1023) */
	uint32_t pages_done;    /* directory pages consumed so far */
	uint32_t grefs_done;    /* entries of @grefs filled so far */
	grant_ref_t next;       /* directory page to map next, 0 when done */
};

/* Number of directory pages that describe @num_grefs buffer pages. */
uint32_t vdispl_pgdir_pages(uint32_t num_grefs);

/*
 * Start a walk of a directory whose first page is @first describing
 * @num_grefs buffer pages. Returns 0, or -XEN_EINVAL if @first is 0 or
 * @num_grefs is 0.
 */
int vdispl_pgdir_walk_init(struct vdispl_pgdir_walk *walk, grant_ref_t first, uint32_t num_grefs);

/* True once every directory page has been consumed. */
bool vdispl_pgdir_walk_done(const struct vdispl_pgdir_walk *walk);

/*
 * Consume one directory page: @page is a private copy of the 4096-octet page
 * the walk asked for in walk->next. Appends its buffer grant references to
 * @grefs (an array of walk->num_grefs entries) and advances walk->next.
 *
 * Returns 0, or -XEN_EINVAL when: the walk is already done; a buffer grant
 * reference is 0; more pages are needed but gref_dir_next_page is 0.
 * On the last page gref_dir_next_page is not looked at: the count, not the
 * chain, ends the walk. On error the walk does not advance (entries of
 * @grefs for this page may have been written).
 */
int vdispl_pgdir_walk_page(struct vdispl_pgdir_walk *walk, const void *page, grant_ref_t *grefs);

/*
 * For backend-allocated buffers (REQ_ALLOC): the frontend chained the
 * directory pages, the backend fills in gref[]. Reads gref_dir_next_page
 * from @page (a private copy), writes this page's share of @grefs into
 * @out_page (the mapped, writable directory page), advances the walk.
 * Same return values as vdispl_pgdir_walk_page(), except buffer references
 * are not checked since they are ours.
 */
int vdispl_pgdir_fill_page(struct vdispl_pgdir_walk *walk, const void *page, void *out_page,
			   const grant_ref_t *grefs);

/*
 * Frontend side: write directory page @index (of vdispl_pgdir_pages(
 * @num_grefs)) of a buffer into @page, a 4096-octet page of our own about to
 * be granted: gref_dir_next_page is @next (0 on the last page), then this
 * page's share of @grefs, the whole buffer's references. With @grefs NULL
 * (a backend-allocated buffer, whose references the backend fills in) the
 * entries are zeroed. Octets past the last entry are zeroed too: nothing of
 * ours leaks through a granted page. Returns the entries this page holds, 0
 * for an @index past the end (then @page is untouched).
 */
uint32_t vdispl_pgdir_build_page(void *page, uint32_t index, grant_ref_t next,
				 const grant_ref_t *grefs, uint32_t num_grefs);

#endif
