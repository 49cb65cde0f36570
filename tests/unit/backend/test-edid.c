// SPDX-License-Identifier: MIT
/*
 * vdispl_edid_build(), checked by decoding the block back: header, checksum,
 * the detailed timing against known CVT-RB modes, the refresh it implies,
 * range limits, name and serial; and every way a mode is refused.
 *
 * "test-edid dump W H HZ [NAME]" writes one block to stdout instead, to
 * feed an independent decoder such as edid-decode by hand.
 */
#include "backend/edid.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/tap.h"

struct decoded_dtd {
	uint32_t clock_10khz;
	uint32_t h_active, h_blank, h_front_porch, h_sync;
	uint32_t v_active, v_blank, v_front_porch, v_sync;
	uint32_t width_mm, height_mm;
	uint8_t flags;
};

static void decode_dtd(const uint8_t *d, struct decoded_dtd *t)
{
	t->clock_10khz = d[0] | d[1] << 8;
	t->h_active = d[2] | (d[4] >> 4) << 8;
	t->h_blank = d[3] | (d[4] & 0xf) << 8;
	t->v_active = d[5] | (d[7] >> 4) << 8;
	t->v_blank = d[6] | (d[7] & 0xf) << 8;
	t->h_front_porch = d[8] | (d[11] >> 6) << 8;
	t->h_sync = d[9] | (d[11] >> 4 & 3) << 8;
	t->v_front_porch = (d[10] >> 4) | (d[11] >> 2 & 3) << 4;
	t->v_sync = (d[10] & 0xf) | (d[11] & 3) << 4;
	t->width_mm = d[12] | (d[14] >> 4) << 8;
	t->height_mm = d[13] | (d[14] & 0xf) << 8;
	t->flags = d[17];
}

static bool checksum_ok(const uint8_t *e)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < VDISPL_EDID_BLOCK_SIZE; i++)
		sum += e[i];
	return sum == 0;
}

/* Millihertz, to compare with a 0.5 Hz tolerance without floating point. */
static uint64_t refresh_mhz(const struct decoded_dtd *t)
{
	uint64_t total = (uint64_t)(t->h_active + t->h_blank) * (t->v_active + t->v_blank);

	return (uint64_t)t->clock_10khz * 10000u * 1000u / total;
}

struct mode {
	uint32_t w, h, hz;
	uint32_t v_blank, v_sync, clock_10khz; /* CVT-RB v1 reference values */
};

static void check_structure(const uint8_t *e, const char *what)
{
	static const uint8_t magic[8] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
	uint16_t vendor = (uint16_t)(e[8] << 8 | e[9]);
	char id[4] = {(char)('@' + (vendor >> 10 & 0x1f)), (char)('@' + (vendor >> 5 & 0x1f)),
		      (char)('@' + (vendor & 0x1f)), 0};

	TAP_CHECK(!memcmp(e, magic, 8), "%s: header", what);
	TAP_CHECK(checksum_ok(e), "%s: checksum", what);
	TAP_CHECK(!(vendor & 0x8000) && !strcmp(id, "VDP"), "%s: manufacturer %s", what, id);
	TAP_CHECK(e[18] == 1 && e[19] == 4, "%s: version 1.4", what);
	TAP_CHECK(e[20] & 0x80, "%s: digital input", what);
	TAP_CHECK(e[24] & 0x02, "%s: first DTD is preferred and native", what);
	TAP_EQ_INT(e[126], 0, "%s: no extensions", what);
	TAP_CHECK(e[54] || e[55], "%s: first descriptor is a timing", what);
	TAP_CHECK(!e[72] && !e[73] && e[75] == 0xfd, "%s: second is range limits", what);
	TAP_CHECK(!e[90] && !e[91] && e[93] == 0xfc, "%s: third is the name", what);
	TAP_CHECK(!e[108] && !e[109] && e[111] == 0x10, "%s: fourth is a dummy", what);
}

/* The range limits must enclose the DTD's own rates and clock. */
static void check_range(const uint8_t *e, const struct decoded_dtd *t, const char *what)
{
	const uint8_t *r = e + 72;
	uint32_t v_min = r[5] + (r[4] & 0x01 ? 255 : 0), v_max = r[6] + (r[4] & 0x02 ? 255 : 0);
	uint32_t h_min = r[7] + (r[4] & 0x04 ? 255 : 0), h_max = r[8] + (r[4] & 0x08 ? 255 : 0);
	uint64_t mhz = refresh_mhz(t);
	uint64_t line_hz = (uint64_t)t->clock_10khz * 10000u / (t->h_active + t->h_blank);

	TAP_CHECK(v_min * 1000u <= mhz && mhz <= v_max * 1000u, "%s: %u <= %llu mHz <= %u", what,
		  v_min, (unsigned long long)mhz, v_max);
	TAP_CHECK(h_min * 1000u <= line_hz && line_hz <= h_max * 1000u,
		  "%s: %u <= %llu Hz line rate <= %u kHz", what, h_min, (unsigned long long)line_hz,
		  h_max);
	TAP_CHECK(r[9] * 1000u >= t->clock_10khz, "%s: max clock %u0 MHz", what, r[9]);
}

