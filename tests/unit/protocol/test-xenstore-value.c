// SPDX-License-Identifier: MIT
/*
 * XenStore value parsers: the exact forms are accepted, every near miss a
 * frontend could write is rejected and leaves the output untouched.
 */
#include <errno.h>
#include <string.h>

#include "protocol/request.h"
#include "tests/unit/tap.h"
#include "protocol/xenstore-value.h"

/* @s for a TAP description: control characters would break the line. */
static const char *shown(const char *s)
{
	static char buf[64];
	size_t n = 0;

	for (; *s && n + 5 < sizeof(buf); s++) {
		if (*s >= ' ' && *s <= '~')
			buf[n++] = *s;
		else
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\\x%02x", (uint8_t)*s);
	}
	buf[n] = '\0';
	return buf;
}

static void u32_ok(const char *s, uint32_t want)
{
	uint32_t v = 12345;

	TAP_EQ_INT(vdispl_xs_parse_u32(s, &v), 0, "u32 \"%s\" accepted", s);
	TAP_EQ_INT(v, want, "u32 \"%s\" value", s);
}

static void u32_bad(const char *s)
{
	uint32_t v = 12345;

	TAP_EQ_INT(vdispl_xs_parse_u32(s, &v), -EINVAL, "u32 \"%s\" rejected", shown(s));
	TAP_EQ_INT(v, 12345, "u32 \"%s\" leaves the output alone", shown(s));
}

static void test_u32(void)
{
	uint32_t v;

	u32_ok("0", 0);
	u32_ok("7", 7);
	u32_ok("1024", 1024);
	u32_ok("4294967295", UINT32_MAX);
	u32_bad("4294967296");
	u32_bad("99999999999999999999999");
	u32_bad("007");
	u32_bad("00");
	u32_bad("");
	u32_bad("-1");
	u32_bad("+1");
	u32_bad(" 1");
	u32_bad("1 ");
	u32_bad("1\n");
	u32_bad("0x10");
	u32_bad("1a");
	TAP_EQ_INT(vdispl_xs_parse_u32(NULL, &v), -EINVAL, "u32 NULL rejected");
}

static void res_ok(const char *s, uint32_t w, uint32_t h)
{
	uint32_t width = 0, height = 0;

	TAP_EQ_INT(vdispl_xs_parse_resolution(s, &width, &height), 0, "resolution \"%s\"", s);
	TAP_CHECK(width == w && height == h, "resolution \"%s\" is %ux%u", s, w, h);
}

static void res_bad(const char *s)
{
	uint32_t width = 1, height = 1;

	TAP_EQ_INT(vdispl_xs_parse_resolution(s, &width, &height), -EINVAL,
		   "resolution \"%s\" rejected", shown(s));
	TAP_CHECK(width == 1 && height == 1, "resolution \"%s\" leaves the output alone", shown(s));
}

static void test_resolution(void)
{
	uint32_t w, h;

	res_ok("1024x768", 1024, 768);
	res_ok("1x1", 1, 1);
	res_ok("16384x16384", VDISPL_MAX_DIMENSION, VDISPL_MAX_DIMENSION);
	res_bad("0x768");
	res_bad("1024x0");
	res_bad("1024x");
	res_bad("x768");
	res_bad("x");
	res_bad("");
	res_bad("+1024x768");
	res_bad("1024x+768");
	res_bad("-1024x768");
	res_bad(" 1024x768");
	res_bad("1024x768 ");
	res_bad("1024 x768");
	res_bad("1024x 768");
	res_bad("1024x768\n");
	res_bad("1024X768");
	res_bad("1024x768x32");
	res_bad("1024*768");
	res_bad("01024x768");
	res_bad("1024x0768");
	res_bad("99999999999x1");
	res_bad("1x99999999999");
	res_bad("4294967296x1");
	res_bad("16385x768");
	res_bad("1024x16385");
	TAP_EQ_INT(vdispl_xs_parse_resolution(NULL, &w, &h), -EINVAL, "resolution NULL");
}

static void test_be_alloc(void)
{
	bool b = true;

	TAP_EQ_INT(vdispl_xs_parse_be_alloc(NULL, &b), 0, "be-alloc missing");
	TAP_CHECK(!b, "missing means no");
	b = true;
	TAP_EQ_INT(vdispl_xs_parse_be_alloc("0", &b), 0, "be-alloc \"0\"");
	TAP_CHECK(!b, "\"0\" means no");
	TAP_EQ_INT(vdispl_xs_parse_be_alloc("1", &b), 0, "be-alloc \"1\"");
	TAP_CHECK(b, "\"1\" means yes");

	static const char *const bad[] = { "", "2", "01", "1 ", "true", "yes", "-1" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		b = true;
		TAP_EQ_INT(vdispl_xs_parse_be_alloc(bad[i], &b), -EINVAL, "be-alloc \"%s\" rejected",
			   bad[i]);
	}
}

