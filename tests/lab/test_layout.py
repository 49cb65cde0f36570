"""A layout on KMS: connectors of two guests on one display. First on the
bochs display, which has one plane: the backend composes by copy. Then on
vkms with overlay planes: each region on a plane of its own, the guests'
buffers scanned out as they are (0 bytes copied), captured by writeback.
Both guests flip at once; the screen equals, pixel for pixel, the picture
made here from each guest's last frame in its region, the higher z-order on
top where the regions overlap, black elsewhere. When one guest is
destroyed, its region goes black and the other guest's picture stays."""

import os

from vdispl_lab import session

import labtest

# The display does not depend on the guest's driver: the mainline one will do.
FRONTENDS = ("mainline",)

# (name, connector size, frames, position, z-order, region size): guest2
# overlaps guest's bottom right corner by 80x80, above it, and its region
# is 40 rows shorter than its connector, so its picture is cut.
GUESTS = (("guest", (640, 480), 300, (0, 0), 0, None),
          ("guest2", (320, 240), 200, (560, 400), 1, (320, 200)))
REGIONS = "".join(
    "[%s/id0]\nposition = %d,%d\nz-order = %d\n%s" % (
        name, pos[0], pos[1], z, "size = %dx%d\n" % region if region else "")
    for name, _, _, pos, z, region in GUESTS)
INI = "[backend]\noutput = kms\ndrm-device = /dev/dri/card0\n" + REGIONS
# The scenario puts vkms's device in.
INI_VKMS = "[backend]\noutput = kms\ndrm-device = @VKMS@\npng-dir = /tmp/shots\n" + REGIONS
CMD = ("f=$(sed -n 's/.*lab_frames=\\([0-9]*\\).*/\\1/p' /proc/cmdline); "
       "vdispl-client --frames ${f:-%d} --quiet --keep" % GUESTS[0][2])


def _connectors(size):
    return "id0:%dx%d" % size


def _check_screen(lab, r, shot, guests, what):
    path = r.file(shot)
    if not os.path.exists(path):
        lab.ok(False, "layout: %s: a screendump" % what, "no %s" % path)
        return
    width, height, rows = labtest.read_png(path)
    expected = lab.screen_of_frames(os.path.dirname(path), (width, height), [
        (name, size, frames, pos, region) for name, size, frames, pos, _, region in guests])
    differing = labtest.pixels_differing(rows, expected)
    lab.ok(differing == 0, "layout: %s: the %dx%d screen is exactly %s" % (
        what, width, height, ", ".join("%s's frame %d at %d,%d%s" % (
            g[0], g[2], g[3][0], g[3][1], " cut to %dx%d" % g[5] if g[5] else "")
            for g in guests) + " on black"),
        "%d pixels differ" % differing)


def run(lab):
    guest2 = GUESTS[1]
    cfg = lab.guest_cfg(session.parse_connectors(_connectors(guest2[1])), name=guest2[0],
                        kernel_args="lab_frames=%d" % guest2[2])
    r = lab.boot("layout", _connectors(GUESTS[0][1]), CMD, "layout.sh",
                 dom0_files={"lab/guest2.cfg": cfg, "lab/backend.ini": INI,
                             "lab/backend-vkms.ini": INI_VKMS})
    # Each guest runs twice: on bochs, then on vkms.
    for name, _, frames, _, _, _ in GUESTS:
        summaries = lab.summaries(r.file("guest-console-%s.log" % name))
        lab.ok(len(summaries) == 2, "layout: %s ran on both displays" % name,
               "%d summaries" % len(summaries))
        for where, summary in zip(("bochs", "vkms"), summaries):
            lab.check_flips("layout: %s on %s, beside the other" % (name, where), summary,
                            frames)
    backend_log = lab.read(r.file("backend.log"))
    lab.ok("a layout of " in backend_log and backend_log.count("region ") >= 2,
           "layout: the backend composed both guests' regions on one display",
           backend_log[-1500:])
    _check_screen(lab, r, "together-head0.png", GUESTS, "both guests")
    lab.ok(r.result("backend-alive") == "yes", "layout: the backend survived a guest's destroy")
    _check_screen(lab, r, "alone-head0.png", GUESTS[:1], "guest2 destroyed")

    # On vkms's overlay planes.
    planes = labtest.backend_status(r.result("planes"))
    lab.ok(int(planes.get("flips", 0)) >= GUESTS[0][2] + GUESTS[1][2] and
           int(planes.get("zero_copy_dbufs", 0)) >= 2 and planes.get("bytes_copied") == "0",
           "layout: on vkms both guests' flips were shown from their own buffers, 0 bytes "
           "copied", planes)
    lab.ok(backend_log.count("a plane of its own") >= 2,
           "layout: on vkms each region had an overlay plane of its own")
    _check_screen(lab, r, "planes.png", GUESTS, "on vkms's planes, captured by writeback")
    lab.ok(r.result("planes-backend-alive") == "yes",
           "layout: the backend survived a guest's destroy on vkms")
    _check_screen(lab, r, "planes-alone.png", GUESTS[:1],
                  "on vkms's planes, guest2 destroyed")
