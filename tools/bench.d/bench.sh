# Dom0 side of tools/bench: memcpy in this Dom0, then one guest per
# resolution flipping as fast as it can through the copy path, with the
# backend's CPU time (utime + stime, in clock ticks) around each run.
lab_start_backend
lab_result memcpy "$(vdispl-memcpy-bench 20 | sed 's/^memcpy //' | tr ' ' ',')"

backend_ticks() {
    awk '{ print $14 + $15 }' "/proc/$LAB_BACKEND_PID/stat"
}

for g in $BENCH_GUESTS; do
    lab_create_guest "/lab/$g.cfg"
    lab_wait_guest "$g" "@@GUEST-READY" 300
    t0=$(backend_ticks)
    lab_wait_guest "$g" "@@GUEST-CMD-DONE" 900
    t1=$(backend_ticks)
    lab_result "cpu-$g" "ticks=$((t1 - t0)),clk_tck=$(getconf CLK_TCK 2>/dev/null || echo 100)"
    lab_destroy_guest "$g"
done
lab_result status "$(lab_backend_status | tr ' ' ',')"
