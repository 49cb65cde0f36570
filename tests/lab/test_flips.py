"""One connector: 300 page flips each complete with the backend's event,
and Dom0's screen shows the client's last frame pixel for pixel."""

import labtest

# On arm64, zero_copy flips 300 frames, destroys a guest on screen and
# checks the next one.
ARCHES = {"amd64": labtest.AMD64_GUEST_RUNS}

FRAMES = 300


def run(lab):
    r = lab.boot("flips", "id0:1024x768", "vdispl-client --frames %d --keep" % FRAMES,
                 "run-scenario.sh")
    log = r.file("guest-console-guest.log")
    summaries = lab.summaries(log)
    lab.check_flips("flips", summaries[-1] if summaries else None, FRAMES)
    # Each frontend's own words for a flip it completed without the event.
    timed_out = {"mainline": "Frame done timed-out", "vdispl": "no PG_FLIP event within"}
    lab.ok(timed_out[lab.frontend] not in lab.read(log),
           "flips: the frontend never had to time a flip out")
    status = dict(kv.split("=") for kv in (r.result("backend-status") or "").split(",") if "=" in kv)
    if lab.frontend == "vdispl":
        # 1024x768 XRGB is 3 MiB: two 2 MiB blocks, each one machine run, so
        # the module hands the display 2 DMA segments per buffer.
        dbufs = int(status.get("dbufs", 0))
        # At most: two blocks are now and then machine-adjacent.
        lab.ok(dbufs >= 1 and dbufs <= int(status.get("dma_segments", -1)) <= 2 * dbufs,
               "flips: each of the %d buffers reaches Dom0 as 2 DMA segments, ceil(3 MiB / 2 MiB)"
               % dbufs, status)
    lab.ok(int(status.get("flips", 0)) >= FRAMES,
           "flips: the backend completed %s KMS flips (>= %d)" % (status.get("flips"), FRAMES))
    match, message = lab.frame_check(r.file("final-head0.png"), FRAMES, 0, "1024x768")
    lab.ok(match, "flips: Dom0's screendump is the client's frame %d, pixel for pixel" % FRAMES,
           message)
