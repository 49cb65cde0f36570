// SPDX-License-Identifier: MIT
/*
 * The format table is exactly the mainline frontend's plane formats, and
 * host errno values reach the wire as Xen's numbers.
 */
#include <drm_fourcc.h>
#include <errno.h>
#include <string.h>

#include "protocol/displif.h"
#include "protocol/format.h"
#include "protocol/status.h"
#include "tests/unit/tap.h"

static void check_format(uint32_t fourcc, const char *name, uint8_t bpp, bool alpha, bool yuv)
{
	const struct vdispl_format *f = vdispl_format_lookup(fourcc);

	TAP_CHECK(f != NULL, "%s is offered", name);
	if (!f)
		return;
	TAP_CHECK(!strcmp(f->name, name), "%s named", name);
	TAP_EQ_INT(f->bpp, bpp, "%s bpp", name);
	TAP_CHECK(f->has_alpha == alpha && f->is_yuv == yuv, "%s alpha and yuv", name);
}

static void test_formats(void)
{
	const struct vdispl_format *all;
	size_t count;

	check_format(DRM_FORMAT_RGB565, "RGB565", 16, false, false);
	check_format(DRM_FORMAT_RGB888, "RGB888", 24, false, false);
	check_format(DRM_FORMAT_XRGB8888, "XRGB8888", 32, false, false);
	check_format(DRM_FORMAT_ARGB8888, "ARGB8888", 32, true, false);
	check_format(DRM_FORMAT_XRGB4444, "XRGB4444", 16, false, false);
	check_format(DRM_FORMAT_ARGB4444, "ARGB4444", 16, true, false);
	check_format(DRM_FORMAT_XRGB1555, "XRGB1555", 16, false, false);
	check_format(DRM_FORMAT_ARGB1555, "ARGB1555", 16, true, false);
	check_format(DRM_FORMAT_YUYV, "YUYV", 16, false, true);

	all = vdispl_formats(&count);
	TAP_EQ_INT(count, 9, "nine formats, no more");
	for (size_t i = 0; i < count; i++)
		TAP_CHECK(vdispl_format_lookup(all[i].fourcc) == &all[i], "entry %zu looks up", i);

	TAP_CHECK(!vdispl_format_lookup(0), "fourcc 0 unknown");
	TAP_CHECK(!vdispl_format_lookup(DRM_FORMAT_XBGR8888), "XBGR8888 unknown");
	TAP_CHECK(!vdispl_format_lookup(DRM_FORMAT_NV12), "NV12 unknown");
	TAP_CHECK(!vdispl_format_lookup(DRM_FORMAT_UYVY), "UYVY unknown");

	TAP_EQ_INT(vdispl_format_row_size(32, 1024), 4096, "row of 1024 XRGB8888");
	TAP_EQ_INT(vdispl_format_row_size(24, 3), 9, "row of 3 RGB888");
	TAP_EQ_INT(vdispl_format_row_size(1, 9), 2, "rows round up");
	TAP_EQ_INT(vdispl_format_row_size(0, 1024), 0, "bpp 0");
	TAP_CHECK(vdispl_format_row_size(UINT32_MAX, UINT32_MAX) == 0x1fffffffc0000001ull,
		  "largest row does not wrap");
}

static void test_status(void)
{
	TAP_EQ_INT(vdispl_status_from_errno(0), 0, "0 stays 0");
	TAP_EQ_INT(vdispl_status_from_errno(-EINVAL), -XEN_EINVAL, "EINVAL");
	TAP_EQ_INT(vdispl_status_from_errno(-ENOMEM), -XEN_ENOMEM, "ENOMEM");
	TAP_EQ_INT(vdispl_status_from_errno(-ENOENT), -XEN_ENOENT, "ENOENT");
	TAP_EQ_INT(vdispl_status_from_errno(-EEXIST), -XEN_EEXIST, "EEXIST");
	TAP_EQ_INT(vdispl_status_from_errno(-ENOSPC), -XEN_ENOSPC, "ENOSPC");
	TAP_EQ_INT(vdispl_status_from_errno(-EBUSY), -XEN_EBUSY, "EBUSY");
	TAP_EQ_INT(vdispl_status_from_errno(-EOPNOTSUPP), -XEN_EOPNOTSUPP, "EOPNOTSUPP");
	TAP_EQ_INT(vdispl_status_from_errno(-ETIMEDOUT), -XEN_ETIMEDOUT, "ETIMEDOUT");
	TAP_EQ_INT(vdispl_status_from_errno(-EAGAIN), -XEN_EAGAIN, "EAGAIN");
	TAP_EQ_INT(vdispl_status_from_errno(-EDEADLK), -XEN_EDEADLK, "EDEADLK");
	TAP_EQ_INT(vdispl_status_from_errno(-EIO), -XEN_EIO, "EIO");
	TAP_EQ_INT(vdispl_status_from_errno(-EINTR), -XEN_EIO, "EINTR is internal to Xen");
	TAP_EQ_INT(vdispl_status_from_errno(-ENOTTY), -XEN_EIO, "ENOTTY has no Xen number");
	TAP_EQ_INT(vdispl_status_from_errno(-EPROTO), -XEN_EIO, "EPROTO has no Xen number");
	TAP_EQ_INT(vdispl_status_from_errno(-100000), -XEN_EIO, "out of range");
	TAP_EQ_INT(vdispl_status_from_errno(EINVAL), -XEN_EIO, "positive is a caller bug");
	TAP_EQ_INT(vdispl_status_from_errno(INT32_MIN), -XEN_EIO, "INT32_MIN");
}

int main(void)
{
	test_formats();
	test_status();
	return tap_done();
}
