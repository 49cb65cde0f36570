// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: vdispl-dmabuf, a Dom0 module exporting guest grants as dma-bufs
 *
 * vdispl's backend hands a guest's display buffer to a real DRM driver
 * without copying it. Debian's kernels lack gntdev's dma-buf ioctls
 * (XEN_GNTDEV_DMABUF), and gntdev refuses them in a PV Dom0 anyway; this
 * module does the same job with what those kernels export, and adds what
 * gntdev's exporter lacks: CPU access (vmap, mmap, begin/end_cpu_access)
 * and DMA addresses checked against Xen's p2m, merged per contiguous run.
 * It also shares Dom0's own pages with a guest that has the backend
 * allocate its buffers, and counts those the guest keeps mapped (share.c).
 *
 * The misc device is root only; its ioctls are in vdispl-dmabuf.h.
 */
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <xen/xen.h>

#include "internal.h"

unsigned int vdispl_dmabuf_max_buffer_pages = 16384; /* 64 MiB: a 4096x4096 XRGB picture */
module_param_named(max_buffer_pages, vdispl_dmabuf_max_buffer_pages, uint, 0644);
MODULE_PARM_DESC(max_buffer_pages, "Pages one exported buffer may have (default 16384)");

unsigned int vdispl_dmabuf_max_file_pages = 131072; /* 512 MiB */
module_param_named(max_file_pages, vdispl_dmabuf_max_file_pages, uint, 0644);
MODULE_PARM_DESC(max_file_pages,
		 "Pages the live buffers of one open file may have together (default 131072)");

static void context_free(struct kref *ref)
{
	kfree(container_of(ref, struct vdispl_dmabuf_context, ref));
}

void vdispl_dmabuf_context_put(struct vdispl_dmabuf_context *ctx)
{
	kref_put(&ctx->ref, context_free);
}

static int dev_open(struct inode *inode, struct file *file)
{
	struct vdispl_dmabuf_context *ctx;

	/* Mapping another domain's memory: root's business only, whatever the node's mode. */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	kref_init(&ctx->ref);
	spin_lock_init(&ctx->lock);
	INIT_LIST_HEAD(&ctx->buffers);
	init_waitqueue_head(&ctx->released_wait);
	INIT_KFIFO(ctx->released);
	file->private_data = ctx;
	return 0;
}

/* Live buffers keep the context; they are released by their dma-buf, not by us. */
static int dev_release(struct inode *inode, struct file *file)
{
	vdispl_dmabuf_context_put(file->private_data);
	return 0;
}

/*
 * Hand @dmabuf to the caller as a new fd: written at @fd inside @args, the
 * ioctl's argument of @size octets, which then goes back to @uarg.
 */
static long give_fd(struct dma_buf *dmabuf, void __user *uarg, void *args, size_t size,
		    __s32 *fd)
{
	int new_fd = get_unused_fd_flags(O_CLOEXEC);

	if (new_fd < 0) {
		dma_buf_put(dmabuf);
		return new_fd;
	}
	*fd = new_fd;
	if (copy_to_user(uarg, args, size)) {
		put_unused_fd(new_fd);
		dma_buf_put(dmabuf);
		return -EFAULT;
	}
	fd_install(new_fd, dmabuf->file);
	return 0;
}

static long ioctl_export(struct vdispl_dmabuf_context *ctx, void __user *uarg)
{
	struct vdispl_dmabuf_export args;
	struct dma_buf *dmabuf;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	args.fd = -1;
	args.id = 0;
	args.bus_segments = 0;
	args.failed = 0;
	args.status = 0;
	ret = vdispl_dmabuf_export(ctx, &args, u64_to_user_ptr(args.refs), &dmabuf);
	if (ret) {
		/* The refusal's index and status are worth having; the errno says the rest. */
		if (copy_to_user(uarg, &args, sizeof(args)))
			return -EFAULT;
		return ret;
	}
	return give_fd(dmabuf, uarg, &args, sizeof(args), &args.fd);
}

static long ioctl_share(struct vdispl_dmabuf_context *ctx, void __user *uarg)
{
	struct vdispl_dmabuf_share args;
	struct dma_buf *dmabuf;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	args.fd = -1;
	args.id = 0;
	args.bus_segments = 0;
	ret = vdispl_dmabuf_share(ctx, &args, u64_to_user_ptr(args.refs), &dmabuf);
	if (ret)
		return ret;
	return give_fd(dmabuf, uarg, &args, sizeof(args), &args.fd);
}

