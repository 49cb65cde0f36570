"""The backend stops cleanly, then is killed, under a connected guest: after
each restart the frontend reconnects and the guest draws again."""

import labtest

ARCHES = {"amd64": labtest.AMD64_GUEST_RUNS}

FRAMES = 20
# Each time the frontend reconnects it registers a new DRM device, which DRM
# core logs as "Initialized xendrm-du ... for vdispl-0" (mainline) or
# "Initialized vdispl ... for vdispl.N" (ours).
CMD = """
drm_devices() { dmesg | grep -c 'Initialized \(xendrm-du\|vdispl\) .* for '; }
first=$(drm_devices)
vdispl-client --frames %(f)d && echo "@@ROUND 0 DONE"
for round in 1 2; do
    while [ "$(drm_devices)" -lt $((first + round)) ]; do sleep 0.2; done
    keep=; [ $round = 2 ] && keep=--keep
    vdispl-client --frames %(f)d $keep && echo "@@ROUND $round DONE"
done
""" % {"f": FRAMES}


def run(lab):
    r = lab.boot("backend-restart", "id0:1024x768", CMD, "backend-restart.sh")
    summaries = lab.summaries(r.file("guest-console-guest.log"))
    lab.ok(len(summaries) == 3, "backend-restart: the guest drew before and after each restart",
           "%d client runs" % len(summaries))
    for i, s in enumerate(summaries[:3]):
        lab.check_flips("backend-restart round %d" % i, s, FRAMES)
    lab.ok((r.result("stopped") or "").startswith("stopped,_0_grant_pages_still_mapped,_0_shared"),
           "backend-restart: a clean stop leaves nothing mapped", r.result("stopped"))
    match, message = lab.frame_check(r.file("after-restarts-head0.png"), FRAMES, 0, "1024x768")
    lab.ok(match, "backend-restart: after a SIGKILL and restart Dom0 shows frame %d" % FRAMES,
           message)
