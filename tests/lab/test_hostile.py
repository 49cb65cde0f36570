"""A hostile guest (a user-space frontend sending malformed displif requests)
gets error statuses and a disconnect, never a crash, while another guest
keeps flipping undisturbed on its own display."""

import os
import re

from vdispl_lab import session

# The guests run user-space frontends: no kernel frontend is loaded.
FRONTENDS = ("mainline",)

VICTIM_FRAMES = 2500
EVIL_CONNECTORS = "evil0:640x480;evil1:320x240"
CMD = ("if grep -q lab_evil /proc/cmdline; then vdispl-evil-frontend; "
       "else vdispl-client --frames %d --keep --quiet; fi" % VICTIM_FRAMES)
_TAP = re.compile(r"^(not ok|ok) \d+ - (.*)$")


def _status(text):
    return dict(kv.split("=") for kv in (text or "").split(",") if "=" in kv)


def run(lab):
    evil = lab.binaries.get("vdispl-evil-frontend")
    if not evil or not os.path.exists(evil):
        lab.ok(False, "hostile: vdispl-evil-frontend was not built")
        return
    # One display for the victim, one per connector of the hostile guest.
    spec = "id0:1024x768;" + EVIL_CONNECTORS
    files = {
        "lab/guest.cfg": session.guest_cfg(session.parse_connectors("id0:1024x768")),
        "lab/evil.cfg": session.guest_cfg(session.parse_connectors(EVIL_CONNECTORS), name="evil",
                                          kernel_args="lab_no_frontend lab_evil"),
    }
    r = lab.boot("hostile", spec, CMD, "hostile.sh", dom0_files=files, domu_programs=[evil])

    # The hostile guest's own checks, each a lab check here.
    evil_log = lab.read(r.file("guest-console-evil.log"))
    checks = 0
    for line in evil_log.splitlines():
        m = _TAP.match(line.strip())
        if m:
            checks += 1
            lab.ok(m.group(1) == "ok", "hostile: " + m.group(2))
    lab.ok(checks >= 40, "hostile: the hostile frontend ran its %d checks" % checks)
    lab.ok("@@GUEST-CMD-DONE rc=0" in evil_log, "hostile: the hostile frontend passed and exited 0")
    lab.ok(r.result("backend-alive") == "yes", "hostile: the backend survived")
    # Once dropped for breaking its ring, the frontend must not be
    # reconnected to it: a rebind makes the channel pending again and the
    # same overflow would be served in a loop.
    broken = len(re.findall(r"frontend claims \d+ requests", lab.read(r.file("backend.log"))))
    lab.ok(broken == 1, "hostile: the broken ring was dropped once and never reconnected",
           "the backend served it %d times" % broken)

    summaries = lab.summaries(r.file("guest-console-guest.log"))
    lab.check_flips("hostile: the other guest", summaries[-1] if summaries else None,
                    VICTIM_FRAMES)
    match, message = lab.frame_check(r.file("victim-head0.png"), VICTIM_FRAMES, 0, "1024x768")
    lab.ok(match, "hostile: the other guest's last frame is on its display, pixel for pixel",
           message)
    # The other guest keeps its two rings and two 1024x768 buffers mapped.
    after = _status(r.result("after"))
    lab.ok(after.get("devices") == "1" and after.get("grants_mapped") == str(2 + 2 * 768)
           and after.get("grants_shared") == "0",
           "hostile: once the hostile guest is gone, only the other guest's 1538 grant pages "
           "stay mapped", after)
