// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * DOC: driver
 *
 * The xenbus side: bind to "vdispl" devices, follow the backend through
 * the xenbus states, and create the DRM device once the backend is
 * Connected. When the backend goes away (stopped, killed and restarted) the
 * DRM device is unplugged and we start over from Initialising; buffers still
 * open belong to the old connection and never reach the new one.
 *
 * The DRM device's parent is a platform device of ours, child of the xenbus
 * device: it carries the DMA mask for contiguous allocations, and
 * user space (libdrm, Mesa) can describe a platform device.
 */
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_prime.h>
#include <drm/drm_probe_helper.h>

#include <xen/platform_pci.h>
#include <xen/xen.h>

#include "front.h"

DEFINE_DRM_GEM_FOPS(vdispl_front_fops);

static const struct drm_driver vdispl_front_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_MODESET | DRIVER_ATOMIC,
	.fops = &vdispl_front_fops,
	.dumb_create = vdispl_front_dumb_create,
	.prime_handle_to_fd = drm_gem_prime_handle_to_fd,
	.prime_fd_to_handle = drm_gem_prime_fd_to_handle,
	.gem_prime_import_sg_table = vdispl_front_import_sg_table,
	.gem_prime_mmap = vdispl_front_prime_mmap,
	.name = VDISPL_FRONT_NAME,
	.desc = "vdispl Xen para-virtual display",
	.date = "20261130",
	.major = 1,
	.minor = 0,
};

u64 vdispl_front_new_cookie(struct vdispl_front_info *front)
{
	return atomic64_inc_return(&front->next_cookie);
}

int vdispl_front_request(struct vdispl_front_info *front, unsigned int index,
			 struct xendispl_req *req)
{
	if (index >= front->cfg.num_connectors)
		return -EINVAL;
	return vdispl_front_call(&front->rings[index], req, NULL);
}

static void edid_free(struct vdispl_front_drm *drm)
{
	unsigned int i;

	for (i = 0; i < VDISPL_FRONT_MAX_CONNECTORS; i++) {
		kfree(drm->pipelines[i].edid);
		drm->pipelines[i].edid = NULL;
	}
}

static int drm_create(struct vdispl_front_info *front)
{
	struct platform_device_info info = {
		.parent = &front->xb_dev->dev,
		.name = VDISPL_FRONT_NAME,
		.id = PLATFORM_DEVID_AUTO,
		.dma_mask = DMA_BIT_MASK(64),
	};
	struct vdispl_front_drm *drm = NULL;
	struct drm_device *dev;
	unsigned int i;
	int ret;

	front->pdev = platform_device_register_full(&info);
	if (IS_ERR(front->pdev)) {
		ret = PTR_ERR(front->pdev);
		front->pdev = NULL;
		return ret;
	}
	dev = drm_dev_alloc(&vdispl_front_drm_driver, &front->pdev->dev);
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto err_pdev;
	}
	drm = drmm_kzalloc(dev, sizeof(*drm), GFP_KERNEL);
	if (!drm) {
		ret = -ENOMEM;
		goto err_drm;
	}
	drm->dev = dev;
	drm->front = front;
	dev->dev_private = drm;

	for (i = 0; i < front->cfg.num_connectors; i++) {
		drm->pipelines[i].index = i;
		vdispl_front_edid_fetch(front, &drm->pipelines[i]);
	}
	ret = vdispl_front_kms_init(drm);
	if (ret)
		goto err_drm;
	WRITE_ONCE(front->drm, drm);
	ret = drm_dev_register(dev, 0);
	if (ret)
		goto err_drm;
	return 0;

err_drm:
	WRITE_ONCE(front->drm, NULL);
	if (drm)
		edid_free(drm);
	drm_dev_put(dev);
err_pdev:
	platform_device_unregister(front->pdev);
	front->pdev = NULL;
	return ret;
}

/* Undo a connection, whatever state it reached. */
static void disconnect(struct vdispl_front_info *front)
{
	struct vdispl_front_drm *drm = front->drm;

	vdispl_front_rings_set_connected(front, false);
	/* Cookies of this connection are dead from here on. */
	front->generation++;
	if (drm) {
		drm_dev_unplug(drm->dev);
		vdispl_front_kms_fini(drm);
		WRITE_ONCE(front->drm, NULL);
		edid_free(drm);
		drm_dev_put(drm->dev);
	}
	if (front->pdev) {
		platform_device_unregister(front->pdev);
		front->pdev = NULL;
	}
	vdispl_front_rings_destroy(front);
}

static void backend_initwait(struct vdispl_front_info *front)
{
	struct xenbus_device *xb_dev = front->xb_dev;
	int ret;

	ret = vdispl_front_cfg_read(front);
	if (!ret)
		ret = vdispl_front_rings_create(front);
	if (!ret)
		ret = vdispl_front_rings_publish(front);
	if (ret) {
		xenbus_dev_fatal(xb_dev, ret, "connecting to the backend");
		vdispl_front_rings_destroy(front);
		return;
	}
	xenbus_switch_state(xb_dev, XenbusStateInitialised);
}

