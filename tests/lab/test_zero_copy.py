"""Zero-copy: the frontend's frames go from the guest's own pages to
vkms's scanout through vdispl-dmabuf, with nothing copied; vkms's
writeback capture equals the guest's frame pixel for pixel. The guest is
then destroyed while its buffer is on screen: the backend leaves the plane,
the module unmaps once vkms lets go, nothing stays mapped, Xen frees the
domain, and the next guest works."""

import re

from vdispl_lab import session

import labtest

# PV guests on amd64; auto-translated guests (PVH, whose grants name guest
# frames, not machine ones) on arm64, where they boot three times faster.
# Dom0's side is the same for both kinds of guest on amd64.
ARCHES = {"amd64": [("pv", "mainline"), ("pv", "vdispl")],
          "arm64": [("pvh", "mainline"), ("pvh", "vdispl")]}

FRAMES = 300
FRAMES_SECOND = 20
CMD = ("f=$(sed -n 's/.*lab_frames=\\([0-9]*\\).*/\\1/p' /proc/cmdline); "
       "vdispl-client --frames ${f:-%d} --keep" % FRAMES)
_ZERO_COPY = re.compile(r"(dom\d+)/vdispl\d+: (dbuf \S+): (\d+) pages, zero-copy through module: "
                        r"dma-buf (\d+), (\d+) bus segments")


def run(lab):
    connectors = session.parse_connectors("id0:1024x768")
    guest2 = lab.guest_cfg(connectors, name="guest2",
                               kernel_args="lab_frames=%d" % FRAMES_SECOND)
    r = lab.boot("zero-copy", "id0:1024x768", CMD, "zero-copy.sh",
                 dom0_files={"lab/guest2.cfg": guest2})
    summaries = lab.summaries(r.file("guest-console-guest.log"))
    lab.check_flips("zero-copy", summaries[-1] if summaries else None, FRAMES)
    shown = labtest.backend_status(r.result("shown"))
    lab.ok(int(shown.get("zero_copy_dbufs", 0)) >= 1 and shown.get("bytes_copied") == "0" and
           int(shown.get("flips", 0)) >= FRAMES,
           "zero-copy: %s flips shown from %s zero-copy buffers, 0 bytes copied"
           % (shown.get("flips"), shown.get("zero_copy_dbufs")), shown)
    backend_log = lab.read(r.file("backend.log"))
    buffers = _ZERO_COPY.findall(backend_log)
    lab.ok(len(buffers) >= 2 and "scanned out from the guest's dma-buf" in backend_log,
           "zero-copy: the frontend's buffers were imported by vkms as dma-bufs",
           backend_log[-1500:])
    for dom, name, pages, dmabuf, segments in buffers:
        print("# zero-copy: %s %s of the %s frontend: %s pages, %s bus segments"
              % (dom, name, lab.frontend, pages, segments))
    if lab.frontend == "vdispl":
        # 1024x768 XRGB is 3 MiB: two 2 MiB blocks, each one machine run.
        # At most 2: two blocks are now and then machine-adjacent (seen once).
        lab.ok(buffers and all(b[4] in ("1", "2") for b in buffers),
               "zero-copy: each of vdispl-front's buffers reaches vkms as 2 DMA segments or "
               "fewer",
               buffers)
    if lab.arch.name == "arm64":
        # vkms's platform device has no Xen DMA ops on arm (the seeds' trap).
        lab.ok("platform vkms: vdispl-dmabuf: buffer " in lab.read(r.file("dom0-dmesg.log"))
               and "no Xen DMA ops here" in lab.read(r.file("dom0-dmesg.log")),
               "zero-copy: vkms's device has no Xen DMA ops; vdispl-dmabuf handed it the bus "
               "addresses, not the Dom0 pfns the DMA API gave")
    first_guest = [b for b in buffers if b[0] == buffers[0][0]] if buffers else []
    match, message = lab.frame_check(r.file("first.png"), FRAMES, 0, "1024x768")
    lab.ok(match, "zero-copy: vkms's writeback capture is frame %d, pixel for pixel" % FRAMES,
           message)
    lab.ok(r.result("rmmod-while-exported") == "refused",
           "zero-copy: the module cannot be unloaded while its dma-bufs are in use",
           r.result("rmmod-while-exported"))

    after = labtest.backend_status(r.result("after-destroy"))
    lab.ok(r.result("backend-alive") == "yes", "zero-copy: the backend survived xl destroy")
    lab.ok(after.get("grants_mapped") == "0" and after.get("devices") == "0" and
           int(after.get("dmabuf_releases", 0)) >= len(first_guest) > 0,
           "zero-copy: destroyed while on screen: every dma-buf released, 0 grants mapped",
           after)
    lab.ok(r.result("domains-left") == "0", "zero-copy: Xen freed the destroyed domain",
           r.result("domains-left"))
    summaries = lab.summaries(r.file("guest-console-guest2.log"))
    lab.check_flips("zero-copy: next guest", summaries[-1] if summaries else None,
                    FRAMES_SECOND)
    match, message = lab.frame_check(r.file("second.png"), FRAMES_SECOND, 0, "1024x768")
    lab.ok(match, "zero-copy: the next guest's frame %d is scanned out, pixel for pixel"
           % FRAMES_SECOND, message)
    second = labtest.backend_status(r.result("second"))
    lab.ok(second.get("bytes_copied") == "0", "zero-copy: still nothing copied", second)
    lab.ok(r.result("kernel-trouble") == "0", "zero-copy: Dom0's log shows no oops, BUG or WARN",
           r.result("kernel-trouble"))
    lab.ok(r.result("xen-trouble") == "0", "zero-copy: Xen's log shows no grant trouble",
           r.result("xen-trouble"))
