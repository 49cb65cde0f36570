# Zero-copy onto vkms: the mainline frontend's buffers, exported by
# vdispl-dmabuf, scanned out by vkms as they are, and captured by its
# writeback connector; the module cannot go while they are exported. Then
# the guest is destroyed while its buffer is on screen, and a new one draws.
vkms=$(lab_load_vkms enable_writeback=1) || exit 1
lab_log "vkms is /dev/dri/$vkms"
mkdir -p /tmp/shots
printf '[backend]\noutput = kms\ndrm-device = /dev/dri/%s\npng-dir = /tmp/shots\n' "$vkms" \
    >/lab/backend.ini

lab_start_backend
lab_create_guest
lab_wait_guest guest "@@GUEST-CMD-DONE" 600
sleep 1
lab_result shown "$(lab_backend_status | tr ' ' ',')"
lab_capture_writeback first
if rmmod vdispl_dmabuf 2>/dev/null; then
    lab_result rmmod-while-exported unloaded
else
    lab_result rmmod-while-exported refused
fi

lab_log "destroying the guest while its buffer is on screen"
lab_destroy_guest guest
# Until the backend maps no grant: its importers have let go.
lab_result after-destroy "$(lab_wait_status grants_mapped -eq 0 15)"
lab_result domains-left "$(xl list | tail -n +3 | wc -l)"
lab_backend_alive && lab_result backend-alive yes

lab_create_guest /lab/guest2.cfg
lab_wait_guest guest2 "@@GUEST-CMD-DONE" 300
sleep 1
lab_capture_writeback second
lab_result second "$(lab_backend_status | tr ' ' ',')"
lab_result kernel-trouble "$(lab_kernel_trouble)"
lab_result xen-trouble "$(lab_xen_trouble)"
