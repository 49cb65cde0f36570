// SPDX-License-Identifier: MIT
/*
 * Page-directory walks against directories built in memory: well-formed
 * chains of several lengths, and the malformed ones a hostile frontend can
 * build (self-links, early ends, zero references).
 */
#include <stdlib.h>
#include <string.h>

#include "protocol/page-directory.h"
#include "tests/unit/tap.h"

/* Directory pages live at grant references DIR_BASE + i, buffer pages at 1 + n. */
#define DIR_BASE 100000u
#define MAX_DIR_PAGES 4u

static uint8_t dir[MAX_DIR_PAGES][VDISPL_XEN_PAGE_SIZE];

static void put_ref(uint8_t *page, uint32_t slot, grant_ref_t ref)
{
	memcpy(page + slot * sizeof(grant_ref_t), &ref, sizeof(ref));
}

static grant_ref_t get_ref(const uint8_t *page, uint32_t slot)
{
	grant_ref_t ref;

	memcpy(&ref, page + slot * sizeof(grant_ref_t), sizeof(ref));
	return ref;
}

/* Build a directory for @num_grefs buffer pages as the frontend does. */
static void build_dir(uint32_t num_grefs)
{
	uint32_t pages = vdispl_pgdir_pages(num_grefs);

	memset(dir, 0xee, sizeof(dir));
	for (uint32_t p = 0; p < pages; p++)
		put_ref(dir[p], 0, p + 1 < pages ? DIR_BASE + p + 1 : 0);
	for (uint32_t i = 0; i < num_grefs; i++)
		put_ref(dir[i / VDISPL_GREFS_PER_DIR_PAGE], 1 + i % VDISPL_GREFS_PER_DIR_PAGE,
			1 + i);
}

/* Map-and-copy the page the walk asks for, like the backend will. */
static const uint8_t *lookup(grant_ref_t ref)
{
	if (ref < DIR_BASE || ref >= DIR_BASE + MAX_DIR_PAGES)
		return NULL;
	return dir[ref - DIR_BASE];
}

/* Walk to the end; returns the first error or 0, counts pages in *maps. */
static int walk_all(uint32_t num_grefs, grant_ref_t *grefs, uint32_t *maps)
{
	struct vdispl_pgdir_walk walk;
	uint8_t copy[VDISPL_XEN_PAGE_SIZE];
	int ret;

	*maps = 0;
	ret = vdispl_pgdir_walk_init(&walk, DIR_BASE, num_grefs);
	while (ret == 0 && !vdispl_pgdir_walk_done(&walk)) {
		const uint8_t *page = lookup(walk.next);

		if (!page)
			return -1;
		memcpy(copy, page, sizeof(copy));
		(*maps)++;
		ret = vdispl_pgdir_walk_page(&walk, copy, grefs);
	}
	return ret;
}

static void test_pages(void)
{
	TAP_EQ_INT(vdispl_pgdir_pages(0), 0, "0 grefs, 0 pages");
	TAP_EQ_INT(vdispl_pgdir_pages(1), 1, "1 gref, 1 page");
	TAP_EQ_INT(vdispl_pgdir_pages(1023), 1, "1023 grefs, 1 page");
	TAP_EQ_INT(vdispl_pgdir_pages(1024), 2, "1024 grefs, 2 pages");
	TAP_EQ_INT(vdispl_pgdir_pages(2046), 2, "2046 grefs, 2 pages");
	TAP_EQ_INT(vdispl_pgdir_pages(2047), 3, "2047 grefs, 3 pages");
	TAP_EQ_INT(vdispl_pgdir_pages(UINT32_MAX), 4198405, "UINT32_MAX grefs does not wrap");
}

static void test_init(void)
{
	struct vdispl_pgdir_walk walk;

	TAP_EQ_INT(vdispl_pgdir_walk_init(&walk, 0, 10), -XEN_EINVAL, "first page 0");
	TAP_EQ_INT(vdispl_pgdir_walk_init(&walk, 5, 0), -XEN_EINVAL, "no buffer pages");
	TAP_EQ_INT(vdispl_pgdir_walk_init(&walk, 5, 2047), 0, "init");
	TAP_EQ_INT(walk.num_dir_pages, 3, "2047 grefs need 3 directory pages");
	TAP_EQ_INT(walk.next, 5, "starts at the first page");
	TAP_CHECK(!vdispl_pgdir_walk_done(&walk), "not done before the first page");
}

