// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: test buffers granted to Dom0, for the DMA-segment lab test
 *
 * Runs in a Xen DomU. It builds buffers whose guest memory is contiguous
 * (order-9 blocks) or deliberately scattered (single pages), fills them with
 * the pattern of ../grant-pattern.h, grants every page read-only to Dom0 and
 * describes each buffer with a displif page directory, as a display frontend
 * would. Where the buffers are, and how many machine-contiguous runs the
 * guest itself sees in each, goes to XenStore under the guest's home
 * (data/vdispl-grant-test). The Dom0 test tool maps the buffers through the
 * vdispl-dmabuf module and compares the DMA segments Dom0 computes, and the
 * data it reads, with what is published here.
 *
 * Runs are counted over the buffer's pages in order: "machine runs" over
 * the frames Xen's p2m gives (a PV guest knows its machine frames), and
 * "physical runs" over guest pfns. In an x86_64 PV guest RAM is
 * machine-contiguous in 2 MiB-aligned chunks, so a naturally aligned order-9
 * block is one machine run, and a contig buffer is expected to have as many
 * machine runs as blocks.
 *
 * Frames: when Dom0 writes N to data/vdispl-grant-test/frame, every buffer
 * is redrawn with frame N's pattern and "drawn" set to N, so Dom0 can check,
 * frame after frame, that its devices see what the guest last drew, through
 * contiguous and scattered buffers alike.
 *
 * Unloading ends every grant. A grant Dom0 still maps cannot be ended; its
 * page is then leaked rather than freed, since Dom0 could still read (and
 * with a buggy backend write) it.
 */
#define pr_fmt(fmt) "vdispl-grant-test: " fmt

#include <linux/highmem.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <xen/features.h>
#include <xen/grant_table.h>
#include <xen/interface/io/displif.h>
#include <xen/page.h>
#include <xen/xen.h>
#include <xen/xenbus.h>

#include "tests/kernel/grant-pattern.h"

/* 2 MiB blocks: the granularity of machine contiguity in a PV guest. */
#define CONTIG_ORDER	9
#define BLOCK_PAGES	(1u << CONTIG_ORDER)
#define MAX_PAGES	16384u

/*
 * The kernel's displif.h has no XENDISPL_NUM_GREFS_PER_PAGE and declares
 * gref[1], so the count comes from the layout: 1023 with 4 KiB pages.
 */
#define DIR_GREFS \
	((unsigned int)((PAGE_SIZE - \
			 offsetof(struct xendispl_page_directory, gref)) / \
			sizeof(grant_ref_t)))

#define STORE_PARENT	"data"
#define STORE_NAME	"vdispl-grant-test"
#define STORE_DIR	STORE_PARENT "/" STORE_NAME

enum grant_test_kind {
	KIND_CONTIG,
	KIND_SCATTERED,
};

static const char * const kind_names[] = {
	[KIND_CONTIG] = "contig",
	[KIND_SCATTERED] = "scattered",
};

/*
 * A slot holding INVALID_GRANT_REF has no grant to end, so unwinding after
 * any failure, or at exit, needs no count of how far granting got.
 */
struct grant_test_buffer {
	enum grant_test_kind kind;
	unsigned int nr_pages;
	/*
	 * Every page owned, in buffer order; the first nr_pages are the
	 * buffer. Order-9 blocks are split, so the unused tail of the last
	 * block and pages Dom0 still maps are freed or kept page by page.
	 */
	unsigned int nr_owned;
	struct page **pages;
	grant_ref_t *grefs;		/* nr_pages */
	unsigned int nr_dir;
	struct page **dir_pages;
	grant_ref_t *dir_grefs;
	unsigned int machine_runs;
	unsigned int physical_runs;
};

static char *buffers = "contig:1024,scattered:16,contig:513";
module_param(buffers, charp, 0444);
MODULE_PARM_DESC(buffers,
		 "Comma-separated KIND:PAGES, KIND contig or scattered, PAGES 1..16384");

