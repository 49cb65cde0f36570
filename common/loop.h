/* SPDX-License-Identifier: MIT */
/*
 * The daemon's one event loop: epoll over every handle's fd (XenStore, event
 * channels, DRM devices, signals) plus timerfd-backed timers. No threads.
 *
 * Sources may be removed from inside any callback, including their own: the
 * memory is released after the current dispatch round, and a removed source
 * is never called again.
 */
#ifndef VDISPL_COMMON_LOOP_H
#define VDISPL_COMMON_LOOP_H

#include <stdint.h>

struct vdispl_loop;
struct vdispl_loop_source;

/* @events are EPOLLIN/EPOLLOUT/EPOLLERR/EPOLLHUP bits. */
typedef void (*vdispl_loop_fd_fn)(void *data, uint32_t events);
typedef void (*vdispl_loop_timer_fn)(void *data);

/* Returns NULL with errno set on failure. */
struct vdispl_loop *vdispl_loop_create(void);
/* Removes every remaining source. NULL is a no-op. */
void vdispl_loop_destroy(struct vdispl_loop *loop);

/*
 * Watch @fd (not owned: the caller closes it after removing the source).
 * Returns NULL with errno set on failure.
 */
struct vdispl_loop_source *vdispl_loop_add_fd(struct vdispl_loop *loop, int fd, uint32_t events,
					      vdispl_loop_fd_fn fn, void *data);

/* A disarmed one-shot timer. Returns NULL with errno set on failure. */
struct vdispl_loop_source *vdispl_loop_add_timer(struct vdispl_loop *loop,
						 vdispl_loop_timer_fn fn, void *data);

/* Fire @timer once after @ms milliseconds (0 disarms). Returns 0 or -errno. */
int vdispl_loop_timer_arm(struct vdispl_loop_source *timer, uint32_t ms);

/*
 * A wakeup: @fn runs in a later dispatch round, once per vdispl_loop_wake()
 * or fewer (wakes before it runs merge). Work that must yield to other
 * sources (a guest's ring past its budget) goes on through one, behind
 * whatever is ready now. Returns NULL with errno set on failure.
 */
struct vdispl_loop_source *vdispl_loop_add_wakeup(struct vdispl_loop *loop,
						  vdispl_loop_timer_fn fn, void *data);
void vdispl_loop_wake(struct vdispl_loop_source *wakeup);

/* Stop watching and free the source. NULL is a no-op. */
void vdispl_loop_remove(struct vdispl_loop_source *source);

/*
 * Wait up to @timeout_ms (-1: forever) and dispatch what is ready.
 * Returns the number of callbacks run, or -errno (EINTR is not an error: 0).
 */
int vdispl_loop_dispatch(struct vdispl_loop *loop, int timeout_ms);

#endif
