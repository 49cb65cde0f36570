# The guest's vdispl device is detached while a client holds its buffers,
# then attached again: the frontend's device goes away under the open
# buffers, and a new one serves the next client.
lab_start_backend
lab_create_guest
lab_wait_guest guest "@@ROUND 0 DONE" 300
lab_log "detaching the guest's display device under a client that holds buffers"
timeout 60 xl vdispl-detach guest 0
lab_result detach-rc $?
lab_wait_guest guest "@@DETACHED" 60
lab_result detached "$(lab_backend_status | tr ' ' ',')"
timeout 60 xl vdispl-attach guest backend=0 be-alloc=0 connectors=id0:1024x768
lab_result attach-rc $?
lab_wait_guest guest "@@ROUND 1 DONE" 120
sleep 1
lab_shot reattached
lab_result status "$(lab_backend_status | tr ' ' ',')"