static void test_mode(const struct mode *m)
{
	char what[64];
	uint8_t e[VDISPL_EDID_BLOCK_SIZE];
	struct decoded_dtd t;
	uint64_t mhz;

	snprintf(what, sizeof(what), "%ux%u@%u", m->w, m->h, m->hz);
	TAP_EQ_INT(vdispl_edid_build(e, m->w, m->h, m->hz, "vdispl", 7), VDISPL_EDID_BLOCK_SIZE,
		   "%s: built", what);
	check_structure(e, what);
	decode_dtd(e + 54, &t);
	TAP_CHECK(t.h_active == m->w && t.v_active == m->h, "%s: active %ux%u", what, t.h_active,
		  t.v_active);
	TAP_CHECK(t.h_blank == 160 && t.h_front_porch == 48 && t.h_sync == 32,
		  "%s: H blank/front porch/sync 160/48/32", what);
	TAP_EQ_INT(t.v_front_porch, 3, "%s: V front porch", what);
	TAP_EQ_INT(t.v_sync, m->v_sync, "%s: V sync by aspect ratio", what);
	TAP_EQ_INT(t.v_blank, m->v_blank, "%s: V blank", what);
	TAP_CHECK(t.v_blank - t.v_front_porch - t.v_sync >= 6, "%s: V back porch >= 6", what);
	TAP_EQ_INT(t.clock_10khz, m->clock_10khz, "%s: pixel clock in 10 kHz", what);
	TAP_EQ_INT(t.clock_10khz % 25, 0, "%s: clock in 0.25 MHz steps", what);
	TAP_EQ_INT(t.flags, 0x1a, "%s: digital separate sync, +H -V", what);
	mhz = refresh_mhz(&t);
	TAP_CHECK(mhz + 500 >= m->hz * 1000u && mhz <= m->hz * 1000u + 500,
		  "%s: refresh %llu mHz within 0.5 Hz", what, (unsigned long long)mhz);
	check_range(e, &t, what);
}

static void test_modes(void)
{
	/* Reference timings from the CVT 1.2 reduced blanking formula, worked
	 * in floating point as the standard writes it. */
	static const struct mode modes[] = {
		{1024, 768, 60, 22, 4, 5600},    {800, 600, 60, 18, 4, 3550},
		{1920, 1080, 60, 31, 5, 13850},  {1280, 800, 60, 23, 6, 7100},
		{1280, 1024, 60, 30, 7, 9100},   {2560, 1600, 60, 46, 6, 26850},
		{1366, 768, 60, 22, 10, 7225},   {4095, 2047, 60, 59, 10, 53750},
		{1920, 1080, 120, 64, 5, 28550},
	};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		test_mode(&modes[i]);
}

static void test_physical_size(void)
{
	uint8_t e[VDISPL_EDID_BLOCK_SIZE];
	struct decoded_dtd t;

	vdispl_edid_build(e, 1920, 1080, 60, "x", 0);
	decode_dtd(e + 54, &t);
	TAP_CHECK(t.width_mm == 508 && t.height_mm == 286, "1920x1080 is 508x286 mm at 96 dpi");
	TAP_CHECK(e[21] == 51 && e[22] == 29, "and 51x29 cm in the base block");

	vdispl_edid_build(e, 16, 1080, 60, "x", 0);
	decode_dtd(e + 54, &t);
	TAP_CHECK(!e[21] && !e[22] && !t.width_mm && !t.height_mm,
		  "under 1 cm wide: size undefined, not an aspect ratio");
}

static void test_name_and_serial(void)
{
	uint8_t e[VDISPL_EDID_BLOCK_SIZE];

	vdispl_edid_build(e, 1024, 768, 60, "vdispl-0", 0x12345678);
	TAP_CHECK(e[12] == 0x78 && e[13] == 0x56 && e[14] == 0x34 && e[15] == 0x12,
		  "serial little-endian");
	TAP_CHECK(!memcmp(e + 95, "vdispl-0\n    ", 13), "short name: line feed, space padding");

	vdispl_edid_build(e, 1024, 768, 60, "a-very-long-monitor-name", 1);
	TAP_CHECK(!memcmp(e + 95, "a-very-long-m", 13), "long name cut at 13, no line feed");
	TAP_CHECK(checksum_ok(e), "checksum with a long name");

	vdispl_edid_build(e, 1024, 768, 60, "", 1);
	TAP_CHECK(e[95] == '\n' && e[107] == ' ', "empty name");

	vdispl_edid_build(e, 1024, 768, 60, "a\tb\x80", 1);
	TAP_CHECK(!memcmp(e + 95, "a?b?\n", 5), "non-printable characters replaced");
}

