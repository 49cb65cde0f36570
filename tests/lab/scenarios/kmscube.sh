# Debian's kmscube in the guest (its command), on the backend's KMS output:
# nothing but the backend and the guest.
lab_start_backend
lab_create_guest
lab_wait_guest guest "@@GUEST-CMD-DONE" 300
lab_result status "$(lab_backend_status | tr ' ' ',')"
