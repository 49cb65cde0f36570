/* SPDX-License-Identifier: MIT */
/*
 * Logging: one macro with a printf attribute, "[file:line]", and a tag naming
 * the guest, device and connector the message is about ("dom3/vdispl0/1").
 *
 * Messages go to a sink; the default writes to stderr. Every octet outside
 * printable ASCII is escaped on the way (vdispl_log_escape), so a message
 * is always one line whatever a guest put into it. The level can be
 * changed at any time; it is not thread-safe (the daemon is single-threaded).
 */
#ifndef VDISPL_COMMON_LOG_H
#define VDISPL_COMMON_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/*
 * Copy @in (at most @max_in octets of it) to @out as printable ASCII: octets
 * outside 0x20..0x7e become \xNN, and with @quoted also '"' and '\\', so a
 * string another domain chose can neither end its quotes nor forge a line
 * or a terminal sequence. Always NUL-terminates (@size > 0); a result that
 * does not fit ends in "...". Returns @out.
 */
char *vdispl_log_escape(char *out, size_t size, const char *in, size_t max_in, bool quoted);

/*
 * At most VDISPL_RATELIMIT_BURST messages per VDISPL_RATELIMIT_MS window for
 * what one guest device can cause; the next window starts by saying how
 * many were dropped. Zero-initialised is ready.
 */
#define VDISPL_RATELIMIT_BURST 10
#define VDISPL_RATELIMIT_MS 5000

struct vdispl_ratelimit {
	uint64_t window_start_ms;
	uint32_t printed;
	uint32_t suppressed;
};

/* Messages every rate limit dropped since start. */
uint64_t vdispl_ratelimit_suppressed_total(void);

/* Whether the next message may go out; @tag names the device in the summary. */
bool vdispl_ratelimit_allow(struct vdispl_ratelimit *rl, const char *tag);

/* vdispl_log, rate-limited by @rl: for messages a guest can cause at will. */
#define vdispl_log_limited(level, rl, tag, ...)                                                    \
	do {                                                                                       \
		if (vdispl_ratelimit_allow((rl), (tag)))                                           \
			vdispl_log(level, tag, __VA_ARGS__);                                       \
	} while (0)

#define vdispl_log_errno_limited(level, rl, tag, neg_errno, ...)                                   \
	do {                                                                                       \
		if (vdispl_ratelimit_allow((rl), (tag)))                                           \
			vdispl_log_errno(level, tag, neg_errno, __VA_ARGS__);                      \
	} while (0)

#endif
