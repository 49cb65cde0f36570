"""IVI: weston's ivi-shell (Debian's weston 10) on Dom0's display, with the
lab's controller module (tools/ivi-controller), which places each ivi
surface at the position weston.ini gives its ivi-id, unscaled, on black. The backend
shows each of two guests' connectors on an ivi_application surface of the
ivi-id its ini gives. Both flip at once; one screendump shows each guest's
last frame at its place and black elsewhere, every pixel equal."""

import os

from vdispl_lab import session

import labtest

# The output does not depend on the guest's display driver: the mainline one will do.
FRONTENDS = ("mainline",)

# (name, connector size, frames, ivi-id, position on weston's screen)
GUESTS = (("guest", (640, 480), 120, 1001, (0, 0)),
          ("guest2", (320, 240), 90, 1002, (700, 300)))
INI = "[backend]\noutput = wayland\n" + "".join(
    "[%s/id0]\nivi-id = %d\n" % (name, ivi_id) for name, _, _, ivi_id, _ in GUESTS)
WESTON_INI = ("[core]\nshell=ivi-shell.so\nmodules=/root/vdispl-ivi-controller.so\n"
              "[vdispl-ivi-controller]\n" + "".join(
                  "surface-%d=%d,%d\n" % (ivi_id, pos[0], pos[1])
                  for _, _, _, ivi_id, pos in GUESTS))
CMD = ("f=$(sed -n 's/.*lab_frames=\\([0-9]*\\).*/\\1/p' /proc/cmdline); "
       "vdispl-client --frames ${f:-%d} --quiet --keep" % GUESTS[0][2])


def _connectors(size):
    return "id0:%dx%d" % size


def run(lab):
    controller = lab.binaries.get("vdispl-ivi-controller")
    if not controller or not os.path.exists(controller):
        lab.ok(False, "ivi: the lab's weston controller module was built",
               "no %s: libweston-10-dev (tools/install-deps) is missing" % controller)
        return
    guest2 = GUESTS[1]
    cfg = lab.guest_cfg(session.parse_connectors(_connectors(guest2[1])), name=guest2[0],
                        kernel_args="lab_frames=%d" % guest2[2])
    r = lab.boot("ivi", _connectors(GUESTS[0][1]), CMD, "ivi.sh", dom0_pkgs=["weston"],
                 dom0_root_files=[controller],
                 dom0_files={"lab/guest2.cfg": cfg, "lab/backend.ini": INI,
                             "lab/weston-ivi.ini": WESTON_INI})
    for name, _, frames, _, _ in GUESTS:
        summaries = lab.summaries(r.file("guest-console-%s.log" % name))
        lab.check_flips("ivi: %s" % name, summaries[-1] if summaries else None, frames)
    weston_log = lab.read(r.file("weston.log"))
    lab.ok("ivi-shell" in weston_log and "vdispl-ivi-controller" in weston_log,
           "ivi: weston ran its ivi-shell with the lab's controller", weston_log[-1500:])
    backend_log = lab.read(r.file("backend.log"))
    for name, _, _, ivi_id, _ in GUESTS:
        lab.ok("an ivi-shell surface, ivi-id %d" % ivi_id in backend_log,
               "ivi: %s's connector is an ivi_application surface of ivi-id %d" % (name, ivi_id))
    lab.ok(r.result("backend-alive") == "yes", "ivi: the backend ran to the end")
    shot = r.file("ivi-head0.png")
    if not os.path.exists(shot):
        lab.ok(False, "ivi: a screendump of weston's screen", "no %s" % shot)
        return
    width, height, rows = labtest.read_png(shot)
    expected = lab.screen_of_frames(os.path.dirname(shot), (width, height), [
        (name, size, frames, pos, None) for name, size, frames, _, pos in GUESTS])
    differing = labtest.pixels_differing(rows, expected)
    lab.ok(differing == 0, "ivi: the %dx%d screen is exactly %s on black" % (
        width, height, ", ".join("%s's frame %d at %d,%d (ivi-id %d)" % (
            name, frames, pos[0], pos[1], ivi_id) for name, _, frames, ivi_id, pos in GUESTS)),
        "%d pixels differ" % differing)
