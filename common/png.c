// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <png.h> /* libpng; ours is reached below as "png.h" from this folder */

#include "common/png.h"

/*
 * libpng reports errors by calling an error function that must not return;
 * ours longjmps back to the setjmp() in the caller without printing, since
 * library code never prints. Locals changed between setjmp() and a longjmp
 * are volatile so their values survive the jump.
 */
static void png_error_fn(png_structp png, png_const_charp msg)
{
	(void)msg;
	png_longjmp(png, 1);
}

static void png_warning_fn(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/*
 * A name next to @path, so that rename() stays within one file system.
 * The counter only makes collisions between threads unlikely: O_EXCL makes
 * them harmless.
 */
static int open_temp(const char *path, char **tmp_path)
{
	static unsigned int counter;

	for (int tries = 0; tries < 100; tries++) {
		char *name;
		int fd;

		if (asprintf(&name, "%s.tmp-%ld-%u", path, (long)getpid(), counter++) < 0)
			return -ENOMEM;
		fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0) {
			*tmp_path = name;
			return fd;
		}
		free(name);
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

static void xrgb_to_rgb(uint8_t *dst, const uint32_t *src, uint32_t width)
{
	for (uint32_t x = 0; x < width; x++) {
		dst[3 * x + 0] = (uint8_t)(src[x] >> 16);
		dst[3 * x + 1] = (uint8_t)(src[x] >> 8);
		dst[3 * x + 2] = (uint8_t)src[x];
	}
}

/* Encode into @file; returns 0 or -EIO. */
static int encode(FILE *file, const uint8_t *pixels, uint32_t stride, uint32_t width,
		  uint32_t height, uint8_t *row)
{
	png_structp png;
	png_infop info;

	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_error_fn, png_warning_fn);
	if (!png)
		return -ENOMEM;
	info = png_create_info_struct(png);
	if (!info) {
		png_destroy_write_struct(&png, NULL);
		return -ENOMEM;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		return -EIO;
	}
	png_init_io(png, file);
	/* Screenshots are written often and read once: favour speed over size. */
	png_set_compression_level(png, 1);
	png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (uint32_t y = 0; y < height; y++) {
		const void *src = pixels + (size_t)y * stride;

		xrgb_to_rgb(row, src, width);
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	return 0;
}

int vdispl_png_write(const char *path, const void *pixels, uint32_t stride, uint32_t width,
		     uint32_t height)
{
	char *tmp_path = NULL;
	uint8_t *row;
	FILE *file;
	int fd, ret;

	if (!width || !height || stride / 4 < width)
		return -EINVAL;
	row = malloc((size_t)width * 3);
	if (!row)
		return -ENOMEM;
	fd = open_temp(path, &tmp_path);
	if (fd < 0) {
		ret = fd;
		goto err_temp;
	}
	file = fdopen(fd, "wb");
	if (!file) {
		ret = -errno;
		close(fd);
		goto err_file;
	}
	ret = encode(file, pixels, stride, width, height, row);
	if (fclose(file) && !ret)
		ret = errno ? -errno : -EIO;
	if (ret)
		goto err_file;
	if (rename(tmp_path, path)) {
		ret = -errno;
		goto err_file;
	}
	free(tmp_path);
	free(row);
	return 0;

err_file:
	unlink(tmp_path);
	free(tmp_path);
err_temp:
	free(row);
	return ret;
}

/* Let libpng turn any 8-bit (or 16-bit) PNG into 8-bit RGB rows. */
static void request_rgb(png_structp png, png_infop info)
{
	png_byte colour = png_get_color_type(png, info);

	if (colour == PNG_COLOR_TYPE_PALETTE)
		png_set_palette_to_rgb(png);
	if (colour == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8)
		png_set_expand_gray_1_2_4_to_8(png);
	if (png_get_bit_depth(png, info) == 16)
		png_set_strip_16(png);
	if (colour == PNG_COLOR_TYPE_GRAY || colour == PNG_COLOR_TYPE_GRAY_ALPHA)
		png_set_gray_to_rgb(png);
	/*
	 * Alpha is dropped, not composited: the frame checks ignore X. Palette
	 * expansion turns a tRNS chunk into alpha, so that goes too.
	 */
	if ((colour & PNG_COLOR_MASK_ALPHA) || png_get_valid(png, info, PNG_INFO_tRNS))
		png_set_strip_alpha(png);
	png_set_interlace_handling(png);
	png_read_update_info(png, info);
}

/* Decode @file, whose 8 signature octets were already read. */
static int decode(FILE *file, uint32_t **pixels, uint32_t *width, uint32_t *height)
{
	uint8_t *volatile rgb = NULL;
	png_bytep *volatile rows = NULL;
	uint32_t *volatile out = NULL;
	png_structp png;
	png_infop info;
	uint32_t w, h;

	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, png_error_fn, png_warning_fn);
	if (!png)
		return -ENOMEM;
	info = png_create_info_struct(png);
	if (!info) {
		png_destroy_read_struct(&png, NULL, NULL);
		return -ENOMEM;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_read_struct(&png, &info, NULL);
		free(rgb);
		free(rows);
		free(out);
		return -EIO;
	}
	png_init_io(png, file);
	png_set_sig_bytes(png, 8);
	png_read_info(png, info);
	request_rgb(png, info);
	w = png_get_image_width(png, info);
	h = png_get_image_height(png, info);
	if (png_get_rowbytes(png, info) != (size_t)w * 3)
		png_error(png, "unexpected row size");
	/* libpng caps both at 1000000, but a 32-bit size_t can still overflow. */
	if (w > SIZE_MAX / sizeof(*out) / h) {
		png_destroy_read_struct(&png, &info, NULL);
		return -EFBIG;
	}

	rgb = malloc((size_t)w * h * 3);
	rows = malloc(sizeof(*rows) * h);
	out = malloc((size_t)w * h * sizeof(*out));
	if (!rgb || !rows || !out) {
		png_destroy_read_struct(&png, &info, NULL);
		free(rgb);
		free(rows);
		free(out);
		return -ENOMEM;
	}
	for (uint32_t y = 0; y < h; y++)
		rows[y] = rgb + (size_t)y * w * 3;
	png_read_image(png, rows);
	png_read_end(png, NULL);
	png_destroy_read_struct(&png, &info, NULL);

	for (size_t i = 0; i < (size_t)w * h; i++) {
		const uint8_t *p = rgb + 3 * i;

		out[i] = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
	}
	free(rgb);
	free(rows);
	*pixels = out;
	*width = w;
	*height = h;
	return 0;
}

int vdispl_png_read(const char *path, uint32_t **pixels, uint32_t *width, uint32_t *height)
{
	uint8_t sig[8];
	FILE *file;
	int ret;

	file = fopen(path, "rbe");
	if (!file)
		return -errno;
	if (fread(sig, 1, sizeof(sig), file) != sizeof(sig) || png_sig_cmp(sig, 0, sizeof(sig))) {
		ret = ferror(file) ? -errno : -EIO;
		fclose(file);
		return ret;
	}
	ret = decode(file, pixels, width, height);
	fclose(file);
	return ret;
}
