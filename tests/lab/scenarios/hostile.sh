# A hostile guest speaks displif itself and sends malformed requests while a
# well-behaved guest keeps flipping: the backend must answer, survive, and
# the other guest must not notice.
lab_start_backend
lab_create_guest
# Its first run, alone: the rate to compare with.
lab_wait_guest guest "vdispl-client: summary" 300
lab_result before "$(lab_backend_status | tr ' ' ',')"
lab_create_guest /lab/evil.cfg
lab_wait_guest evil "@@GUEST-CMD-DONE" 300
lab_backend_alive && lab_result backend-alive yes
lab_result during "$(lab_backend_status | tr ' ' ',')"
lab_wait_guest guest "@@GUEST-CMD-DONE" 600
sleep 1
lab_shot victim
lab_destroy_guest evil
lab_result after "$(lab_backend_status | tr ' ' ',')"
