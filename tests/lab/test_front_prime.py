"""PRIME with vdispl-front, both ways: a buffer of another DRM device (a
second vdispl device of the guest), drawn there and imported as a dma-buf,
shows on connector 0; a dumb buffer of ours, exported and drawn through the
dma-buf's own mapping, shows on connector 1. Dom0 shows both pictures pixel
for pixel.

(vgem would be the natural other device, but in this PV guest a process
drawing into a vgem dumb buffer through its mmap never finished, without
blocking in the kernel: measured, not explained.)"""

from vdispl_lab import session

FRONTENDS = ("vdispl",)

# The display device's two connectors, then the other device's one.
CONNECTORS = [("id0", 640, 480), ("id1", 800, 600), ("id2", 320, 240)]
IMPORT_FRAME, EXPORT_FRAME = 7, 9
CMD = """
i=0
while [ "$(ls /dev/dri | grep -c '^card')" != 2 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
# Which card is which: the display device has two connectors.
if [ -e /sys/class/drm/card0-Virtual-2 ]; then display=0 other=1; else display=1 other=0; fi
vdispl-prime-client --device /dev/dri/card$display --import-from /dev/dri/card$other \\
    --import-frame %d --export-frame %d
""" % (IMPORT_FRAME, EXPORT_FRAME)


def guest_cfg():
    """One guest, two vdispl devices: id0 and id1 on the first, id2 on the second."""
    cfg = session.guest_cfg(session.parse_connectors("id0:640x480;id1:800x600"))
    return cfg.replace("connectors=id0:640x480;id1:800x600' ]",
                       "connectors=id0:640x480;id1:800x600', "
                       "'backend=0,be-alloc=0,connectors=id2:320x240' ]")


def run(lab):
    spec = ";".join("%s:%dx%d" % c for c in CONNECTORS)
    cfg = guest_cfg()
    lab.ok("id2:320x240' ]" in cfg, "front-prime: the guest gets two vdispl devices", cfg)
    r = lab.boot("front-prime", spec, CMD, "run-scenario.sh",
                 dom0_files={"lab/guest.cfg": cfg},
                 domu_programs=[lab.binaries["vdispl-prime-client"]])
    console = lab.read(r.file("guest-console-guest.log"))
    for way, index, frame in (("import", 0, IMPORT_FRAME), ("export", 1, EXPORT_FRAME)):
        _uid, w, h = CONNECTORS[index]
        lab.ok("vdispl-prime-client: %s shown" % way in console,
               "front-prime: the %sed buffer is shown in the guest" % way, console[-1500:])
        match, message = lab.frame_check(r.file("final-head%d.png" % index), frame, index,
                                         "%dx%d" % (w, h))
        lab.ok(match, "front-prime: Dom0 shows the %sed buffer's picture %d pixel for pixel"
               % (way, frame), message)
