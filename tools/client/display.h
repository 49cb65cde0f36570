/* SPDX-License-Identifier: MIT */
/*
 * KMS setup of the guest test client: the connected connectors of one DRM
 * device, a mode and a CRTC each, and two XRGB8888 dumb buffers per
 * connector, mapped for drawing.
 *
 * Functions print what failed (device, connector, ioctl, errno) to stderr
 * themselves, since this is a command line tool, and return 0 or a negative
 * errno. Single-threaded.
 */
#ifndef VDISPL_CLIENT_DISPLAY_H
#define VDISPL_CLIENT_DISPLAY_H

#include <stddef.h>
#include <stdint.h>
#include <xf86drmMode.h>

struct client_buffer {
	uint32_t handle; /* dumb buffer; 0 when none */
	uint32_t fb_id;  /* 0 when none */
	uint32_t pitch;  /* octets per row, from the kernel */
	uint64_t size;
	void *map; /* NULL when not mapped */
};

struct client_output {
	uint32_t index; /* position among the device's connectors */
	uint32_t connector_id;
	uint32_t crtc_id;
	char name[32]; /* as the kernel names it: "Virtual-1" */
	drmModeModeInfo mode;
	uint32_t width, height;
	struct client_buffer buffers[2];
	unsigned int front; /* index into buffers[] of the one on screen */
};

struct client_display {
	int fd;
	const char *path; /* borrowed from the caller */
	struct client_output *outputs;
	size_t count;
};

/*
 * Open @path and set up the connectors whose indices are in @select
 * (@nselect of them), or every connected one if @select is NULL. A selected
 * connector that is missing, disconnected or without modes is an error.
 * Buffers are mapped for drawing unless @no_draw: then their map is NULL.
 */
int client_display_open(struct client_display *disp, const char *path, const uint32_t *select,
			size_t nselect, bool no_draw);

/* Show buffers[@buffer] of @out with drmModeSetCrtc; it becomes the front. */
int client_display_set_crtc(struct client_display *disp, struct client_output *out,
			    unsigned int buffer);

/* Remove the framebuffers, destroy the dumb buffers, close the device. */
void client_display_close(struct client_display *disp);

/*
 * Free only this process's memory and mappings and close its descriptor,
 * leaving framebuffers and dumb buffers alone: another process that shares
 * the open device (a forked child) keeps them, and the picture, alive.
 */
void client_display_abandon(struct client_display *disp);

#endif
