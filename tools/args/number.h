/* SPDX-License-Identifier: MIT */
/* Command-line numbers of the test tools. */
#ifndef VDISPL_TOOLS_ARGS_NUMBER_H
#define VDISPL_TOOLS_ARGS_NUMBER_H

#include <stdint.h>

/*
 * Parse @s, decimal digits only (no sign, no white space), into *@out.
 * Returns 0, or -EINVAL for anything else or a value above UINT32_MAX.
 */
int tool_parse_u32(const char *s, uint32_t *out);

#endif