static void check_walk(uint32_t num_grefs)
{
	grant_ref_t *grefs = calloc(num_grefs, sizeof(*grefs));
	uint32_t maps;
	bool ok = true;

	build_dir(num_grefs);
	TAP_EQ_INT(walk_all(num_grefs, grefs, &maps), 0, "walk of %u grefs", num_grefs);
	TAP_EQ_INT(maps, vdispl_pgdir_pages(num_grefs), "%u grefs: one map per page", num_grefs);
	for (uint32_t i = 0; i < num_grefs; i++)
		ok = ok && grefs[i] == 1 + i;
	TAP_CHECK(ok, "%u grefs in order", num_grefs);
	free(grefs);
}

static void test_done_walk(void)
{
	struct vdispl_pgdir_walk walk;
	grant_ref_t grefs[3];
	uint8_t page[VDISPL_XEN_PAGE_SIZE];

	build_dir(3);
	memcpy(page, dir[0], sizeof(page));
	vdispl_pgdir_walk_init(&walk, DIR_BASE, 3);
	TAP_EQ_INT(vdispl_pgdir_walk_page(&walk, page, grefs), 0, "single page");
	TAP_CHECK(vdispl_pgdir_walk_done(&walk), "done after it");
	TAP_EQ_INT(walk.next, 0, "nothing to map next");
	TAP_EQ_INT(vdispl_pgdir_walk_page(&walk, page, grefs), -XEN_EINVAL, "no page past the end");

	/* Only the count ends the walk: a last page linking on is fine. */
	put_ref(page, 0, DIR_BASE + 1);
	vdispl_pgdir_walk_init(&walk, DIR_BASE, 3);
	TAP_EQ_INT(vdispl_pgdir_walk_page(&walk, page, grefs), 0, "last page links on");
	TAP_CHECK(vdispl_pgdir_walk_done(&walk), "and the walk still ends");
	TAP_EQ_INT(walk.next, 0, "without following the link");
}

static void test_self_link(void)
{
	struct vdispl_pgdir_walk walk;
	grant_ref_t *grefs = calloc(5000, sizeof(*grefs));
	uint32_t maps = 0;

	build_dir(2047);
	put_ref(dir[0], 0, DIR_BASE);
	vdispl_pgdir_walk_init(&walk, DIR_BASE, 2047);
	while (!vdispl_pgdir_walk_done(&walk) && maps < 100) {
		const uint8_t *page = lookup(walk.next);

		if (!page || vdispl_pgdir_walk_page(&walk, page, grefs) < 0)
			break;
		maps++;
	}
	TAP_EQ_INT(maps, 3, "self-linked directory: exactly 3 maps");
	TAP_CHECK(vdispl_pgdir_walk_done(&walk), "self-linked walk ends");
	TAP_EQ_INT(walk.grefs_done, 2047, "and fills no more than 2047 entries");
	TAP_EQ_INT(grefs[2047], 0, "nothing written past the array");
	free(grefs);
}

static void test_early_end(void)
{
	grant_ref_t grefs[2047];
	uint32_t maps;

	build_dir(2047);
	put_ref(dir[1], 0, 0);
	TAP_EQ_INT(walk_all(2047, grefs, &maps), -XEN_EINVAL, "next 0 while a page is missing");
	TAP_EQ_INT(maps, 2, "found on the second page");

	build_dir(1024);
	TAP_EQ_INT(walk_all(2047, grefs, &maps), -XEN_EINVAL, "directory shorter than buffer");
}

static void test_zero_gref(void)
{
	struct vdispl_pgdir_walk walk;
	grant_ref_t grefs[2047];
	uint32_t maps;

	build_dir(2047);
	put_ref(dir[1], 1 + 500, 0);
	TAP_EQ_INT(walk_all(2047, grefs, &maps), -XEN_EINVAL, "zero gref on page 2");

	build_dir(1);
	put_ref(dir[0], 1, 0);
	TAP_EQ_INT(walk_all(1, grefs, &maps), -XEN_EINVAL, "only gref zero");

	/* A zero past the count is someone else's business. */
	build_dir(5);
	put_ref(dir[0], 1 + 5, 0);
	TAP_EQ_INT(walk_all(5, grefs, &maps), 0, "zero after the last gref is ignored");

	build_dir(2047);
	put_ref(dir[0], 1 + 7, 0);
	vdispl_pgdir_walk_init(&walk, DIR_BASE, 2047);
	TAP_EQ_INT(vdispl_pgdir_walk_page(&walk, dir[0], grefs), -XEN_EINVAL, "rejected page");
	TAP_EQ_INT(walk.pages_done, 0, "does not advance the walk");
	TAP_EQ_INT(walk.next, DIR_BASE, "nor its next page");
}

