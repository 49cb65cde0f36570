// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * DOC: XenStore configuration
 *
 * What the toolstack wrote under our device node: be-alloc, and per
 * connector <index>/resolution and <index>/unique-id. The values are parsed
 * by protocol/xenstore-value.c, the same code the backend uses.
 */
#include <linux/slab.h>

#include "front.h"

static int read_connector(struct vdispl_front_info *front, unsigned int index)
{
	struct vdispl_front_connector_cfg *cfg = &front->cfg.connectors[index];
	struct xenbus_device *xb_dev = front->xb_dev;
	char node[16];
	char *value;
	int ret;

	snprintf(node, sizeof(node), "%u/" XENDISPL_FIELD_RESOLUTION, index);
	value = xenbus_read(XBT_NIL, xb_dev->nodename, node, NULL);
	if (IS_ERR(value)) {
		dev_err(&xb_dev->dev, "connector %u: no %s node\n", index, XENDISPL_FIELD_RESOLUTION);
		return PTR_ERR(value);
	}
	ret = vdispl_xs_parse_resolution(value, &cfg->width, &cfg->height);
	if (ret < 0)
		dev_err(&xb_dev->dev, "connector %u: bad resolution %.32s\n", index, value);
	kfree(value);
	if (ret < 0)
		return ret;

	/* unique-id is optional (displif 4.11 and later). */
	snprintf(node, sizeof(node), "%u/" XENDISPL_FIELD_UNIQUE_ID, index);
	value = xenbus_read(XBT_NIL, xb_dev->nodename, node, NULL);
	if (IS_ERR(value)) {
		cfg->unique_id[0] = '\0';
		return 0;
	}
	if (vdispl_xs_parse_unique_id(value, cfg->unique_id) < 0) {
		dev_warn(&xb_dev->dev, "connector %u: unique-id ignored: not 1-%u printable characters\n",
			 index, VDISPL_UNIQUE_ID_MAX);
		cfg->unique_id[0] = '\0';
	}
	kfree(value);
	return 0;
}

int vdispl_front_cfg_read(struct vdispl_front_info *front)
{
	struct xenbus_device *xb_dev = front->xb_dev;
	unsigned int num_names, i;
	char **names;
	char *value;
	int ret;

	memset(&front->cfg, 0, sizeof(front->cfg));

	value = xenbus_read(XBT_NIL, xb_dev->nodename, XENDISPL_FIELD_BE_ALLOC, NULL);
	ret = vdispl_xs_parse_be_alloc(IS_ERR(value) ? NULL : value, &front->cfg.be_alloc);
	if (!IS_ERR(value))
		kfree(value);
	if (ret < 0) {
		dev_err(&xb_dev->dev, "bad %s node\n", XENDISPL_FIELD_BE_ALLOC);
		return ret;
	}

	names = xenbus_directory(XBT_NIL, xb_dev->nodename, "", &num_names);
	if (IS_ERR(names))
		return PTR_ERR(names);
	ret = vdispl_xs_connector_count((const char *const *)names, num_names,
					VDISPL_FRONT_MAX_CONNECTORS);
	kfree(names);
	if (ret < 0) {
		dev_err(&xb_dev->dev, "connectors must be numbered 0 to at most %u without a gap\n",
			VDISPL_FRONT_MAX_CONNECTORS - 1);
		return ret;
	}
	front->cfg.num_connectors = ret;

	for (i = 0; i < front->cfg.num_connectors; i++) {
		ret = read_connector(front, i);
		if (ret < 0)
			return ret;
	}
	dev_info(&xb_dev->dev, "%u connector(s), %s buffers\n", front->cfg.num_connectors,
		 front->cfg.be_alloc ? "backend-allocated" : "guest-allocated");
	return 0;
}
