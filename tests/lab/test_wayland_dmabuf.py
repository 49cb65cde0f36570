"""The Wayland output's zero-copy path. Weston 14 and Mesa 25 from
bookworm-backports run in Dom0, headless, with weston's GL renderer on
llvmpipe: the one Debian compositor found to offer zwp_linux_dmabuf_v1
under software rendering (weston 10 offers it with neither renderer,
weston 14's pixman renderer does not either, and on bochs its GL renderer
imports dma-bufs through Mesa's kms_swrast into bochs, which cannot take
them). The backend passes weston the guest's buffers as vdispl-dmabuf
exports them, with nothing copied, and weston's own screenshot shows the
guest's last frame, every pixel equal."""

import re

import labtest

# The output does not depend on the guest's display driver: the mainline one will do.
FRONTENDS = ("mainline",)

SIZE = "640x480"
# 8 s at 30 a second: weston is killed after 2 s and started again.
FRAMES = 240
INI = """[backend]
output = wayland
"""
CMD = "vdispl-client --fps 30 --frames %d --keep" % FRAMES
# Weston 14, Mesa 25 and their closure: apt takes what it can from bookworm-backports.
DOM0_PKGS = ["weston/bookworm-backports", "libgl1-mesa-dri/bookworm-backports",
             "libegl-mesa0/bookworm-backports"]


def run(lab):
    r = lab.boot("wayland-dmabuf", "id0:" + SIZE, CMD, "wayland-dmabuf.sh",
                 dom0_pkgs=DOM0_PKGS, dom0_files={"lab/backend.ini": INI})
    summaries = lab.summaries(r.file("guest-console-guest.log"))
    lab.check_flips("wayland-dmabuf", summaries[-1] if summaries else None, FRAMES)
    weston_log = lab.read(r.file("weston.log"))
    lab.ok(re.search(r"weston 14\.", weston_log) and "headless" in weston_log and
           re.search(r"Using GL renderer|EGL version", weston_log) and "fatal:" not in weston_log,
           "wayland-dmabuf: weston 14 ran headless with the GL renderer",
           weston_log[-2000:])
    backend_log = lab.read(r.file("backend.log"))
    lab.ok(re.search(r"the compositor offers zwp_linux_dmabuf_v1", backend_log),
           "wayland-dmabuf: weston offers zwp_linux_dmabuf_v1", backend_log[-1500:])
    lab.ok(re.search(r"dom\d+/vdispl0/0: frames go to the compositor as dma-bufs \(zero copy\)",
                     backend_log),
           "wayland-dmabuf: the backend passed the guest's buffers to weston as dma-bufs",
           backend_log[-2000:])
    lab.ok("wl_shm" not in backend_log,
           "wayland-dmabuf: no frame fell back to wl_shm", backend_log[-2000:])
    status = labtest.backend_status(r.result("status"))
    lab.ok(status.get("bytes_copied") == "0" and int(status.get("flips", 0)) >= FRAMES,
           "wayland-dmabuf: %s flips, 0 bytes copied" % status.get("flips"), status)
    shown = next((f for f in range(FRAMES, FRAMES - 4, -1)
                  if lab.find_frame(r.file("final.png"), f, 0, SIZE)[0]), None)
    lab.ok(shown is not None, "wayland-dmabuf: weston's screen shows the guest's frame %s, "
           "every pixel equal" % shown, lab.find_frame(r.file("final.png"), FRAMES,
                                                       0, SIZE)[1])
    lab.ok(r.result("alive-without-compositor") == "yes" and r.result("backend-alive") == "yes",
           "wayland-dmabuf: the backend survived weston's death and is still running")
    lab.ok(len(re.findall(r"connected to the compositor", backend_log)) == 2 and
           len(re.findall(r"frames go to the compositor as dma-bufs", backend_log)) == 1,
           "wayland-dmabuf: the backend reconnected to the new weston, still with dma-bufs",
           backend_log[-1500:])
