# The backend goes away under a connected guest, cleanly and by SIGKILL;
# each time a new one starts, the guest's frontend must reconnect.
lab_start_backend
lab_create_guest
lab_wait_guest guest "@@ROUND 0 DONE" 300
lab_log "stopping the backend cleanly (SIGTERM)"
lab_stop_backend TERM
lab_result stopped "$(grep -o 'stopped, .*' "$LAB_BACKEND_LOG" | tail -n 1 | tr ' ' '_')"
lab_start_backend
lab_wait_guest guest "@@ROUND 1 DONE" 180
lab_log "killing the backend (SIGKILL)"
lab_stop_backend KILL
lab_start_backend
lab_wait_guest guest "@@ROUND 2 DONE" 180
sleep 1
lab_shot after-restarts
lab_result status "$(lab_backend_status | tr ' ' ',')"
