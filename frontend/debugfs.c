// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * DOC: debugfs
 *
 * /sys/kernel/debug/vdispl-<device>/buffers lists every buffer with where
 * its memory came from and its contiguous runs: guest-physical (pfn) and as
 * the device sees it (bfn: the machine frame in a PV guest, the same as the
 * pfn in an auto-translated one). The lab compares them with what Dom0's
 * vdispl-dmabuf module reports for the same buffer.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "front.h"

static void show_run(void *ctx, unsigned long start, unsigned int len)
{
	seq_printf(ctx, " %#lx+%u", start, len);
}

static int buffers_show(struct seq_file *m, void *data)
{
	struct vdispl_front_info *front = m->private;
	struct vdispl_front_bo *bo;

	mutex_lock(&front->bos_lock);
	list_for_each_entry(bo, &front->bos, node) {
		seq_printf(m, "dbuf %llu size %zu pages %u mem %s phys_runs %u machine_runs %u\n",
			   bo->dbuf_cookie, bo->base.size, bo->num_pages,
			   vdispl_front_mem_name(bo->mem), vdispl_front_runs(bo, false, NULL, NULL),
			   vdispl_front_runs(bo, true, NULL, NULL));
		seq_puts(m, "  pfn");
		vdispl_front_runs(bo, false, show_run, m);
		seq_puts(m, "\n  bfn");
		vdispl_front_runs(bo, true, show_run, m);
		seq_puts(m, "\n");
	}
	mutex_unlock(&front->bos_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(buffers);

void vdispl_front_debugfs_init(struct vdispl_front_info *front)
{
	char name[32];

	snprintf(name, sizeof(name), "vdispl-%s", strrchr(front->xb_dev->nodename, '/') + 1);
	front->debugfs = debugfs_create_dir(name, NULL);
	debugfs_create_file("buffers", 0400, front->debugfs, front, &buffers_fops);
}

void vdispl_front_debugfs_fini(struct vdispl_front_info *front)
{
	debugfs_remove_recursive(front->debugfs);
}
