"""100 connect/disconnect cycles of one guest, then 20 guests destroyed while
they flip: every cycle and every destroy lets go of all it held (0 grants
mapped after), and the backend's fds, mappings and resident memory do not
grow. The guests run the user-space frontend (vdispl-evil-frontend), which
can connect and disconnect in a loop without a kernel driver."""

import os

from vdispl_lab import session

# User-space frontends: no kernel frontend is loaded.
FRONTENDS = ("mainline",)
# On arm64, where a guest boots in 3 s instead of 10: the backend's fds,
# mappings and memory are the same C there, and 20 boots on amd64 took
# 5 minutes of tools/test's 45. `run.py --arch amd64` cannot run it.
ARCHES = {"arm64": ("pvh", "mainline")}

CYCLES = 100
DESTROYS = 20
# Resident memory may move by what malloc keeps for reuse, not by a leak:
# 100 cycles of 640x480 buffers would leak megabytes.
RSS_SLACK_KB = 512
WARM_UP = 10
# The cycler pauses between its warm-up and the rest, disconnected, to be measured.
CMD = ("if grep -q lab_cycler /proc/cmdline; then vdispl-evil-frontend --cycles %d && "
       "sleep 5 && vdispl-evil-frontend --cycles %d; "
       "else vdispl-evil-frontend --flips 1000000; fi" % (WARM_UP, CYCLES - WARM_UP))


def _fields(text):
    return dict(kv.split("=") for kv in (text or "").split(",") if "=" in kv)


def _no_growth(lab, what, before, after):
    b, a = _fields(before), _fields(after)
    lab.echo("endurance: %s: fds %s -> %s, mappings %s -> %s, resident %s -> %s kB"
             % (what, b.get("fds"), a.get("fds"), b.get("maps"), a.get("maps"),
                b.get("rss_kb"), a.get("rss_kb")))
    ok = bool(b) and bool(a) and a.get("fds") == b.get("fds") and \
        a.get("maps") == b.get("maps") and \
        int(a.get("rss_kb", 1 << 30)) <= int(b.get("rss_kb", 0)) + RSS_SLACK_KB
    lab.ok(ok, "endurance: %s: no growth in fds, mappings or resident memory (slack %d kB)"
           % (what, RSS_SLACK_KB), "%s -> %s" % (before, after))


def run(lab):
    evil = lab.binaries.get("vdispl-evil-frontend")
    if not evil or not os.path.exists(evil):
        lab.ok(False, "endurance: vdispl-evil-frontend was not built")
        return
    connectors = session.parse_connectors("id0:640x480")
    files = {
        "lab/cycler.cfg": session.guest_cfg(connectors, name="cycler",
                                            kernel_args="lab_no_frontend lab_cycler"),
        "lab/flipper.cfg": session.guest_cfg(connectors, name="flipper",
                                             kernel_args="lab_no_frontend"),
    }
    r = lab.boot("endurance", "id0:640x480", CMD, "endurance.sh", dom0_files=files,
                 domu_programs=[evil], timeout=1800)
    log = lab.read(r.file("guest-console-cycler.log"))
    lab.ok("@@CYCLES done=%d" % WARM_UP in log and "@@CYCLES done=%d" % (CYCLES - WARM_UP) in log,
           "endurance: the guest connected, flipped and disconnected %d times" % CYCLES)
    cycles = _fields(r.result("cycles-status"))
    lab.ok(cycles.get("grants_mapped") == "0" and cycles.get("connectors") == "0",
           "endurance: after the cycles, 0 grants mapped and no connector", cycles)
    _no_growth(lab, "cycles %d to %d" % (WARM_UP, CYCLES), r.result("usage-cycle-10"),
               r.result("usage-cycle-100"))
    destroys = _fields(r.result("destroys-status"))
    lab.ok(destroys.get("grants_mapped") == "0" and destroys.get("devices") == "0"
           and int(destroys.get("flips", "0")) > 0,
           "endurance: after %d guests destroyed mid-flip, 0 grants mapped and no device"
           % DESTROYS, destroys)
    lab.ok(r.result("domains-left") == "0", "endurance: Xen freed every destroyed domain",
           "%s domains besides Dom0" % r.result("domains-left"))
    lab.ok(r.result("backend-alive") == "yes", "endurance: the backend survived")
    _no_growth(lab, "destroys 1 to %d" % DESTROYS, r.result("usage-destroy-1"),
               r.result("usage-destroy-20"))