static void test_fill(void)
{
	struct vdispl_pgdir_walk walk;
	uint8_t out[3][VDISPL_XEN_PAGE_SIZE];
	grant_ref_t grefs[2047];
	uint32_t p = 0;
	bool ok = true;

	build_dir(2047);
	for (uint32_t i = 0; i < 2047; i++)
		grefs[i] = 50000 + i;
	for (uint32_t i = 0; i < 3; i++) {
		memcpy(out[i], dir[i], VDISPL_XEN_PAGE_SIZE);
		memset(out[i] + sizeof(grant_ref_t), 0, VDISPL_XEN_PAGE_SIZE - sizeof(grant_ref_t));
	}

	vdispl_pgdir_walk_init(&walk, DIR_BASE, 2047);
	while (!vdispl_pgdir_walk_done(&walk) && p < 3) {
		uint32_t idx = walk.next - DIR_BASE;

		TAP_EQ_INT(vdispl_pgdir_fill_page(&walk, dir[idx], out[idx], grefs), 0,
			   "fill page %u", p);
		p++;
	}
	TAP_EQ_INT(p, 3, "filled 3 pages");
	for (uint32_t i = 0; i < 2047; i++)
		ok = ok && get_ref(out[i / 1023], 1 + i % 1023) == 50000 + i;
	TAP_CHECK(ok, "every gref written in place");
	TAP_EQ_INT(get_ref(out[0], 0), DIR_BASE + 1, "chain on page 1 untouched");
	TAP_EQ_INT(get_ref(out[1], 0), DIR_BASE + 2, "chain on page 2 untouched");
	TAP_EQ_INT(get_ref(out[2], 2), 0, "nothing written past the last gref");
	TAP_EQ_INT(vdispl_pgdir_fill_page(&walk, dir[0], out[0], grefs), -XEN_EINVAL,
		   "fill past the end");

	build_dir(2047);
	put_ref(dir[0], 0, 0);
	vdispl_pgdir_walk_init(&walk, DIR_BASE, 2047);
	TAP_EQ_INT(vdispl_pgdir_fill_page(&walk, dir[0], out[0], grefs), -XEN_EINVAL,
		   "fill: next 0 while a page is missing");
}

/* The frontend's builder against the hand-made directory, then walked back. */
static void check_build(uint32_t num_grefs, bool backend_alloc)
{
	static uint8_t built[MAX_DIR_PAGES][VDISPL_XEN_PAGE_SIZE];
	static grant_ref_t grefs[MAX_DIR_PAGES * 1023], back[MAX_DIR_PAGES * 1023];
	uint32_t pages = vdispl_pgdir_pages(num_grefs), total = 0, maps;
	bool same = true;

	for (uint32_t i = 0; i < num_grefs; i++)
		grefs[i] = 1 + i;
	build_dir(num_grefs);
	memset(built, 0xaa, sizeof(built));
	for (uint32_t p = 0; p < pages; p++)
		total += vdispl_pgdir_build_page(built[p], p, p + 1 < pages ? DIR_BASE + p + 1 : 0,
						 backend_alloc ? NULL : grefs, num_grefs);
	TAP_EQ_INT(total, num_grefs, "build %u%s: every entry placed", num_grefs,
		   backend_alloc ? " (backend-allocated)" : "");
	for (uint32_t i = 0; i < pages * 1024u; i++) {
		uint32_t p = i / 1024, slot = i % 1024;
		uint32_t entry = p * 1023 + slot - 1;
		grant_ref_t want = slot == 0 ? get_ref(dir[p], 0)
				   : entry < num_grefs && !backend_alloc ? 1 + entry : 0;

		same = same && get_ref(built[p], slot) == want;
	}
	TAP_CHECK(same, "build %u: chain and entries as the wire wants, the rest zero", num_grefs);
	TAP_EQ_INT(vdispl_pgdir_build_page(built[pages - 1], pages, 0, grefs, num_grefs), 0,
		   "build %u: no page past the end", num_grefs);
	if (backend_alloc)
		return;
	memcpy(dir, built, (size_t)pages * VDISPL_XEN_PAGE_SIZE);
	TAP_EQ_INT(walk_all(num_grefs, back, &maps), 0, "build %u: the walk takes it", num_grefs);
	TAP_CHECK(memcmp(back, grefs, num_grefs * sizeof(grant_ref_t)) == 0,
		  "build %u: the walk gives back every reference", num_grefs);
}

int main(void)
{
	test_pages();
	test_init();
	check_walk(1);
	check_walk(1023);
	check_walk(1024);
	check_walk(2047);
	check_walk(2025);
	test_done_walk();
	test_self_link();
	test_early_end();
	test_zero_gref();
	test_fill();
	check_build(1, false);
	check_build(1023, false);
	check_build(1024, false);
	check_build(2025, false);
	check_build(2047, true);
	return tap_done();
}
