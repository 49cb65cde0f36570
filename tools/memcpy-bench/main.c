// SPDX-License-Identifier: MIT
/*
 * vdispl-memcpy-bench: how fast this machine copies a frame with memcpy, the
 * bound any copy path is measured against: from RAM to RAM, and from RAM
 * into a mapped KMS dumb buffer (what the copy path really writes to) of
 * DRM-DEVICE. The benchmark runs it in Dom0 next to the backend, so every
 * figure comes from the same (emulated) CPU.
 *
 * usage: vdispl-memcpy-bench [ROUNDS [DRM-DEVICE]]
 * Output, one line: "memcpy gb_per_s=<GB/s> ms_<W>x<H>=<ms>... [dumb_gb_per_s=<GB/s>
 * dumb_ms_<W>x<H>=<ms>...]" for 640x480, 1920x1080 and 3840x2160.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

static const struct {
	uint32_t width, height;
} sizes[] = { { 640, 480 }, { 1920, 1080 }, { 3840, 2160 } };
#define NUM_SIZES (sizeof(sizes) / sizeof(sizes[0]))
#define LARGEST (3840u * 2160u * 4u)
/* Rotating over 3 sources (100 MB) keeps them out of the caches, as guest frames are. */
#define SOURCES 3

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Best of @rounds: the least disturbed run is the machine's real speed. */
static double copy_seconds(uint8_t *dst, uint8_t *const *src, size_t size, int rounds)
{
	double best = 1e9;

	for (int i = 0; i < rounds; i++) {
		const uint8_t *s = src[i % SOURCES];
		double t = now_s();

		memcpy(dst, s, size);
		t = now_s() - t;
		if (t < best)
			best = t;
		/* Keep the compiler from dropping the copies. */
		if (dst[(size_t)i * 4099u % size] != s[(size_t)i * 4099u % size])
			abort();
	}
	return best;
}

/* A dumb buffer of the largest size on @path, mapped; NULL if it cannot be had. */
static uint8_t *map_dumb(const char *path, int *fd_out)
{
	struct drm_mode_create_dumb create = { .width = 3840, .height = 2160, .bpp = 32 };
	struct drm_mode_map_dumb map = { 0 };
	int fd = open(path, O_RDWR | O_CLOEXEC);
	void *p;

	if (fd < 0 || drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create) < 0)
		goto fail;
	map.handle = create.handle;
	if (drmIoctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &map) < 0)
		goto fail;
	p = mmap(NULL, create.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)map.offset);
	if (p == MAP_FAILED)
		goto fail;
	*fd_out = fd;
	return p;
fail:
	fprintf(stderr, "vdispl-memcpy-bench: no dumb buffer on %s: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return NULL;
}

static void report(const char *prefix, uint8_t *dst, uint8_t *const *src, int rounds)
{
	double t[NUM_SIZES];

	for (size_t i = 0; i < NUM_SIZES; i++)
		t[i] = copy_seconds(dst, src, (size_t)sizes[i].width * sizes[i].height * 4u, rounds);
	printf(" %sgb_per_s=%.2f", prefix, LARGEST / t[NUM_SIZES - 1] / 1e9);
	for (size_t i = 0; i < NUM_SIZES; i++)
		printf(" %sms_%ux%u=%.3f", prefix, sizes[i].width, sizes[i].height, t[i] * 1e3);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 20;
	uint8_t *src[SOURCES], *dst, *dumb = NULL;
	int fd = -1;

	if (rounds < 1 || argc > 3) {
		fprintf(stderr, "usage: vdispl-memcpy-bench [ROUNDS [DRM-DEVICE]]\n");
		return 2;
	}
	dst = malloc(LARGEST);
	for (int p = 0; p < SOURCES; p++) {
		src[p] = malloc(LARGEST);
		if (!src[p] || !dst) {
			fprintf(stderr, "vdispl-memcpy-bench: out of memory\n");
			return 1;
		}
		/* Touch every page so first-use faults are not timed. */
		for (size_t i = 0; i < LARGEST; i++)
			src[p][i] = (uint8_t)(i * 7u + (size_t)p);
	}
	memset(dst, 0, LARGEST);
	if (argc > 2)
		dumb = map_dumb(argv[2], &fd);
	printf("memcpy");
	report("", dst, src, rounds);
	if (dumb) {
		memset(dumb, 0, LARGEST);
		report("dumb_", dumb, src, rounds);
	}
	printf("\n");
	if (fd >= 0)
		close(fd);
	for (int p = 0; p < SOURCES; p++)
		free(src[p]);
	free(dst);
	return 0;
}
