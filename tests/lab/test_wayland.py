"""The Wayland output in the lab: Debian's weston runs in Dom0 on its DRM
backend on the bochs display (pixman renderer, so QMP screendumps show its
screen), and the backend puts the guest's connector in a window there
through wl_shm. The guest's frame is found in the screendump by content,
every pixel equal. Weston is killed in the middle of the guest's run: the
backend keeps serving the guest, reconnects when weston is back, and the
window shows the guest's last frame."""

import re

# The output does not depend on the guest's display driver: the mainline one will do.
FRONTENDS = ("mainline",)

SIZE = "640x480"
# Connector 0 in a window of weston on Dom0's first display, connector 1 on
# the second display through KMS: first each flips alone, as fast as it is
# let, for the rates; then connector 0 at 30 a second for 40 s while weston
# is killed and started again.
CONNECTORS = "id0:%s;id1:%s" % (SIZE, SIZE)
INI = """[backend]
output = kms
drm-device = /dev/dri/card1

[*/id0]
output = wayland
"""
RATE_FRAMES = 300
FPS = 30
FRAMES = 1200
CMD = ("vdispl-client --connectors 0 --frames %d --quiet && "
       "vdispl-client --connectors 1 --frames %d --quiet && "
       "vdispl-client --connectors 0 --fps %d --frames %d --quiet --keep"
       % (RATE_FRAMES, RATE_FRAMES, FPS, FRAMES))


def _rate(summary):
    return int(summary["flips"]) * 1e6 / max(1, int(summary["elapsed_us"]))


def run(lab):
    r = lab.boot("wayland", CONNECTORS, CMD, "wayland.sh", dom0_pkgs=["weston"],
                 dom0_files={"lab/backend.ini": INI})
    summaries = lab.summaries(r.file("guest-console-guest.log"))
    lab.ok(len(summaries) == 3, "wayland: the guest's three client runs reported",
           "%d summaries" % len(summaries))
    if len(summaries) == 3:
        lab.check_flips("wayland: through weston, unpaced", summaries[0], RATE_FRAMES)
        lab.check_flips("wayland: through KMS, unpaced", summaries[1], RATE_FRAMES)
        lab.echo("wayland: the guest's unpaced flip rate: %.1f/s through weston, %.1f/s through "
                 "KMS in the same run (latency %s us and %s us on average)"
                 % (_rate(summaries[0]), _rate(summaries[1]), summaries[0]["latency_us_avg"],
                    summaries[1]["latency_us_avg"]))
    summary = summaries[-1] if summaries else None
    lab.check_flips("wayland", summary, FRAMES)
    if summary:
        lab.echo("wayland: at %d a second asked, the guest flipped at %.1f/s through weston, "
                 "latency %s us on average" % (FPS, _rate(summary), summary["latency_us_avg"]))
    weston_log = lab.read(r.file("weston.log"))
    lab.ok("pixman" in weston_log.lower() and "drm" in weston_log.lower(),
           "wayland: weston ran on its DRM backend with the pixman renderer",
           weston_log[-1500:])
    backend_log = lab.read(r.file("backend.log"))
    lab.ok(re.search(r'window "guest id0"', backend_log) is not None,
           "wayland: the connector's window is titled with the guest's name and connector")
    lab.ok("flips paced by the compositor's wp_presentation feedback" in backend_log,
           "wayland: weston's wp_presentation feedback paced the guest's flips")
    lab.ok(r.result("alive-without-compositor") == "yes" and r.result("backend-alive") == "yes",
           "wayland: the backend survived weston's death")
    before, without, later = (int(r.result(k) or 0) for k in
                              ("flips-before", "flips-without", "flips-without-later"))
    # The screendump was taken just before the flip count was read, which
    # counts the two unpaced runs too.
    paced = before - 2 * RATE_FRAMES
    shown = next((f for f in range(paced, max(0, paced - 90), -1)
                  if lab.find_frame(r.file("before-restart-head0.png"), f, 0, SIZE)[0]), None)
    lab.ok(shown is not None, "wayland: weston's screen showed the guest's frame %s in a window, "
           "every pixel equal (%d paced flips done)" % (shown, paced))
    lab.ok(later > without > 0,
           "wayland: with no compositor the guest's flips were still done (%d, then %d)"
           % (without, later))
    lab.ok(int(r.result("reconnects") or 0) >= 2,
           "wayland: the backend connected to weston again by itself",
           "%s connections" % r.result("reconnects"))
    found, message = lab.find_frame(r.file("final-head0.png"), FRAMES, 0, SIZE)
    lab.ok(found, "wayland: after weston's restart its screen shows the guest's last frame "
           "%d in a window, every pixel equal" % FRAMES, message)
    lab.echo("wayland: %s" % message)
