// SPDX-License-Identifier: MIT
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "tools/client/flip.h"
#include "tools/pattern/pattern.h"
#include "tools/client/stats.h"

#define PROG "vdispl-client"

/*
 * Per output: at most one flip is in the kernel at a time. A flip whose
 * event is late is counted lost and the output is "stuck": it sits out the
 * following frames (a new flip would only fail with EBUSY) until the late
 * event shows the flip did complete after all.
 */
struct flip_output {
	struct client_output *out;
	struct client_stats stats;
	uint64_t flips;  /* attempted, including failed drmModePageFlip calls */
	uint64_t events; /* arrived within CLIENT_FLIP_TIMEOUT_US */
	uint32_t last_frame; /* the newest frame whose flip completed */

	bool pending; /* waiting for the event of pending_frame */
	bool stuck;   /* pending_frame's flip was counted lost, event may come */
	bool arrived; /* the event for this frame came: print its line */
	uint32_t pending_frame;
	unsigned int pending_buffer;
	uint64_t submit_us;
	uint64_t latency_us;
};

struct flip_run {
	struct client_display *disp;
	struct flip_output *outputs;
	size_t count;
};

static void page_flip_handler(int fd, unsigned int sequence, unsigned int tv_sec,
			      unsigned int tv_usec, void *data)
{
	struct flip_output *fo = data;
	uint64_t latency_us = client_now_us() - fo->submit_us;

	(void)fd;
	(void)sequence;
	(void)tv_sec;
	(void)tv_usec;
	if (!fo->pending && !fo->stuck) {
		fprintf(stderr, PROG ": connector %" PRIu32 ": unexpected flip event\n",
			fo->out->index);
		return;
	}
	/* Late or not, the flip is done: its buffer is on screen now. */
	fo->out->front = fo->pending_buffer;
	fo->last_frame = fo->pending_frame;
	if (fo->stuck) {
		fo->stuck = false;
		fprintf(stderr,
			PROG ": connector %" PRIu32 ": event for frame %" PRIu32
			" came after %" PRIu64 " us; still counted lost\n",
			fo->out->index, fo->pending_frame, latency_us);
		return;
	}
	fo->pending = false;
	fo->arrived = true;
	fo->latency_us = latency_us;
	fo->events++;
	client_stats_add(&fo->stats, latency_us);
}

/* Read and dispatch whatever events the device has queued. */
static int handle_events(struct flip_run *run)
{
	drmEventContext ctx = {
		.version = 2, /* page_flip_handler without crtc_id: any libdrm has it */
		.page_flip_handler = page_flip_handler,
	};

	errno = 0;
	if (drmHandleEvent(run->disp->fd, &ctx) == 0)
		return 0;
	/* The device is non-blocking: EAGAIN means poll() woke us for nothing. */
	if (errno == EINTR || errno == EAGAIN)
		return 0;
	/* drmHandleEvent() leaves errno alone on a short read. */
	if (!errno)
		errno = EIO;
	fprintf(stderr, PROG ": %s: reading DRM events: %s\n", run->disp->path, strerror(errno));
	return -errno;
}

/* Count the flips whose time is up as lost; return the earliest deadline left. */
static uint64_t expire(struct flip_run *run, uint64_t now)
{
	uint64_t next = UINT64_MAX;

	for (size_t i = 0; i < run->count; i++) {
		struct flip_output *fo = &run->outputs[i];
		uint64_t deadline = fo->submit_us + CLIENT_FLIP_TIMEOUT_US;

		if (!fo->pending)
			continue;
		if (now >= deadline) {
			fo->pending = false;
			fo->stuck = true;
			fprintf(stderr,
				PROG ": connector %" PRIu32 ": no event for frame %" PRIu32
				" within %u ms: flip lost\n",
				fo->out->index, fo->pending_frame, CLIENT_FLIP_TIMEOUT_US / 1000);
			continue;
		}
		if (deadline < next)
			next = deadline;
	}
	return next;
}

/* Wait until every pending flip got its event or timed out. */
static int wait_flips(struct flip_run *run)
{
	for (;;) {
		uint64_t now = client_now_us();
		uint64_t deadline = expire(run, now);
		struct pollfd pfd = {.fd = run->disp->fd, .events = POLLIN};
		int ret;

		if (deadline == UINT64_MAX)
			return 0;
		/* Round up, or we would spin through the last millisecond. */
		ret = poll(&pfd, 1, (int)((deadline - now + 999) / 1000));
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			fprintf(stderr, PROG ": %s: poll: %s\n", run->disp->path, strerror(-ret));
			return ret;
		}
		if (ret == 0)
			continue;
		if (!(pfd.revents & POLLIN)) {
			fprintf(stderr, PROG ": %s: poll: device error (revents 0x%x)\n",
				run->disp->path, (unsigned int)pfd.revents);
			return -EIO;
		}
		ret = handle_events(run);
		if (ret)
			return ret;
	}
}

/* Pick up late events of stuck outputs without waiting. */
static int poll_stuck(struct flip_run *run)
{
	struct pollfd pfd = {.fd = run->disp->fd, .events = POLLIN};
	bool any = false;
	int ret;

	for (size_t i = 0; i < run->count; i++)
		any |= run->outputs[i].stuck;
	if (!any)
		return 0;
	do {
		ret = poll(&pfd, 1, 0);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0) {
		ret = -errno;
		fprintf(stderr, PROG ": %s: poll: %s\n", run->disp->path, strerror(-ret));
		return ret;
	}
	if (ret == 0 || !(pfd.revents & POLLIN))
		return 0;
	return handle_events(run);
}

