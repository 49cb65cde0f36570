// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "backend/device.h"
#include "common/log.h"
#include "backend/xenbus.h"


static int read_node(struct vdispl_device *dev, const char *dir, const char *node, char **value)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, node);
	return vdispl_xs_read(dev->backend->xs, path, value);
}

static enum vdispl_xenbus_state read_state(struct vdispl_device *dev, const char *dir)
{
	enum vdispl_xenbus_state state = VDISPL_XENBUS_UNKNOWN;
	char *value;

	if (read_node(dev, dir, "state", &value) == 0) {
		if (vdispl_xs_parse_state(value, &state))
			state = VDISPL_XENBUS_UNKNOWN;
		free(value);
	}
	return state;
}

static void write_state(struct vdispl_device *dev, enum vdispl_xenbus_state state)
{
	char path[160];
	char *value;
	int ret;

	/*
	 * The toolstack removes a detached device's directories once we said
	 * Closed: a write would create them again, and keep the device alive.
	 */
	if (vdispl_xs_read(dev->backend->xs, dev->be_path, &value)) {
		vdispl_log(DEBUG, dev->tag, "backend directory gone: state %s not written",
			   vdispl_xenbus_state_name(state));
		return;
	}
	free(value);
	snprintf(path, sizeof(path), "%s/state", dev->be_path);
	ret = vdispl_xs_printf(dev->backend->xs, path, "%d", (int)state);
	if (ret) {
		vdispl_log_errno(ERROR, dev->tag, ret, "writing state %s",
				 vdispl_xenbus_state_name(state));
		return;
	}
	dev->written_state = state;
	vdispl_log(INFO, dev->tag, "backend state %s", vdispl_xenbus_state_name(state));
}

int vdispl_device_create(struct vdispl_backend *backend, uint32_t domid, uint32_t devid,
			 struct vdispl_device **out)
{
	struct vdispl_device *dev = calloc(1, sizeof(*dev));
	char shown[4 * sizeof(dev->domain_name) + 4];
	char path[160];
	char *value;
	uint64_t size;
	int ret;

	if (!dev)
		return -ENOMEM;
	dev->backend = backend;
	dev->domid = domid;
	dev->devid = devid;
	snprintf(dev->tag, sizeof(dev->tag), "dom%u/vdispl%u", domid, devid);
	snprintf(dev->be_path, sizeof(dev->be_path), "%s/%u/%u", backend->base_path, domid, devid);
	/*
	 * The frontend's directory is where libxl always puts it; the
	 * "frontend" node is not needed to find it.
	 */
	snprintf(dev->fe_path, sizeof(dev->fe_path), "/local/domain/%u/device/vdispl/%u", domid,
		 devid);
	snprintf(dev->watch_token, sizeof(dev->watch_token), "fe/%u/%u", domid, devid);

	snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
	if (vdispl_xs_read(backend->xs, path, &value) == 0) {
		snprintf(dev->domain_name, sizeof(dev->domain_name), "%s", value);
		free(value);
	}

	vdispl_buffers_init(&dev->buffers);
	dev->buffers.import.import = backend->import;
	dev->buffers.import.domid = domid;
	dev->buffers.import.tag = dev->tag;
	dev->buffers.import.guest_log = &dev->guest_log;
	/* Compositors map the dma-bufs they are given writable (import.h). */
	dev->buffers.import.writable = vdispl_config_domain_may_use(
		&backend->config, domid, dev->domain_name, VDISPL_OUTPUT_WAYLAND);
	vdispl_config_lookup_limits(&backend->config, domid, dev->domain_name, &dev->limits);
	/* No buffer need be larger than the largest picture a connector shows. */
	size = (uint64_t)dev->limits.max_width * dev->limits.max_height * 4u;
	dev->max_buffer_size = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
	dev->buffers.limits = &dev->limits;
	dev->buffers.totals = &backend->buffer_totals;
	ret = vdispl_gnttab_open(dev->tag, &dev->buffers.import.gnttab);
	if (ret) {
		vdispl_log_errno(ERROR, dev->tag, ret, "opening gntdev");
		goto err_gnttab;
	}
	snprintf(path, sizeof(path), "%s/state", dev->fe_path);
	ret = vdispl_xs_watch(backend->xs, path, dev->watch_token);
	if (ret) {
		vdispl_log_errno(ERROR, dev->tag, ret, "watching %s", path);
		goto err_watch;
	}
	dev->written_state = VDISPL_XENBUS_UNKNOWN;
	vdispl_log(INFO, dev->tag, "new device of guest \"%s\"",
		   vdispl_log_escape(shown, sizeof(shown), dev->domain_name, sizeof(dev->domain_name),
				     true));
	*out = dev;
	return 0;

err_watch:
	vdispl_gnttab_close(dev->buffers.import.gnttab);
err_gnttab:
	free(dev);
	return ret;
}

void vdispl_device_disconnect(struct vdispl_device *dev)
{
	if (!dev->connected)
		return;
	for (uint32_t i = 0; i < dev->num_connectors; i++) {
		vdispl_connector_destroy(dev->connectors[i]);
		dev->connectors[i] = NULL;
	}
	dev->num_connectors = 0;
	vdispl_buffers_release_all(&dev->buffers);
	dev->connected = false;
	vdispl_log(INFO, dev->tag, "disconnected, %llu grant pages still mapped for it",
		   (unsigned long long)vdispl_gnttab_mapped(dev->buffers.import.gnttab));
}

