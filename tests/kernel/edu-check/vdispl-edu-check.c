// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: vdispl-edu-check, a real DMA master reading a dma-buf (lab only)
 *
 * vdispl-dmabuf hands importers DMA addresses it has checked against Xen's
 * p2m, merged per bus-contiguous run. Checking them against the same p2m
 * proves nothing about where a device really lands; a device has to DMA
 * from them. QEMU's edu PCI device is such a device: it copies up to 4 KiB
 * between memory and an internal buffer, and with no IOMMU QEMU takes the
 * address it is given as an address in its own physical memory, which is
 * what Xen calls machine memory: only the guest's real frames hold its data.
 *
 * This module binds the first edu device and offers one ioctl on
 * /dev/vdispl-edu-check (vdispl-edu-check.h): import a dma-buf for the
 * device, map it, and for every DMA segment let the device copy a window
 * from the segment's DMA address into its buffer and back into a coherent
 * read-back buffer; the CPU then compares that with the same bytes read
 * through the exporter's own kernel mapping (vmap). The first window of a
 * segment checks its start; a second one straddling the boundary between
 * its last two pages checks that a merged run really goes on, contiguous
 * on the bus, up to its end. Independently of the exporter, the CPU side's
 * pages are translated with pfn_to_bfn(), the translation Xen's DMA ops
 * make, to count the bus-contiguous runs and the segments that start where
 * their first page's frame is.
 *
 * The buffer can also be imported for a platform device of this module's,
 * which no driver binds and whose DMA nothing set up: on arm such a device
 * has no Xen DMA ops, the trap of a Dom0 that hands a device a foreign
 * page's Dom0 pfn. The edu device then DMAs from the addresses that device
 * was given.
 *
 * Without Xen, pfn_to_bfn() is the identity, so the module also works on
 * bare metal or KVM (no IOMMU), for checking the module itself.
 */
#define pr_fmt(fmt) "vdispl-edu-check: " fmt

#include <linux/capability.h>
#include <linux/delay.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/iosys-map.h>
#include <linux/jiffies.h>
#include <linux/limits.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/scatterlist.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <xen/page.h> /* pfn_to_bfn(): asm/xen/page.h on x86, xen/arm/page.h on arm */

#include "vdispl-edu-check.h"

/* QEMU's hw/misc/edu.c */
#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
#define EDU_BAR 0
#define EDU_REG_DMA_SRC 0x80
#define EDU_REG_DMA_DST 0x88
#define EDU_REG_DMA_CNT 0x90
#define EDU_REG_DMA_CMD 0x98
#define EDU_REGS_END (EDU_REG_DMA_CMD + 8)
#define EDU_DMA_RUN BIT_ULL(0)	  /* set to start; the device clears it when done */
#define EDU_DMA_FROM_RAM 0	  /* direction bit 1 clear: memory -> device buffer */
#define EDU_DMA_TO_RAM BIT_ULL(1) /* direction bit 1 set: device buffer -> memory */
#define EDU_DMA_BUF 0x40000	  /* the device's buffer, in its own address space */
#define EDU_DMA_BUF_SIZE 4096

/*
 * QEMU 7.2's range check is off by one: a transfer filling the whole buffer
 * aborts the VM (measured). One byte less is as good a proof.
 */
#define WINDOW_MAX (EDU_DMA_BUF_SIZE - 1)
/* How far before a segment's last page boundary its second window starts. */
#define STRADDLE 2048
/* A transfer takes 100 ms of QEMU's virtual clock; far beyond that it is stuck. */
#define DMA_TIMEOUT_MS 2000

struct edu {
	struct pci_dev *pdev;
	void __iomem *regs;
	u8 *readback; /* where the device copies its buffer back to */
	dma_addr_t readback_dma;
	/*
	 * A transfer timed out: the device may still run it, and ignores our
	 * registers until it ends. Nothing it reports can be trusted any more.
	 */
	bool stuck;
};

/* Serialises checks (one DMA engine), and guards @bound. */
static DEFINE_MUTEX(check_lock);
static struct edu *bound;
/* The importer no driver set DMA up for (VDISPL_EDU_IMPORTER_UNBOUND). */
static struct platform_device *unbound;
/* Its one DMA setting: segments as long as the edu device's, not 64 KiB. */
static struct device_dma_parameters unbound_dma_parms;

