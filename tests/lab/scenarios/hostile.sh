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
# be-alloc: a guest keeps the backend's pages mapped past their buffer's
# DBUF_DESTROY; they must stay counted until it lets go, or dies.
lab_create_guest /lab/holder.cfg
lab_wait_guest holder "@@HOLDING round=1" 120
sleep 2
lab_result held "$(lab_backend_status | tr ' ' ',')"
lab_wait_guest holder "@@LET-GO round=1" 60
# The module tries again every second.
sleep 3
lab_result let-go "$(lab_backend_status | tr ' ' ',')"
lab_wait_guest holder "@@HOLDING round=2" 30
sleep 2
lab_result held-again "$(lab_backend_status | tr ' ' ',')"
lab_destroy_guest holder
sleep 3
lab_result holder-gone "$(lab_backend_status | tr ' ' ',')"
lab_result module-log "$(dmesg | grep -c 'vdispl_dmabuf: buffer .* still maps 16 of its 16 pages')"
