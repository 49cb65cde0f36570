// SPDX-License-Identifier: MIT
/*
 * The frontend's EDID reading against the backend's EDID building: what one
 * side writes the other reads back as the same mode; and every malformed
 * answer a hostile backend can give is refused.
 */
#include <string.h>

#include "backend/edid.h"
#include "protocol/edid-modes.h"
#include "tests/unit/tap.h"

static void fix_checksum(uint8_t *block)
{
	uint8_t sum = 0;

	for (int i = 0; i < 127; i++)
		sum = (uint8_t)(sum + block[i]);
	block[127] = (uint8_t)(0x100 - sum);
}

static void check_roundtrip(uint32_t w, uint32_t h)
{
	struct vdispl_edid_timing t[VDISPL_EDID_MAX_TIMINGS];
	struct vdispl_cvt_mode cvt;
	uint8_t edid[VDISPL_EDID_BLOCK_SIZE];
	uint32_t mhz;

	TAP_EQ_INT(vdispl_edid_build(edid, w, h, 60, "vdispl", 1), VDISPL_EDID_BLOCK_SIZE,
		   "%ux%u: the backend builds an EDID", w, h);
	TAP_EQ_INT(vdispl_cvt_rb_mode(w, h, 60, &cvt), 0, "%ux%u: and its CVT-RB mode", w, h);
	TAP_EQ_INT(vdispl_edid_check(edid, sizeof(edid)), 0, "%ux%u: the frontend accepts it", w, h);
	TAP_EQ_INT(vdispl_edid_timings(edid, sizeof(edid), t), 1, "%ux%u: one timing", w, h);
	TAP_CHECK(t[0].hdisplay == w && t[0].vdisplay == h, "%ux%u: preferred mode %ux%u", w, h,
		  t[0].hdisplay, t[0].vdisplay);
	TAP_CHECK(t[0].hsync_start == cvt.h_sync_start && t[0].hsync_end == cvt.h_sync_end &&
			  t[0].htotal == cvt.h_total && t[0].vsync_start == cvt.v_sync_start &&
			  t[0].vsync_end == cvt.v_sync_end && t[0].vtotal == cvt.v_total,
		  "%ux%u: every sync and total as built", w, h);
	/* The descriptor keeps the clock in 10 kHz units. */
	TAP_EQ_INT(t[0].clock_khz, cvt.clock_khz / 10 * 10, "%ux%u: pixel clock", w, h);
	mhz = vdispl_edid_refresh_mhz(&t[0]);
	TAP_CHECK(mhz > 59000 && mhz < 61000, "%ux%u: about 60 Hz (%u mHz)", w, h, mhz);
	TAP_CHECK(!t[0].interlaced, "%ux%u: progressive", w, h);
}

static void test_refused(void)
{
	struct vdispl_edid_timing t[VDISPL_EDID_MAX_TIMINGS];
	uint8_t edid[2 * VDISPL_EDID_BLOCK_SIZE];

	vdispl_edid_build(edid, 1024, 768, 60, "vdispl", 1);
	TAP_EQ_INT(vdispl_edid_check(NULL, 128), -EINVAL, "no EDID");
	TAP_EQ_INT(vdispl_edid_check(edid, 0), -EINVAL, "size 0");
	TAP_EQ_INT(vdispl_edid_check(edid, 127), -EINVAL, "a short block");
	TAP_EQ_INT(vdispl_edid_check(edid, 200), -EINVAL, "not a whole number of blocks");
	TAP_EQ_INT(vdispl_edid_check(edid, 256), -EINVAL, "size says 2 blocks, base block says 1");

	edid[20] ^= 1;
	TAP_EQ_INT(vdispl_edid_check(edid, 128), -EINVAL, "bad checksum");
	TAP_EQ_INT(vdispl_edid_timings(edid, 128, t), -EINVAL, "no modes from a bad checksum");
	edid[20] ^= 1;

	edid[0] = 1;
	fix_checksum(edid);
	TAP_EQ_INT(vdispl_edid_check(edid, 128), -EINVAL, "bad header");
	edid[0] = 0;
	fix_checksum(edid);
	TAP_EQ_INT(vdispl_edid_check(edid, 128), 0, "header repaired");

	/* An extension block announced and present, its own checksum right. */
	edid[126] = 1;
	fix_checksum(edid);
	memset(edid + 128, 0, 128);
	edid[128] = 0x02;
	fix_checksum(edid + 128);
	TAP_EQ_INT(vdispl_edid_check(edid, 256), 0, "two blocks, both checksums right");
	edid[200] = 7;
	TAP_EQ_INT(vdispl_edid_check(edid, 256), -EINVAL, "extension checksum wrong");
	edid[126] = 0;
	fix_checksum(edid);

	/* Sync pulse past the blanking: hsync offset (octet 8) larger than hblank. */
	edid[54 + 8] = 0xff;
	edid[54 + 11] |= 0xc0;
	fix_checksum(edid);
	TAP_EQ_INT(vdispl_edid_timings(edid, 128, t), 0, "a timing with sync past its total is skipped");
}

int main(void)
{
	check_roundtrip(1024, 768);
	check_roundtrip(1920, 1080);
	check_roundtrip(640, 480);
	check_roundtrip(4095, 2047);
	test_refused();
	return tap_done();
}