static void backend_connected(struct vdispl_front_info *front)
{
	struct xenbus_device *xb_dev = front->xb_dev;
	int ret;

	vdispl_front_rings_set_connected(front, true);
	ret = drm_create(front);
	if (ret) {
		xenbus_dev_fatal(xb_dev, ret, "creating the DRM device");
		return;
	}
	xenbus_switch_state(xb_dev, XenbusStateConnected);
}

static void otherend_changed(struct xenbus_device *xb_dev, enum xenbus_state backend_state)
{
	struct vdispl_front_info *front = dev_get_drvdata(&xb_dev->dev);

	dev_dbg(&xb_dev->dev, "backend %s, we are %s\n", xenbus_strstate(backend_state),
		xenbus_strstate(xb_dev->state));
	switch (backend_state) {
	case XenbusStateInitWait:
		/*
		 * Already answered: the watch fires once when it is set and once
		 * per write, and each reads the state as it is by then, so one
		 * InitWait can come twice. Measured after xl vdispl-attach;
		 * taking it for a restart left both ends waiting.
		 */
		if (xb_dev->state == XenbusStateInitialised)
			break;
		/*
		 * A restarted backend offers itself again: drop the old connection
		 * and say Initialising; the backend answers that with InitWait
		 * once more, and only then do we set up (as drm_xen_front does).
		 */
		if (xb_dev->state != XenbusStateInitialising) {
			disconnect(front);
			xenbus_switch_state(xb_dev, XenbusStateInitialising);
			break;
		}
		backend_initwait(front);
		break;
	case XenbusStateConnected:
		if (xb_dev->state == XenbusStateInitialised)
			backend_connected(front);
		break;
	case XenbusStateInitialising:
		if (xb_dev->state != XenbusStateInitialising) {
			disconnect(front);
			xenbus_switch_state(xb_dev, XenbusStateInitialising);
		}
		break;
	case XenbusStateClosing:
		/* The backend frees its side first; we follow once it is Closed. */
		break;
	case XenbusStateClosed:
	case XenbusStateUnknown:
		if (xb_dev->state == XenbusStateInitialising || xb_dev->state == XenbusStateClosed)
			break;
		/* The backend left; be ready for the next one. */
		disconnect(front);
		xenbus_switch_state(xb_dev, XenbusStateInitialising);
		break;
	default:
		break;
	}
}

static void front_release(struct kref *ref)
{
	kfree(container_of(ref, struct vdispl_front_info, ref));
}

void vdispl_front_get(struct vdispl_front_info *front)
{
	kref_get(&front->ref);
}

void vdispl_front_put(struct vdispl_front_info *front)
{
	kref_put(&front->ref, front_release);
}

static int probe(struct xenbus_device *xb_dev, const struct xenbus_device_id *id)
{
	struct vdispl_front_info *front;

	front = kzalloc(sizeof(*front), GFP_KERNEL);
	if (!front)
		return -ENOMEM;
	kref_init(&front->ref);
	front->xb_dev = xb_dev;
	front->backend_id = xb_dev->otherend_id;
	mutex_init(&front->bos_lock);
	INIT_LIST_HEAD(&front->bos);
	atomic64_set(&front->next_cookie, 0);
	dev_set_drvdata(&xb_dev->dev, front);
	vdispl_front_debugfs_init(front);
	return xenbus_switch_state(xb_dev, XenbusStateInitialising);
}

static void remove(struct xenbus_device *xb_dev)
{
	struct vdispl_front_info *front = dev_get_drvdata(&xb_dev->dev);

	xenbus_switch_state(xb_dev, XenbusStateClosing);
	disconnect(front);
	xenbus_switch_state(xb_dev, XenbusStateClosed);
	vdispl_front_debugfs_fini(front);
	/* Buffers still open keep @front until they go (see gem.c). */
	front->xb_dev = NULL;
	vdispl_front_put(front);
}

static const struct xenbus_device_id ids[] = {
	{ XENDISPL_DRIVER_NAME },
	{ "" }
};

static struct xenbus_driver vdispl_front_xenbus_driver = {
	.ids = ids,
	.probe = probe,
	.remove = remove,
	.otherend_changed = otherend_changed,
	.not_essential = true,
};

static int __init vdispl_front_init(void)
{
	if (!xen_domain())
		return -ENODEV;
	if (!xen_has_pv_devices())
		return -ENODEV;
	pr_info(VDISPL_FRONT_NAME ": registering the vdispl frontend\n");
	return xenbus_register_frontend(&vdispl_front_xenbus_driver);
}

static void __exit vdispl_front_exit(void)
{
	xenbus_unregister_driver(&vdispl_front_xenbus_driver);
}

module_init(vdispl_front_init);
module_exit(vdispl_front_exit);

MODULE_DESCRIPTION("vdispl: Xen para-virtual display frontend (displif v2)");
MODULE_LICENSE("Dual MIT/GPL");
MODULE_ALIAS("xen:" XENDISPL_DRIVER_NAME);