static struct grant_test_buffer *test_bufs;
static unsigned int nr_test_bufs;

static int parse_entry(const char *entry, struct grant_test_buffer *buf)
{
	unsigned int pages;
	size_t len;

	len = str_has_prefix(entry, "contig:");
	if (len) {
		buf->kind = KIND_CONTIG;
	} else {
		len = str_has_prefix(entry, "scattered:");
		if (!len)
			return -EINVAL;
		buf->kind = KIND_SCATTERED;
	}
	if (kstrtouint(entry + len, 10, &pages) || !pages || pages > MAX_PAGES)
		return -EINVAL;
	buf->nr_pages = pages;
	return 0;
}

static int parse_buffers(const char *spec)
{
	unsigned int n = 1, i = 0;
	char *copy, *cursor, *entry;
	const char *p;
	int err = 0;

	if (!spec || !*spec) {
		pr_err("buffers is empty; expected KIND:PAGES[,KIND:PAGES...]\n");
		return -EINVAL;
	}
	for (p = spec; *p; p++)
		n += *p == ',';

	test_bufs = kcalloc(n, sizeof(*test_bufs), GFP_KERNEL);
	copy = kstrdup(spec, GFP_KERNEL);
	if (!test_bufs || !copy) {
		err = -ENOMEM;
		goto out;
	}
	cursor = copy;
	while ((entry = strsep(&cursor, ","))) {
		err = parse_entry(entry, &test_bufs[i]);
		if (err) {
			pr_err("buffers=\"%s\": entry %u \"%s\" is not contig:PAGES or scattered:PAGES with PAGES 1..%u\n",
			       spec, i, entry, MAX_PAGES);
			goto out;
		}
		i++;
	}
	nr_test_bufs = n;
out:
	kfree(copy);
	if (err) {
		kfree(test_bufs);
		test_bufs = NULL;
	}
	return err;
}

static void free_arrays(struct grant_test_buffer *buf)
{
	kvfree(buf->pages);
	kvfree(buf->grefs);
	kfree(buf->dir_pages);
	kfree(buf->dir_grefs);
	buf->pages = NULL;
	buf->grefs = NULL;
	buf->dir_pages = NULL;
	buf->dir_grefs = NULL;
}

static int alloc_buffer(struct grant_test_buffer *buf)
{
	unsigned int i, j;

	if (buf->kind == KIND_CONTIG)
		buf->nr_owned = round_up(buf->nr_pages, BLOCK_PAGES);
	else
		buf->nr_owned = buf->nr_pages;
	buf->nr_dir = DIV_ROUND_UP(buf->nr_pages, DIR_GREFS);

	buf->pages = kvcalloc(buf->nr_owned, sizeof(*buf->pages), GFP_KERNEL);
	buf->grefs = kvmalloc_array(buf->nr_pages, sizeof(*buf->grefs),
				    GFP_KERNEL);
	buf->dir_pages = kcalloc(buf->nr_dir, sizeof(*buf->dir_pages),
				 GFP_KERNEL);
	buf->dir_grefs = kmalloc_array(buf->nr_dir, sizeof(*buf->dir_grefs),
				       GFP_KERNEL);
	/* All or none, so freeing needs no case for half-made arrays. */
	if (!buf->pages || !buf->grefs || !buf->dir_pages || !buf->dir_grefs) {
		free_arrays(buf);
		return -ENOMEM;
	}
	for (i = 0; i < buf->nr_pages; i++)
		buf->grefs[i] = INVALID_GRANT_REF;
	for (i = 0; i < buf->nr_dir; i++)
		buf->dir_grefs[i] = INVALID_GRANT_REF;

	if (buf->kind == KIND_CONTIG) {
		for (i = 0; i < buf->nr_owned; i += BLOCK_PAGES) {
			/*
			 * The buddy allocator aligns an order-9 block to 512
			 * pfns, so it sits in one 2 MiB chunk of guest memory
			 * and, in a PV guest, one machine-contiguous run.
			 */
			struct page *block = alloc_pages(GFP_KERNEL | __GFP_ZERO,
							 CONTIG_ORDER);

			if (!block)
				return -ENOMEM;
			split_page(block, CONTIG_ORDER);
			for (j = 0; j < BLOCK_PAGES; j++)
				buf->pages[i + j] = nth_page(block, j);
		}
	} else {
		for (i = 0; i < buf->nr_owned; i++) {
			buf->pages[i] = alloc_page(GFP_KERNEL);
			if (!buf->pages[i])
				return -ENOMEM;
		}
	}

	/* Zeroed: a short last directory page lists no stale references. */
	for (i = 0; i < buf->nr_dir; i++) {
		buf->dir_pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!buf->dir_pages[i])
			return -ENOMEM;
	}
	return 0;
}

