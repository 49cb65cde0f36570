"""The headless output writes the guest's picture as PNG every N flips and
on SIGUSR2, and each file is the frame the guest flipped. With vdispl-dmabuf
loaded (as the lab has it) the guest's buffers are dma-bufs, so headless
reads them through the dma-buf's mmap, bracketed by DMA_BUF_IOCTL_SYNC."""

import os

# PV guests only: what it checks is Dom0's side (PNG files, the dma-buf's mmap), the same for
# either guest type; flips, zero_copy and be_alloc cover PVH guests
# (and each PVH run costs CI time).
GUEST_TYPES = ("pv",)

FRAMES = 100
EVERY = 50


def run(lab):
    r = lab.boot("headless", "id0:640x480", "vdispl-client --frames %d --keep" % FRAMES,
                 "headless.sh")
    summaries = lab.summaries(r.file("guest-console-guest.log"))
    lab.check_flips("headless", summaries[-1] if summaries else None, FRAMES)
    pngs = sorted(p for p in (r.result("pngs") or "").split(",") if p)
    want = ["dom1-vdispl0-0-%06d.png" % n for n in range(EVERY, FRAMES + 1, EVERY)]
    want.append("dom1-vdispl0-0-%06d-requested.png" % FRAMES)
    lab.ok(pngs == sorted(want), "headless: a PNG every %d flips, and one on SIGUSR2" % EVERY,
           "got %s, want %s" % (pngs, want))
    for name in want:
        path = r.file("headless-%s.gz" % name)
        # lab_send_file delivers the file itself; the name keeps its origin.
        if os.path.exists(path):
            os.replace(path, path[:-3])
        frame = int(name.split("-")[3][:6])
        match, message = lab.frame_check(path[:-3], frame, 0, "640x480")
        lab.ok(match, "headless: %s is frame %d, pixel for pixel" % (name, frame), message)
    status = dict(kv.split("=") for kv in (r.result("status") or "").split(",") if "=" in kv)
    lab.ok(int(status.get("zero_copy_dbufs", 0)) >= 1 and int(status.get("bytes_copied", 0)) > 0,
           "headless: the frames were read out of the module's dma-bufs (%s of them, %s octets "
           "copied)" % (status.get("zero_copy_dbufs"), status.get("bytes_copied")), status)
