# A layout: the connectors of two guests in their regions of one display,
# both guests flipping at once; then one guest goes and its region with it.
lab_start_backend
lab_create_guest
lab_create_guest /lab/guest2.cfg
lab_wait_guest guest "@@GUEST-CMD-DONE" 300
lab_wait_guest guest2 "@@GUEST-CMD-DONE" 300
sleep 1
lab_shot together
lab_result together "$(lab_backend_status | tr ' ' ',')"
lab_destroy_guest guest2
sleep 1
lab_shot alone
lab_backend_alive && lab_result backend-alive yes
