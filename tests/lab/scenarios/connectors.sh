# Many connectors on one guest, shown by the headless output: a PNG of
# each connector every 30 flips, and the backend's status at the end.
mkdir -p /tmp/shots
lab_start_backend --output headless --png-dir /tmp/shots --png-every 30
lab_create_guest
lab_wait_guest guest "@@GUEST-CMD-DONE" 400
# The backend writes each connector's PNG after its flip completes: the
# last ones may come a moment after the guest's end.
n=$(lab_backend_status | sed -n 's/.*connectors=\([0-9]*\).*/\1/p')
i=0
while [ "$(ls /tmp/shots | wc -l)" -lt "${n:-0}" ] && [ $i -lt 100 ]; do
    i=$((i + 1))
    sleep 0.1
done
lab_result pngs "$(ls /tmp/shots | tr '\n' ',')"
for png in /tmp/shots/*.png; do
    lab_send_file "connectors-$(basename "$png").gz" "$png"
done
lab_result status "$(lab_backend_status | tr ' ' ',')"
