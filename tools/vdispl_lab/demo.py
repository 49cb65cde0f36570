"""tools/demo: two guests side by side on one screen, under real Xen.

usage: tools/demo [--live] [DIR]     (default DIR: lab-out/demo-<date-time>)

Boots Xen under QEMU with Dom0 and two guests with vdispl-front. Their
displays share Dom0's screen through vdispl-backend (a layout, composed by
copy on the bochs display): on the left the guest test client animates the
test picture; on the right a Mesa client renders it with OpenGL ES
(llvmpipe, in the guest). Dom0's screen is captured every second; DIR gets
the PNGs, one animation per display (head<N>.gif) and every log.

--live   also show Dom0's screen on a VNC display of 127.0.0.1 while it
         runs (how to connect is printed), and run three times as long
"""

import glob
import os
import re
import socket
import sys
import time

from vdispl_lab import build, session
from vdispl_lab.errors import LabError

# Mesa's GBM, EGL and GLES with its software driver, and all they need.
MESA = ["libegl1", "libegl-mesa0", "libgles2", "libgbm1", "libgl1-mesa-dri"]
SIZE = (640, 480)
# On the 1280x800 screen of the lab's bochs display: side by side, centred.
INI = """[backend]
output = kms
drm-device = /dev/dri/card0

[guest/id0]
position = 0,160

[guest2/id0]
position = 640,160
"""
# Both guests boot the same image; the second is told to render with Mesa.
CMD = ("if grep -q lab_gl /proc/cmdline; then vdispl-gl-client --frames {gl} --keep; "
       "else vdispl-client --fps 30 --frames {frames} --quiet --keep; fi")
SHOT_EVERY = 1.0
# Milliseconds per frame of the animations: four times as fast as it ran.
GIF_FRAME_MS = 250


def _free_vnc_display():
    """The first VNC display number whose port (5900 + N) is free here."""
    for n in range(0, 100):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", 5900 + n))
                return n
            except OSError:
                continue
    raise LabError("no free VNC port from 5900 to 5999")


def _animations(out_dir):
    """head<N>.gif from each display's screendumps, in order; their paths."""
    from PIL import Image  # python3-pil, which tools/install-deps installs

    made = []
    heads = sorted({m.group(1) for p in glob.glob(os.path.join(out_dir, "*-head*.png"))
                    for m in [re.search(r"-head(\d+)\.png$", p)] if m})
    for head in heads:
        shots = sorted(glob.glob(os.path.join(out_dir, "periodic-*-head%s.png" % head)))
        final = os.path.join(out_dir, "final-head%s.png" % head)
        if os.path.exists(final):
            shots.append(final)
        if not shots:
            continue
        frames = []
        for path in shots:
            with Image.open(path) as im:
                frames.append(im.convert("RGB").resize((im.width // 2, im.height // 2)))
        gif = os.path.join(out_dir, "head%s.gif" % head)
        frames[0].save(gif, save_all=True, append_images=frames[1:], duration=GIF_FRAME_MS,
                       loop=0)
        made.append((gif, len(frames)))
    return made


def main(argv):
    args = [a for a in argv if a != "--live"]
    live = len(args) != len(argv)
    if any(a in ("-h", "--help") for a in args):
        print(__doc__.strip())
        return 0
    if len(args) > 1 or any(a.startswith("-") for a in args):
        print("tools/demo: usage: tools/demo [--live] [DIR]", file=sys.stderr)
        return 2
    out = args[0] if args else os.path.join("lab-out", "demo-" + time.strftime("%Y%m%d-%H%M%S"))
    scale = 3 if live else 1
    try:
        binaries = build.build()
        vnc = _free_vnc_display() if live else None
    except LabError as e:
        print("tools/demo: " + str(e), file=sys.stderr)
        return 1
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "scripts",
                           "demo.sh")) as f:
        scenario = f.read()
    connectors = [("id0",) + SIZE]
    s = session.Session(out, binaries["vdispl-backend"], binaries["vdispl-client"], connectors,
                        CMD.format(gl=150 * scale, frames=900 * scale), scenario,
                        domu_pkgs=MESA, domu_programs=[binaries["vdispl-gl-client"]],
                        dom0_files={"lab/backend.ini": INI}, frontend="vdispl",
                        shot_every=SHOT_EVERY, timeout=1200 * scale,
                        extra_guests=[("guest2", connectors, "lab_gl=1")], vnc=vnc)
    result = s.run()
    gifs = []
    try:
        gifs = _animations(result.out_dir)
    except (ImportError, OSError) as e:
        print("tools/demo: no animation: %s" % e, file=sys.stderr)
    print()
    print("demo: Dom0's screen with both guests: %s"
          % os.path.join(result.out_dir, "final-head0.png"))
    for gif, frames in gifs:
        print("demo: animation of it: %s (%d frames, one a second, played 4x)" % (gif, frames))
    print("demo: every screendump, and the logs (Xen and Dom0 console, the guests' consoles, "
          "the backend) in %s" % result.out_dir)
    if result.failure:
        print("tools/demo: FAILED: %s" % result.failure, file=sys.stderr)
        return 1
    bad = [g for g in ("guest", "guest2") if result.result(g + "-cmd") != "0"]
    if result.rc != 0 or bad:
        print("tools/demo: the client of %s failed: see its console log"
              % (" and ".join(bad) or "a guest"), file=sys.stderr)
        return 1
    return 0
