# A layout: the connectors of two guests in their regions of one display,
# both guests flipping at once; then one guest goes and its region with it.
# First on the bochs display (composed), then on vkms's overlay planes.

# both_guests N: create the two guests and wait until both have flipped
# (their consoles' logs keep earlier runs: this is run N).
both_guests() {
    lab_create_guest
    lab_create_guest /lab/guest2.cfg
    lab_wait_guest guest "@@GUEST-CMD-DONE" 300 "$1"
    lab_wait_guest guest2 "@@GUEST-CMD-DONE" 300 "$1"
    sleep 1
}

lab_start_backend
both_guests 1
lab_shot together
lab_result together "$(lab_backend_status | tr ' ' ',')"
lab_destroy_guest guest2
sleep 1
lab_shot alone
lab_backend_alive && lab_result backend-alive yes

# The same layout on vkms, whose overlay planes take each region as it is
# (zero-copy), captured by its writeback connector.
lab_destroy_guest guest
lab_stop_backend TERM
vkms=$(lab_load_vkms enable_overlay=1 enable_writeback=1) || exit 1
lab_log "vkms is /dev/dri/$vkms"
sed "s|@VKMS@|/dev/dri/$vkms|" /lab/backend-vkms.ini >/lab/backend.ini
mkdir -p /tmp/shots
lab_start_backend
both_guests 2
lab_result planes "$(lab_backend_status | tr ' ' ',')"
lab_capture_writeback planes
lab_destroy_guest guest2
sleep 1
lab_capture_writeback planes-alone
lab_backend_alive && lab_result planes-backend-alive yes
