// SPDX-License-Identifier: MIT
/*
 * vdispl_xs_printf over vdispl_xs_write: apart from xen.c, so that the
 * unit tests' stand-in Xen (tests/fake/) gets it too.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "common/xen.h"

int vdispl_xs_printf(struct vdispl_xs *xs, const char *path, const char *fmt, ...)
{
	char value[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(value))
		return -EINVAL;
	return vdispl_xs_write(xs, path, value);
}
