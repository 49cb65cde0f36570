# The headless output: no display, PNGs every 50 flips and on SIGUSR2.
mkdir -p /tmp/shots
lab_start_backend --output headless --png-dir /tmp/shots --png-every 50
lab_create_guest
lab_wait_guest guest "@@GUEST-CMD-DONE" 300
kill -USR2 "$LAB_BACKEND_PID"
lab_wait_file '/tmp/shots/*-requested.png' 10
lab_result pngs "$(ls /tmp/shots | tr '\n' ',')"
for png in /tmp/shots/*.png; do
    lab_send_file "headless-$(basename "$png").gz" "$png"
done
lab_result status "$(lab_backend_status | tr ' ' ',')"
