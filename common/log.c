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
	/* Escaped: up to four octets for each of text's. */
	char safe[4 * sizeof(text)];
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

	(current_sink ? current_sink : stderr_sink)(
		level, vdispl_log_escape(safe, sizeof(safe), text, sizeof(text), false));
}

char *vdispl_log_escape(char *out, size_t size, const char *in, size_t max_in, bool quoted)
{
	static const char hex[] = "0123456789abcdef";
	/* Where the last four units began: a cut goes back to one of them. */
	size_t starts[4] = { 0 };
	size_t o = 0, units = 0;

	if (!size)
		return out;
	for (size_t i = 0; i < max_in && in[i]; i++) {
		unsigned char ch = (unsigned char)in[i];
		char esc[4];
		size_t n = 1;

		esc[0] = (char)ch;
		if (ch < 0x20 || ch > 0x7e) {
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hex[ch >> 4];
			esc[3] = hex[ch & 15];
			n = 4;
		} else if (quoted && (ch == '"' || ch == '\\')) {
			esc[0] = '\\';
			esc[1] = (char)ch;
			n = 2;
		}
		if (o + n >= size) {
			/* Cut on a unit's edge, with "..." where it fits. */
			size_t limit = size > 4 ? size - 4 : 0;

			for (size_t k = 0; k < 4 && k < units && o > limit; k++)
				o = starts[(units - 1 - k) % 4];
			if (o > limit)
				o = 0;
			if (size > 4) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		starts[units++ % 4] = o;
		memcpy(out + o, esc, n);
		o += n;
	}
	out[o] = '\0';
	return out;
}

static uint64_t now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}

static uint64_t suppressed_total;

bool vdispl_ratelimit_allow(struct vdispl_ratelimit *rl, const char *tag)
{
	uint64_t now = now_ms();

	if (!rl->window_start_ms || now - rl->window_start_ms >= VDISPL_RATELIMIT_MS) {
		if (rl->suppressed)
			vdispl_log(WARN, tag, "%u messages of this guest suppressed in %u ms",
				   rl->suppressed, (unsigned)(now - rl->window_start_ms));
		rl->window_start_ms = now;
		rl->printed = 0;
		rl->suppressed = 0;
	}
	if (rl->printed < VDISPL_RATELIMIT_BURST) {
		rl->printed++;
		return true;
	}
	rl->suppressed++;
	suppressed_total++;
	return false;
}

uint64_t vdispl_ratelimit_suppressed_total(void)
{
	return suppressed_total;
}
