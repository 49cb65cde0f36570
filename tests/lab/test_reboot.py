"""A guest that reboots reconnects, and its picture comes back."""

import labtest

ARCHES = {"amd64": labtest.AMD64_GUEST_RUNS}

FRAMES = 20


def run(lab):
    r = lab.boot("reboot", "id0:1024x768", "vdispl-client --frames %d --keep" % FRAMES,
                 "reboot.sh")
    summaries = lab.summaries(r.file("guest-console-guest.log"))
    lab.ok(len(summaries) == 2, "reboot: the client ran in both boots of the guest",
           "%d summaries" % len(summaries))
    for i, s in enumerate(summaries[:2]):
        lab.check_flips("reboot boot %d" % (i + 1), s, FRAMES)
    lab.ok(r.result("domid-before") != r.result("domid-after"),
           "reboot: the toolstack replaced the domain (%s -> %s)"
           % (r.result("domid-before"), r.result("domid-after")))
    for shot in ("before-reboot", "after-reboot"):
        match, message = lab.frame_check(r.file("%s-head0.png" % shot), FRAMES, 0, "1024x768")
        lab.ok(match, "reboot: %s, Dom0 shows frame %d pixel for pixel" % (shot, FRAMES), message)
    before, after = labtest.backend_status(r.result("before")), labtest.backend_status(r.result("after"))
    lab.ok(before.get("devices") == "1" and after.get("devices") == "1",
           "reboot: one device before and after (old one dropped)", (before, after))
    lab.ok(before.get("grants_mapped") == after.get("grants_mapped") != "0",
           "reboot: the new guest maps what the old one did, nothing of the old one is left "
           "(%s / %s grant pages)" % (before.get("grants_mapped"), after.get("grants_mapped")))
