"""Two connectors on one guest: each reaches its own Dom0 display, in its
own resolution, with its own picture; the second through legacy KMS."""

from vdispl_lab import session

# PV guests only: what it checks is Dom0's side (two displays, legacy KMS), the same for
# either guest type; flips, zero_copy and be_alloc cover PVH guests
# (and each PVH run costs CI time).
GUEST_TYPES = ("pv",)

FRAMES = 60
CONNECTORS = [("id0", 1024, 768), ("id1", 800, 600)]


def run(lab):
    spec = ";".join("%s:%dx%d" % c for c in CONNECTORS)
    # Display 1 is driven with legacy SetCrtc/PageFlip, display 0 atomically.
    ini = session.backend_ini(session.parse_connectors(spec)) + "kms-legacy = true\n"
    r = lab.boot("two-connectors", spec, "vdispl-client --frames %d --keep" % FRAMES,
                 "run-scenario.sh", dom0_files={"lab/backend.ini": ini})
    log = lab.read(r.file("backend.log"))
    lab.ok("/dev/dri/card0: opened, atomic" in log and "/dev/dri/card1: opened, legacy" in log,
           "two-connectors: display 0 atomic, display 1 legacy KMS")
    summaries = {s["connector"]: s for s in lab.summaries(r.file("guest-console-guest.log"))}
    for index, (uid, w, h) in enumerate(CONNECTORS):
        name = "two-connectors %s" % uid
        s = summaries.get(str(index))
        lab.check_flips(name, s, FRAMES)
        if s:
            lab.ok(s["size"] == "%dx%d" % (w, h), "%s: guest connector is %dx%d" % (name, w, h), s)
        match, message = lab.frame_check(r.file("final-head%d.png" % index), FRAMES, index,
                                         "%dx%d" % (w, h))
        lab.ok(match, "%s: Dom0 display %d shows connector %d's frame %d, %dx%d, pixel for pixel"
               % (name, index, index, FRAMES, w, h), message)
