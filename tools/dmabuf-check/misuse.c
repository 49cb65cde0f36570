// SPDX-License-Identifier: MIT
/*
 * What the module must refuse, with a real guest's references: a bad
 * reference after a whole batch was mapped (the partial mapping must be
 * undone), a writable export of read-only grants, a domain that does not
 * exist, and both caps. Every refusal must leave the context empty.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/dmabuf-check/check.h"

#define PARAMS "/sys/module/vdispl_dmabuf/parameters/"

static int write_param(const char *name, unsigned int value)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "%u\n", value);
	return fclose(f) ? -errno : 0;
}

static int read_param(const char *name, unsigned int *value)
{
	char path[128];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	ok = fscanf(f, "%u", value) == 1;
	fclose(f);
	return ok ? 0 : -EINVAL;
}

static uint32_t live_pages(struct vdispl_dmabuf_module *m)
{
	struct vdispl_dmabuf_stats stats;

	return vdispl_dmabuf_module_stats(m, &stats) ? UINT32_MAX : stats.pages;
}

/* Export, expect a refusal, report it and what the context holds after. */
static void refused(struct vdispl_dmabuf_module *m, const char *what, uint32_t domid,
		    const uint32_t *refs, uint32_t count, bool writable)
{
	struct vdispl_dmabuf_export e;
	int ret = vdispl_dmabuf_module_export(m, domid, refs, count, writable, &e);

	if (!ret)
		close(e.fd);
	printf("misuse %s errno=%s failed=%u status=%d pages_after=%u\n", what, errno_name(ret),
	       e.failed, e.status, live_pages(m));
}

int check_misuse(struct vdispl_dmabuf_module *m, uint32_t domid, const struct granted_buffer *buf)
{
	unsigned int buffer_cap, file_cap;
	struct vdispl_dmabuf_export first, second;
	uint32_t *refs;
	uint32_t bad;
	int ret;

	refs = malloc((size_t)buf->pages * sizeof(*refs));
	if (!refs)
		return -ENOMEM;
	/* Past the first batch of 512, so a whole batch is mapped before the refusal. */
	bad = buf->pages > 700 ? 700 : buf->pages - 1;
	memcpy(refs, buf->refs, (size_t)buf->pages * sizeof(*refs));
	refs[bad] = 0x0ffffff0;
	printf("misuse bad_ref_at index=%u\n", bad);
	refused(m, "bad_ref", domid, refs, buf->pages, false);
	refused(m, "writable", domid, buf->refs, buf->pages, true);
	refused(m, "no_domain", 0x7fef, buf->refs, buf->pages, false);
	free(refs);

	ret = read_param("max_buffer_pages", &buffer_cap);
	if (!ret)
		ret = read_param("max_file_pages", &file_cap);
	if (ret)
		return fail_errno(ret, "reading the module's parameters");
	if (!write_param("max_buffer_pages", buf->pages - 1)) {
		refused(m, "buffer_cap", domid, buf->refs, buf->pages, false);
		write_param("max_buffer_pages", buffer_cap);
	}
	if (!write_param("max_file_pages", buf->pages + buf->pages / 2)) {
		ret = vdispl_dmabuf_module_export(m, domid, buf->refs, buf->pages, false, &first);
		printf("misuse file_cap_first errno=%s\n", errno_name(ret));
		ret = vdispl_dmabuf_module_export(m, domid, buf->refs, buf->pages, false, &second);
		printf("misuse file_cap_second errno=%s pages_live=%u\n", errno_name(ret),
		       live_pages(m));
		if (!ret)
			close(second.fd);
		if (first.fd >= 0) {
			close(first.fd);
			vdispl_dmabuf_module_wait(m, first.id, 5000);
		}
		write_param("max_file_pages", file_cap);
	}
	printf("misuse done pages_after=%u\n", live_pages(m));
	return 0;
}
