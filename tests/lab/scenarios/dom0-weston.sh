# Weston in Dom0 (--dom0-pkg weston) on the bochs display, a Wayland client
# of the weston package on it; then Dom0's own command (--dom0-cmd) and file
# (--dom0-file), started by lab_start_backend, beside a headless backend. No guest.
lab_start_weston
lab_result weston-env "$WAYLAND_DISPLAY $XDG_RUNTIME_DIR"
weston-simple-shm >/tmp/simple-shm.log 2>&1 &
client=$!
sleep 3
kill -0 "$client" 2>/dev/null && lab_result client-alive yes
lab_shot weston-client
kill -INT "$client"
wait "$client"
lab_result client-exit $?
lab_send_file simple-shm.log /tmp/simple-shm.log
sleep 1
lab_shot weston-desktop
mkdir -p /tmp/shots
lab_start_backend --output headless --png-dir /tmp/shots
lab_result backend-env "$(tr '\0' '\n' <"/proc/$LAB_BACKEND_PID/environ" |
    grep -E '^(WAYLAND_DISPLAY|XDG_RUNTIME_DIR)=' | sort | tr '\n' ' ')"
lab_wait_file /tmp/dom0-file-done 30
lab_result dom0-file-done "$(cat /tmp/dom0-file-done 2>/dev/null)"
lab_stop_weston
lab_result weston-stopped "$([ -S "$LAB_XDG_RUNTIME_DIR/$LAB_WAYLAND_DISPLAY" ] && echo no || echo yes)"
