// SPDX-License-Identifier: MIT
/*
 * The event loop: fd sources, timers, wakeups, and removal from inside a
 * callback (the daemon removes a guest's sources while serving it).
 */
#include <errno.h>
#include <stdbool.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "common/loop.h"
#include "tests/unit/tap.h"

struct counter {
	int runs;
	struct vdispl_loop_source *self;
	struct vdispl_loop_source *other; /* removed from inside the callback */
	bool wake_again;
	int fd; /* fd sources: what to read */
};

static void count(void *data)
{
	struct counter *c = data;

	c->runs++;
	if (c->wake_again) {
		c->wake_again = false;
		vdispl_loop_wake(c->self);
	}
	if (c->other) {
		vdispl_loop_remove(c->other);
		c->other = NULL;
	}
}

static void count_fd(void *data, uint32_t events)
{
	struct counter *c = data;
	char buf[16];

	c->runs++;
	if (read(c->fd, buf, sizeof(buf)) < 0)
		return;
}

/* Dispatch until nothing is ready within @ms; returns the callbacks run. */
static int drain(struct vdispl_loop *loop, int ms)
{
	int total = 0, n;

	while ((n = vdispl_loop_dispatch(loop, ms)) > 0)
		total += n;
	return n < 0 ? n : total;
}

static void test_wakeup(struct vdispl_loop *loop)
{
	struct counter c = { 0 };

	c.self = vdispl_loop_add_wakeup(loop, count, &c);
	TAP_CHECK(c.self != NULL, "a wakeup source");
	TAP_EQ_INT(drain(loop, 0), 0, "not woken: never runs");
	vdispl_loop_wake(c.self);
	vdispl_loop_wake(c.self);
	TAP_EQ_INT(drain(loop, 0), 1, "two wakes before it runs: one run");
	TAP_EQ_INT(c.runs, 1, "ran once");
	c.wake_again = true;
	vdispl_loop_wake(c.self);
	TAP_EQ_INT(vdispl_loop_dispatch(loop, 0), 1, "woken from its own callback...");
	TAP_EQ_INT(vdispl_loop_dispatch(loop, 0), 1, "...runs again in the next round");
	TAP_EQ_INT(c.runs, 3, "three runs in all");
	vdispl_loop_remove(c.self);
}

static void test_remove_inside(struct vdispl_loop *loop)
{
	struct counter a = { 0 }, b = { 0 };

	a.self = vdispl_loop_add_wakeup(loop, count, &a);
	b.self = vdispl_loop_add_wakeup(loop, count, &b);
	/* Both ready in the same round; whichever runs first removes the other. */
	a.other = b.self;
	b.other = a.self;
	vdispl_loop_wake(a.self);
	vdispl_loop_wake(b.self);
	TAP_EQ_INT(drain(loop, 0), 1, "a source removed in the same round never runs");
	TAP_EQ_INT(a.runs + b.runs, 1, "one of the two ran");
	vdispl_loop_remove(a.runs ? a.self : b.self);
}

static void test_timer(struct vdispl_loop *loop)
{
	struct counter c = { 0 };

	c.self = vdispl_loop_add_timer(loop, count, &c);
	TAP_CHECK(c.self != NULL, "a timer");
	TAP_EQ_INT(drain(loop, 0), 0, "disarmed: never fires");
	TAP_EQ_INT(vdispl_loop_timer_arm(c.self, 20), 0, "armed for 20 ms");
	TAP_EQ_INT(drain(loop, 0), 0, "not yet");
	TAP_EQ_INT(drain(loop, 200), 1, "fires once within 200 ms");
	TAP_EQ_INT(vdispl_loop_timer_arm(c.self, 20), 0, "re-armed");
	TAP_EQ_INT(vdispl_loop_timer_arm(c.self, 0), 0, "then disarmed");
	TAP_EQ_INT(drain(loop, 60), 0, "a disarmed timer does not fire");
	vdispl_loop_remove(c.self);
}

static void test_fd(struct vdispl_loop *loop)
{
	struct counter c = { 0 };
	int fds[2];

	TAP_EQ_INT(pipe(fds), 0, "a pipe");
	c.fd = fds[0];
	c.self = vdispl_loop_add_fd(loop, fds[0], EPOLLIN, count_fd, &c);
	TAP_CHECK(c.self != NULL, "an fd source");
	TAP_EQ_INT(write(fds[1], "x", 1), 1, "written");
	TAP_EQ_INT(drain(loop, 0), 1, "readable: called once, and read");
	vdispl_loop_remove(c.self);
	TAP_EQ_INT(write(fds[1], "y", 1), 1, "written after removal");
	TAP_EQ_INT(drain(loop, 0), 0, "a removed source is never called");
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	struct vdispl_loop *loop = vdispl_loop_create();

	TAP_CHECK(loop != NULL, "a loop");
	if (!loop)
		return tap_done();
	test_wakeup(loop);
	test_remove_inside(loop);
	test_timer(loop);
	test_fd(loop);
	vdispl_loop_destroy(loop);
	return tap_done();
}
