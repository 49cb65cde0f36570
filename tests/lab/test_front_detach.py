"""vdispl-front loses its device while a client holds buffers: the device
is detached (xl vdispl-detach) with the client's framebuffers on screen,
the client lets go afterwards, and a device attached again serves the next
client. No oops, nothing left mapped in Dom0, and the backend drops the
detached device instead of writing its removed XenStore directory back.

Ours only: with drm_xen_front (measured) the attached device never gets a
DRM device in the guest, and the second client waits in vain."""

import labtest

FRONTENDS = ("vdispl",)

FRAMES = 20
CMD = """
# The frontend's and xenbus's xenbus state changes, in dmesg if it stalls.
echo 'module vdispl_front +p; file drivers/xen/xenbus/* +p' \\
    > /sys/kernel/debug/dynamic_debug/control
vdispl-client --frames %(f)d --keep && echo "@@ROUND 0 DONE"
while [ -e /sys/bus/xen/devices/vdispl-0 ]; do sleep 0.2; done
echo "@@DETACHED"
sleep 1
killall vdispl-client
i=0
while ! ls /dev/dri 2>/dev/null | grep -q '^card' && [ $i -lt 300 ]; do sleep 0.2; i=$((i + 1)); done
if ! ls /dev/dri 2>/dev/null | grep -q '^card'; then
    # What the kernel's threads wait for, to say why no device came.
    echo w > /proc/sysrq-trigger
    dmesg | tail -n 120
    exit 1
fi
vdispl-client --device /dev/dri/$(ls /dev/dri | grep '^card' | head -n 1) --frames %(f)d --keep \\
    && echo "@@ROUND 1 DONE"
""" % {"f": FRAMES}


def run(lab):
    r = lab.boot("front-detach", "id0:1024x768", CMD, "detach.sh")
    summaries = lab.summaries(r.file("guest-console-guest.log"))
    lab.ok(len(summaries) == 2, "front-detach: the guest drew before the detach and after the "
           "attach", "%d client runs" % len(summaries))
    for i, s in enumerate(summaries[:2]):
        lab.check_flips("front-detach round %d" % i, s, FRAMES)
    lab.ok(r.result("detach-rc") == "0" and r.result("attach-rc") == "0",
           "front-detach: xl detached and attached the device",
           "detach %s, attach %s" % (r.result("detach-rc"), r.result("attach-rc")))
    detached = labtest.backend_status(r.result("detached"))
    lab.ok(detached.get("devices") == "0" and detached.get("grants_mapped") == "0",
           "front-detach: once detached, Dom0 holds nothing of the device", detached)
    match, message = lab.frame_check(r.file("reattached-head0.png"), FRAMES, 0, "1024x768")
    lab.ok(match, "front-detach: the attached device shows frame %d pixel for pixel" % FRAMES,
           message)
