// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "protocol/displif.h"
#include "tools/evil-frontend/evil.h"
#include "tools/evil-frontend/report.h"

static unsigned int tests_run;
static unsigned int tests_failed;

void evil_report_init(void)
{
	/*
	 * The guest console is a serial line the lab logs; a fully buffered
	 * stdout would lose the lines before a hang or a kill.
	 */
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static void vline(const char *prefix, const char *fmt, va_list ap)
{
	fputs(prefix, stdout);
	vprintf(fmt, ap);
	putchar('\n');
}

void evil_comment(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("# ", fmt, ap);
	va_end(ap);
}

bool evil_tap_result(bool ok, const char *fmt, ...)
{
	va_list ap;

	tests_run++;
	if (!ok)
		tests_failed++;
	printf("%s %u - ", ok ? "ok" : "not ok", tests_run);
	va_start(ap, fmt);
	vline("", fmt, ap);
	va_end(ap);
	return ok;
}

void evil_tap_skip(const char *reason, const char *fmt, ...)
{
	va_list ap;

	tests_run++;
	printf("ok %u - ", tests_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", reason);
}

void evil_tap_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("#   ", fmt, ap);
	va_end(ap);
}

void evil_tap_bail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("Bail out! ", fmt, ap);
	va_end(ap);
}

unsigned int evil_tap_finish(void)
{
	printf("1..%u\n", tests_run);
	if (tests_failed)
		evil_comment("%u of %u tests failed", tests_failed, tests_run);
	return tests_failed;
}

void evil_setup_error(const char *step, const char *object, int neg_errno)
{
	/* TAP on stdout and errors on stderr interleave on the console: flush first. */
	fflush(stdout);
	fprintf(stderr, EVIL_PROG ": %s: %s: %s (errno %d)\n", step, object, strerror(-neg_errno),
		-neg_errno);
}

struct status_name {
	int value;
	const char *name;
};

/* Xen's own list, expanded once more with our XEN_ERRNO (as protocol/status.c does). */
static const struct status_name status_names[] = {
#define XEN_ERRNO(name, value) { value, "-XEN_" #name },
#include <xen/errno.h>
};

const char *evil_status_name(int32_t status)
{
	if (status == 0)
		return "0";
	for (size_t i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++) {
		if (-status_names[i].value == status)
			return status_names[i].name;
	}
	return "-XEN_E?";
}
