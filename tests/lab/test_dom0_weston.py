"""Weston in Dom0: with --dom0-pkg weston (the package and all it depends
on, no GL driver), lab.sh's lab_start_weston runs it on the bochs display
(DRM backend, pixman renderer) and weston-simple-shm shows on Dom0's screen.
In the same boot: a file passed with --dom0-file runs as --dom0-cmd, in
/root, beside the backend, as a Wayland client of that weston; its output
comes back as dom0-cmd.log, and it is stopped at the end."""

import os
import re
import tempfile

import labtest

FRONTENDS = ("mainline",)

# What --dom0-cmd runs: the file from --dom0-file, then waits to be stopped.
CHECK = """# The dom0_weston lab test's --dom0-file.
echo "dom0-file: pwd=$(pwd) home=$HOME xdg=$XDG_RUNTIME_DIR wayland=$WAYLAND_DISPLAY"
weston-info >/tmp/weston-info.log 2>&1
status=$?
found=$(grep -c "interface: 'wl_compositor'" /tmp/weston-info.log)
echo "dom0-file: weston-info status $status, $found wl_compositor"
echo done >/tmp/dom0-file-done
"""
CMD = "sh ./dom0-check.sh; sleep 600"
SOCKET = "wayland-lab /run/user/0"


def run(lab):
    with tempfile.TemporaryDirectory() as tmp:
        check = os.path.join(tmp, "dom0-check.sh")
        with open(check, "w") as f:
            f.write(CHECK)
        r = lab.boot("dom0-weston", "id0:1024x768", "true", "dom0-weston.sh",
                     dom0_pkgs=["weston"], dom0_root_files=[check], dom0_cmd=CMD, timeout=600)
    log = lab.read(r.file("weston.log"))
    # Weston 10 names no renderer; its DRM backend logs the shadow
    # framebuffer only when it sets up an output for pixman.
    lab.ok(re.search(r"Loading module '\S*/drm-backend\.so'", log) and
           re.search(r"Command line: weston .*--use-pixman", log) and
           re.search(r"DRM: output \S+ (uses|does not use) shadow framebuffer", log) and
           "failed to initialize" not in log,
           "dom0-weston: weston's log shows the DRM backend with the pixman renderer",
           log[-2000:])
    lab.ok(re.search(r"Output '\S+' enabled", log), "dom0-weston: weston enabled an output",
           log[-2000:])
    lab.ok(r.result("weston-env") == SOCKET,
           "dom0-weston: lab_start_weston exports WAYLAND_DISPLAY and XDG_RUNTIME_DIR (%s)"
           % SOCKET, r.result("weston-env"))
    lab.ok(r.result("client-alive") == "yes" and r.result("client-exit") == "0",
           "dom0-weston: weston-simple-shm ran 3 s and stopped cleanly on SIGINT",
           "alive %s, exit %s: %s" % (r.result("client-alive"), r.result("client-exit"),
                                      lab.read(r.file("simple-shm.log"))[-1000:]))
    shots = [r.file("weston-%s-head0.png" % name) for name in ("client", "desktop")]
    if lab.ok(all(os.path.exists(p) for p in shots), "dom0-weston: screendumps taken"):
        width, height, client = labtest.read_png(shots[0])
        _w, _h, desktop = labtest.read_png(shots[1])
        count = labtest.colours(client)
        top, top_pixels = count.most_common(1)[0]
        pixels = width * height
        lab.ok(len(count) >= 8 and top_pixels < pixels * 0.98 and count[(0, 0, 0)] < pixels / 2,
               "dom0-weston: weston's screen shows (%dx%d, %d colours, the commonest %s on "
               "%.1f%%, black on %.1f%%)" % (width, height, len(count), "#%02x%02x%02x" % top,
                                             100.0 * top_pixels / pixels,
                                             100.0 * count[(0, 0, 0)] / pixels))
        # weston-simple-shm's window is 250x250.
        changed = labtest.pixels_differing(client, desktop)
        lab.ok(changed >= 250 * 250 // 2,
               "dom0-weston: the client's window was on the screen (%d pixels change when it "
               "is gone)" % changed)
    lab.ok(r.result("backend-env") == "WAYLAND_DISPLAY=%s XDG_RUNTIME_DIR=%s " % tuple(
        SOCKET.split()), "dom0-weston: a backend started after weston has its socket in its "
           "environment", r.result("backend-env"))
    cmd_log = lab.read(r.file("dom0-cmd.log"))
    lab.ok("dom0-file: pwd=/root home=/root xdg=/run/user/0 wayland=wayland-lab" in cmd_log,
           "dom0-weston: --dom0-cmd ran the --dom0-file in /root, with HOME, XDG_RUNTIME_DIR "
           "and weston's WAYLAND_DISPLAY", cmd_log[-1000:])
    lab.ok("dom0-file: weston-info status 0, 1 wl_compositor" in cmd_log,
           "dom0-weston: --dom0-cmd's Wayland client found weston's globals", cmd_log[-1000:])
    lab.ok(r.result("dom0-file-done") == "done" and
           cmd_log.rstrip().endswith("lab: still running at the end of the run: stopped"),
           "dom0-weston: --dom0-cmd's output came back, and it was stopped at the end",
           cmd_log[-1000:])
    lab.ok(r.result("weston-stopped") == "yes", "dom0-weston: lab_stop_weston stopped weston")