static void submit(struct flip_run *run, struct flip_output *fo, uint32_t frame)
{
	struct client_output *out = fo->out;
	unsigned int back = out->front ^ 1;
	int err;

	fo->flips++;
	fo->submit_us = client_now_us();
	if (!drmModePageFlip(run->disp->fd, out->crtc_id, out->buffers[back].fb_id,
			     DRM_MODE_PAGE_FLIP_EVENT, fo)) {
		fo->pending = true;
		fo->pending_frame = frame;
		fo->pending_buffer = back;
		return;
	}
	/* errno, not the return value: old libdrm returned -1, new -errno. */
	err = errno;
	fprintf(stderr,
		PROG ": %s: connector %" PRIu32 " (%s): drmModePageFlip(crtc %" PRIu32
		", frame %" PRIu32 "): %s; flip lost\n",
		run->disp->path, out->index, out->name, out->crtc_id, frame, strerror(err));
}

/* One frame: draw every live output's back buffer, flip them all, wait. */
static int run_frame(struct flip_run *run, uint32_t frame, bool quiet)
{
	bool live = false;
	int ret;

	ret = poll_stuck(run);
	if (ret)
		return ret;
	for (size_t i = 0; i < run->count; i++) {
		struct flip_output *fo = &run->outputs[i];
		struct client_output *out = fo->out;
		struct client_buffer *back = &out->buffers[out->front ^ 1];

		if (fo->stuck)
			continue;
		if (back->map)
			vdispl_pattern_fill(back->map, back->pitch, out->width, out->height, frame,
					    out->index);
		live = true;
	}
	if (!live) {
		fprintf(stderr, PROG ": every connector has a lost flip outstanding; stopping\n");
		return -ETIMEDOUT;
	}
	/* Flips go out back to back, after all drawing, so that they are timed alike. */
	for (size_t i = 0; i < run->count; i++) {
		if (!run->outputs[i].stuck)
			submit(run, &run->outputs[i], frame);
	}
	ret = wait_flips(run);
	/* Printed after the wait: a slow console must not delay the timestamps. */
	for (size_t i = 0; i < run->count; i++) {
		struct flip_output *fo = &run->outputs[i];

		if (fo->arrived && !quiet)
			printf("flip connector=%" PRIu32 " frame=%" PRIu32 " latency_us=%" PRIu64
			       "\n",
			       fo->out->index, frame, fo->latency_us);
		fo->arrived = false;
	}
	return ret;
}

static void print_summary(const struct flip_output *fo, uint32_t frames, uint64_t elapsed_us)
{
	printf(PROG ": summary connector=%" PRIu32 " size=%" PRIu32 "x%" PRIu32 " frames=%" PRIu32
		    " flips=%" PRIu64 " events=%" PRIu64 " lost=%" PRIu64 " latency_us_min=%" PRIu64
		    " latency_us_avg=%" PRIu64 " latency_us_max=%" PRIu64 " last_frame=%" PRIu32
		    " elapsed_us=%" PRIu64 "\n",
	       fo->out->index, fo->out->width, fo->out->height, frames, fo->flips, fo->events,
	       fo->flips - fo->events, client_stats_min(&fo->stats), client_stats_avg(&fo->stats),
	       client_stats_max(&fo->stats), fo->last_frame, elapsed_us);
}

/* Sleep until @start_us + (@frame - 1) / @fps s; frames that are late go at once. */
static void pace(uint64_t start_us, uint64_t frame, uint32_t fps)
{
	uint64_t due_us = start_us + (frame - 1) * 1000000u / fps;
	uint64_t now_us = client_now_us();

	if (due_us > now_us) {
		struct timespec wait = {
			.tv_sec = (time_t)((due_us - now_us) / 1000000u),
			.tv_nsec = (long)((due_us - now_us) % 1000000u * 1000u),
		};

		while (nanosleep(&wait, &wait) && errno == EINTR)
			;
	}
}

int client_flip_run(struct client_display *disp, uint32_t frames, uint32_t fps, bool quiet)
{
	struct flip_run run = {
		.disp = disp,
		.count = disp->count,
	};
	int status = 0;
	uint64_t start_us; /* then the elapsed time, from the first draw to the last event */

	run.outputs = calloc(disp->count, sizeof(*run.outputs));
	if (!run.outputs) {
		fprintf(stderr, PROG ": %s\n", strerror(ENOMEM));
		return -ENOMEM;
	}
	for (size_t i = 0; i < run.count; i++) {
		run.outputs[i].out = &disp->outputs[i];
		client_stats_init(&run.outputs[i].stats);
	}

	start_us = client_now_us();
	/* 64-bit, so that --frames 4294967295 ends. */
	for (uint64_t frame = 1; frame <= frames; frame++) {
		if (fps)
			pace(start_us, frame, fps);
		if (run_frame(&run, (uint32_t)frame, quiet)) {
			status = 1;
			break;
		}
	}

	start_us = client_now_us() - start_us;
	for (size_t i = 0; i < run.count; i++) {
		print_summary(&run.outputs[i], frames, start_us);
		if (run.outputs[i].flips != run.outputs[i].events)
			status = 1;
	}
	free(run.outputs);
	return status;
}
