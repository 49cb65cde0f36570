# Dom0 side of tools/bench. vkms is the display for every run, so the copy
# path and zero-copy are measured on the same driver: memcpy figures first
# (RAM to RAM, RAM to a vkms dumb buffer), then each run of BENCH_RUNS
# ("IMPORT:GUEST"): the backend as users run it (log level info, restarted
# when the way of importing changes), one guest flipping BENCH_FRAMES times
# as fast as its events come back. The backend's status lines give its CPU
# time and flips between 10% and 90% of the guest's flips (the steady state:
# no connection, buffer creation, first import or teardown in it), and its
# DBUF_CREATE cost from before the guest to its end.
vkms=$(lab_load_vkms) || exit 1

printf '[backend]\noutput = kms\ndrm-device = /dev/dri/%s\n' "$vkms" >/lab/backend.ini
lab_result memcpy "$(vdispl-memcpy-bench 10 "/dev/dri/$vkms" | sed 's/^memcpy //' | tr ' ' ',')"

running=
for run in $BENCH_RUNS; do
    import=${run%%:*} g=${run#*:}
    if [ "$import" != "$running" ]; then
        [ -z "$running" ] || lab_stop_backend TERM
        lab_start_backend --import "$import" --log-level info
        running=$import
    fi
    before=$(lab_backend_status | tr ' ' ',')
    flips=$(lab_status_field "$(echo "$before" | tr ',' ' ')" flips)
    lab_result "before-$g" "$before"
    lab_create_guest "/lab/$g.cfg"
    lab_result "steady-from-$g" "$(lab_wait_status flips -ge $((flips + BENCH_FRAMES / 10)) 300)"
    lab_result "steady-to-$g" "$(lab_wait_status flips -ge $((flips + BENCH_FRAMES * 9 / 10)) 300)"
    lab_wait_guest "$g" "@@GUEST-CMD-DONE" 900
    lab_result "after-$g" "$(lab_backend_status | tr ' ' ',')"
    lab_destroy_guest "$g"
done
lab_stop_backend TERM
