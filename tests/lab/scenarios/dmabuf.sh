# The Dom0 module with a guest's grants: load/unload cycles, root only, then
# vdispl-dmabuf-check over the buffers the guest's vdispl-grant-test module
# granted (segments, CPU view, edu DMA, refusals, caps, release), and the
# kernel's and Xen's logs afterwards.
rmmod vdispl_dmabuf || lab_fail "rmmod vdispl_dmabuf at start failed"
cycles=0
for i in 1 2 3 4 5 6 7 8 9 10; do
    insmod /lab/modules/vdispl-dmabuf.ko && rmmod vdispl_dmabuf && cycles=$((cycles + 1))
done
lab_result load-cycles "$cycles"
lab_result trouble-after-cycles "$(lab_kernel_trouble)"
lab_load_module vdispl-dmabuf
lab_load_module vdispl-edu-check
vdispl-dmabuf-check nonroot >/tmp/nonroot.log 2>&1
while read -r line; do lab_result nonroot "$line"; done </tmp/nonroot.log

# The backend only serves the guest's vdispl device here: it must not hold the module.
lab_start_backend --import copy
lab_create_guest
lab_wait_guest guest "@@GRANTS-READY" 120
domid=$(xl domid guest)
lab_log "checking dom$domid's granted buffers"
vdispl-dmabuf-check guest "$domid" --edu --misuse >/tmp/check.log 2>&1
lab_result check-rc "$?"
lab_send_file dmabuf-check.log /tmp/check.log
# be-alloc's way: Dom0's own pages, one contiguous block, granted to the guest.
vdispl-dmabuf-check share "$domid" >/tmp/share.log 2>&1
lab_result share-rc "$?"
lab_send_file dmabuf-share.log /tmp/share.log
# The guest redraws its buffers frame after frame; Dom0 reads each one.
vdispl-dmabuf-check frames "$domid" >/tmp/frames.log 2>&1
lab_result frames-rc "$?"
lab_send_file dmabuf-frames.log /tmp/frames.log

# Destroyed while exported: Xen keeps the dying domain's pages for as long as
# we map them, our mapping still reads them, and once we let go it is freed.
vdispl-dmabuf-check hold "$domid" >/tmp/hold.log 2>&1 &
holder=$!
i=0
while ! grep -q "hold ready" /tmp/hold.log && [ $i -lt 100 ]; do
    i=$((i + 1))
    sleep 0.2
done
xl destroy guest || lab_fail "xl destroy guest failed"
sleep 2
lab_result domains-while-held "$(xl list | tail -n +3 | wc -l)"
kill -TERM "$holder"
wait "$holder"
lab_send_file dmabuf-hold.log /tmp/hold.log
i=0
while [ "$(xl list | tail -n +3 | wc -l)" -gt 0 ] && [ $i -lt 30 ]; do
    i=$((i + 1))
    sleep 0.5
done
lab_result domains-left "$(xl list | tail -n +3 | wc -l)"

lab_result module-refcount "$(cat /sys/module/vdispl_dmabuf/refcnt)"
rmmod vdispl_edu_check || lab_fail "rmmod vdispl_edu_check failed"
rmmod vdispl_dmabuf && lab_result unload-after yes
lab_result kernel-trouble "$(lab_kernel_trouble)"
lab_result xen-trouble "$(lab_xen_trouble)"
