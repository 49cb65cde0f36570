// SPDX-License-Identifier: MIT
/*
 * The PNG writer's thread: what is submitted is written as it was at
 * submission (the caller may reuse its pixels at once), rows are read at the
 * given stride, a writer that falls behind drops pictures and counts them
 * instead of queueing without bound, and destroy writes what waits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/png-writer.h"
#include "common/png.h"
#include "tests/unit/tap.h"

#define W 64
#define H 48
#define STRIDE (W * 4 + 32) /* rows padded, as a KMS buffer's are */

static char dir[] = "/tmp/vdispl-test-png-writer-XXXXXX";

static void fill(uint8_t *rows, uint32_t seed)
{
	memset(rows, 0xee, (size_t)STRIDE * H); /* the padding must not reach the file */
	for (uint32_t y = 0; y < H; y++)
		for (uint32_t x = 0; x < W; x++)
			((uint32_t *)(rows + (size_t)y * STRIDE))[x] = (seed * 7919u + y * W + x) & 0xffffff;
}

/* The file at @path holds what fill(@seed) drew. */
static int same_as(const char *path, uint32_t seed)
{
	uint8_t want[STRIDE * H];
	uint32_t *got, w, h;
	int ret = vdispl_png_read(path, &got, &w, &h);

	if (ret)
		return ret;
	fill(want, seed);
	ret = w == W && h == H ? 0 : -EINVAL;
	for (uint32_t y = 0; !ret && y < H; y++)
		if (memcmp(got + (size_t)y * W, want + (size_t)y * STRIDE, W * 4))
			ret = -EIO;
	free(got);
	return ret;
}

static char *path(const char *name)
{
	static char buf[4][256];
	static int next;
	char *p = buf[next++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/%s", dir, name);
	return p;
}

int main(void)
{
	static uint8_t pixels[STRIDE * H];
	struct vdispl_png_writer *w;
	int ret, accepted = 0, busy = 0;

	if (!mkdtemp(dir))
		return 99;
	ret = vdispl_png_writer_create(&w);
	TAP_EQ_INT(ret, 0, "the writer starts");
	if (ret)
		return tap_done();

	fill(pixels, 1);
	TAP_EQ_INT(vdispl_png_writer_submit(w, "test", path("one.png"), pixels, STRIDE, W, H), 0,
		   "a picture is accepted");
	fill(pixels, 2); /* at once: the writer must have its own copy */
	TAP_EQ_INT(vdispl_png_writer_submit(w, "test", path("two.png"), pixels, STRIDE, W, H), 0,
		   "a second picture is accepted");
	TAP_EQ_INT(vdispl_png_writer_submit(w, "test", path("bad.png"), pixels, W * 4 - 4, W, H),
		   -EINVAL, "a stride shorter than a row is refused");
	TAP_EQ_INT(vdispl_png_writer_submit(w, "other", path("nowhere/x.png"), pixels, STRIDE, W, H),
		   0, "another output's picture, for a folder that does not exist, is accepted");

	/* Far more than the queue holds, as fast as a flipping guest could. */
	for (int i = 0; i < 200; i++) {
		char name[32];

		snprintf(name, sizeof(name), "flood-%03d.png", i);
		ret = vdispl_png_writer_submit(w, "test", path(name), pixels, STRIDE, W, H);
		if (!ret)
			accepted++;
		else if (ret == -EBUSY)
			busy++;
	}
	TAP_CHECK(busy > 0 && accepted + busy == 200,
		  "a writer that falls behind refuses pictures with EBUSY (%d of 200, %d accepted)",
		  busy, accepted);
	TAP_EQ_INT((int)vdispl_png_writer_dropped(w), busy, "the refused pictures are counted");

	/* Eight outputs' pictures of one moment: none is dropped. */
	{
		int taken = 0;

		for (int i = 0; i < 8; i++) {
			char name[32], tag[16];

			snprintf(name, sizeof(name), "output-%d.png", i);
			snprintf(tag, sizeof(tag), "out%d", i);
			taken += !vdispl_png_writer_submit(w, tag, path(name), pixels, STRIDE, W, H);
		}
		TAP_EQ_INT(taken, 8, "8 outputs submitting at once each get their picture queued");
	}

	vdispl_png_writer_destroy(w);
	TAP_EQ_INT(same_as(path("one.png"), 1), 0, "the first file holds the first picture");
	TAP_EQ_INT(same_as(path("two.png"), 2), 0,
		   "the second file holds the second picture, rows read at their stride");
	TAP_CHECK(access(path("bad.png"), F_OK) != 0, "the refused picture left no file");

	int files = 0;

	for (int i = 0; i < 200; i++) {
		char name[32];

		snprintf(name, sizeof(name), "flood-%03d.png", i);
		if (same_as(path(name), 2) == 0) {
			files++;
			unlink(path(name));
		}
	}
	TAP_EQ_INT(files, accepted, "every accepted picture was written before destroy returned");
	files = 0;
	for (int i = 0; i < 8; i++) {
		char name[32];

		snprintf(name, sizeof(name), "output-%d.png", i);
		files += same_as(path(name), 2) == 0;
		unlink(path(name));
	}
	TAP_EQ_INT(files, 8, "and all 8 were written");

	/* A second writer, destroyed with nothing queued, stops at once. */
	TAP_EQ_INT(vdispl_png_writer_create(&w), 0, "a second writer starts");
	TAP_EQ_INT((int)vdispl_png_writer_written(w), 0, "it has written nothing");
	vdispl_png_writer_destroy(w);
	vdispl_png_writer_destroy(NULL);
	TAP_CHECK(1, "destroying an idle writer and NULL returns");

	unlink(path("one.png"));
	unlink(path("two.png"));
	rmdir(dir);
	return tap_done();
}
