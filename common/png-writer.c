// SPDX-License-Identifier: MIT
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/list.h"
#include "common/log.h"
#include "common/png-writer.h"
#include "common/png.h"

struct png_job {
	struct vdispl_list link;
	char *tag;
	char *path;
	uint32_t *pixels; /* tightly packed: stride width * 4 */
	uint32_t width;
	uint32_t height;
};

struct vdispl_png_writer {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct vdispl_list jobs; /* under lock, newest first */
	uint64_t bytes;          /* under lock: pixels queued and being written */
	bool stopping;           /* under lock */
	uint64_t written;        /* under lock */
	uint64_t dropped;        /* under lock */
};

static void job_free(struct png_job *job)
{
	free(job->tag);
	free(job->path);
	free(job->pixels);
	free(job);
}

static void job_write(struct vdispl_png_writer *w, struct png_job *job)
{
	int ret = vdispl_png_write(job->path, job->pixels, job->width * 4, job->width,
				   job->height);

	if (ret)
		vdispl_log_errno(WARN, job->tag, ret, "writing %s", job->path);
	else
		vdispl_log(INFO, job->tag, "wrote %s", job->path);
	pthread_mutex_lock(&w->lock);
	if (!ret)
		w->written++;
	pthread_mutex_unlock(&w->lock);
}

static void *writer_main(void *data)
{
	struct vdispl_png_writer *w = data;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct png_job *job;
		uint64_t bytes;

		while (vdispl_list_empty(&w->jobs) && !w->stopping)
			pthread_cond_wait(&w->wake, &w->lock);
		if (vdispl_list_empty(&w->jobs))
			break; /* stopping, and nothing is left to write */
		job = vdispl_container_of(w->jobs.prev, struct png_job, link); /* the oldest */
		vdispl_list_del(&job->link);
		bytes = (uint64_t)job->width * job->height * 4;
		/* Still counted while it is written: the queue bounds memory. */
		pthread_mutex_unlock(&w->lock);
		job_write(w, job);
		job_free(job);
		pthread_mutex_lock(&w->lock);
		w->bytes -= bytes;
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int vdispl_png_writer_create(struct vdispl_png_writer **out)
{
	struct vdispl_png_writer *w = calloc(1, sizeof(*w));
	int ret;

	if (!w)
		return -ENOMEM;
	vdispl_list_init(&w->jobs);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	ret = pthread_create(&w->thread, NULL, writer_main, w);
	if (ret) {
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return -ret;
	}
	*out = w;
	return 0;
}

static struct png_job *job_new(const char *tag, const char *path, const void *pixels,
			       uint32_t stride, uint32_t width, uint32_t height)
{
	struct png_job *job = calloc(1, sizeof(*job));

	if (!job)
		return NULL;
	job->tag = strdup(tag);
	job->path = strdup(path);
	job->pixels = malloc((size_t)width * height * 4);
	if (!job->tag || !job->path || !job->pixels) {
		job_free(job);
		return NULL;
	}
	for (uint32_t y = 0; y < height; y++)
		memcpy(job->pixels + (size_t)y * width, (const char *)pixels + (size_t)y * stride,
		       (size_t)width * 4);
	job->width = width;
	job->height = height;
	return job;
}

/* Under lock: would one more @tag picture of @bytes pass a bound? Counts it dropped. */
static bool full(struct vdispl_png_writer *w, const char *tag, uint64_t bytes)
{
	struct vdispl_list *pos;
	unsigned int waiting = 0;

	vdispl_list_for_each(pos, &w->jobs)
		waiting += !strcmp(vdispl_container_of(pos, struct png_job, link)->tag, tag);
	if (waiting < VDISPL_PNG_WRITER_QUEUE && w->bytes + bytes <= VDISPL_PNG_WRITER_MAX_BYTES)
		return false;
	w->dropped++;
	return true;
}

int vdispl_png_writer_submit(struct vdispl_png_writer *w, const char *tag, const char *path,
			     const void *pixels, uint32_t stride, uint32_t width, uint32_t height)
{
	uint64_t bytes = (uint64_t)width * height * 4;
	struct png_job *job;
	bool dropped;

	if (!width || !height || stride / 4 < width)
		return -EINVAL;
	/* Checked before the copy too, so that a dropped picture costs nothing. */
	pthread_mutex_lock(&w->lock);
	dropped = full(w, tag, bytes);
	pthread_mutex_unlock(&w->lock);
	if (dropped)
		return -EBUSY;
	job = job_new(tag, path, pixels, stride, width, height);
	if (!job)
		return -ENOMEM;
	pthread_mutex_lock(&w->lock);
	dropped = full(w, tag, bytes);
	if (!dropped) {
		vdispl_list_add(&w->jobs, &job->link);
		w->bytes += bytes;
		pthread_cond_signal(&w->wake);
	}
	pthread_mutex_unlock(&w->lock);
	if (dropped) {
		job_free(job);
		return -EBUSY;
	}
	return 0;
}

static uint64_t read_counter(struct vdispl_png_writer *w, const uint64_t *counter)
{
	uint64_t value;

	pthread_mutex_lock(&w->lock);
	value = *counter;
	pthread_mutex_unlock(&w->lock);
	return value;
}

uint64_t vdispl_png_writer_written(struct vdispl_png_writer *w)
{
	return read_counter(w, &w->written);
}

uint64_t vdispl_png_writer_dropped(struct vdispl_png_writer *w)
{
	return read_counter(w, &w->dropped);
}

void vdispl_png_writer_destroy(struct vdispl_png_writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
