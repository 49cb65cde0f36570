// SPDX-License-Identifier: MIT
/*
 * vdispl_dma_segments_build() over synthetic frame maps: contiguous,
 * reversed, interleaved, the 2 MiB chunks a PV guest's memory comes in,
 * holes, a single page, the largest buffer, and the importing device's
 * segment size and boundary limits.
 */
#include "common/dma-segments.h"

#include <stdlib.h>
#include <string.h>

#include "tests/unit/tap.h"

#define PAGE 4096u
#define CHUNK_PAGES 512u /* 2 MiB */
#define MAX_PAGES 32768u /* a guest's whole default grant table */

static uint64_t addrs[MAX_PAGES + 8];
static struct vdispl_dma_segment segs[MAX_PAGES + 8];

static uint64_t frame(uint64_t pfn)
{
	return pfn * PAGE;
}

static uint32_t build(uint32_t count, const struct vdispl_dma_limits *limits)
{
	memset(segs, 0xa5, sizeof(segs));
	return vdispl_dma_segments_build(addrs, count, PAGE, limits, segs, MAX_PAGES + 8);
}

/* Every page lands in exactly one segment, in order, at its own address. */
static int covers(uint32_t count, uint32_t n)
{
	uint32_t page = 0;

	for (uint32_t s = 0; s < n; s++) {
		if (segs[s].first_page != page || segs[s].len != (uint64_t)segs[s].pages * PAGE ||
		    segs[s].addr != addrs[page])
			return 0;
		for (uint32_t p = 0; p < segs[s].pages; p++)
			if (addrs[page + p] != segs[s].addr + (uint64_t)p * PAGE)
				return 0;
		page += segs[s].pages;
	}
	return page == count;
}

static void test_contiguous(void)
{
	for (uint32_t i = 0; i < 768; i++)
		addrs[i] = frame(0x12345 + i);
	TAP_EQ_INT(build(768, NULL), 1, "768 contiguous frames are one segment");
	TAP_CHECK(segs[0].addr == frame(0x12345) && segs[0].len == 768u * PAGE &&
			  segs[0].pages == 768 && segs[0].first_page == 0,
		  "the segment starts at the first frame and spans the buffer");
}

static void test_reversed(void)
{
	for (uint32_t i = 0; i < 100; i++)
		addrs[i] = frame(5000 - i);
	TAP_EQ_INT(build(100, NULL), 100, "descending frames never merge: 100 segments");
	TAP_CHECK(covers(100, 100), "each reversed page is its own segment, in buffer order");
}

static void test_interleaved(void)
{
	/* Two interleaved runs: even pages from one run, odd from another. */
	for (uint32_t i = 0; i < 64; i++)
		addrs[i] = frame((i % 2 ? 90000 : 10000) + i / 2);
	TAP_EQ_INT(build(64, NULL), 64, "interleaved runs give a segment per page");
	TAP_CHECK(covers(64, 64), "interleaved pages keep their own addresses");
}

static void test_pv_chunks(void)
{
	/*
	 * A PV guest's memory: machine-contiguous 2 MiB chunks, each below
	 * the previous. A 1080p XRGB buffer from 2 MiB-aligned order-9
	 * blocks (2025 pages) is ceil(size / 2 MiB) = 4 segments.
	 */
	uint32_t pages = 2025;

	for (uint32_t i = 0; i < pages; i++)
		addrs[i] = frame(0x80000 - (uint64_t)(i / CHUNK_PAGES + 1) * CHUNK_PAGES +
				 i % CHUNK_PAGES);
	TAP_EQ_INT(build(pages, NULL), (pages + CHUNK_PAGES - 1) / CHUNK_PAGES,
		   "1080p from descending 2 MiB chunks: ceil(size / 2 MiB) segments");
	TAP_CHECK(covers(pages, 4) && segs[0].pages == CHUNK_PAGES && segs[3].pages == 489,
		  "three whole chunks and the 489-page rest");
}

static void test_ascending_chunks_merge(void)
{
	/* Chunks that happen to be adjacent are one run: nothing splits at 2 MiB by itself. */
	for (uint32_t i = 0; i < 2 * CHUNK_PAGES; i++)
		addrs[i] = frame(0x40000 + i);
	TAP_EQ_INT(build(2 * CHUNK_PAGES, NULL), 1, "two adjacent 2 MiB chunks merge into one");
}

static void test_holes(void)
{
	uint32_t n;

	/* Runs of 3 pages with one-frame holes between them. */
	for (uint32_t i = 0; i < 30; i++)
		addrs[i] = frame(1000 + i + i / 3);
	n = build(30, NULL);
	TAP_EQ_INT(n, 10, "a one-frame hole after every third page: 10 segments");
	TAP_CHECK(covers(30, n) && segs[9].pages == 3, "each segment is 3 pages");

	/* The same frame twice is no run either. */
	addrs[0] = frame(7);
	addrs[1] = frame(7);
	TAP_EQ_INT(build(2, NULL), 2, "a repeated frame is two segments");
}