/* 0 once the DMA engine is idle, -ETIMEDOUT if it still runs after 2 s. */
static int edu_wait_idle(struct edu *e)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(DMA_TIMEOUT_MS);

	for (;;) {
		/* Sampled before the read, so that the last read counts. */
		bool late = time_after(jiffies, deadline);

		/*
		 * A 64-bit read, as the register is (edu answers a 32-bit read
		 * at +4 with all ones). Being non-relaxed, it also orders the
		 * CPU's later reads of the read-back buffer after the device's
		 * completion.
		 */
		if (!(readq(e->regs + EDU_REG_DMA_CMD) & EDU_DMA_RUN))
			return 0;
		if (late)
			return -ETIMEDOUT;
		usleep_range(1000, 2000);
	}
}

/* One transfer, polled to its end (no interrupt: nothing to set up or race with). */
static int edu_dma(struct edu *e, u64 src, u64 dst, u32 count, u64 dir)
{
	int ret;

	/* Register writes during a transfer are ignored: start from idle. */
	ret = edu_wait_idle(e);
	if (ret) {
		dev_err(&e->pdev->dev, "DMA engine still busy after %u ms before a transfer\n",
			DMA_TIMEOUT_MS);
		goto stuck;
	}
	/*
	 * writeq(), never lo_hi_writeq(): edu ignores a 32-bit write at
	 * +4, and one at +0 replaces the whole 64-bit register, so the high
	 * half of an address would be lost. The non-relaxed writes order the
	 * CPU's earlier writes to the read-back buffer before the start.
	 */
	writeq(src, e->regs + EDU_REG_DMA_SRC);
	writeq(dst, e->regs + EDU_REG_DMA_DST);
	writeq(count, e->regs + EDU_REG_DMA_CNT);
	writeq(EDU_DMA_RUN | dir, e->regs + EDU_REG_DMA_CMD);
	ret = edu_wait_idle(e);
	if (ret) {
		dev_err(&e->pdev->dev, "DMA %#llx -> %#llx (%u bytes) did not finish within %u ms\n",
			src, dst, count, DMA_TIMEOUT_MS);
		goto stuck;
	}
	return 0;

stuck:
	/* Reloading the module (a new probe) waits for the engine again. */
	dev_err(&e->pdev->dev, "device considered stuck: checks refused until reload\n");
	e->stuck = true;
	return ret;
}

/* The bus address of a page: its frame through the p2m, not its Dom0 pfn. */
static u64 page_bus(struct page *page)
{
	/* page_to_xen_pfn() is page_to_pfn() where pages are Xen's 4 KiB ones. */
	return (u64)pfn_to_bfn(page_to_xen_pfn(page)) << XEN_PAGE_SHIFT;
}

/*
 * Translate every CPU-side page (the table's orig_nents entries, which the
 * exporter leaves as they were) into @bus, and count the bus-contiguous
 * runs. The pages must cover the buffer exactly, or DMA offsets could not
 * be related to pages.
 */
static int walk_pages(struct sg_table *sgt, u64 *bus, size_t npages,
		      struct vdispl_edu_check *args)
{
	struct sg_page_iter piter;
	size_t n = 0;

	for_each_sgtable_page(sgt, &piter, 0) {
		if (n == npages)
			return -EINVAL;
		bus[n] = page_bus(sg_page_iter_page(&piter));
		if (!n || bus[n] != bus[n - 1] + PAGE_SIZE)
			args->bus_runs++;
		n++;
	}
	return n == npages ? 0 : -EINVAL;
}

/*
 * Count the DMA segments that start at their first page's bus address. A
 * segment's byte offset in the buffer is the sum of the lengths before it.
 * Returns the bytes the segments cover, or -EINVAL if they overrun the
 * buffer (the windows would read past the CPU mapping).
 */
static s64 walk_segments(struct sg_table *sgt, const u64 *bus, size_t size,
			 struct vdispl_edu_check *args)
{
	struct scatterlist *sg;
	u64 off = 0;
	int i;

