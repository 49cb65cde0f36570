// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tools/dmabuf-check/check.h"

/* errno values by name, so the lab test compares words, not numbers. */
const char *errno_name(int neg_errno)
{
	static const struct {
		int value;
		const char *name;
	} names[] = {
		{ 0, "0" },	       { EPERM, "EPERM" },   { ENOENT, "ENOENT" },
		{ ESRCH, "ESRCH" },    { EIO, "EIO" },	     { EBADF, "EBADF" },
		{ ENOMEM, "ENOMEM" },  { EACCES, "EACCES" }, { EFAULT, "EFAULT" },
		{ EBUSY, "EBUSY" },    { EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" },
		{ ENOTTY, "ENOTTY" },  { ETIMEDOUT, "ETIMEDOUT" }, { ENODEV, "ENODEV" },
		{ ECHILD, "ECHILD" },
	};
	static char other[16];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].value == -neg_errno)
			return names[i].name;
	snprintf(other, sizeof(other), "%d", neg_errno);
	return other;
}

int fail_errno(int neg_errno, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vdispl-dmabuf-check: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", neg_errno ? strerror(-neg_errno) : "failed");
	return neg_errno ? neg_errno : -EIO;
}
