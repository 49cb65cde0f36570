// SPDX-License-Identifier: MIT
/*
 * A backend-allocated buffer as be-alloc makes it: Dom0's own pages, one
 * contiguous block, granted to a guest and exported as a dma-buf. Lines:
 * "share 0 result=... contiguous=yes|no bus_segments=N", "share-cpu 0 ...",
 * then the edu device's "share-edu" and "share-edu-unbound" lines.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tests/kernel/edu-check/vdispl-edu-check.h"
#include "tools/dmabuf-check/check.h"

/* What each word of the buffer holds: not zero, different everywhere. */
static uint32_t pattern(size_t word)
{
	return 0xb0000000u ^ (uint32_t)(word * 2654435761u);
}

int check_share(uint32_t domid, uint32_t pages)
{
	size_t words = (size_t)pages * 1024, bad = 0;
	struct vdispl_dmabuf_module *m;
	struct vdispl_dmabuf_share sh;
	uint32_t *refs, *map;
	bool contiguous = true;
	int ret;

	ret = vdispl_dmabuf_module_open(&m);
	if (ret)
		return fail_errno(ret, "opening %s", VDISPL_DMABUF_DEVICE);
	refs = calloc(pages, sizeof(*refs));
	if (!refs) {
		vdispl_dmabuf_module_close(m);
		return fail_errno(-ENOMEM, "share");
	}
	ret = vdispl_dmabuf_module_share(m, domid, pages, true, refs, &sh);
	if (ret == -EOPNOTSUPP) {
		contiguous = false;
		ret = vdispl_dmabuf_module_share(m, domid, pages, false, refs, &sh);
	}
	printf("share 0 result=%s contiguous=%s pages=%u bus_segments=%u\n", errno_name(ret),
	       contiguous ? "yes" : "no", pages, ret ? 0 : sh.bus_segments);
	free(refs);
	if (ret) {
		vdispl_dmabuf_module_close(m);
		return ret;
	}
	map = mmap(NULL, words * 4, PROT_READ | PROT_WRITE, MAP_SHARED, sh.fd, 0);
	if (map == MAP_FAILED) {
		printf("share-cpu 0 mmap=%s\n", errno_name(-errno));
	} else {
		for (size_t i = 0; i < words; i++)
			map[i] = pattern(i);
		for (size_t i = 0; i < words; i++)
			bad += map[i] != pattern(i);
		printf("share-cpu 0 mmap=ok words=%zu mismatches=%zu\n", words, bad);
		munmap(map, words * 4);
		check_edu("share-edu", sh.fd, 0, VDISPL_EDU_IMPORTER_EDU);
		check_edu("share-edu", sh.fd, 0, VDISPL_EDU_IMPORTER_UNBOUND);
	}
	close(sh.fd);
	vdispl_dmabuf_module_close(m);
	return 0;
}