	for_each_sgtable_dma_sg(sgt, sg, i) {
		u64 len = sg_dma_len(sg);

		if (len > size - off)
			return -EINVAL;
		if (len && sg_dma_address(sg) == bus[off >> PAGE_SHIFT] + offset_in_page(off))
			args->segments_at_bus++;
		off += len;
	}
	args->dma_segments = sgt->nents;
	return off;
}

/*
 * Let the device read @n bytes at DMA address @addr and write them back to
 * the read-back buffer; compare with the CPU's view at @off. Mismatches are
 * counted, not errors; a device that stops answering is.
 */
static int check_window(struct edu *e, const struct iosys_map *map, u8 *expect,
			u64 addr, u64 off, u32 n, struct vdispl_edu_check *args)
{
	u8 *got = e->readback;
	u32 i;
	int ret;

	iosys_map_memcpy_from(expect, map, off, n);
	/*
	 * Fill the read-back buffer with the complement of what should come
	 * back: any byte the device does not write (a transfer dropped or cut
	 * short) then differs, whatever the data and the previous window were.
	 */
	for (i = 0; i < n; i++)
		got[i] = ~expect[i];
	ret = edu_dma(e, addr, EDU_DMA_BUF, n, EDU_DMA_FROM_RAM);
	if (ret)
		return ret;
	ret = edu_dma(e, EDU_DMA_BUF, e->readback_dma, n, EDU_DMA_TO_RAM);
	if (ret)
		return ret;
	args->windows++;
	args->bytes += n;
	if (!memcmp(got, expect, n))
		return 0;

	args->mismatches++;
	if (args->first_mismatch != U64_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (got[i] != expect[i])
			break;
	args->first_mismatch = off + i;
	pr_warn("fd %d: window at DMA %#llx (buffer offset %llu, %u bytes): byte %llu is %#04x, expected %#04x\n",
		args->fd, addr, off, n, off + i, got[i], expect[i]);
	return 0;
}

static int check_segments(struct edu *e, struct sg_table *sgt, const struct iosys_map *map,
			  u8 *expect, u32 windows_per_segment, struct vdispl_edu_check *args)
{
	struct scatterlist *sg;
	u64 off = 0;
	int i, ret;

	for_each_sgtable_dma_sg(sgt, sg, i) {
		u64 addr = sg_dma_address(sg);
		u64 len = sg_dma_len(sg);
		u64 last; /* the segment's last page boundary, from its start */

		/* A large scattered buffer takes minutes (0.2 s a window): let it be killed. */
		if (fatal_signal_pending(current))
			return -EINTR;
		if (!len)
			continue;
		ret = check_window(e, map, expect, addr, off, min_t(u64, len, WINDOW_MAX), args);
		if (ret)
			return ret;
		/*
		 * Only a segment spanning two pages or more has a boundary to
		 * straddle (and a window 2048 bytes before it inside it).
		 */
		last = round_down(addr + len - 1, PAGE_SIZE) - addr;
		if (windows_per_segment == 2 && last >= STRADDLE) {
			u64 w = last - STRADDLE;

			ret = check_window(e, map, expect, addr + w, off + w,
					   min_t(u64, len - w, WINDOW_MAX), args);
			if (ret)
				return ret;
		}
		off += len;
	}
	return 0;
}

/* The check proper: called with check_lock held and a working device. */
static int check(struct edu *e, struct vdispl_edu_check *args, u64 *covered)
{
	u32 windows_per_segment = args->windows_per_segment ?: 2;
	struct dma_buf_attachment *attach;
	struct dma_buf *dmabuf;
	struct iosys_map map;
	struct sg_table *sgt;
	u8 *expect = NULL;
	u64 *bus = NULL;
	size_t npages;
	s64 dma_bytes;
	int ret;

	if (windows_per_segment > 2)
		return -EINVAL;
	if (args->importer > VDISPL_EDU_IMPORTER_UNBOUND)
		return -EINVAL;
	dmabuf = dma_buf_get(args->fd);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	if (!dmabuf->size || !PAGE_ALIGNED(dmabuf->size)) {
		ret = -EINVAL;
		goto put;
	}
	npages = dmabuf->size >> PAGE_SHIFT;
	bus = kvmalloc_array(npages, sizeof(*bus), GFP_KERNEL);
	expect = kmalloc(EDU_DMA_BUF_SIZE, GFP_KERNEL);
	if (!bus || !expect) {
		ret = -ENOMEM;
		goto put;
	}

	attach = dma_buf_attach(dmabuf, args->importer == VDISPL_EDU_IMPORTER_UNBOUND ?
					&unbound->dev : &e->pdev->dev);
	if (IS_ERR(attach)) {
		ret = PTR_ERR(attach);
		goto put;
	}
	/*
	 * In 6.1, dma_buf_map_attachment() wants the reservation lock only
	 * when the importer or the exporter is dynamic; a static exporter
	 * (no pin/unpin, as vdispl-dmabuf) is called without it, as
	 * drm_gem_prime_import_dev() does. (6.2 made the lock mandatory and
	 * callers use the _unlocked variants.)
	 */
	sgt = dma_buf_map_attachment(attach, DMA_BIDIRECTIONAL);
	if (IS_ERR(sgt)) {
		ret = PTR_ERR(sgt);
		goto detach;
	}
	/* 6.1's dma_buf_vmap() takes dmabuf->lock itself. */
	ret = dma_buf_vmap(dmabuf, &map);
	if (ret)
		goto unmap;
	ret = dma_buf_begin_cpu_access(dmabuf, DMA_BIDIRECTIONAL);
	if (ret)
		goto vunmap;

	args->pages = sgt->orig_nents;
	ret = walk_pages(sgt, bus, npages, args);
	if (ret)
		goto end_access;
	dma_bytes = walk_segments(sgt, bus, dmabuf->size, args);
	if (dma_bytes < 0) {
		ret = dma_bytes;
		goto end_access;
	}
	*covered = dma_bytes;
	ret = check_segments(e, sgt, &map, expect, windows_per_segment, args);

end_access:
	/* The comparison is done: a sync failing now changes nothing in it. */
	if (dma_buf_end_cpu_access(dmabuf, DMA_BIDIRECTIONAL))
		pr_warn("fd %d: end_cpu_access failed\n", args->fd);
vunmap:
	dma_buf_vunmap(dmabuf, &map);
unmap:
	dma_buf_unmap_attachment(attach, sgt, DMA_BIDIRECTIONAL);
detach:
	dma_buf_detach(dmabuf, attach);
put:
	kfree(expect);
	kvfree(bus);
	dma_buf_put(dmabuf);
	return ret;
}

static int dev_open(struct inode *inode, struct file *file)
{
	/* The device DMAs wherever a dma-buf says: root's business only, whatever the mode. */
	return capable(CAP_SYS_ADMIN) ? 0 : -EPERM;
}

static long dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	struct vdispl_edu_check args;
	u64 covered = 0;
	int ret;

	if (cmd != VDISPL_EDU_CHECK_IOC)
		return -ENOTTY;
	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	/* Only the inputs come from user space. */
	args = (struct vdispl_edu_check){
		.fd = args.fd,
		.windows_per_segment = args.windows_per_segment,
		.importer = args.importer,
		.first_mismatch = U64_MAX,
	};

	ret = mutex_lock_interruptible(&check_lock);
	if (ret)
		return ret;
	if (!bound)
		ret = -ENODEV;
	else if (bound->stuck)
		ret = -EIO;
	else
		ret = check(bound, &args, &covered);
	mutex_unlock(&check_lock);

	pr_info("fd %d importer %u: result %d, pages %u dma_segments %u (covering %llu bytes) bus_runs %u segments_at_bus %u windows %u mismatches %u first_mismatch %lld bytes %llu\n",
		args.fd, args.importer, ret, args.pages, args.dma_segments, covered, args.bus_runs,
		args.segments_at_bus, args.windows, args.mismatches, (s64)args.first_mismatch,
		args.bytes);
	/* Partial counts say how far a failed check got. */
	if (copy_to_user(uarg, &args, sizeof(args)) && !ret)
		ret = -EFAULT;
	return ret;
}

