/* SPDX-License-Identifier: MIT */
/*
 * Everything the tool prints. stdout carries TAP for the lab
 * (tests/lab/test_hostile.py turns each "ok"/"not ok" line into a check)
 * and "# " progress comments; stderr carries setup errors, each naming the
 * step, the XenStore node or device, and errno.
 */
#ifndef VDISPL_EVIL_REPORT_H
#define VDISPL_EVIL_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#define EVIL_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

/* Make stdout line-buffered: the guest console must show a line before a hang. */
void evil_report_init(void);

/* "# ..." progress comment on stdout. */
void evil_comment(const char *fmt, ...) EVIL_PRINTF(1, 2);

/* One test result: "ok N - ..." or "not ok N - ...". Returns @ok. */
bool evil_tap_result(bool ok, const char *fmt, ...) EVIL_PRINTF(2, 3);

/* A test that cannot run here: "ok N - ... # SKIP reason". */
void evil_tap_skip(const char *reason, const char *fmt, ...) EVIL_PRINTF(2, 3);

/* "#   ..." detail under the last result. */
void evil_tap_diag(const char *fmt, ...) EVIL_PRINTF(1, 2);

/* "Bail out! ...": the backend stopped answering, no further test can run. */
void evil_tap_bail(const char *fmt, ...) EVIL_PRINTF(1, 2);

/* Print the plan "1..N"; returns the number of failed tests. */
unsigned int evil_tap_finish(void);

/*
 * Setup failure on stderr: "vdispl-evil-frontend: @step: @object: strerror
 * (errno N)". @neg_errno is a negative errno.
 */
void evil_setup_error(const char *step, const char *object, int neg_errno);

/* "-XEN_EINVAL" for a wire status, "0" for 0, "-XEN_E?" for unknown codes. */
const char *evil_status_name(int32_t status);

#endif
