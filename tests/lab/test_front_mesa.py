"""Mesa in the guest with vdispl-front: vdispl-gl-client renders the test
picture with OpenGL ES through GBM and EGL (llvmpipe: software), with no
environment variables, and Dom0 shows its last frame pixel for pixel.
Mesa's packages go into the guest whole, with all they depend on
(--domu-pkg), LLVM included."""

import re

FRONTENDS = ("vdispl",)

PACKAGES = ["libegl1", "libegl-mesa0", "libgles2", "libgbm1", "libgl1-mesa-dri"]
FRAMES = 30
# Mesa reads these; the guest must need none of them.
CMD = """
echo "@@MESA-ENV $(env | grep -c -E '^(LIBGL|MESA|EGL|GBM|GALLIUM)_')"
vdispl-gl-client --frames %d --keep
""" % FRAMES

_SUMMARY = re.compile(r"vdispl-gl-client: summary (.*)$", re.M)
# What Mesa says when libdrm cannot describe the device (drm_xen_front's case).
_DEVICE_TROUBLE = re.compile(r"failed to retrieve device information|failed to find EGLDevice")


def run(lab):
    r = lab.boot("front-mesa", "id0:1024x768", CMD, "run-scenario.sh", domu_pkgs=PACKAGES,
                 domu_programs=[lab.binaries["vdispl-gl-client"]])
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
    m = _SUMMARY.search(console)
    summary = dict(kv.split("=", 1) for kv in m.group(1).split()) if m else {}
    lab.ok(summary.get("flips") == str(FRAMES) and summary.get("events") == str(FRAMES),
           "front-mesa: %d GL frames flipped, each with its event" % FRAMES,
           summary or console[-1500:])
    match, message = lab.frame_check(r.file("final-head0.png"), FRAMES, 0, "1024x768")
    lab.ok(match, "front-mesa: Dom0 shows the GL client's frame %d pixel for pixel" % FRAMES,
           message)
