// SPDX-License-Identifier: MIT
/*
 * The log: what another domain put into a message stays one printable
 * line, and a flood of guest-caused messages is cut to the rate limit.
 */
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "tests/unit/tap.h"

static char lines[64][4200];
static int num_lines;

static void capture(enum vdispl_log_level level, const char *line)
{
	if (num_lines < 64)
		snprintf(lines[num_lines], sizeof(lines[0]), "%s", line);
	num_lines++;
}

static void test_escape(void)
{
	char out[64];

	TAP_CHECK(!strcmp(vdispl_log_escape(out, sizeof(out), "id0", 32, true), "id0"),
		  "plain text unchanged");
	TAP_CHECK(!strcmp(vdispl_log_escape(out, sizeof(out), "a\nb\x1b[2Jc", 32, false),
			  "a\\x0ab\\x1b[2Jc"),
		  "newline and ESC escaped: %s", out);
	TAP_CHECK(!strcmp(vdispl_log_escape(out, sizeof(out), "x\"y\\z", 32, true), "x\\\"y\\\\z"),
		  "quotes and backslash escaped when quoted: %s", out);
	TAP_CHECK(!strcmp(vdispl_log_escape(out, sizeof(out), "x\"y", 32, false), "x\"y"),
		  "quotes kept when not quoted");
	TAP_CHECK(!strcmp(vdispl_log_escape(out, sizeof(out), "\xc3\xa9\x7f", 32, false),
			  "\\xc3\\xa9\\x7f"),
		  "octets above 0x7e escaped: %s", out);
	TAP_CHECK(!strcmp(vdispl_log_escape(out, sizeof(out), "abcdefgh", 3, false), "abc"),
		  "at most max_in octets read");
	TAP_CHECK(!strcmp(vdispl_log_escape(out, 8, "abcdefghij", 32, false), "abcd..."),
		  "too long: cut with '...': %s", out);
	TAP_CHECK(!strcmp(vdispl_log_escape(out, 8, "ab\n\n", 32, false), "ab..."),
		  "an escape that does not fit is cut whole: %s", out);
	TAP_CHECK(!strcmp(vdispl_log_escape(out, 3, "abcdef", 32, false), ""),
		  "no room for anything: empty");
}

static void test_log_line(void)
{
	num_lines = 0;
	vdispl_log_set_sink(capture);
	vdispl_log(ERROR, "dom1/vdispl0", "unique-id %s", "x\n12345.000000 error forged\x1b]0;t\a");
	vdispl_log_set_sink(NULL);
	TAP_EQ_INT(num_lines, 1, "one message, one sink call");
	TAP_CHECK(!strchr(lines[0], '\n') && !strchr(lines[0], '\x1b') && !strchr(lines[0], '\a'),
		  "no newline, ESC or BEL reaches the sink: %s", lines[0]);
	TAP_CHECK(strstr(lines[0], "x\\x0a12345.000000 error forged\\x1b]0;t\\x07") != NULL,
		  "the forged line is shown escaped, inside the real one");
}

static void test_ratelimit(void)
{
	struct vdispl_ratelimit rl = { 0 };
	uint64_t before = vdispl_ratelimit_suppressed_total();
	int allowed = 0;

	num_lines = 0;
	vdispl_log_set_sink(capture);
	for (int i = 0; i < 1000; i++) {
		if (vdispl_ratelimit_allow(&rl, "dom1/vdispl0"))
			allowed++;
	}
	TAP_EQ_INT(allowed, VDISPL_RATELIMIT_BURST, "a burst of 1000: only %d let through",
		   VDISPL_RATELIMIT_BURST);
	TAP_EQ_INT(vdispl_ratelimit_suppressed_total() - before, 1000 - VDISPL_RATELIMIT_BURST,
		   "the rest counted as suppressed");
	/* A new window: as if the first began VDISPL_RATELIMIT_MS ago. */
	rl.window_start_ms -= VDISPL_RATELIMIT_MS;
	TAP_CHECK(vdispl_ratelimit_allow(&rl, "dom1/vdispl0"), "the next window lets one through");
	vdispl_log_set_sink(NULL);
	TAP_EQ_INT(num_lines, 1, "and says what was dropped");
	TAP_CHECK(strstr(lines[0], "990 messages of this guest suppressed") != NULL, "%s",
		  lines[0]);
}

int main(void)
{
	test_escape();
	test_log_line();
	test_ratelimit();
	return tap_done();
}
