"""Debian's kmscube (GBM, EGL, llvmpipe through Mesa's kms_swrast) in the
guest, with each frontend, as a new user would run it: first as it is,
which finds vdispl-front's device but none of drm_xen_front's (libdrm
cannot describe a device on the xen bus), then with -D naming the device.

Why kmscube's first modeset fails with EINVAL on the mainline frontend
while DBUF_CREATE and FB_ATTACH reach the backend and no SET_CONFIG does:
kms_swrast's buffers have no modifier, so GBM reports
DRM_FORMAT_MOD_INVALID, and bookworm's kmscube passes that value as an
explicit modifier (DRM_MODE_FB_MODIFIERS). drm_xen_front's fb_create takes
any modifier and attaches the framebuffer at the backend; the DRM core
then refuses the modeset ("Invalid pixel format XR24, modifier
0xffffffffffffff") before the driver sees it. vdispl-front refuses a
modifier other than LINEAR when the framebuffer is made, kmscube retries
without one, and it runs."""

import re

import labtest

FRONTENDS = ("mainline", "vdispl")

FRAMES = 30
# The DRM core's reasons (drm.debug's KMS messages) go to the console too.
CMD = """
kmscube -c 10 2>&1 | grep -E 'Rendered|no drm device' | sed 's/^/@@PLAIN /'
echo 0x4 > /sys/module/drm/parameters/debug
kmscube -D /dev/dri/card0 -c %d 2>&1 | grep -E 'Rendered|failed|Modifiers' | sed 's/^/@@KMSCUBE /'
echo 0 > /sys/module/drm/parameters/debug
dmesg | grep -E 'drm_mode_setcrtc.*Invalid' | sed 's/^/@@DRM /'
""" % FRAMES


def run(lab):
    r = lab.boot("front-kmscube", "id0:1024x768", CMD, "kmscube.sh",
                 domu_pkgs=["kmscube", "libgl1-mesa-dri"])
    console = lab.read(r.file("guest-console-guest.log"))
    plain = "\n".join(re.findall(r"^@@PLAIN (.*)$", console, re.M))
    kmscube = re.findall(r"^@@KMSCUBE (.*)$", console, re.M)
    core = re.findall(r"^@@DRM .*drm_mode_setcrtc.*\] (.*)$", console, re.M)
    set_configs = len(re.findall(r"SET_CONFIG id \d+ ok", lab.read(r.file("backend.log"))))
    status = labtest.backend_status(r.result("status"))
    # kmscube reports the frames of each 2 s and of the rest: the first may
    # be 0 while llvmpipe compiles its shaders under emulation.
    reports = re.findall(r"Rendered (\d+) frames", "\n".join(kmscube))
    rendered = sum(int(n) for n in reports) if reports else None
    if lab.frontend == "mainline":
        lab.ok("no drm device found" in plain,
               "front-kmscube: mainline: kmscube alone finds no DRM device", plain)
        lab.ok("failed to set mode: Invalid argument" in kmscube and not reports,
               "front-kmscube: mainline: kmscube's first modeset fails with EINVAL",
               "\n".join(kmscube) or console[-1500:])
        lab.ok(any(re.search(r"Invalid pixel format .* modifier 0xffffffffffffff", c)
                   for c in core),
               "front-kmscube: mainline: the DRM core refused it for the framebuffer's "
               "modifier DRM_FORMAT_MOD_INVALID", "\n".join(core) or console[-1500:])
        lab.ok(set_configs == 0 and int(status.get("flips", -1)) == 0,
               "front-kmscube: mainline: no SET_CONFIG and no flip reached the backend "
               "(%d, %s)" % (set_configs, status.get("flips")))
    else:
        lab.ok(re.search(r"Rendered \d+ frames", plain),
               "front-kmscube: vdispl-front: kmscube alone finds the device and renders", plain)
        lab.ok(rendered is not None and rendered >= FRAMES - 1 and not core,
               "front-kmscube: vdispl-front: kmscube renders %s frames, no modeset refused"
               % rendered, "\n".join(kmscube + core))
        lab.ok(set_configs >= 1 and int(status.get("flips", 0)) >= FRAMES - 1,
               "front-kmscube: vdispl-front: the backend set the mode and flipped %s frames"
               % status.get("flips"), status)
