# Many connectors on one guest, shown by the headless output: a PNG of
# each connector every 30 flips, and the backend's status at the end.
mkdir -p /tmp/shots
lab_start_backend --output headless --png-dir /tmp/shots --png-every 30
lab_create_guest
lab_wait_guest guest "@@GUEST-CMD-DONE" 400
lab_result pngs "$(ls /tmp/shots | tr '\n' ',')"
for png in /tmp/shots/*.png; do
    lab_send_file "connectors-$(basename "$png").gz" "$png"
done
lab_result status "$(lab_backend_status | tr ' ' ',')"
