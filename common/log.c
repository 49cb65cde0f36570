// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/log.h"

static enum vdispl_log_level current_level = VDISPL_LOG_INFO;
static vdispl_log_sink_fn current_sink;

static const char *const level_names[] = {
	[VDISPL_LOG_ERROR] = "error",
	[VDISPL_LOG_WARN] = "warn",
	[VDISPL_LOG_INFO] = "info",
	[VDISPL_LOG_DEBUG] = "debug",
};

void vdispl_log_set_level(enum vdispl_log_level level)
{
	current_level = level;
}

void vdispl_log_set_sink(vdispl_log_sink_fn sink)
{
	current_sink = sink;
}

int vdispl_log_level_parse(const char *name, enum vdispl_log_level *level)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*level = (enum vdispl_log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

static void stderr_sink(enum vdispl_log_level level, const char *line)
{
	struct timespec now;

	/* Monotonic seconds line up with flip latencies better than wall time. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	fprintf(stderr, "%5lld.%06ld %-5s %s\n", (long long)now.tv_sec, now.tv_nsec / 1000,
		level_names[level], line);
}

void vdispl_log_write(enum vdispl_log_level level, const char *file, int line, const char *tag,
		      int neg_errno, const char *fmt, ...)
{
	char text[1024];
	size_t len = 0;
	const char *base;
	va_list ap;
	int n;

	if (level > current_level)
		return;

	base = strrchr(file, '/');
	base = base ? base + 1 : file;

	n = snprintf(text, sizeof(text), "[%s:%d] ", base, line);
	len = n > 0 ? (size_t)n : 0;
	if (tag && len < sizeof(text)) {
		n = snprintf(text + len, sizeof(text) - len, "%s: ", tag);
		len += n > 0 ? (size_t)n : 0;
	}
	if (len < sizeof(text)) {
		va_start(ap, fmt);
		n = vsnprintf(text + len, sizeof(text) - len, fmt, ap);
		va_end(ap);
		len += n > 0 ? (size_t)n : 0;
	}
	if (neg_errno && len < sizeof(text))
		snprintf(text + len, sizeof(text) - len, ": %s", strerror(-neg_errno));

	(current_sink ? current_sink : stderr_sink)(level, text);
}
