"""The Dom0 module on real Xen: load/unload cycles, root only, and a guest's
grants exported as dma-bufs: bus segments as few as the guest's memory
allows, the CPU view through mmap, QEMU's edu device DMAing every segment,
refusals that leave nothing mapped, caps, release, clean logs."""

import re

# The guest runs a test module that shares pages itself: no display frontend.
FRONTENDS = ("mainline",)
# On arm64 too, where Dom0's frames are not the guest's either (the seeds' case).
ARCHES = {"amd64": None, "arm64": ("pvh", "vdispl")}

# Two 2 MiB blocks; scattered pages; a block and one page; a 1080p XRGB frame.
BUFFERS = "contig:1024,scattered:64,contig:513,contig:2025"
CMD = ("insmod /lab/modules/vdispl-grant-test.ko buffers=%s && echo @@GRANTS-READY; "
       "sleep 100000" % BUFFERS)
CHUNK_PAGES = 512


def _lines(text, word):
    """{index: {key: value}} of the tool's "<word> <index> k=v ..." lines."""
    found = {}
    for line in text.splitlines():
        m = re.match(r"^%s (\d+) (.*)$" % word, line)
        if m:
            found[int(m.group(1))] = dict(kv.split("=", 1) for kv in m.group(2).split()
                                          if "=" in kv)
    return found


def _misuse(text):
    found = {}
    for line in text.splitlines():
        m = re.match(r"^misuse (\w+) (.*)$", line)
        if m:
            found[m.group(1)] = dict(kv.split("=", 1) for kv in m.group(2).split() if "=" in kv)
    return found