static int alloc_buffers(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < nr_test_bufs; i++) {
		err = alloc_buffer(&test_bufs[i]);
		if (err) {
			pr_err("buffer %u: out of memory for %u %s pages\n", i,
			       test_bufs[i].nr_pages,
			       kind_names[test_bufs[i].kind]);
			return err;
		}
	}
	return 0;
}

static void fill_buffer(unsigned int index, struct grant_test_buffer *buf, u32 frame)
{
	unsigned int p, k;
	__le32 *words;

	for (p = 0; p < buf->nr_pages; p++) {
		words = kmap_local_page(buf->pages[p]);
		for (k = 0; k < PAGE_SIZE / sizeof(*words); k++)
			words[k] = cpu_to_le32(vdispl_grant_frame_pattern(index, p, k, frame));
		kunmap_local(words);
		cond_resched();
	}
}

/* Dom0 asks for a frame: redraw every buffer with it, then say so. */
static void frame_changed(struct xenbus_watch *watch, const char *path, const char *token)
{
	unsigned int frame, i;

	if (xenbus_scanf(XBT_NIL, STORE_DIR, "frame", "%u", &frame) != 1 || !frame ||
	    !nr_test_bufs)
		return;
	for (i = 0; i < nr_test_bufs; i++)
		fill_buffer(i, &test_bufs[i], frame);
	if (xenbus_printf(XBT_NIL, STORE_DIR, "drawn", "%u", frame))
		pr_err("frame %u: cannot write drawn\n", frame);
}

static struct xenbus_watch frame_watch = {
	.node = STORE_DIR "/frame",
	.callback = frame_changed,
};

static int grant_page(struct page *page, grant_ref_t *ref)
{
	int ret = gnttab_grant_foreign_access(0, xen_page_to_gfn(page), 1);

	if (ret < 0)
		return ret;
	*ref = ret;
	return 0;
}

static int grant_buffers(void)
{
	struct grant_test_buffer *buf;
	unsigned int i, p;
	int err;

	for (i = 0; i < nr_test_bufs; i++) {
		buf = &test_bufs[i];
		for (p = 0; p < buf->nr_pages; p++) {
			err = grant_page(buf->pages[p], &buf->grefs[p]);
			if (err) {
				pr_err("buffer %u: granting page %u failed: %d\n",
				       i, p, err);
				return err;
			}
		}
		for (p = 0; p < buf->nr_dir; p++) {
			err = grant_page(buf->dir_pages[p], &buf->dir_grefs[p]);
			if (err) {
				pr_err("buffer %u: granting directory page %u failed: %d\n",
				       i, p, err);
				return err;
			}
		}
	}
	return 0;
}

/*
 * Written after granting, since each page names the next one's reference;
 * Dom0 cannot read it before the references are published.
 */
static void write_directory(struct grant_test_buffer *buf)
{
	struct xendispl_page_directory *dir;
	unsigned int d, j, first, count;
	grant_ref_t *slots;

	for (d = 0; d < buf->nr_dir; d++) {
		first = d * DIR_GREFS;
		count = min(DIR_GREFS, buf->nr_pages - first);
		dir = kmap_local_page(buf->dir_pages[d]);
		dir->gref_dir_next_page = d + 1 < buf->nr_dir ?
					  buf->dir_grefs[d + 1] : 0;
		/* gref is declared [1]; the page holds DIR_GREFS of them. */
		slots = (grant_ref_t *)((u8 *)dir +
			offsetof(struct xendispl_page_directory, gref));
		for (j = 0; j < count; j++)
			slots[j] = buf->grefs[first + j];
		kunmap_local(dir);
	}
}