static long ioctl_query(void __user *uarg)
{
	struct vdispl_dmabuf_query args;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	ret = vdispl_dmabuf_query(&args, u64_to_user_ptr(args.ranges));
	if (ret)
		return ret;
	return copy_to_user(uarg, &args, sizeof(args)) ? -EFAULT : 0;
}

static long ioctl_wait_released(struct vdispl_dmabuf_context *ctx, void __user *uarg)
{
	struct vdispl_dmabuf_wait args;
	long left;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (!vdispl_dmabuf_holds(ctx, args.id))
		return -ENOENT;
	left = wait_event_interruptible_timeout(ctx->released_wait,
						!vdispl_dmabuf_holds(ctx, args.id),
						msecs_to_jiffies(args.timeout_ms));
	if (left < 0)
		return left;
	return left ? 0 : -ETIMEDOUT;
}

static long ioctl_stats(struct vdispl_dmabuf_context *ctx, void __user *uarg)
{
	struct vdispl_dmabuf_stats args = {
		.max_buffer_pages = READ_ONCE(vdispl_dmabuf_max_buffer_pages),
		.max_file_pages = READ_ONCE(vdispl_dmabuf_max_file_pages),
	};

	spin_lock(&ctx->lock);
	args.buffers = ctx->buffers_live;
	args.pages = ctx->pages_live - ctx->pages_remapped - ctx->pages_shared -
		     ctx->pages_lingering;
	args.remapped_pages = ctx->pages_remapped;
	args.shared_pages = ctx->pages_shared;
	args.lingering_pages = ctx->pages_lingering;
	spin_unlock(&ctx->lock);
	return copy_to_user(uarg, &args, sizeof(args)) ? -EFAULT : 0;
}

static long dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct vdispl_dmabuf_context *ctx = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VDISPL_DMABUF_IOC_EXPORT:
		return ioctl_export(ctx, uarg);
	case VDISPL_DMABUF_IOC_QUERY:
		return ioctl_query(uarg);
	case VDISPL_DMABUF_IOC_WAIT_RELEASED:
		return ioctl_wait_released(ctx, uarg);
	case VDISPL_DMABUF_IOC_STATS:
		return ioctl_stats(ctx, uarg);
	case VDISPL_DMABUF_IOC_SHARE:
		return ioctl_share(ctx, uarg);
	default:
		return -ENOTTY;
	}
}

/* read(): the ids of released buffers, as __u32s. */
static ssize_t dev_read(struct file *file, char __user *ubuf, size_t len, loff_t *ppos)
{
	struct vdispl_dmabuf_context *ctx = file->private_data;
	u32 ids[64];
	unsigned int n;
	int ret;

	if (len < sizeof(u32))
		return -EINVAL;
	for (;;) {
		/* Taken out under the lock, copied out after it: a fault may sleep. */
		spin_lock(&ctx->lock);
		n = kfifo_out(&ctx->released, ids, min_t(size_t, len / sizeof(u32),
							 ARRAY_SIZE(ids)));
		spin_unlock(&ctx->lock);
		if (n)
			break;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(ctx->released_wait,
					       !kfifo_is_empty(&ctx->released));
		if (ret)
			return ret;
	}
	if (copy_to_user(ubuf, ids, n * sizeof(u32)))
		return -EFAULT;
	return n * sizeof(u32);
}

static __poll_t dev_poll(struct file *file, poll_table *wait)
{
	struct vdispl_dmabuf_context *ctx = file->private_data;

	poll_wait(file, &ctx->released_wait, wait);
	return kfifo_is_empty(&ctx->released) ? 0 : EPOLLIN | EPOLLRDNORM;
}

static const struct file_operations dev_fops = {
	.owner = THIS_MODULE,
	.open = dev_open,
	.release = dev_release,
	.unlocked_ioctl = dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.read = dev_read,
	.poll = dev_poll,
	.llseek = noop_llseek,
};

static struct miscdevice dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vdispl-dmabuf",
	.fops = &dev_fops,
	.mode = 0600,
};

static int __init vdispl_dmabuf_init(void)
{
	int ret;

	if (!xen_domain())
		return -ENODEV;
	ret = vdispl_dmabuf_share_init();
	if (ret)
		return ret;
	ret = misc_register(&dev);
	if (ret)
		vdispl_dmabuf_share_exit();
	return ret;
}

static void __exit vdispl_dmabuf_exit(void)
{
	misc_deregister(&dev);
	vdispl_dmabuf_share_exit();
}

module_init(vdispl_dmabuf_init);
module_exit(vdispl_dmabuf_exit);

MODULE_DESCRIPTION("Guest grant references as dma-bufs, for vdispl's Dom0 backend");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
