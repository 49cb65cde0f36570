"""vdispl-front with 8 connectors of different sizes on one guest: each
connector's picture reaches its own headless output pixel for pixel, the
guest lists the modes of the EDID the backend gave each connector, and the
guest's debugfs and Dom0's vdispl-dmabuf agree on every buffer's DMA
segments: ceil(size / 2 MiB), the fewest a PV guest's memory allows."""

import os
import re

FRONTENDS = ("vdispl",)

FRAMES = 30
# Buffers of one to three 2 MiB blocks.
CONNECTORS = [("id0", 640, 480), ("id1", 800, 600), ("id2", 1024, 768), ("id3", 1280, 720),
              ("id4", 1280, 1024), ("id5", 720, 576), ("id6", 1152, 864), ("id7", 1440, 904)]
BLOCK = 2 << 20
CMD = """
vdispl-client --frames %d --keep --quiet
for c in /sys/class/drm/card0-Virtual-*; do
    n=${c##*-}
    echo "@@MODES $n $(tr '\\n' ' ' < $c/modes)"
    echo "@@EDID $n $(cat $c/edid | od -An -tx1 -v | tr -d ' \\n')"
done
sed 's/^/@@DEBUGFS /' /sys/kernel/debug/vdispl-0/buffers
""" % FRAMES

_MODES = re.compile(r"@@MODES (\d+) (.*)$")
_EDID = re.compile(r"@@EDID (\d+) ([0-9a-f]*)")
_DEBUGFS = re.compile(r"@@DEBUGFS dbuf (\d+) size (\d+) pages (\d+) mem (\S+) phys_runs (\d+) "
                      r"machine_runs (\d+)")
_DOM0 = re.compile(r"dbuf (0x[0-9a-f]+): (\d+) pages, zero-copy through module: dma-buf \d+, "
                   r"(\d+) bus segments")


def edid_facts(blob):
    """(width, height, monitor name) of an EDID block's first detailed
    timing and name descriptor, or None when it is no EDID."""
    if len(blob) < 128 or blob[:8] != bytes.fromhex("00ffffffffffff00") or sum(blob[:128]) % 256:
        return None
    dtd = blob[54:72]
    width = dtd[2] | (dtd[4] & 0xF0) << 4
    height = dtd[5] | (dtd[7] & 0xF0) << 4
    name = None
    for at in range(54, 126, 18):
        d = blob[at:at + 18]
        if d[:3] == b"\0\0\0" and d[3] == 0xFC:
            name = d[5:18].split(b"\n")[0].decode("ascii", "replace").strip()
    return width, height, name


def run(lab):
    spec = ";".join("%s:%dx%d" % c for c in CONNECTORS)
    r = lab.boot("front-connectors", spec, CMD, "connectors.sh")
    console = lab.read(r.file("guest-console-guest.log")).splitlines()
    summaries = {s["connector"]: s for s in lab.summaries(r.file("guest-console-guest.log"))}
    modes = dict(m.groups() for m in map(_MODES.search, console) if m)
    edids = dict(m.groups() for m in map(_EDID.search, console) if m)
    pngs = set(p for p in (r.result("pngs") or "").split(",") if p)

    for index, (uid, w, h) in enumerate(CONNECTORS):
        name = "front-connectors %s" % uid
        size = "%dx%d" % (w, h)
        lab.check_flips(name, summaries.get(str(index)), FRAMES)
        # DRM names virtual connectors from 1 in the order they were made.
        listed = (modes.get(str(index + 1)) or "").split()
        facts = edid_facts(bytes.fromhex(edids.get(str(index + 1), "")))
        lab.ok(facts == (w, h, "vdispl %d" % index) and listed[:1] == [size],
               "%s: the guest has the backend's EDID (\"vdispl %d\", %s) and lists its mode "
               "first" % (name, index, size), "EDID %s, modes %s" % (facts, listed))
        png = "dom1-vdispl0-%d-%06d.png" % (index, FRAMES)
        path = r.file("connectors-%s.gz" % png)
        # lab_send_file delivers the file itself; the name keeps its origin.
        if os.path.exists(path):
            os.replace(path, path[:-3])
        match, message = lab.frame_check(path[:-3], FRAMES, index, size)
        lab.ok(png in pngs and match, "%s: its own headless output has its frame %d, %s, pixel "
               "for pixel" % (name, FRAMES, size), message)

    guest = {int(m.group(1)): m.groups()[1:] for m in map(_DEBUGFS.search, console) if m}
    dom0 = {int(c, 16): (pages, segments) for c, pages, segments in
            _DOM0.findall(lab.read(r.file("backend.log")))}
    lab.ok(len(guest) == 2 * len(CONNECTORS) and set(guest) == set(dom0),
           "front-connectors: the guest's debugfs and Dom0 list the same %d buffers"
           % len(guest), "guest %s, dom0 %s" % (sorted(guest), sorted(dom0)))
    for cookie in sorted(guest):
        size, pages, mem, _phys, machine = guest[cookie]
        want = -(-int(size) // BLOCK)
        got = dom0.get(cookie, ("?", "?"))
        print("# front-connectors: dbuf %d: %s octets from %s, %s machine runs in the guest, "
              "%s bus segments in Dom0" % (cookie, size, mem, machine, got[1]))
        lab.ok(mem == "2MiB-blocks" and machine == got[1] == str(want) and pages == got[0],
               "front-connectors: dbuf %d (%s octets, 2 MiB blocks): %d DMA segments, the same "
               "in the guest's debugfs and in Dom0" % (cookie, size, want),
               "guest %s, dom0 %s" % (guest[cookie], got))
