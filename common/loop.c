// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "common/list.h"
#include "common/loop.h"

struct vdispl_loop_source {
	struct vdispl_loop *loop;
	int fd;
	bool owns_fd; /* timers and wakeups own their timerfd or eventfd */
	bool removed;
	vdispl_loop_fd_fn fd_fn;
	vdispl_loop_timer_fn timer_fn;
	void *data;
	struct vdispl_list link;	      /* in vdispl_loop.sources while live */
	struct vdispl_loop_source *next_dead; /* removed, freed after dispatch */
};

struct vdispl_loop {
	int epoll_fd;
	struct vdispl_list sources;
	struct vdispl_loop_source *dead;
	bool dispatching;
};

struct vdispl_loop *vdispl_loop_create(void)
{
	struct vdispl_loop *loop = calloc(1, sizeof(*loop));

	if (!loop)
		return NULL;
	loop->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epoll_fd < 0) {
		free(loop);
		return NULL;
	}
	vdispl_list_init(&loop->sources);
	return loop;
}

static void free_dead(struct vdispl_loop *loop)
{
	while (loop->dead) {
		struct vdispl_loop_source *source = loop->dead;

		loop->dead = source->next_dead;
		if (source->owns_fd)
			close(source->fd);
		free(source);
	}
}

void vdispl_loop_destroy(struct vdispl_loop *loop)
{
	if (!loop)
		return;
	while (!vdispl_list_empty(&loop->sources))
		vdispl_loop_remove(vdispl_container_of(loop->sources.next, struct vdispl_loop_source,
						       link));
	free_dead(loop);
	close(loop->epoll_fd);
	free(loop);
}

static struct vdispl_loop_source *add_source(struct vdispl_loop *loop, int fd, uint32_t events)
{
	struct vdispl_loop_source *source = calloc(1, sizeof(*source));
	struct epoll_event ev = { .events = events };

	if (!source)
		return NULL;
	source->loop = loop;
	source->fd = fd;
	ev.data.ptr = source;
	if (epoll_ctl(loop->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		free(source);
		return NULL;
	}
	vdispl_list_add(&loop->sources, &source->link);
	return source;
}

struct vdispl_loop_source *vdispl_loop_add_fd(struct vdispl_loop *loop, int fd, uint32_t events,
					      vdispl_loop_fd_fn fn, void *data)
{
	struct vdispl_loop_source *source = add_source(loop, fd, events);

	if (source) {
		source->fd_fn = fn;
		source->data = data;
	}
	return source;
}

/* A source whose callback runs once its own fd (timerfd, eventfd) is read. */
static struct vdispl_loop_source *add_owned(struct vdispl_loop *loop, int fd,
					    vdispl_loop_timer_fn fn, void *data)
{
	struct vdispl_loop_source *source;

	if (fd < 0)
		return NULL;
	source = add_source(loop, fd, EPOLLIN);
	if (!source) {
		int saved = errno;

		close(fd);
		errno = saved;
		return NULL;
	}
	source->owns_fd = true;
	source->timer_fn = fn;
	source->data = data;
	return source;
}

struct vdispl_loop_source *vdispl_loop_add_timer(struct vdispl_loop *loop,
						 vdispl_loop_timer_fn fn, void *data)
{
	return add_owned(loop, timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK), fn,
			 data);
}

struct vdispl_loop_source *vdispl_loop_add_wakeup(struct vdispl_loop *loop,
						  vdispl_loop_timer_fn fn, void *data)
{
	return add_owned(loop, eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), fn, data);
}

void vdispl_loop_wake(struct vdispl_loop_source *wakeup)
{
	uint64_t one = 1;

	/* Only EAGAIN can fail here: the counter is already far from zero. */
	if (write(wakeup->fd, &one, sizeof(one)) < 0)
		return;
}

int vdispl_loop_timer_arm(struct vdispl_loop_source *timer, uint32_t ms)
{
	struct itimerspec spec = {
		.it_value = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L },
	};

	return timerfd_settime(timer->fd, 0, &spec, NULL) < 0 ? -errno : 0;
}

void vdispl_loop_remove(struct vdispl_loop_source *source)
{
	struct vdispl_loop *loop;

	if (!source || source->removed)
		return;
	loop = source->loop;
	source->removed = true;
	epoll_ctl(loop->epoll_fd, EPOLL_CTL_DEL, source->fd, NULL);
	vdispl_list_del(&source->link);
	/*
	 * epoll may already have handed us this source in the current batch:
	 * keep the memory until the batch is done so the dispatcher can see
	 * it was removed.
	 */
	source->next_dead = loop->dead;
	loop->dead = source;
	if (!loop->dispatching)
		free_dead(loop);
}

int vdispl_loop_dispatch(struct vdispl_loop *loop, int timeout_ms)
{
	struct epoll_event events[32];
	int n, ran = 0;

	n = epoll_wait(loop->epoll_fd, events, 32, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;

	loop->dispatching = true;
	for (int i = 0; i < n; i++) {
		struct vdispl_loop_source *source = events[i].data.ptr;

		if (source->removed)
			continue;
		if (source->timer_fn) {
			uint64_t expirations;

			if (read(source->fd, &expirations, sizeof(expirations)) != sizeof(expirations))
				continue;
			source->timer_fn(source->data);
		} else {
			source->fd_fn(source->data, events[i].events);
		}
		ran++;
	}
	loop->dispatching = false;
	free_dead(loop);
	return ran;
}
