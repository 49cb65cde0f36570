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
lab_result module-refcount "$(cat /sys/module/vdispl_dmabuf/refcnt)"
rmmod vdispl_edu_check || lab_fail "rmmod vdispl_edu_check failed"
rmmod vdispl_dmabuf && lab_result unload-after yes
lab_result kernel-trouble "$(lab_kernel_trouble)"
lab_destroy_guest guest
lab_result domains-left "$(xl list | tail -n +3 | wc -l)"
lab_result xen-trouble "$(lab_xen_trouble)"
