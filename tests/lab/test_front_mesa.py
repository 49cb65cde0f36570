"""Mesa in the guest with vdispl-front: vdispl-gl-client renders the test
picture with OpenGL ES through GBM and EGL (llvmpipe: software), with no
environment variables, on each of the backend's display outputs: through
KMS on Dom0's second display, and in a window of weston (Debian's, in Dom0,
on the first display) through the Wayland output. Dom0 shows its last frame
pixel for pixel on both. Mesa's packages go into the guest whole, with all
they depend on (--domu-pkg), LLVM included."""

import re

import labtest

FRONTENDS = ("vdispl",)

PACKAGES = ["libegl1", "libegl-mesa0", "libgles2", "libgbm1", "libgl1-mesa-dri"]
# Connector 0 in a window of weston on Dom0's first display, connector 1 on
# the second through KMS.
SIZES = ("640x480", "1024x768")
CONNECTORS = "id0:%s;id1:%s" % SIZES
INI = """[backend]
output = kms
drm-device = /dev/dri/card1

[*/id0]
output = wayland
"""
# Frames on connector 1 (KMS: long enough for two screendumps a second
# apart while it runs), then on connector 0 (Wayland).
FRAMES = (90, 20)
# Mesa reads these; the guest must need none of them.
CMD = """
echo "@@MESA-ENV $(env | grep -c -E '^(LIBGL|MESA|EGL|GBM|GALLIUM)_')"
vdispl-gl-client --connector 1 --frames %d --keep &&
vdispl-gl-client --connector 0 --frames %d --keep
""" % FRAMES

_SUMMARY = re.compile(r"vdispl-gl-client: summary (.*)$", re.M)
# What Mesa says when libdrm cannot describe the device (drm_xen_front's case).
_DEVICE_TROUBLE = re.compile(r"failed to retrieve device information|failed to find EGLDevice")


def run(lab):
    r = lab.boot("front-mesa", CONNECTORS, CMD, "mesa.sh", domu_pkgs=PACKAGES,
                 domu_programs=[lab.binaries["vdispl-gl-client"]], dom0_pkgs=["weston"],
                 dom0_files={"lab/backend.ini": INI})
    console = lab.read(r.file("guest-console-guest.log"))
    lab.ok("@@MESA-ENV 0" in console, "front-mesa: the guest sets none of Mesa's variables")
    device = re.search(r"vdispl-gl-client: device \S+: driver (\S+), bus (.*)$", console, re.M)
    lab.ok(device is not None and device.groups() == ("vdispl", "platform"),
           "front-mesa: libdrm describes the device (driver vdispl, platform bus)",
           device.group(0) if device else console[-1500:])
    renderer = re.search(r"vdispl-gl-client: renderer (.*)$", console, re.M)
    lab.ok(renderer is not None and renderer.group(1).startswith("llvmpipe"),
           "front-mesa: EGL starts and GL renders with llvmpipe",
           renderer.group(0) if renderer else console[-1500:])
    trouble = _DEVICE_TROUBLE.findall(console)
    lab.ok(not trouble, "front-mesa: Mesa finds its EGL device", "\n".join(trouble))
    summaries = [dict(kv.split("=", 1) for kv in m.split()) for m in _SUMMARY.findall(console)]
    for (what, size), frames, summary in zip((("KMS", SIZES[1]), ("Wayland", SIZES[0])),
                                             FRAMES, summaries + [{}] * 2):
        lab.ok(summary.get("flips") == str(frames) and summary.get("events") == str(frames)
               and summary.get("size") == size,
               "front-mesa: through %s, %d GL frames of %s flipped, each with its event"
               % (what, frames, size), summary or console[-1500:])
    match, message = lab.frame_check(r.file("final-head1.png"), FRAMES[0], 0, SIZES[1])
    lab.ok(match, "front-mesa: Dom0's KMS display shows the GL client's frame %d pixel for pixel"
           % FRAMES[0], message)
    found, message = lab.find_frame(r.file("final-head0.png"), FRAMES[1], 0, SIZES[0])
    lab.ok(found, "front-mesa: weston's screen shows the GL client's frame %d in a window, "
           "every pixel equal (the Wayland output)" % FRAMES[1], message)
    lab.echo("front-mesa: %s" % message)
    # The picture moves, and is not black, while Mesa renders.
    shots = [r.file("moving-%d-head1.png" % i) for i in (1, 2)]
    try:
        pictures = [labtest.read_png(path)[2] for path in shots]
    except (OSError, ValueError) as e:
        lab.ok(False, "front-mesa: two screendumps while the GL client renders", str(e))
        return
    lit = [sum(n for c, n in labtest.colours(rows).items() if c != (0, 0, 0))
           for rows in pictures]
    moved = labtest.pixels_differing(*pictures)
    lab.ok(min(lit) > 0 and moved > 0,
           "front-mesa: the GL client's picture moves on Dom0's display (%d pixels changed in "
           "a second, %d and %d pixels not black)" % (moved, lit[0], lit[1]))
