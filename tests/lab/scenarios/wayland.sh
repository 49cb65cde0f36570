# The Wayland output: weston on Dom0's bochs display, the backend putting the
# guest's connector in a window there. Mid-run weston is killed and started
# again: the backend must survive, reconnect, and show the guest again.
# Without weston's panel, which could hide the top of the guest's window.
printf '[shell]\npanel-position=none\n' >/tmp/weston.ini
lab_start_weston --config=/tmp/weston.ini
# /lab/backend.ini: connector id0 on wayland, the rest on KMS on card1.
lab_start_backend
lab_create_guest
# The guest flips at 30 a second for 40 s; weston goes away in the middle.
# Its third client run, the second on connector 0, has started.
lab_wait_guest guest "vdispl-client: connector 0" 300 2
sleep 8
lab_shot before-restart
lab_result flips-before "$(lab_status_field "$(lab_backend_status)" flips)"
lab_stop_weston KILL
lab_log "weston killed"
sleep 3
lab_backend_alive && lab_result alive-without-compositor yes
lab_result flips-without "$(lab_status_field "$(lab_backend_status)" flips)"
sleep 2
lab_result flips-without-later "$(lab_status_field "$(lab_backend_status)" flips)"
lab_start_weston --config=/tmp/weston.ini
lab_wait_guest guest "@@GUEST-CMD-DONE" 300
# The backend's window came back by itself; the guest's last frame is in it.
sleep 2
lab_shot final
lab_backend_alive && lab_result backend-alive yes
lab_result reconnects "$(grep -c 'connected to the compositor' "$LAB_BACKEND_LOG")"
lab_result status "$(lab_backend_status | tr ' ' ',')"