static unsigned long machine_frame(struct page *page)
{
	/*
	 * An auto-translated guest (HVM, PVH, any guest on arm) never sees machine frames: the
	 * best it can report is the gfn it grants, which Xen translates, so
	 * there "machine runs" are gfn runs.
	 */
#ifdef CONFIG_X86
	if (!xen_feature(XENFEAT_auto_translated_physmap))
		return pfn_to_mfn(page_to_pfn(page));
#endif
	return xen_page_to_gfn(page);
}

static unsigned long guest_pfn(struct page *page)
{
	return page_to_pfn(page);
}

static unsigned int count_runs(struct page **pages, unsigned int n,
			       unsigned long (*frame)(struct page *))
{
	unsigned long prev = frame(pages[0]), cur;
	unsigned int i, runs = 1;

	for (i = 1; i < n; i++) {
		cur = frame(pages[i]);
		if (cur != prev + 1)
			runs++;
		prev = cur;
	}
	return runs;
}

static int publish_buffer(unsigned int index,
			  const struct grant_test_buffer *buf)
{
	char dir[48];
	int err;

	snprintf(dir, sizeof(dir), STORE_DIR "/%u", index);
	err = xenbus_printf(XBT_NIL, dir, "gref-directory", "%u",
			    buf->dir_grefs[0]);
	if (!err)
		err = xenbus_printf(XBT_NIL, dir, "pages", "%u", buf->nr_pages);
	if (!err)
		err = xenbus_printf(XBT_NIL, dir, "kind", "%s",
				    kind_names[buf->kind]);
	if (!err)
		err = xenbus_printf(XBT_NIL, dir, "machine-runs", "%u",
				    buf->machine_runs);
	if (!err)
		err = xenbus_printf(XBT_NIL, dir, "physical-runs", "%u",
				    buf->physical_runs);
	if (err)
		pr_err("writing %s failed: %d\n", dir, err);
	return err;
}

static void unpublish(void)
{
	int err = xenbus_rm(XBT_NIL, STORE_PARENT, STORE_NAME);

	if (err && err != -ENOENT)
		pr_warn("removing " STORE_DIR " failed: %d\n", err);
}

static int publish(void)
{
	unsigned int i;
	int err;

	/*
	 * A previous load that could not clean up may have left "ready"
	 * behind; the reader must not see it next to new entries before
	 * they are complete.
	 */
	err = xenbus_rm(XBT_NIL, STORE_PARENT, STORE_NAME);
	if (err && err != -ENOENT) {
		pr_err("removing stale " STORE_DIR " failed: %d\n", err);
		return err;
	}
	for (i = 0; i < nr_test_bufs; i++) {
		err = publish_buffer(i, &test_bufs[i]);
		if (err)
			return err;
	}
	err = xenbus_printf(XBT_NIL, STORE_DIR, "count", "%u", nr_test_bufs);
	/* Last: a reader that sees it finds everything else in place. */
	if (!err)
		err = xenbus_printf(XBT_NIL, STORE_DIR, "ready", "1");
	if (err)
		pr_err("writing " STORE_DIR " failed: %d\n", err);
	return err;
}

static void end_grant(grant_ref_t *ref)
{
	if (*ref != INVALID_GRANT_REF && gnttab_try_end_foreign_access(*ref))
		*ref = INVALID_GRANT_REF;
}

/* The directory first: it is what leads Dom0 to the buffer pages. */
static void end_grants(void)
{
	struct grant_test_buffer *buf;
	unsigned int i, p;

	for (i = 0; i < nr_test_bufs; i++) {
		buf = &test_bufs[i];
		if (!buf->pages)
			continue;
		for (p = 0; p < buf->nr_dir; p++)
			end_grant(&buf->dir_grefs[p]);
		for (p = 0; p < buf->nr_pages; p++)
			end_grant(&buf->grefs[p]);
	}
}

