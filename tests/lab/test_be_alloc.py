"""be-alloc=1: the backend allocates the display buffers and shares them
with the guest, shows them, survives a restart, and nothing stays shared
after xl destroy.

The mainline frontend cannot let user space map backend-allocated buffers
in a PV guest (vm_map_pages() over grant-mapped pages faults), so there the
client flips without drawing and the screen must show our zeroed pages:
black. In a PVH guest the grants are in the guest's physmap and the client
draws.

In be-alloc mode the frontend, told by a new backend to reconnect while a
client holds its display, waits in Reconfiguring until that client is gone,
then enters Initialising and needs InitWait written once more.

vdispl-front maps the backend's grants into the client's page tables, so
there the client draws, and Dom0 shows its frames pixel for pixel, before
and after the backend is replaced."""

import re

from vdispl_lab import session

import labtest

ARCHES = {"amd64": labtest.AMD64_GUEST_RUNS,
          "arm64": [("pvh", "mainline"), ("pvh", "vdispl")]}

FRAMES = 60
# Round 0 keeps the display open; once the frontend has dropped its rings
# (the new backend's InitWait), the keeper goes and round 1 flips again.
CMD_MAINLINE = """
drm_devices() { dmesg | grep -c 'Initialized xendrm-du .* for '; }
first=$(drm_devices)
vdispl-client --frames %(f)d --keep %(draw)s && echo "@@ROUND 0 DONE"
while ! dmesg | grep -q 'freeing event channel'; do sleep 0.2; done
killall vdispl-client
while [ "$(drm_devices)" -lt $((first + 1)) ]; do sleep 0.2; done
vdispl-client --frames %(f)d %(draw)s && echo "@@ROUND 1 DONE"
"""
# Ours drops the old DRM device at once and registers a new one; the keeper
# of round 0 still holds (and maps) the dead backend's pages meanwhile.
CMD_VDISPL = """
drm_devices() { dmesg | grep -c 'Initialized vdispl .* for '; }
first=$(drm_devices)
vdispl-client --frames %(f)d --keep && echo "@@ROUND 0 DONE"
while [ "$(drm_devices)" -lt $((first + 1)) ]; do sleep 0.2; done
killall vdispl-client
# The new device came while the keeper held card0: once that is gone, the
# new one is the only card left, whatever its number.
while [ "$(ls /dev/dri | grep -c '^card')" != 1 ]; do sleep 0.2; done
vdispl-client --device /dev/dri/$(ls /dev/dri | grep '^card') --frames %(f)d --keep \
    && echo "@@ROUND 1 DONE"
""" % {"f": FRAMES}


def run(lab):
    connectors = session.parse_connectors("id0:1024x768")
    # drm_xen_front's user mappings fault in a PV guest only.
    draws = lab.frontend == "vdispl" or lab.guest_type == "pvh"
    cmd = CMD_VDISPL if lab.frontend == "vdispl" else \
        CMD_MAINLINE % {"f": FRAMES, "draw": "" if draws else "--no-draw"}
    r = lab.boot("be-alloc", "id0:1024x768", cmd, "be-alloc.sh",
                 dom0_files={"lab/guest.cfg": lab.guest_cfg(connectors, be_alloc=True),
                             "lab/backend.ini": session.backend_ini(connectors,
                                                                    be_alloc_for=["guest"])})
    summaries = lab.summaries(r.file("guest-console-guest.log"))
    lab.ok(len(summaries) == 2, "be-alloc: the guest flipped before and after the restart",
           "%d client runs" % len(summaries))
    for i, s in enumerate(summaries[:2]):
        lab.check_flips("be-alloc round %d" % i, s, FRAMES)
    if draws:
        # drm_xen_front's second client does not keep its picture up.
        shots = (("shown", "before"),) + (
            (("reconnected", "after"),) if lab.frontend == "vdispl" else ())
        for shot, when in shots:
            match, message = lab.frame_check(r.file("%s-head0.png" % shot), FRAMES, 0,
                                             "1024x768")
            lab.ok(match, "be-alloc: the guest drew into the backend's pages through mmap; "
                   "Dom0 shows frame %d pixel for pixel %s the restart" % (FRAMES, when),
                   message)
    else:
        match, message = lab.frame_check(r.file("shown-head0.png"), None, 0, "1024x768")
        lab.ok(match, "be-alloc: Dom0 shows the backend's own buffers, zeroed: all black",
               message)
    shares = re.findall(r"ours, shared with the guest through module-share: dma-buf \d+, "
                        r"(\d+) bus segments", lab.read(r.file("backend.log")))
    if lab.arch.name == "arm64":
        # Dom0 is direct-mapped there: a block from its CMA is one machine run.
        lab.ok(shares and all(n == "1" for n in shares),
               "be-alloc: each of the backend's buffers is one contiguous block, one bus "
               "segment (%s)" % ", ".join(shares), shares)
    else:
        lab.ok(bool(shares), "be-alloc: the module allocated the buffers (%s bus segments: a PV "
               "Dom0's pages are single machine frames)" % ", ".join(shares), shares)
    before, after = labtest.backend_status(r.result("before")), labtest.backend_status(r.result("after"))
    again = labtest.backend_status(r.result("reconnected"))
    lab.ok(again.get("connectors") == "1" and int(again.get("flips", 0)) >= FRAMES,
           "be-alloc: the restarted backend serves the guest again (%s flips)"
           % again.get("flips"), again)
    # Two 1024x768 XRGB8888 buffers are 2 x 768 pages.
    lab.ok(before.get("grants_shared") == "1536",
           "be-alloc: the backend shares the guest's two buffers (%s pages)"
           % before.get("grants_shared"), before)
    lab.ok(after.get("grants_shared") == "0" and after.get("grants_mapped") == "0",
           "be-alloc: after xl destroy nothing is shared or mapped", after)
    lab.ok(r.result("domains-left") == "0", "be-alloc: Xen freed the domain (no zombie)",
           "%s domains besides Dom0" % r.result("domains-left"))
