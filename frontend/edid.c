// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * DOC: EDID
 *
 * At connect time each connector asks the backend for its EDID (GET_EDID,
 * displif v2) into a 32 KiB buffer we grant. A backend that does not answer
 * it, or answers with something protocol/edid-modes.c refuses, leaves the
 * connector with the mode of its resolution node.
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include <drm/drm_modes.h>

#include "protocol/request-encode.h"
#include "front.h"

#define EDID_PAGES (XENDISPL_EDID_MAX_SIZE / PAGE_SIZE)

void vdispl_front_edid_fetch(struct vdispl_front_info *front,
			     struct vdispl_front_pipeline *pipeline)
{
	struct page *pages[EDID_PAGES] = {};
	struct vdispl_front_shbuf buf;
	struct xendispl_req req;
	u32 edid_sz = 0;
	bool leaked;
	unsigned int i;
	u8 *edid;
	int ret;

	for (i = 0; i < EDID_PAGES; i++) {
		pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!pages[i])
			goto out;
	}
	if (vdispl_front_shbuf_grant(front, &buf, pages, EDID_PAGES, false) < 0)
		goto out;
	vdispl_req_get_edid(&req, buf.dir_grefs[0], XENDISPL_EDID_MAX_SIZE);
	ret = vdispl_front_call(&front->rings[pipeline->index], &req, &edid_sz);

	edid = NULL;
	if (!ret && edid_sz && edid_sz <= XENDISPL_EDID_MAX_SIZE)
		edid = kmalloc(edid_sz, GFP_KERNEL);
	if (edid) {
		/* One copy out of the shared pages; only the copy is checked and used. */
		for (i = 0; i * PAGE_SIZE < edid_sz; i++)
			memcpy(edid + i * PAGE_SIZE, page_address(pages[i]),
			       min_t(u32, PAGE_SIZE, edid_sz - i * PAGE_SIZE));
		ret = vdispl_edid_timings(edid, edid_sz, pipeline->timings);
		if (ret > 0) {
			pipeline->edid = edid;
			pipeline->edid_size = edid_sz;
			pipeline->num_timings = ret;
			edid = NULL;
		} else {
			dev_warn(&front->xb_dev->dev,
				 "connector %u: the backend's EDID (%u octets) is unusable\n",
				 pipeline->index, edid_sz);
		}
		kfree(edid);
	} else if (ret) {
		dev_info(&front->xb_dev->dev, "connector %u: no EDID from the backend (%d)\n",
			 pipeline->index, ret);
	}
	vdispl_front_shbuf_end(&buf, pages, true, &leaked);
out:
	for (i = 0; i < EDID_PAGES; i++)
		if (pages[i])
			__free_page(pages[i]);
	if (pipeline->num_timings)
		dev_info(&front->xb_dev->dev, "connector %u: %d mode(s) from EDID, preferred %ux%u\n",
			 pipeline->index, pipeline->num_timings, pipeline->timings[0].hdisplay,
			 pipeline->timings[0].vdisplay);
}

int vdispl_front_edid_modes(struct vdispl_front_pipeline *pipeline)
{
	struct drm_connector *connector = &pipeline->connector;
	int i, count = 0;

	drm_connector_update_edid_property(connector, (const struct edid *)pipeline->edid);
	for (i = 0; i < pipeline->num_timings; i++) {
		const struct vdispl_edid_timing *t = &pipeline->timings[i];
		struct drm_display_mode *mode = drm_mode_create(connector->dev);

		if (!mode)
			break;
		mode->clock = t->clock_khz;
		mode->hdisplay = t->hdisplay;
		mode->hsync_start = t->hsync_start;
		mode->hsync_end = t->hsync_end;
		mode->htotal = t->htotal;
		mode->vdisplay = t->vdisplay;
		mode->vsync_start = t->vsync_start;
		mode->vsync_end = t->vsync_end;
		mode->vtotal = t->vtotal;
		mode->flags = (t->hsync_positive ? DRM_MODE_FLAG_PHSYNC : DRM_MODE_FLAG_NHSYNC) |
			      (t->vsync_positive ? DRM_MODE_FLAG_PVSYNC : DRM_MODE_FLAG_NVSYNC) |
			      (t->interlaced ? DRM_MODE_FLAG_INTERLACE : 0);
		mode->type = DRM_MODE_TYPE_DRIVER | (i == 0 ? DRM_MODE_TYPE_PREFERRED : 0);
		drm_mode_set_name(mode);
		drm_mode_probed_add(connector, mode);
		count++;
	}
	return count;
}
