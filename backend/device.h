/* SPDX-License-Identifier: MIT */
/*
 * One vdispl device of one guest (backend/vdispl/<domid>/<devid>): its
 * xenbus state machine, its connectors and its buffers.
 *
 * A device exists from the moment the toolstack creates its backend
 * directory until that directory or the guest goes away. It is connected
 * (rings mapped) only between the frontend's Initialised and its Closing.
 */
#ifndef VDISPL_BACKEND_DEVICE_H
#define VDISPL_BACKEND_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/buffers.h"
#include "backend/connector.h"
#include "protocol/xenstore-value.h"

/* The mainline frontend has at most 4; displif itself sets no limit. */
#define VDISPL_MAX_CONNECTORS 8

struct vdispl_backend;

struct vdispl_device {
	struct vdispl_backend *backend;
	struct vdispl_list link; /* in vdispl_backend.devices */
	uint32_t domid;
	uint32_t devid;
	char tag[48]; /* "dom1/vdispl0" */
	char domain_name[64];
	char be_path[128];
	char fe_path[128];
	char watch_token[64];
	enum vdispl_xenbus_state written_state;
	enum vdispl_xenbus_state frontend_seen; /* at the last reconcile */
	bool connected;
	bool be_alloc;
	struct vdispl_limits limits; /* from the configuration, at creation */
	uint32_t max_buffer_size;    /* max-width x max-height x 4 */
	struct vdispl_ratelimit guest_log; /* what the guest can make us log */
	char refusal[160]; /* why the last connect was refused, for the error node; "" */
	struct vdispl_buffers buffers;
	uint32_t num_connectors;
	struct vdispl_connector *connectors[VDISPL_MAX_CONNECTORS];
};

/* Start tracking backend/vdispl/@domid/@devid. Returns 0 or -errno. */
int vdispl_device_create(struct vdispl_backend *backend, uint32_t domid, uint32_t devid,
			 struct vdispl_device **out);

/* Disconnect and forget. NULL is a no-op. */
void vdispl_device_destroy(struct vdispl_device *dev);

/* Re-read the state nodes and do what the xenbus state machine says. */
void vdispl_device_reconcile(struct vdispl_device *dev);

/* An event channel port fired: serve the connector it belongs to. */
bool vdispl_device_port_event(struct vdispl_device *dev, uint32_t port);

/* Serve @c's ring; a protocol error disconnects the device (Closing). */
void vdispl_device_serve(struct vdispl_device *dev, struct vdispl_connector *c);

/* Unmap everything and turn the outputs off, e.g. after a protocol error. */
void vdispl_device_disconnect(struct vdispl_device *dev);

/* Ask the outputs for a snapshot (SIGUSR2). */
void vdispl_device_snapshot(struct vdispl_device *dev);

#endif
