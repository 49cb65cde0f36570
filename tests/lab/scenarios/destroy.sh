# xl destroy of a guest in the middle of its flips: the backend must survive,
# unmap everything (else Xen keeps the dead domain as a zombie), and serve
# the next guest.
lab_start_backend
lab_create_guest
lab_wait_guest guest "flip connector=0 frame=40" 300
lab_result before "$(lab_backend_status | tr ' ' ',')"
lab_log "destroying the guest mid-flip"
lab_destroy_guest guest
lab_result domains-left "$(xl list | tail -n +3 | wc -l)"
lab_backend_alive && lab_result backend-alive yes
lab_result after "$(lab_backend_status | tr ' ' ',')"
lab_create_guest /lab/guest2.cfg
lab_wait_guest guest2 "@@GUEST-CMD-DONE" 300
sleep 1
lab_shot second-guest
lab_result second "$(lab_backend_status | tr ' ' ',')"
