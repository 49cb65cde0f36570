/* SPDX-License-Identifier: MIT */
/*
 * Logging: one macro with a printf attribute, "[file:line]", and a tag naming
 * the guest, device and connector the message is about ("dom3/vdispl0/1").
 *
 * Messages go to a sink; the default writes to stderr. The level can be
 * changed at any time; it is not thread-safe (the daemon is single-threaded).
 */
#ifndef VDISPL_COMMON_LOG_H
#define VDISPL_COMMON_LOG_H

#include <stdarg.h>

enum vdispl_log_level {
	VDISPL_LOG_ERROR = 0,
	VDISPL_LOG_WARN,
	VDISPL_LOG_INFO,
	VDISPL_LOG_DEBUG,
};

typedef void (*vdispl_log_sink_fn)(enum vdispl_log_level level, const char *line);

void vdispl_log_set_level(enum vdispl_log_level level);

/* Replace the sink; NULL restores the stderr sink. */
void vdispl_log_set_sink(vdispl_log_sink_fn sink);

/* Parse "error", "warn", "info", "debug". Returns 0 or -EINVAL. */
int vdispl_log_level_parse(const char *name, enum vdispl_log_level *level);

void vdispl_log_write(enum vdispl_log_level level, const char *file, int line, const char *tag,
		      int neg_errno, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* vdispl_log(INFO, tag, "fmt", ...): tag may be NULL. */
#define vdispl_log(level, tag, ...)                                                                \
	vdispl_log_write(VDISPL_LOG_##level, __FILE__, __LINE__, (tag), 0, __VA_ARGS__)

/* As vdispl_log, with ": <strerror(-neg_errno)>" appended. */
#define vdispl_log_errno(level, tag, neg_errno, ...)                                               \
	vdispl_log_write(VDISPL_LOG_##level, __FILE__, __LINE__, (tag), (neg_errno), __VA_ARGS__)

#endif