static void test_single_and_empty(void)
{
	addrs[0] = frame(42);
	TAP_EQ_INT(build(1, NULL), 1, "a single page is one segment");
	TAP_CHECK(segs[0].addr == frame(42) && segs[0].len == PAGE && segs[0].pages == 1,
		  "of one page at its address");
	TAP_EQ_INT(build(0, NULL), 0, "no pages, no segments");
}

static void test_maximum_size(void)
{
	uint32_t n;

	for (uint32_t i = 0; i < MAX_PAGES; i++)
		addrs[i] = frame(0x100000 + i);
	TAP_EQ_INT(build(MAX_PAGES, NULL), 1, "32768 contiguous pages (128 MiB) are one segment");
	TAP_CHECK(segs[0].len == (uint64_t)MAX_PAGES * PAGE, "of 128 MiB");

	for (uint32_t i = 0; i < MAX_PAGES; i++)
		addrs[i] = frame(0x100000 + 2 * (uint64_t)i);
	n = build(MAX_PAGES, NULL);
	TAP_EQ_INT(n, MAX_PAGES, "32768 scattered pages are 32768 segments");
	TAP_CHECK(covers(MAX_PAGES, n), "all of them in order");
}

static void test_max_segment_size(void)
{
	struct vdispl_dma_limits limits = { .max_segment_size = 64 * 1024 };
	uint32_t n;

	for (uint32_t i = 0; i < 100; i++)
		addrs[i] = frame(0x2000 + i);
	n = build(100, &limits);
	TAP_EQ_INT(n, 7, "100 contiguous pages under a 64 KiB segment limit: 7 segments");
	TAP_CHECK(covers(100, n) && segs[0].pages == 16 && segs[6].pages == 4,
		  "six of 16 pages and one of 4");

	limits.max_segment_size = PAGE / 2;
	TAP_EQ_INT(build(10, &limits), 10, "a limit below a page leaves one page per segment");
	limits.max_segment_size = 0;
	TAP_EQ_INT(build(100, &limits), 1, "a limit of 0 is no limit");
}

static void test_boundary(void)
{
	/* 4 GiB boundary: a run across 0x100000000 splits there. */
	struct vdispl_dma_limits limits = { .segment_boundary_mask = 0xffffffffull };
	uint64_t first = 0x100000000ull / PAGE - 3;
	uint32_t n;

	for (uint32_t i = 0; i < 8; i++)
		addrs[i] = frame(first + i);
	n = build(8, &limits);
	TAP_EQ_INT(n, 2, "a run across a 4 GiB boundary splits there");
	TAP_CHECK(covers(8, n) && segs[0].pages == 3 && segs[1].addr == 0x100000000ull,
		  "3 pages below it, 5 from it");
	limits.segment_boundary_mask = ~0ull;
	TAP_EQ_INT(build(8, &limits), 1, "an all-ones mask is no boundary");
	limits.segment_boundary_mask = 0;
	TAP_EQ_INT(build(8, &limits), 1, "a zero mask is no boundary");
}

static void test_top_of_address_space(void)
{
	addrs[0] = ~0ull - 2 * PAGE + 1;
	addrs[1] = ~0ull - PAGE + 1;
	addrs[2] = 0;
	TAP_EQ_INT(build(3, NULL), 2, "the last page of the bus address space never wraps to 0");
}

static void test_count_only_and_truncation(void)
{
	struct vdispl_dma_segment few[2];

	for (uint32_t i = 0; i < 10; i++)
		addrs[i] = frame(100 + 3 * (uint64_t)i);
	TAP_EQ_INT(vdispl_dma_segments_build(addrs, 10, PAGE, NULL, NULL, 0), 10,
		   "counting without an output array");
	memset(few, 0, sizeof(few));
	TAP_EQ_INT(vdispl_dma_segments_build(addrs, 10, PAGE, NULL, few, 2), 10,
		   "a short output array still reports every segment");
	TAP_CHECK(few[0].addr == frame(100) && few[1].addr == frame(103),
		  "and holds the first two");
}

static void test_other_page_size(void)
{
	/* 64 KiB pages (arm64 kernels may use them): the same rules. */
	uint64_t big[4] = { 0x10000, 0x20000, 0x30000, 0x50000 };
	struct vdispl_dma_segment out[4];

	TAP_EQ_INT(vdispl_dma_segments_build(big, 4, 0x10000, NULL, out, 4), 2,
		   "64 KiB pages: three in a row and one apart");
	TAP_CHECK(out[0].len == 0x30000 && out[1].addr == 0x50000, "with 64 KiB lengths");
}

int main(void)
{
	test_contiguous();
	test_reversed();
	test_interleaved();
	test_pv_chunks();
	test_ascending_chunks_merge();
	test_holes();
	test_single_and_empty();
	test_maximum_size();
	test_max_segment_size();
	test_boundary();
	test_top_of_address_space();
	test_count_only_and_truncation();
	test_other_page_size();
	return tap_done();
}
