# Backend-allocated buffers (be-alloc=1): the backend shares its own pages
# with the guest, shows them, and takes them back when the guest dies.
lab_start_backend
lab_create_guest
lab_wait_guest guest "@@GUEST-CMD-DONE" 300
sleep 1
lab_shot shown
lab_result before "$(lab_backend_status | tr ' ' ',')"
xl destroy guest || lab_fail "xl destroy guest failed"
i=0
while [ "$(xl list | tail -n +3 | wc -l)" -gt 0 ] && [ $i -lt 30 ]; do
    i=$((i + 1))
    sleep 1
done
lab_result domains-left "$(xl list | tail -n +3 | wc -l)"
lab_result after "$(lab_backend_status | tr ' ' ',')"
