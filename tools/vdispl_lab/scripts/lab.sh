# Helpers for lab scenarios, sourced by Dom0's init.
#
# Dom0 talks to the host over its second UART (/dev/ttyS1, a socket on the
# host), not through Xen's console: Xen drops console input beyond a few
# dozen octets. Lines Dom0 sends start with "@@"; the host answers @@SHOT.

LAB_BACKEND_LOG=/var/log/vdispl-backend.log
LAB_BACKEND_PID=
LAB_CONSOLE_DIR=/var/log/xen

lab_msg() {
    echo "$*" >&3
}

lab_log() {
    echo "lab: $*"
    lab_msg "@@LOG $*"
}

lab_boot() {
    stty -F /dev/ttyS1 raw -echo 115200
    exec 3<>/dev/ttyS1
    lab_msg "@@HELLO"
    for m in xen-evtchn xen-gntdev xen-privcmd xenfs bochs; do
        modprobe "$m" || lab_fail "modprobe $m failed"
    done
    # gntalloc shares at most 1024 pages by default, less than two 1024x768
    # buffers: backend-allocated (be-alloc) guests need more.
    modprobe xen-gntalloc limit=131072 || lab_fail "modprobe xen-gntalloc failed"
    # vdispl's Dom0 module, as users would have it (built for this kernel).
    lab_load_module vdispl-dmabuf
    mount -t xenfs xenfs /proc/xen || lab_fail "cannot mount xenfs"
    xenstored --pid-file /run/xenstored.pid || lab_fail "xenstored did not start"
    xen-init-dom0 >/dev/null || lab_fail "xen-init-dom0 failed"
    xenconsoled --log=guest --log-dir="$LAB_CONSOLE_DIR" || lab_fail "xenconsoled did not start"
    lab_log "Dom0 up: $(ls /dev/dri | tr '\n' ' ')"
}

# lab_load_module NAME [PARAMS...]: insmod /lab/modules/NAME.ko (built out
# of tree for this kernel; their dependencies come from the image's modules).
lab_load_module() {
    name=$1
    shift
    for dep in $(cat "/lab/modules/$name.deps"); do
        modprobe "$dep" || lab_fail "modprobe $dep (for $name) failed"
    done
    insmod "/lab/modules/$name.ko" "$@" || lab_fail "insmod $name failed: $(dmesg | tail -n 3)"
}

# lab_load_vkms [PARAMS...]: load vkms (built out of tree) and print the
# name of its DRM card, e.g. card1.
lab_load_vkms() {
    lab_load_module vkms "$@"
    for c in /sys/class/drm/card[0-9]*; do
        # vkms is a bare platform device: no driver link, only its name.
        case "$(readlink "$c/device")" in */vkms) basename "$c"; return 0 ;; esac
    done
    lab_fail "vkms gave no DRM card"
}

# lab_wait_file GLOB SECONDS: wait until a file matches GLOB (quote it).
lab_wait_file() {
    i=0
    while ! ls $1 >/dev/null 2>&1 && [ $i -lt $(($2 * 5)) ]; do
        i=$((i + 1))
        sleep 0.2
    done
}

# lab_kernel_trouble: count the kernel's oopses, BUGs, WARNs and leaks so far.
lab_kernel_trouble() {
    dmesg | grep -c -E "Oops|BUG:|WARNING:|general protection|leaked|Call Trace"
}

# lab_xen_trouble: count what Xen logged about grants misused or domains
# crashed (an implicit unmap of a granted PTE crashes Dom0 itself).
lab_xen_trouble() {
    xl dmesg | grep -c -i -E "domain_crash|implicitly unmap|crashed|Bad grant|grant_table.*(fail|error)"
}

# lab_start_backend [ARGS...]: vdispl-backend with /lab/backend.ini, its log
# appended to $LAB_BACKEND_LOG; waits until it watches XenStore.
lab_start_backend() {
    readies=$(grep -c "ready: serving" "$LAB_BACKEND_LOG" 2>/dev/null)
    # Read only by a sanitized build: any finding stops it, with a report in its log.
    ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    vdispl-backend --config /lab/backend.ini --log-level debug "$@" >>"$LAB_BACKEND_LOG" 2>&1 &
    LAB_BACKEND_PID=$!
    i=0
    while [ "$(grep -c "ready: serving" "$LAB_BACKEND_LOG" 2>/dev/null)" -le "${readies:-0}" ]; do
        kill -0 "$LAB_BACKEND_PID" 2>/dev/null || lab_fail "vdispl-backend exited at start: $(tail -n 3 $LAB_BACKEND_LOG)"
        i=$((i + 1))
        [ $i -lt 100 ] || lab_fail "vdispl-backend not ready after 10 s"
        sleep 0.1
    done
    lab_log "vdispl-backend running, pid $LAB_BACKEND_PID"
}

# lab_stop_backend SIGNAL: stop it and wait until it is gone.
lab_stop_backend() {
    kill "-$1" "$LAB_BACKEND_PID"
    i=0
    while kill -0 "$LAB_BACKEND_PID" 2>/dev/null; do
        i=$((i + 1))
        [ $i -lt 100 ] || lab_fail "vdispl-backend did not stop on SIG$1"
        sleep 0.1
    done
    wait "$LAB_BACKEND_PID" 2>/dev/null
    LAB_BACKEND_PID=
}

lab_backend_alive() {
    [ -n "$LAB_BACKEND_PID" ] && kill -0 "$LAB_BACKEND_PID" 2>/dev/null
}