static const struct file_operations dev_fops = {
	.owner = THIS_MODULE,
	.open = dev_open,
	.unlocked_ioctl = dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl, /* the struct has the same layout on 32 bits */
	.llseek = noop_llseek,
};

/* Registered at init; its ioctl says ENODEV until a device is bound. */
static struct miscdevice misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vdispl-edu-check",
	.fops = &dev_fops,
	.mode = 0600,
};

static int edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct edu *e;
	int ret;

	e = devm_kzalloc(&pdev->dev, sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->pdev = pdev;
	/* Managed (pcim/devm/dmam): a failed probe or a remove undoes it all. */
	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	pci_set_master(pdev);
	if (!(pci_resource_flags(pdev, EDU_BAR) & IORESOURCE_MEM) ||
	    pci_resource_len(pdev, EDU_BAR) < EDU_REGS_END)
		return -ENODEV;
	ret = pcim_iomap_regions(pdev, BIT(EDU_BAR), "vdispl-edu-check");
	if (ret)
		return ret;
	e->regs = pcim_iomap_table(pdev)[EDU_BAR];
	/* With -device edu,dma_mask=~0 the device reaches all memory: let the DMA API use it. */
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;
	/*
	 * As display controllers do: PCI's default of 64 KiB would make the
	 * exporter split bus-contiguous runs into more segments than a real
	 * importer sees.
	 */
	ret = dma_set_max_seg_size(&pdev->dev, UINT_MAX);
	if (ret)
		return ret;
	e->readback = dmam_alloc_coherent(&pdev->dev, EDU_DMA_BUF_SIZE, &e->readback_dma,
					  GFP_KERNEL);
	if (!e->readback)
		return -ENOMEM;
	/* A transfer left running (say by an earlier load that timed out) would ignore ours. */
	ret = edu_wait_idle(e);
	if (ret) {
		dev_err(&pdev->dev, "DMA engine busy, not binding\n");
		return -EBUSY;
	}
	pci_set_drvdata(pdev, e);

	mutex_lock(&check_lock);
	if (bound)
		ret = -EBUSY; /* one device is enough */
	else
		bound = e;
	mutex_unlock(&check_lock);
	if (!ret)
		dev_info(&pdev->dev, "bound, read-back buffer at DMA %pad\n",
			 &e->readback_dma);
	return ret;
}

