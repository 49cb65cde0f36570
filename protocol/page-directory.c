// SPDX-License-Identifier: MIT
#include "protocol/compat.h"

#include "protocol/page-directory.h"

/*
 * Directory pages are read through memcpy: the caller's copy need not be
 * aligned for grant_ref_t, and the layout is fixed by the wire, not by a C
 * struct with a one-element array.
 */
#define DIR_NEXT_OFFSET 0u
#define DIR_GREFS_OFFSET sizeof(grant_ref_t)

uint32_t vdispl_pgdir_pages(uint32_t num_grefs)
{
	/* Written so that it cannot wrap for num_grefs near UINT32_MAX. */
	return num_grefs / VDISPL_GREFS_PER_DIR_PAGE + (num_grefs % VDISPL_GREFS_PER_DIR_PAGE != 0);
}

int vdispl_pgdir_walk_init(struct vdispl_pgdir_walk *walk, grant_ref_t first, uint32_t num_grefs)
{
	if (first == 0 || num_grefs == 0)
		return -XEN_EINVAL;

	*walk = (struct vdispl_pgdir_walk){
		.num_grefs = num_grefs,
		.num_dir_pages = vdispl_pgdir_pages(num_grefs),
		.next = first,
	};
	return 0;
}

bool vdispl_pgdir_walk_done(const struct vdispl_pgdir_walk *walk)
{
	return walk->pages_done >= walk->num_dir_pages;
}

/* Buffer references the current directory page carries. */
static uint32_t grefs_on_page(const struct vdispl_pgdir_walk *walk)
{
	uint32_t left = walk->num_grefs - walk->grefs_done;

	return left < VDISPL_GREFS_PER_DIR_PAGE ? left : (uint32_t)VDISPL_GREFS_PER_DIR_PAGE;
}

/*
 * The reference of the directory page after @page, or 0 after the last one.
 * Only the count decides whether there is a next page: a frontend cannot
 * make the walk longer by linking on, nor read past our array by linking
 * back.
 */
static int next_dir_page(const struct vdispl_pgdir_walk *walk, const void *page, grant_ref_t *next)
{
	grant_ref_t ref;

	if (walk->pages_done + 1 >= walk->num_dir_pages) {
		*next = 0;
		return 0;
	}

	memcpy(&ref, (const uint8_t *)page + DIR_NEXT_OFFSET, sizeof(ref));
	if (ref == 0)
		return -XEN_EINVAL;

	*next = ref;
	return 0;
}

/* What both walks do first: where the chain goes on, and how many entries this page holds. */
static int begin_page(const struct vdispl_pgdir_walk *walk, const void *page, grant_ref_t *next,
		      uint32_t *count)
{
	if (vdispl_pgdir_walk_done(walk))
		return -XEN_EINVAL;
	*count = grefs_on_page(walk);
	return next_dir_page(walk, page, next);
}

static void advance(struct vdispl_pgdir_walk *walk, uint32_t count, grant_ref_t next)
{
	walk->grefs_done += count;
	walk->pages_done++;
	walk->next = next;
}

int vdispl_pgdir_walk_page(struct vdispl_pgdir_walk *walk, const void *page, grant_ref_t *grefs)
{
	const uint8_t *src = (const uint8_t *)page + DIR_GREFS_OFFSET;
	grant_ref_t *dst;
	grant_ref_t next;
	uint32_t count;
	int ret = begin_page(walk, page, &next, &count);

	if (ret < 0)
		return ret;
	dst = grefs + walk->grefs_done;
	memcpy(dst, src, count * sizeof(grant_ref_t));
	for (uint32_t i = 0; i < count; i++) {
		if (dst[i] == 0)
			return -XEN_EINVAL;
	}

	advance(walk, count, next);
	return 0;
}

int vdispl_pgdir_fill_page(struct vdispl_pgdir_walk *walk, const void *page, void *out_page,
			   const grant_ref_t *grefs)
{
	grant_ref_t next;
	uint32_t count;
	int ret = begin_page(walk, page, &next, &count);

	if (ret < 0)
		return ret;
	/* Only gref[] is ours to write: the chain belongs to the frontend. */
	memcpy((uint8_t *)out_page + DIR_GREFS_OFFSET, grefs + walk->grefs_done,
	       count * sizeof(grant_ref_t));

	advance(walk, count, next);
	return 0;
}

uint32_t vdispl_pgdir_build_page(void *page, uint32_t index, grant_ref_t next,
				 const grant_ref_t *grefs, uint32_t num_grefs)
{
	uint8_t *out = page;
	uint32_t first, count;

	if (index >= vdispl_pgdir_pages(num_grefs))
		return 0;
	first = index * VDISPL_GREFS_PER_DIR_PAGE;
	count = num_grefs - first;
	if (count > VDISPL_GREFS_PER_DIR_PAGE)
		count = VDISPL_GREFS_PER_DIR_PAGE;

	memset(out, 0, VDISPL_XEN_PAGE_SIZE);
	memcpy(out + DIR_NEXT_OFFSET, &next, sizeof(next));
	if (grefs)
		memcpy(out + DIR_GREFS_OFFSET, grefs + first, count * sizeof(grant_ref_t));
	return count;
}
