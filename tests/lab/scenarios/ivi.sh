# IVI: weston's ivi-shell in Dom0 with the lab's controller module, which
# places each ivi surface by its id (/lab/weston-ivi.ini); the backend puts
# each guest's connector on an ivi surface of its configured ivi-id. Two
# guests flip at once; one screendump shows both.
[ -e /root/vdispl-ivi-controller.so ] || lab_fail "no /root/vdispl-ivi-controller.so: is libweston-10-dev installed on the host? tools/install-deps installs it"
lab_start_weston --shell=ivi-shell.so --config=/lab/weston-ivi.ini
lab_start_backend
lab_create_guest
lab_create_guest /lab/guest2.cfg
lab_wait_guest guest "@@GUEST-CMD-DONE" 300
lab_wait_guest guest2 "@@GUEST-CMD-DONE" 300
sleep 2
lab_shot ivi
lab_backend_alive && lab_result backend-alive yes
lab_result status "$(lab_backend_status | tr ' ' ',')"
