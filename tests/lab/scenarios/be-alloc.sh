# Backend-allocated buffers (be-alloc=1): the backend shares its own pages
# with the guest and shows them; a new backend takes over after the old one
# is killed under a client holding the display; nothing stays shared or
# mapped once the guest is destroyed.
lab_start_backend
lab_create_guest
lab_wait_guest guest "@@ROUND 0 DONE" 300
sleep 1
lab_shot shown
lab_result before "$(lab_backend_status | tr ' ' ',')"
lab_log "killing the backend under a client that holds the display"
lab_stop_backend KILL
lab_start_backend
lab_wait_guest guest "@@ROUND 1 DONE" 90
sleep 1
lab_shot reconnected
lab_result reconnected "$(lab_backend_status | tr ' ' ',')"
lab_destroy_guest guest
lab_result domains-left "$(xl list | tail -n +3 | wc -l)"
lab_result after "$(lab_backend_status | tr ' ' ',')"
