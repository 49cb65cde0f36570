# A guest that connects and disconnects 100 times, then 20 guests destroyed
# while they flip: the backend's fds, mappings and resident memory, before
# and after, and nothing left mapped.

# fds=N,maps=N,rss_kb=N of the backend process.
usage_of_backend() {
    p=$LAB_BACKEND_PID
    echo "fds=$(ls /proc/$p/fd | wc -l),maps=$(wc -l </proc/$p/maps),rss_kb=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' /proc/$p/status)"
}

lab_start_backend
lab_create_guest /lab/cycler.cfg
# Ten cycles first: what a first connection allocates once is not growth.
# Both measurements are taken between connections.
lab_wait_guest cycler "@@CYCLES done=" 300 1
lab_wait_status connectors -eq 0 15 >/dev/null
lab_result usage-cycle-10 "$(usage_of_backend)"
lab_wait_guest cycler "@@CYCLES done=" 900 2
lab_result cycles-status "$(lab_wait_status connectors -eq 0 15)"
lab_result usage-cycle-100 "$(usage_of_backend)"
lab_destroy_guest cycler

# (lab.sh's helpers use i for their own loops.)
destroyed=0
while [ $destroyed -lt 20 ]; do
    lab_create_guest /lab/flipper.cfg
    lab_wait_guest flipper "backend is Connected" 120 $((destroyed + 1))
    lab_wait_status flips -gt 0 10 >/dev/null
    lab_destroy_guest flipper
    destroyed=$((destroyed + 1))
    if [ $destroyed -eq 1 ]; then
        lab_result usage-destroy-1 "$(usage_of_backend)"
    fi
done
lab_result destroys-status "$(lab_wait_status grants_mapped -eq 0 15)"
lab_result usage-destroy-20 "$(usage_of_backend)"
lab_result domains-left "$(xl list | tail -n +3 | wc -l)"
lab_backend_alive && lab_result backend-alive yes