static void test_rejects(void)
{
	static const struct {
		uint32_t w, h, hz;
		const char *why;
	} bad[] = {
		{0, 768, 60, "zero width"},
		{1024, 0, 60, "zero height"},
		{1024, 768, 0, "zero refresh"},
		{4096, 768, 60, "width 4096"},
		{1024, 4096, 60, "height 4096"},
		{4095, 4095, 60, "4095x4095@60 needs a 1075 MHz clock"},
		{3840, 2160, 75, "3840x2160@75 needs a 672 MHz clock"},
		{640, 480, 511, "refresh 511 Hz beyond range limits"},
		{50, 4095, 510, "line rate 2728 kHz beyond range limits"},
		{1, 1, 1, "clock below 0.25 MHz"},
	};
	uint8_t e[VDISPL_EDID_BLOCK_SIZE], untouched[VDISPL_EDID_BLOCK_SIZE];

	memset(untouched, 0xab, sizeof(untouched));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(e, 0xab, sizeof(e));
		TAP_EQ_INT(vdispl_edid_build(e, bad[i].w, bad[i].h, bad[i].hz, "x", 0), -EINVAL,
			   "%s: -EINVAL", bad[i].why);
		TAP_CHECK(!memcmp(e, untouched, sizeof(e)), "%s: block untouched", bad[i].why);
	}
	TAP_EQ_INT(vdispl_edid_build(e, 1024, 768, 60, NULL, 0), -EINVAL, "NULL name: -EINVAL");
	TAP_EQ_INT(vdispl_edid_build(NULL, 1024, 768, 60, "x", 0), -EINVAL, "NULL block: -EINVAL");
	TAP_EQ_INT(vdispl_edid_build(e, 4095, 2047, 60, "x", 0), VDISPL_EDID_BLOCK_SIZE,
		   "4095x2047@60, the frontend's maximum, fits");
	TAP_EQ_INT(vdispl_edid_build(e, 640, 480, 510, "x", 0), VDISPL_EDID_BLOCK_SIZE,
		   "510 Hz fits with range offsets");
	/* 509..510 Hz and exactly 320 kHz: all four rates above 255, all offset. */
	TAP_EQ_INT(e[72 + 4], 0x0f, "range offset flags");
	TAP_CHECK(e[72 + 5] + 255 == 509 && e[72 + 6] + 255 == 510, "V rates stored less 255");
	TAP_CHECK(e[72 + 7] + 255 == 320 && e[72 + 8] + 255 == 320, "H rates stored less 255");
	TAP_CHECK(checksum_ok(e), "510 Hz checksum");
}

static int dump(int argc, char **argv)
{
	uint8_t e[VDISPL_EDID_BLOCK_SIZE];
	int ret;

	if (argc < 5)
		return 2;
	ret = vdispl_edid_build(
	    e, (uint32_t)strtoul(argv[2], NULL, 0), (uint32_t)strtoul(argv[3], NULL, 0),
	    (uint32_t)strtoul(argv[4], NULL, 0), argc > 5 ? argv[5] : "vdispl", 1);
	if (ret < 0) {
		fprintf(stderr, "vdispl_edid_build: %d\n", ret);
		return 1;
	}
	return fwrite(e, sizeof(e), 1, stdout) == 1 ? 0 : 1;
}

/* The timings a made-up KMS mode gets: VESA's published CVT-RB figures. */
static void test_cvt_mode(void)
{
	struct vdispl_cvt_mode m;

	TAP_EQ_INT(vdispl_cvt_rb_mode(1920, 1080, 60, &m), 0, "CVT-RB 1920x1080@60");
	TAP_CHECK(m.width == 1920 && m.h_sync_start == 1968 && m.h_sync_end == 2000 &&
			  m.h_total == 2080,
		  "horizontal 1920 1968 2000 2080 (got %u %u %u %u)", m.width, m.h_sync_start,
		  m.h_sync_end, m.h_total);
	TAP_CHECK(m.height == 1080 && m.v_sync_start == 1083 && m.v_sync_end == 1088 &&
			  m.v_total == 1111,
		  "vertical 1080 1083 1088 1111 (got %u %u %u %u)", m.height, m.v_sync_start,
		  m.v_sync_end, m.v_total);
	TAP_EQ_INT(m.clock_khz, 138500, "pixel clock 138.5 MHz");
	TAP_EQ_INT(vdispl_cvt_rb_mode(3840, 2160, 60, &m), 0, "CVT-RB 3840x2160@60");
	TAP_CHECK(m.h_total == 4000 && m.v_total == 2222 && m.clock_khz == 533250,
		  "4000 x 2222 at 533.25 MHz (got %u x %u at %u kHz)", m.h_total, m.v_total,
		  m.clock_khz);
	TAP_EQ_INT(vdispl_cvt_rb_mode(4096, 2160, 60, &m), -EINVAL, "4096 wide: refused");
	TAP_EQ_INT(vdispl_cvt_rb_mode(0, 480, 60, &m), -EINVAL, "zero width: refused");
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "dump"))
		return dump(argc, argv);
	test_modes();
	test_physical_size();
	test_name_and_serial();
	test_rejects();
	test_cvt_mode();
	return tap_done();
}