def run(lab):
    r = lab.boot("dmabuf", "id0:640x480", CMD, "dmabuf.sh", dom0_programs=["vdispl-dmabuf-check"])
    lab.ok(r.result("load-cycles") == "10", "dmabuf: the module loaded and unloaded 10 times",
           r.result("load-cycles"))
    lab.ok(r.result("trouble-after-cycles") == "0",
           "dmabuf: no oops, BUG or WARN after the load cycles", r.result("trouble-after-cycles"))
    nonroot = r.results.get("nonroot", [])
    lab.ok("nonroot mode=default errno=EACCES" in nonroot,
           "dmabuf: a non-root process cannot open the device (mode 0600)", nonroot)
    lab.ok("nonroot mode=0666 errno=EPERM" in nonroot,
           "dmabuf: nor with the node made world-writable (capability check)", nonroot)

    log = lab.read(r.file("dmabuf-check.log"))
    lab.ok(r.result("check-rc") == "0", "dmabuf: vdispl-dmabuf-check ran", log[-2000:])
    buffers, ranges = _lines(log, "buffer"), _lines(log, "ranges")
    cpu, edu, after, released = (_lines(log, w) for w in ("cpu", "edu", "after", "released"))
    unbound = _lines(log, "edu-unbound")
    kinds = BUFFERS.split(",")
    lab.ok(len(buffers) == len(kinds), "dmabuf: %d guest buffers exported" % len(kinds), buffers)
    for i, spec in enumerate(kinds):
        kind, pages = spec.split(":")
        b, c, e, a = buffers.get(i, {}), cpu.get(i, {}), edu.get(i, {}), after.get(i, {})
        name = "dmabuf: buffer %d (%s, %s pages)" % (i, kind, pages)
        lab.ok(b.get("export") == "0" and b.get("pages") == pages, name + " exported", b)
        if lab.guest_type == "pv":
            lab.ok(b.get("bus_segments") is not None and
                   b.get("bus_segments") == b.get("guest_machine_runs") and
                   ranges.get(i, {}).get("segments") == b.get("bus_segments"),
                   name + ": %s bus segments, the guest's own count of machine runs"
                   % b.get("bus_segments"), (b, ranges.get(i)))
        else:
            # An auto-translated guest only sees its own frames: each run of
            # them is one machine run or more, never fewer.
            lab.ok(b.get("bus_segments") is not None and
                   int(b.get("bus_segments")) >= int(b.get("guest_machine_runs", 1 << 30)) and
                   ranges.get(i, {}).get("segments") == b.get("bus_segments"),
                   name + ": %s bus segments over the guest's %s runs of its own frames"
                   % (b.get("bus_segments"), b.get("guest_machine_runs")), (b, ranges.get(i)))
        if kind == "contig":
            fewest = (int(pages) + CHUNK_PAGES - 1) // CHUNK_PAGES
            lab.ok(b.get("bus_segments") == str(fewest),
                   name + ": one segment per 2 MiB block (%d)" % fewest, b)
        lab.ok(c.get("mmap") == "ok" and c.get("sync") == "0" and c.get("mismatches") == "0",
               name + ": mmap of the dma-buf reads the guest's pattern, every word", c)
        lab.ok(e.get("result") == "0" and e.get("mismatches") == "0" and
               int(e.get("windows", 0)) >= int(e.get("dma_segments", 1)) > 0,
               name + ": edu DMA'd %s windows of its %s DMA segments, all equal to the CPU view"
               % (e.get("windows"), e.get("dma_segments")), e)
        lab.ok(e.get("dma_segments") is not None and e.get("dma_segments") == b.get("bus_segments") and
               e.get("bus_runs") == b.get("bus_segments") and
               e.get("segments_at_bus") == e.get("dma_segments"),
               name + ": the importer got one DMA segment per bus run, each at its bus address "
               "(counted by the test module itself)", (b, e))
        u = unbound.get(i, {})
        lab.ok(u.get("result") == "0" and u.get("mismatches") == "0" and
               u.get("dma_segments") == b.get("bus_segments") and
               u.get("segments_at_bus") == u.get("dma_segments") and
               int(u.get("windows", 0)) >= int(u.get("dma_segments", 1)) > 0,
               name + ": imported for a device no driver set DMA up for, the same %s segments "
               "at their bus addresses; edu DMA'd from them the CPU view" % u.get("dma_segments"),
               u)
        lab.ok(a.get("attachments") == "0" and a.get("vmaps") == "0" and a.get("mmaps") == "0"
               and int(a.get("cpu_accesses", 0)) >= 2,
               name + ": importer and mappings gone, CPU access bracketed", a)
        lab.ok(released.get(i, {}).get("result") == "0", name + ": released once closed",
               released.get(i))

    # The seeds' trap: on arm a device without Xen's DMA ops gets a foreign
    # page's Dom0 pfn from the DMA API; the module hands it the bus address.
    # An x86 PV Dom0 gives every device Xen's ops: nothing to correct.
    corrected = re.findall(r"vdispl-edu-unbound: vdispl-dmabuf: buffer \d+: no Xen DMA ops here",
                           lab.read(r.file("dom0-dmesg.log")))
    if lab.arch.name == "arm64":
        lab.ok(len(corrected) == len(kinds),
               "dmabuf: the seeds' trap: the DMA API gave the unbound device Dom0 pfns for all "
               "%d buffers, and vdispl-dmabuf handed it bus addresses instead" % len(kinds),
               "%d such lines in Dom0's dmesg" % len(corrected))
    else:
        lab.ok(not corrected, "dmabuf: on x86 every Dom0 device has Xen's DMA ops: no address "
               "needed correcting", corrected)

    check_share(lab, r)
    check_frames(lab, r)

    m = _misuse(log)
    bad = m.get("bad_ref", {})
    lab.ok(bad.get("errno") == "ENOENT" and bad.get("failed") == m.get("bad_ref_at", {})
           .get("index") and bad.get("pages_after") == "0",
           "dmabuf: a bad reference after a whole mapped batch is refused and nothing stays "
           "mapped", bad)
    lab.ok(m.get("writable", {}).get("errno") not in (None, "0") and
           m.get("writable", {}).get("pages_after") == "0",
           "dmabuf: read-only grants are not exported writable", m.get("writable"))
    lab.ok(m.get("no_domain", {}).get("errno") == "ESRCH", "dmabuf: an absent domain is ESRCH",
           m.get("no_domain"))
    lab.ok(m.get("buffer_cap", {}).get("errno") == "EINVAL",
           "dmabuf: the per-buffer page cap is enforced", m.get("buffer_cap"))
    lab.ok(m.get("file_cap_first", {}).get("errno") == "0" and
           m.get("file_cap_second", {}).get("errno") == "ENOSPC",
           "dmabuf: the per-file page cap is enforced", (m.get("file_cap_first"),
                                                       m.get("file_cap_second")))
    lab.ok(m.get("done", {}).get("pages_after") == "0" and "stats result=0 buffers=0 pages=0"
           in log, "dmabuf: nothing left exported at the end", m.get("done"))
    hold = lab.read(r.file("dmabuf-hold.log"))
    lab.ok("hold ready" in hold and r.result("domains-while-held") == "1",
           "dmabuf: a guest destroyed while its buffer is exported lingers while we map it",
           (r.result("domains-while-held"), hold))
    lab.ok(re.search(r"^hold-cpu 0 mmap=ok sync=0 words=\d+ mismatches=0 ", hold, re.M) and
           "hold released result=0" in hold,
           "dmabuf: our mapping still reads the dead guest's pages, then releases them", hold)
    lab.ok(r.result("unload-after") == "yes", "dmabuf: the module unloads once all is released")
    lab.ok(r.result("kernel-trouble") == "0", "dmabuf: Dom0's log shows no oops, BUG or WARN",
           r.result("kernel-trouble"))
    lab.ok(r.result("domains-left") == "0", "dmabuf: the dead guest is freed once released",
           r.result("domains-left"))
    lab.ok(r.result("xen-trouble") == "0", "dmabuf: Xen's log shows no grant trouble",
           r.result("xen-trouble"))


