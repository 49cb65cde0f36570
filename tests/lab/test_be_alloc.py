"""be-alloc=1: the backend allocates the display buffers and shares them
with the guest, shows them, and nothing stays shared after xl destroy.

The mainline frontend cannot let user space map backend-allocated buffers
in a PV guest (vm_map_pages() over grant-mapped pages faults), so the client
flips without drawing and the screen must show our zeroed pages: black."""

from vdispl_lab import session

FRAMES = 60


def _status(text):
    return dict(kv.split("=") for kv in (text or "").split(",") if "=" in kv)


def run(lab):
    connectors = session.parse_connectors("id0:1024x768")
    r = lab.boot("be-alloc", "id0:1024x768",
                 "vdispl-client --frames %d --keep --no-draw" % FRAMES,
                 "be-alloc.sh",
                 dom0_files={"lab/guest.cfg": session.guest_cfg(connectors, be_alloc=True)})
    summaries = lab.summaries(r.file("guest-console-guest.log"))
    lab.check_flips("be-alloc", summaries[-1] if summaries else None, FRAMES)
    match, message = lab.frame_check(r.file("shown-head0.png"), None, 0, "1024x768")
    lab.ok(match, "be-alloc: Dom0 shows the backend's own buffers, zeroed: all black", message)
    before, after = _status(r.result("before")), _status(r.result("after"))
    # Two 1024x768 XRGB8888 buffers are 2 x 768 pages.
    lab.ok(before.get("grants_shared") == "1536",
           "be-alloc: the backend shares the guest's two buffers (%s pages)"
           % before.get("grants_shared"), before)
    lab.ok(after.get("grants_shared") == "0" and after.get("grants_mapped") == "0",
           "be-alloc: after xl destroy nothing is shared or mapped", after)
    lab.ok(r.result("domains-left") == "0", "be-alloc: Xen freed the domain (no zombie)",
           "%s domains besides Dom0" % r.result("domains-left"))