static void test_unique_id(void)
{
	char out[VDISPL_UNIQUE_ID_MAX + 1];
	char longest[VDISPL_UNIQUE_ID_MAX + 2];

	TAP_EQ_INT(vdispl_xs_parse_unique_id("HDMI-A-1", out), 0, "unique-id HDMI-A-1");
	TAP_CHECK(!strcmp(out, "HDMI-A-1"), "copied");
	TAP_EQ_INT(vdispl_xs_parse_unique_id("!~", out), 0, "printable edges accepted");

	memset(longest, 'a', VDISPL_UNIQUE_ID_MAX);
	longest[VDISPL_UNIQUE_ID_MAX] = '\0';
	memset(out, 0x55, sizeof(out));
	TAP_EQ_INT(vdispl_xs_parse_unique_id(longest, out), 0, "63 characters accepted");
	TAP_EQ_INT(strlen(out), VDISPL_UNIQUE_ID_MAX, "63 characters copied");

	longest[VDISPL_UNIQUE_ID_MAX] = 'a';
	longest[VDISPL_UNIQUE_ID_MAX + 1] = '\0';
	TAP_EQ_INT(vdispl_xs_parse_unique_id(longest, out), -EINVAL, "64 characters rejected");

	TAP_EQ_INT(vdispl_xs_parse_unique_id("", out), -EINVAL, "empty rejected");
	TAP_EQ_INT(vdispl_xs_parse_unique_id(NULL, out), -EINVAL, "NULL rejected");
	TAP_EQ_INT(vdispl_xs_parse_unique_id("a b", out), -EINVAL, "space rejected");
	TAP_EQ_INT(vdispl_xs_parse_unique_id("ab\n", out), -EINVAL, "newline rejected");
	TAP_EQ_INT(vdispl_xs_parse_unique_id("a\tb", out), -EINVAL, "tab rejected");
	TAP_EQ_INT(vdispl_xs_parse_unique_id("a\x7f", out), -EINVAL, "DEL rejected");
	TAP_EQ_INT(vdispl_xs_parse_unique_id("caf\xc3\xa9", out), -EINVAL, "non-ASCII rejected");
	TAP_EQ_INT(vdispl_xs_parse_unique_id("\x1b[2J", out), -EINVAL, "escape rejected");
}

static void test_state(void)
{
	enum vdispl_xenbus_state st = VDISPL_XENBUS_UNKNOWN;

	TAP_EQ_INT(vdispl_xs_parse_state("4", &st), 0, "state \"4\"");
	TAP_EQ_INT(st, VDISPL_XENBUS_CONNECTED, "is Connected");
	TAP_EQ_INT(vdispl_xs_parse_state("0", &st), 0, "state \"0\"");
	TAP_EQ_INT(vdispl_xs_parse_state("8", &st), 0, "state \"8\"");
	TAP_EQ_INT(st, VDISPL_XENBUS_RECONFIGURED, "is Reconfigured");
	TAP_EQ_INT(vdispl_xs_parse_state("9", &st), -EINVAL, "state \"9\" rejected");
	TAP_EQ_INT(vdispl_xs_parse_state("04", &st), -EINVAL, "state \"04\" rejected");
	TAP_EQ_INT(vdispl_xs_parse_state("-1", &st), -EINVAL, "state \"-1\" rejected");
	TAP_EQ_INT(vdispl_xs_parse_state("", &st), -EINVAL, "empty state rejected");
	TAP_EQ_INT(vdispl_xs_parse_state(NULL, &st), -EINVAL, "missing state rejected");
	TAP_EQ_INT(st, VDISPL_XENBUS_RECONFIGURED, "rejections leave the state alone");

	TAP_CHECK(!strcmp(vdispl_xenbus_state_name(VDISPL_XENBUS_INITWAIT), "InitWait"),
		  "name InitWait");
	TAP_CHECK(!strcmp(vdispl_xenbus_state_name(VDISPL_XENBUS_UNKNOWN), "Unknown"),
		  "name Unknown");
	TAP_CHECK(!strcmp(vdispl_xenbus_state_name(VDISPL_XENBUS_RECONFIGURED), "Reconfigured"),
		  "name Reconfigured");
	TAP_CHECK(!strcmp(vdispl_xenbus_state_name((enum vdispl_xenbus_state)9), "Invalid"),
		  "name 9 is Invalid");
	TAP_CHECK(!strcmp(vdispl_xenbus_state_name((enum vdispl_xenbus_state)-1), "Invalid"),
		  "name -1 is Invalid");
}

static void test_connector_count(void)
{
	const char *two[] = { "state", "0", "backend-id", "1", "be-alloc" };
	const char *eight[] = { "7", "6", "5", "4", "3", "2", "1", "0" };
	const char *gap[] = { "0", "2" };
	const char *none[] = { "state", "backend" };
	const char *odd[] = { "0", "01", "-1", "1x" };
	const char *big[] = { "0", "16" };
	const char *twice[] = { "0", "0", "1" };
	const char *all64[64];
	char names[64][4];

	TAP_EQ_INT(vdispl_xs_connector_count(two, 5, 16), 2, "connectors among other nodes");
	TAP_EQ_INT(vdispl_xs_connector_count(eight, 8, 16), 8, "eight, listed in any order");
	TAP_EQ_INT(vdispl_xs_connector_count(gap, 2, 16), -EINVAL, "a gap in the indices");
	TAP_EQ_INT(vdispl_xs_connector_count(none, 2, 16), -EINVAL, "no connector at all");
	TAP_EQ_INT(vdispl_xs_connector_count(odd, 4, 16), 1, "\"01\", \"-1\", \"1x\" are no indices");
	TAP_EQ_INT(vdispl_xs_connector_count(big, 2, 16), -EINVAL, "an index past the limit");
	TAP_EQ_INT(vdispl_xs_connector_count(twice, 3, 16), 2, "a name listed twice counts once");
	TAP_EQ_INT(vdispl_xs_connector_count(two, 5, 65), -EINVAL, "a limit above 64");
	for (int i = 0; i < 64; i++) {
		snprintf(names[i], sizeof(names[i]), "%d", i);
		all64[i] = names[i];
	}
	TAP_EQ_INT(vdispl_xs_connector_count(all64, 64, 64), 64, "64 connectors, the most");
}

int main(void)
{
	test_u32();
	test_resolution();
	test_be_alloc();
	test_unique_id();
	test_state();
	test_connector_count();
	return tap_done();
}