static int read_be_alloc(struct vdispl_device *dev)
{
	char shown[4 * 16 + 4];
	char *value = NULL;
	int ret;

	ret = read_node(dev, dev->fe_path, XENDISPL_FIELD_BE_ALLOC, &value);
	if (ret && ret != -ENOENT)
		return ret;
	ret = vdispl_xs_parse_be_alloc(value, &dev->be_alloc);
	if (ret)
		vdispl_log(ERROR, dev->tag, "bad be-alloc \"%s\"",
			   vdispl_log_escape(shown, sizeof(shown), value, 16, true));
	free(value);
	if (!ret && dev->be_alloc && !dev->limits.be_alloc) {
		/* Dom0 pages the guest keeps mapped are Dom0's to give, not the guest's to take. */
		snprintf(dev->refusal, sizeof(dev->refusal),
			 "be-alloc is not allowed for this guest (be-alloc in Dom0's configuration)");
		vdispl_log(ERROR, dev->tag, "the guest asks for be-alloc, which is off for it: "
			   "set be-alloc = yes in [backend] or its section for unique-id *");
		return -EACCES;
	}
	return ret;
}

static bool connector_exists(struct vdispl_device *dev, uint32_t index)
{
	char node[32];
	char *value;

	snprintf(node, sizeof(node), "%u/" XENDISPL_FIELD_RESOLUTION, index);
	if (read_node(dev, dev->fe_path, node, &value))
		return false;
	free(value);
	return true;
}

static int connect(struct vdispl_device *dev)
{
	int ret;

	dev->refusal[0] = '\0';
	ret = read_be_alloc(dev);

	if (ret)
		return ret;
	/* Connectors are numbered from 0 without gaps, as the frontend reads them. */
	dev->connected = true;
	while (dev->num_connectors < VDISPL_MAX_CONNECTORS &&
	       connector_exists(dev, dev->num_connectors)) {
		ret = vdispl_connector_create(dev, dev->num_connectors,
					      &dev->connectors[dev->num_connectors]);
		if (ret) {
			vdispl_device_disconnect(dev);
			return ret;
		}
		dev->num_connectors++;
	}
	if (!dev->num_connectors) {
		vdispl_log(ERROR, dev->tag, "no connectors under %s", dev->fe_path);
		vdispl_device_disconnect(dev);
		return -ENODEV;
	}
	vdispl_log(INFO, dev->tag, "connected %u connector(s)", dev->num_connectors);
	return 0;
}

void vdispl_device_reconcile(struct vdispl_device *dev)
{
	struct vdispl_xenbus_input in = {
		.backend_node = read_state(dev, dev->be_path),
		.backend_written = dev->written_state,
		.frontend = read_state(dev, dev->fe_path),
		.frontend_before = dev->frontend_seen,
		.connected = dev->connected,
	};
	struct vdispl_xenbus_step step;
	char *online;

	if (read_node(dev, dev->be_path, "online", &online) == 0) {
		in.offline = strcmp(online, "0") == 0;
		free(online);
	}
	vdispl_xenbus_reconcile(&in, &step);
	dev->frontend_seen = in.frontend;
	vdispl_log(DEBUG, dev->tag, "frontend %s, backend %s%s",
		   vdispl_xenbus_state_name(in.frontend), vdispl_xenbus_state_name(in.backend_node),
		   in.offline ? ", going offline" : "");

	if (step.actions & VDISPL_XENBUS_DISCONNECT)
		vdispl_device_disconnect(dev);
	if (step.actions & VDISPL_XENBUS_CONNECT) {
		int ret = connect(dev);

		if (ret) {
			/* As xenbus_dev_fatal: say why, and close. */
			char path[160];

			snprintf(path, sizeof(path), "%s/error", dev->be_path);
			vdispl_xs_printf(dev->backend->xs, path, "%d connecting: %s", -ret,
					 dev->refusal[0] ? dev->refusal : strerror(-ret));
			step.write = VDISPL_XENBUS_CLOSING;
		} else {
			step.write = VDISPL_XENBUS_CONNECTED;
		}
	}
	if (step.write != VDISPL_XENBUS_UNKNOWN)
		write_state(dev, step.write);
}

void vdispl_device_serve(struct vdispl_device *dev, struct vdispl_connector *c)
{
	if (vdispl_connector_serve(c)) {
		/* A frontend that breaks the ring loses its connection. */
		vdispl_device_disconnect(dev);
		write_state(dev, VDISPL_XENBUS_CLOSING);
	}
}

bool vdispl_device_port_event(struct vdispl_device *dev, uint32_t port)
{
	for (uint32_t i = 0; i < dev->num_connectors; i++) {
		struct vdispl_connector *c = dev->connectors[i];

		if (c->req_port >= 0 && (uint32_t)c->req_port == port) {
			vdispl_device_serve(dev, c);
			return true;
		}
		if (c->evt_port >= 0 && (uint32_t)c->evt_port == port)
			return true; /* the frontend acknowledging events: nothing to do */
	}
	return false;
}

void vdispl_device_snapshot(struct vdispl_device *dev)
{
	for (uint32_t i = 0; i < dev->num_connectors; i++) {
		struct vdispl_output *out = dev->connectors[i]->output;

		if (out->impl->snapshot)
			out->impl->snapshot(out);
	}
}

void vdispl_device_destroy(struct vdispl_device *dev)
{
	char path[160];

	if (!dev)
		return;
	vdispl_device_disconnect(dev);
	snprintf(path, sizeof(path), "%s/state", dev->fe_path);
	vdispl_xs_unwatch(dev->backend->xs, path, dev->watch_token);
	vdispl_buffers_finish(&dev->buffers);
	vdispl_log(INFO, dev->tag, "device gone");
	free(dev);
}
