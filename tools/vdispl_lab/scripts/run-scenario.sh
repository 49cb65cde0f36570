# The scenario of `tools/lab run`: start the backend, create the guest, let
# its command run, take a screenshot once it finishes.
lab_start_backend
lab_create_guest
lab_wait_guest guest "@@GUEST-READY\|@@GUEST-NO-DISPLAY" 120
if grep -q "@@GUEST-NO-DISPLAY" "$(lab_guest_log guest)"; then
    lab_fail "$(grep -o '@@GUEST-NO-DISPLAY.*' "$(lab_guest_log guest)" | head -n 1 | cut -c 3-)"
fi
lab_log "guest display ready"
lab_wait_guest guest "@@GUEST-CMD-DONE" "${LAB_CMD_TIMEOUT:-600}"
lab_result guest-cmd "$(grep -o '@@GUEST-CMD-DONE rc=[0-9]*' "$(lab_guest_log guest)" | tail -n 1 | sed 's/.*rc=//')"
sleep 1
lab_shot final
lab_result backend-status "$(lab_backend_status | tr ' ' ',')"