def check_share(lab, r):
    """be-alloc's buffer: Dom0's pages, one contiguous block where Dom0 is
    direct-mapped (arm64), granted to the guest; one DMA segment for an
    importer there, as drm_gem_dma_prime_import_sg_table() demands."""
    log = lab.read(r.file("dmabuf-share.log"))
    share = _lines(log, "share").get(0, {})
    cpu = _lines(log, "share-cpu").get(0, {})
    edu = _lines(log, "share-edu").get(0, {})
    unbound = _lines(log, "share-edu-unbound").get(0, {})
    arm = lab.arch.name == "arm64"
    lab.ok(r.result("share-rc") == "0" and share.get("result") == "0" and
           share.get("contiguous") == ("yes" if arm else "no"),
           "dmabuf: share: Dom0 allocated a 3 MiB buffer for the guest, %s" % (
               "one contiguous block from its CMA" if arm else
               "single pages (a PV Dom0 has no machine-contiguous blocks)"), log[-1500:])
    if arm:
        lab.ok(share.get("bus_segments") == "1",
               "dmabuf: share: the block is one bus segment (Dom0 is direct-mapped)", share)
    lab.ok(cpu.get("mmap") == "ok" and cpu.get("mismatches") == "0",
           "dmabuf: share: written and read back through the dma-buf's mmap", cpu)
    for name, e in (("the edu device", edu), ("an unbound device", unbound)):
        lab.ok(e.get("result") == "0" and e.get("mismatches") == "0" and
               e.get("dma_segments") == share.get("bus_segments") and
               e.get("segments_at_bus") == e.get("dma_segments"),
               "dmabuf: share: imported for %s as %s DMA segment(s) at their bus addresses; "
               "edu DMA'd the written data" % (name, e.get("dma_segments")), e)


FRAMES = 8  # tools/dmabuf-check/main.c


def check_frames(lab, r):
    """The guest redraws its buffers 8 times; after each, Dom0's CPU view of
    every buffer, contiguous or scattered, must be that frame, and so must
    the edu device's DMA of one of them, in turn: no stale page or line."""
    log = lab.read(r.file("dmabuf-frames.log"))
    drawn = _lines(log, "frame")
    kinds = BUFFERS.split(",")
    for i, spec in enumerate(kinds):
        cpu, edu = _lines(log, "frame-cpu-%d" % i), _lines(log, "frame-edu-%d" % i)
        frames = range(1, FRAMES + 1)
        by_edu = [f for f in frames if (f - 1) % len(kinds) == i]
        good_cpu = [f for f in frames if drawn.get(f, {}).get("drawn") == "0" and
                    cpu.get(f, {}).get("mismatches") == "0" and cpu.get(f, {}).get("sync") == "0"]
        good_edu = [f for f in by_edu if edu.get(f, {}).get("result") == "0" and
                    edu.get(f, {}).get("mismatches") == "0"]
        lab.ok(r.result("frames-rc") == "0" and len(good_cpu) == FRAMES and
               good_edu == by_edu and sorted(edu) == by_edu,
               "dmabuf: buffer %d (%s) exported once, redrawn %d times by the guest; after "
               "each, Dom0's CPU view held that frame, every word (%d good), and after frames "
               "%s the edu device DMA'd the same (%d good)"
               % (i, spec, FRAMES, len(good_cpu), by_edu, len(good_edu)), log[-1500:])
