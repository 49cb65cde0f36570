# A guest reboots: its frontend closes, the toolstack replaces the domain,
# and the new one must connect and show its picture again.
lab_start_backend
lab_create_guest
lab_wait_guest guest "@@GUEST-CMD-DONE" 300
sleep 1
lab_shot before-reboot
lab_result before "$(lab_backend_status | tr ' ' ',')"
lab_result domid-before "$(xl domid guest)"
lab_log "rebooting the guest from inside (xl reboot: the guest's init reboots it)"
xl reboot guest || lab_fail "xl reboot guest failed"
lab_wait_guest guest "@@GUEST-CMD-DONE" 300 2
sleep 1
lab_shot after-reboot
lab_result domid-after "$(xl domid guest)"
lab_result after "$(lab_backend_status | tr ' ' ',')"
