// SPDX-License-Identifier: MIT
/*
 * vdispl-memcpy-bench: how fast this machine copies a frame with memcpy, the
 * bound any copy path is measured against. The benchmark runs it in Dom0
 * next to the backend, so both figures come from the same (emulated) CPU.
 *
 * Output, one line: "memcpy gb_per_s=<GB/s> ms_1024x768=<ms> ms_1920x1080=<ms>"
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FRAME_1080P (1920u * 1080u * 4u)
#define FRAME_768 (1024u * 768u * 4u)
/* Rotating over 4 pairs (66 MB) keeps the copies out of the caches, as
 * guest frames are. */
#define PAIRS 4

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Best of @rounds: the least disturbed run is the machine's real speed. */
static double copy_seconds(uint8_t *const *dst, uint8_t *const *src, size_t size, int rounds)
{
	double best = 1e9;

	for (int i = 0; i < rounds; i++) {
		const uint8_t *s = src[i % PAIRS];
		uint8_t *d = dst[i % PAIRS];
		double t = now_s();

		memcpy(d, s, size);
		t = now_s() - t;
		if (t < best)
			best = t;
		/* Keep the compiler from dropping the copies. */
		if (d[(size_t)i * 4099u % size] != s[(size_t)i * 4099u % size])
			abort();
	}
	return best;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 20;
	uint8_t *src[PAIRS], *dst[PAIRS];
	double t768, t1080;

	if (rounds < 1) {
		fprintf(stderr, "usage: vdispl-memcpy-bench [ROUNDS]\n");
		return 2;
	}
	for (int p = 0; p < PAIRS; p++) {
		src[p] = malloc(FRAME_1080P);
		dst[p] = malloc(FRAME_1080P);
		if (!src[p] || !dst[p]) {
			fprintf(stderr, "vdispl-memcpy-bench: out of memory\n");
			return 1;
		}
		/* Touch every page so first-use faults are not timed. */
		for (size_t i = 0; i < FRAME_1080P; i++)
			src[p][i] = (uint8_t)(i * 7u + (size_t)p);
		memset(dst[p], 0, FRAME_1080P);
	}

	t768 = copy_seconds(dst, src, FRAME_768, rounds);
	t1080 = copy_seconds(dst, src, FRAME_1080P, rounds);
	printf("memcpy gb_per_s=%.2f ms_1024x768=%.3f ms_1920x1080=%.3f\n", FRAME_1080P / t1080 / 1e9,
	       t768 * 1e3, t1080 * 1e3);
	for (int p = 0; p < PAIRS; p++) {
		free(src[p]);
		free(dst[p]);
	}
	return 0;
}
