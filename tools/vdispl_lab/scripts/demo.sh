# The demo: two guests side by side on Dom0's screen (a layout in
# /lab/backend.ini), one drawing the test picture, the other rendering it
# with Mesa (OpenGL ES on llvmpipe), both at once.
lab_start_backend
lab_create_guest
lab_create_guest /lab/guest2.cfg
lab_wait_guest guest "@@GUEST-CMD-DONE" 900
lab_wait_guest guest2 "@@GUEST-CMD-DONE" 900
sleep 1
lab_shot final
for g in guest guest2; do
    lab_result "$g-cmd" "$(grep -o '@@GUEST-CMD-DONE rc=[0-9]*' "$(lab_guest_log $g)" | tail -n 1 | sed 's/.*rc=//')"
done
lab_result backend-status "$(lab_backend_status | tr ' ' ',')"
