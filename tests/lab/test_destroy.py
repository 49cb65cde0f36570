"""xl destroy mid-flip: the backend keeps running with 0 grants mapped, the
dead domain is really freed, and the next guest works."""

from vdispl_lab import session

import labtest

# On arm64, zero_copy flips 300 frames, destroys a guest on screen and
# checks the next one.
ARCHES = {"amd64": labtest.AMD64_GUEST_RUNS}

FRAMES_SECOND = 20
# The first guest flips until it is destroyed; the second stops after 20.
CMD = ("f=$(sed -n 's/.*lab_frames=\\([0-9]*\\).*/\\1/p' /proc/cmdline); "
       "vdispl-client --frames ${f:-1000000} --keep")


def run(lab):
    connectors = session.parse_connectors("id0:1024x768")
    guest2 = lab.guest_cfg(connectors, name="guest2", kernel_args="lab_frames=%d" % FRAMES_SECOND)
    r = lab.boot("destroy", "id0:1024x768", CMD, "destroy.sh",
                 dom0_files={"lab/guest2.cfg": guest2})
    before, after = labtest.backend_status(r.result("before")), labtest.backend_status(r.result("after"))
    lab.ok(int(before.get("grants_mapped", 0)) > 0 and int(before.get("flips", 0)) > 0,
           "destroy: the guest was flipping with %s grant pages mapped"
           % before.get("grants_mapped"), before)
    lab.ok(r.result("backend-alive") == "yes", "destroy: the backend survived xl destroy")
    lab.ok(after.get("grants_mapped") == "0" and after.get("devices") == "0",
           "destroy: 0 grants mapped afterwards (backend's count)", after)
    lab.ok(r.result("domains-left") == "0",
           "destroy: Xen freed the domain: no zombie is left (xl list)",
           "%s domains besides Dom0" % r.result("domains-left"))
    summaries = lab.summaries(r.file("guest-console-guest2.log"))
    lab.check_flips("destroy: next guest", summaries[-1] if summaries else None, FRAMES_SECOND)
    match, message = lab.frame_check(r.file("second-guest-head0.png"), FRAMES_SECOND, 0,
                                     "1024x768")
    lab.ok(match, "destroy: the next guest's frame %d is on screen, pixel for pixel"
           % FRAMES_SECOND, message)
