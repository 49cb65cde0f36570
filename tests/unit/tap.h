/* SPDX-License-Identifier: MIT */
/*
 * A minimal TAP producer for the unit tests: each check prints one
 * "ok N - ..." or "not ok N - ..." line and the program exits non-zero if any
 * failed. Exit code 77 means "skipped" to meson.
 */
#ifndef VDISPL_TESTS_TAP_H
#define VDISPL_TESTS_TAP_H

#include <stdio.h>
#include <stdlib.h>

static int tap_count;
static int tap_failed;

#define TAP_CHECK(cond, ...)                                                                       \
	do {                                                                                       \
		tap_count++;                                                                       \
		if (cond) {                                                                        \
			printf("ok %d - ", tap_count);                                             \
		} else {                                                                           \
			tap_failed++;                                                                      \
			printf("not ok %d - %s:%d: %s: ", tap_count, __FILE__, __LINE__, #cond);  \
		}                                                                                  \
		printf(__VA_ARGS__);                                                               \
		printf("\n");                                                                      \
	} while (0)

#define TAP_EQ_INT(got, want, ...)                                                                 \
	do {                                                                                       \
		long long tap_g_ = (long long)(got), tap_w_ = (long long)(want);                  \
		TAP_CHECK(tap_g_ == tap_w_, __VA_ARGS__);                                          \
		if (tap_g_ != tap_w_)                                                              \
			printf("#   got %lld, want %lld\n", tap_g_, tap_w_);                          \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