static void edu_remove(struct pci_dev *pdev)
{
	struct edu *e = pci_get_drvdata(pdev);

	/* Waits for a running check to end; none starts afterwards. */
	mutex_lock(&check_lock);
	if (bound == e)
		bound = NULL;
	mutex_unlock(&check_lock);
	/*
	 * devres frees the read-back buffer and disables the device next:
	 * let any transfer end first, so it cannot write into freed memory.
	 */
	if (edu_wait_idle(e))
		dev_warn(&pdev->dev, "DMA still running at remove\n");
}

static const struct pci_device_id edu_ids[] = {
	{ PCI_DEVICE(EDU_VENDOR, EDU_DEVICE) },
	{ }
};
MODULE_DEVICE_TABLE(pci, edu_ids);

static struct pci_driver edu_driver = {
	.name = "vdispl-edu-check",
	.id_table = edu_ids,
	.probe = edu_probe,
	.remove = edu_remove,
};

static int __init vdispl_edu_check_init(void)
{
	int ret;

	/* As vkms makes its device: no firmware node, no DMA set up for it. */
	unbound = platform_device_register_simple("vdispl-edu-unbound", -1, NULL, 0);
	if (IS_ERR(unbound))
		return PTR_ERR(unbound);
	unbound->dev.dma_parms = &unbound_dma_parms;
	ret = dma_coerce_mask_and_coherent(&unbound->dev, DMA_BIT_MASK(64));
	if (!ret)
		ret = dma_set_max_seg_size(&unbound->dev, UINT_MAX);
	if (ret)
		goto err_unbound;
	ret = pci_register_driver(&edu_driver);
	if (ret)
		goto err_unbound;
	ret = misc_register(&misc);
	if (ret)
		goto err_pci;
	return 0;

err_pci:
	pci_unregister_driver(&edu_driver);
err_unbound:
	platform_device_unregister(unbound);
	return ret;
}

static void __exit vdispl_edu_check_exit(void)
{
	/* An open file pins the module, so no check runs by now. */
	misc_deregister(&misc);
	pci_unregister_driver(&edu_driver);
	platform_device_unregister(unbound);
}

module_init(vdispl_edu_check_init);
module_exit(vdispl_edu_check_exit);

MODULE_DESCRIPTION("vdispl lab test: QEMU's edu device DMAs from a dma-buf's DMA addresses");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