/*
 * Frees what end_grants() released; a page whose grant is still live
 * (Dom0 maps it) is leaked and counted.
 */
static unsigned int free_buffer(struct grant_test_buffer *buf)
{
	unsigned int p, leaked = 0;
	bool granted;

	if (!buf->pages)
		return 0;
	for (p = 0; p < buf->nr_dir; p++) {
		if (!buf->dir_pages[p])
			continue;
		if (buf->dir_grefs[p] != INVALID_GRANT_REF)
			leaked++;
		else
			__free_page(buf->dir_pages[p]);
	}
	for (p = 0; p < buf->nr_owned; p++) {
		if (!buf->pages[p])
			continue;
		granted = p < buf->nr_pages &&
			  buf->grefs[p] != INVALID_GRANT_REF;
		if (granted)
			leaked++;
		else
			__free_page(buf->pages[p]);
	}
	free_arrays(buf);
	return leaked;
}

static void free_buffers(void)
{
	unsigned int i, leaked = 0;

	for (i = 0; i < nr_test_bufs; i++)
		leaked += free_buffer(&test_bufs[i]);
	if (leaked)
		pr_warn("%u pages still granted (mapped by another domain), leaking them\n",
			leaked);
	kfree(test_bufs);
	test_bufs = NULL;
	nr_test_bufs = 0;
}

static void log_buffer(unsigned int index, const struct grant_test_buffer *buf)
{
	pr_info("buffer %u: %s, %u page%s, %u machine run%s, %u physical run%s, directory gref %u\n",
		index, kind_names[buf->kind],
		buf->nr_pages, buf->nr_pages == 1 ? "" : "s",
		buf->machine_runs, buf->machine_runs == 1 ? "" : "s",
		buf->physical_runs, buf->physical_runs == 1 ? "" : "s",
		buf->dir_grefs[0]);
}

static int __init vdispl_grant_test_init(void)
{
	struct grant_test_buffer *buf;
	unsigned int i;
	int err;

	/* One grant per page, and the pattern counts 1024 words a page. */
	BUILD_BUG_ON(PAGE_SIZE != XEN_PAGE_SIZE);

	if (!xen_domain()) {
		pr_err("not running in a Xen domain\n");
		return -ENODEV;
	}
	err = parse_buffers(buffers);
	if (err)
		return err;

	err = alloc_buffers();
	if (err)
		goto fail_alloc;
	for (i = 0; i < nr_test_bufs; i++)
		fill_buffer(i, &test_bufs[i], 0);

	err = grant_buffers();
	if (err)
		goto fail_grant;
	for (i = 0; i < nr_test_bufs; i++) {
		buf = &test_bufs[i];
		write_directory(buf);
		buf->machine_runs = count_runs(buf->pages, buf->nr_pages,
					       machine_frame);
		buf->physical_runs = count_runs(buf->pages, buf->nr_pages,
						guest_pfn);
	}

	err = publish();
	if (!err)
		err = register_xenbus_watch(&frame_watch);
	if (err)
		goto fail_publish;
	for (i = 0; i < nr_test_bufs; i++)
		log_buffer(i, &test_bufs[i]);
	return 0;

fail_publish:
	unpublish();
fail_grant:
	end_grants();
fail_alloc:
	free_buffers();
	return err;
}
module_init(vdispl_grant_test_init);

static void __exit vdispl_grant_test_exit(void)
{
	/* Before the grants end, so no reader is pointed at ended grants. */
	unregister_xenbus_watch(&frame_watch);
	unpublish();
	end_grants();
	free_buffers();
}
module_exit(vdispl_grant_test_exit);

MODULE_DESCRIPTION("vdispl lab test: guest buffers granted to Dom0 and published in XenStore");
MODULE_LICENSE("GPL");
