// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common/dmabuf-module.h"

struct vdispl_dmabuf_module {
	int fd;
};

static int ioctl_errno(int fd, unsigned long request, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, request, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : ret;
}

int vdispl_dmabuf_module_open(struct vdispl_dmabuf_module **out)
{
	struct vdispl_dmabuf_module *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->fd = open(VDISPL_DMABUF_DEVICE, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (m->fd < 0) {
		int ret = -errno;

		free(m);
		return ret;
	}
	*out = m;
	return 0;
}

void vdispl_dmabuf_module_close(struct vdispl_dmabuf_module *m)
{
	if (!m)
		return;
	close(m->fd);
	free(m);
}

int vdispl_dmabuf_module_fd(const struct vdispl_dmabuf_module *m)
{
	return m->fd;
}

int vdispl_dmabuf_module_export(struct vdispl_dmabuf_module *m, uint32_t domid,
				const uint32_t *refs, uint32_t count, bool writable,
				struct vdispl_dmabuf_export *result)
{
	memset(result, 0, sizeof(*result));
	result->refs = (uint64_t)(uintptr_t)refs;
	result->domid = domid;
	result->count = count;
	result->flags = writable ? VDISPL_DMABUF_WRITABLE : 0;
	result->fd = -1;
	return ioctl_errno(m->fd, VDISPL_DMABUF_IOC_EXPORT, result);
}

int vdispl_dmabuf_module_share(struct vdispl_dmabuf_module *m, uint32_t domid, uint32_t count,
			       bool contiguous, uint32_t *refs, struct vdispl_dmabuf_share *result)
{
	memset(result, 0, sizeof(*result));
	result->refs = (uint64_t)(uintptr_t)refs;
	result->domid = domid;
	result->count = count;
	result->flags = contiguous ? VDISPL_DMABUF_CONTIGUOUS : 0;
	result->fd = -1;
	return ioctl_errno(m->fd, VDISPL_DMABUF_IOC_SHARE, result);
}

int vdispl_dmabuf_module_query(struct vdispl_dmabuf_module *m, int fd,
			       struct vdispl_dmabuf_range *ranges, uint32_t max_ranges,
			       struct vdispl_dmabuf_query *result)
{
	memset(result, 0, sizeof(*result));
	result->fd = fd;
	result->ranges = (uint64_t)(uintptr_t)ranges;
	result->max_ranges = ranges ? max_ranges : 0;
	return ioctl_errno(m->fd, VDISPL_DMABUF_IOC_QUERY, result);
}

int vdispl_dmabuf_module_stats(struct vdispl_dmabuf_module *m, struct vdispl_dmabuf_stats *out)
{
	memset(out, 0, sizeof(*out));
	return ioctl_errno(m->fd, VDISPL_DMABUF_IOC_STATS, out);
}

int vdispl_dmabuf_module_wait(struct vdispl_dmabuf_module *m, uint32_t id, uint32_t timeout_ms)
{
	struct vdispl_dmabuf_wait wait = { .id = id, .timeout_ms = timeout_ms };

	return ioctl_errno(m->fd, VDISPL_DMABUF_IOC_WAIT_RELEASED, &wait);
}

int vdispl_dmabuf_module_released(struct vdispl_dmabuf_module *m, uint32_t *ids, uint32_t max)
{
	ssize_t n = read(m->fd, ids, (size_t)max * sizeof(*ids));

	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	return (int)(n / (ssize_t)sizeof(*ids));
}
