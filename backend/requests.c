// SPDX-License-Identifier: MIT
/*
 * What each displif operation does, once decode has validated it. Results
 * are -errno; connector.c turns them into the wire's Xen status.
 */
#include <stdio.h>
#include <string.h>

#include "backend/connector.h"
#include "backend/device.h"
#include "backend/edid.h"
#include "common/log.h"

static void fb_gone(void *data, uint64_t fb_cookie)
{
	struct vdispl_device *dev = data;

	for (uint32_t i = 0; i < dev->num_connectors; i++)
		vdispl_connector_fb_gone(dev->connectors[i], fb_cookie);
}

static int get_edid(struct vdispl_connector *c, const struct vdispl_get_edid *req,
			struct xendispl_resp *resp)
{
	uint8_t edid[VDISPL_EDID_BLOCK_SIZE];
	char name[16];
	int ret;

	/* The monitor name tells the guest's connectors apart: "vdispl 0". */
	snprintf(name, sizeof(name), "vdispl %u", c->index);
	ret = vdispl_edid_build(edid, c->width, c->height, 60, name,
				(c->dev->domid << 16) | (c->dev->devid << 4) | c->index);
	if (ret < 0) {
		vdispl_log_limited(WARN, &c->dev->guest_log, c->tag, "no EDID can describe %ux%u",
				   c->width, c->height);
		return -EINVAL;
	}
	ret = vdispl_buffers_write_edid(&c->dev->buffers, req->gref_directory, req->num_grefs, edid,
					sizeof(edid));
	if (ret)
		return ret;
	resp->op.get_edid.edid_sz = sizeof(edid);
	return 0;
}

int vdispl_request_handle(struct vdispl_connector *c, const struct vdispl_request *req,
			  struct xendispl_resp *resp)
{
	struct vdispl_device *dev = c->dev;
	int status;

	switch (req->operation) {
	case XENDISPL_OP_DBUF_CREATE:
		status = vdispl_dbuf_create(&dev->buffers, &req->dbuf_create);
		break;
	case XENDISPL_OP_DBUF_DESTROY:
		status = vdispl_dbuf_destroy(&dev->buffers, req->dbuf_destroy.dbuf_cookie, fb_gone,
					     dev);
		break;
	case XENDISPL_OP_FB_ATTACH:
		status = vdispl_fb_attach(&dev->buffers, &req->fb_attach);
		break;
	case XENDISPL_OP_FB_DETACH:
		fb_gone(dev, req->fb_detach.fb_cookie);
		status = vdispl_fb_detach(&dev->buffers, req->fb_detach.fb_cookie);
		break;
	case XENDISPL_OP_SET_CONFIG:
		status = vdispl_connector_set_config(c, &req->set_config);
		break;
	case XENDISPL_OP_PG_FLIP:
		status = vdispl_connector_page_flip(c, req->pg_flip.fb_cookie);
		break;
	case XENDISPL_OP_GET_EDID:
		status = get_edid(c, &req->get_edid, resp);
		break;
	default:
		status = -EOPNOTSUPP;
		break;
	}
	if (status)
		vdispl_log_errno_limited(WARN, &dev->guest_log, c->tag, status, "%s id %u failed",
					 vdispl_op_name(req->operation), req->id);
	else
		vdispl_log(DEBUG, c->tag, "%s id %u ok", vdispl_op_name(req->operation), req->id);
	return status;
}
