/* SPDX-License-Identifier: MIT */
/*
 * The fuzz harnesses' own oracle: a property the code promises that does
 * not hold aborts, so libFuzzer saves the input, as a sanitizer report does.
 */
#ifndef VDISPL_TESTS_FUZZ_CHECK_H
#define VDISPL_TESTS_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: broken: %s\n", __FILE__, __LINE__, #cond);         \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#endif