# lab_backend_status: ask the backend for its status line (SIGUSR1) and print it.
lab_backend_status() {
    lab_backend_alive || lab_fail "vdispl-backend is not running"
    before=$(grep -c "status:" "$LAB_BACKEND_LOG")
    kill -USR1 "$LAB_BACKEND_PID"
    i=0
    while [ "$(grep -c "status:" "$LAB_BACKEND_LOG")" -le "$before" ]; do
        i=$((i + 1))
        [ $i -lt 50 ] || lab_fail "vdispl-backend did not report its status"
        sleep 0.1
    done
    grep "status:" "$LAB_BACKEND_LOG" | tail -n 1 | sed 's/.*status: //'
}

# lab_status_field LINE KEY: the value of KEY=VALUE in a status line.
lab_status_field() {
    echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# lab_wait_status FIELD OP VALUE SECONDS: poll the backend's status line
# until FIELD OP VALUE holds (OP as test(1) takes it: -eq, -ge, ...), for
# SECONDS at most; print the last status line, its fields comma-separated.
lab_wait_status() {
    i=0
    while [ $i -lt $(($4 * 10)) ]; do
        status=$(lab_backend_status)
        [ "$(lab_status_field "$status" "$1")" "$2" "$3" ] && break
        i=$((i + 1))
        sleep 0.1
    done
    echo "$status" | tr ' ' ','
}

# lab_create_guest [CFG]: xl create, failing the scenario if it fails.
lab_create_guest() {
    cfg=${1:-/lab/guest.cfg}
    # A PVH guest needs hardware-assisted paging: Debian's Xen has no shadow paging.
    if grep -q '^type = "pvh"' "$cfg" && ! xl info | grep '^virt_caps' | grep -qw hap; then
        lab_fail "Xen offers no hap (hardware-assisted paging), which a PVH guest needs: give QEMU -cpu ...,+svm,+npt (xl info: $(xl info | grep '^virt_caps'))"
    fi
    out=$(xl create "$cfg" 2>&1) || lab_fail "xl create $cfg failed: $out"
    lab_log "guest created: $(xl list | tail -n +2 | awk '{print $1 "(" $2 ")"}' | tr '\n' ' ')"
}

# lab_destroy_guest NAME: xl destroy, then wait (30 s at most) until Xen has
# freed the domain; one whose pages something still maps lingers, nameless.
lab_destroy_guest() {
    domains=$(xl list | tail -n +2 | wc -l)
    xl destroy "$1" || lab_fail "xl destroy $1 failed"
    i=0
    while [ "$(xl list | tail -n +2 | wc -l)" -ge "$domains" ] && [ $i -lt 30 ]; do
        i=$((i + 1))
        sleep 1
    done
}

lab_guest_log() {
    echo "$LAB_CONSOLE_DIR/guest-${1:-guest}.log"
}

# lab_wait_guest NAME PATTERN SECONDS [COUNT]: wait until the guest's console
# shows PATTERN COUNT times; fail if the backend dies, or the guest is gone
# for 15 s (a rebooting guest is briefly absent).
lab_wait_guest() {
    name=$1 pattern=$2 limit=$3 count=${4:-1}
    log=$(lab_guest_log "$name")
    t=0 absent=0
    while [ "$(grep -c "$pattern" "$log" 2>/dev/null)" -lt "$count" ]; do
        lab_backend_alive || lab_fail "vdispl-backend died while waiting for '$pattern'"
        if xl domid "$name" >/dev/null 2>&1; then
            absent=0
        else
            absent=$((absent + 1))
            [ $absent -le 15 ] || lab_fail "guest $name is gone while waiting for '$pattern'"
        fi
        t=$((t + 1))
        [ $t -le "$limit" ] || lab_fail "guest $name: no '$pattern' after $limit s"
        sleep 1
    done
}

# lab_shot NAME: the host saves screendumps of every display as NAME-head<N>.png.
lab_shot() {
    lab_msg "@@SHOT $1"
    read -t 120 reply <&3 || lab_fail "host did not take screenshot $1"
}

lab_result() {
    lab_msg "@@RESULT $1 $2"
}

# lab_send_file NAME PATH: copy a Dom0 file to the host's output directory.
lab_send_file() {
    [ -e "$2" ] || return 0
    lab_msg "@@FILE $1"
    gzip -c "$2" | base64 >&3
    lab_msg "@@END"
}

lab_collect() {
    for log in "$LAB_CONSOLE_DIR"/guest-*.log; do
        [ -e "$log" ] && lab_send_file "$(basename "$log" .log | sed 's/^guest-/guest-console-/').log" "$log"
    done
    lab_send_file backend.log "$LAB_BACKEND_LOG"
    dmesg >/tmp/dom0-dmesg.log
    lab_send_file dom0-dmesg.log /tmp/dom0-dmesg.log
    xl dmesg >/tmp/xen-dmesg.log 2>&1
    lab_send_file xen-dmesg.log /tmp/xen-dmesg.log
}

lab_fail() {
    lab_msg "@@FAIL $*"
    echo "lab: FAIL: $*"
    lab_collect
    lab_done 1
    exit 1
}

# lab_done RC: report the end and power off once the host has read it. The
# serial port sends what is queued only while the kernel runs, so powering
# off straight after the last write can lose it under load.
lab_done() {
    lab_msg "@@DONE $1"
    read -t 60 reply <&3
    poweroff -f
}

lab_finish() {
    lab_collect
    lab_done "$1"
}
