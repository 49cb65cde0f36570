// SPDX-License-Identifier: MIT
#include "protocol/compat.h"

#include "protocol/format.h"

static const struct vdispl_format formats[] = {
	{ DRM_FORMAT_RGB565, 16, false, false, "RGB565" },
	{ DRM_FORMAT_RGB888, 24, false, false, "RGB888" },
	{ DRM_FORMAT_XRGB8888, 32, false, false, "XRGB8888" },
	{ DRM_FORMAT_ARGB8888, 32, true, false, "ARGB8888" },
	{ DRM_FORMAT_XRGB4444, 16, false, false, "XRGB4444" },
	{ DRM_FORMAT_ARGB4444, 16, true, false, "ARGB4444" },
	{ DRM_FORMAT_XRGB1555, 16, false, false, "XRGB1555" },
	{ DRM_FORMAT_ARGB1555, 16, true, false, "ARGB1555" },
	/* Packed 4:2:2: two pixels share four octets, so 16 bits a pixel. */
	{ DRM_FORMAT_YUYV, 16, false, true, "YUYV" },
};

#define NUM_FORMATS (sizeof(formats) / sizeof(formats[0]))

const struct vdispl_format *vdispl_format_lookup(uint32_t fourcc)
{
	for (size_t i = 0; i < NUM_FORMATS; i++) {
		if (formats[i].fourcc == fourcc)
			return &formats[i];
	}
	return NULL;
}

const struct vdispl_format *vdispl_formats(size_t *count)
{
	*count = NUM_FORMATS;
	return formats;
}

uint64_t vdispl_format_row_size(uint32_t bpp, uint32_t width)
{
	/* 64-bit so that no 32-bit width and bpp can wrap. */
	return ((uint64_t)width * bpp + 7) / 8;
}
