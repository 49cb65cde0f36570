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
    xl destroy "$g" || lab_fail "xl destroy $g failed"
    i=0
    while [ "$(xl list | tail -n +3 | wc -l)" -gt 0 ] && [ $i -lt 30 ]; do
        i=$((i + 1))
        sleep 1
    done
done
lab_result status "$(lab_backend_status | tr ' ' ',')"
