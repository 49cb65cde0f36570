# Helpers for lab scenarios, sourced by Dom0's init.
#
# Dom0 talks to the host over its second UART (/dev/ttyS1, a socket on the
# host), not through Xen's console: Xen drops console input beyond a few
# dozen octets. On arm, whose virt machine has one UART (Xen's), a virtio
# serial port does the same. Lines Dom0 sends start with "@@"; the host
# answers @@SHOT.

LAB_BACKEND_LOG=/var/log/vdispl-backend.log
LAB_BACKEND_PID=
LAB_CONSOLE_DIR=/var/log/xen
# Dom0's command (--dom0-cmd, /lab/dom0-cmd): its output, and its process
# group once started (a file: the scenario runs in a subshell).
LAB_DOM0_CMD_LOG=/var/log/dom0-cmd.log
LAB_DOM0_CMD_PIDFILE=/run/lab-dom0-cmd.pid
# Wayland in Dom0: lab_start_weston's compositor listens on
# $LAB_XDG_RUNTIME_DIR/$LAB_WAYLAND_DISPLAY.
LAB_WAYLAND_DISPLAY=wayland-lab
LAB_XDG_RUNTIME_DIR=/run/user/0
LAB_WESTON_LOG=/var/log/weston.log
LAB_WESTON_PID=

lab_msg() {
    echo "$*" >&3
}

lab_log() {
    echo "lab: $*"
    lab_msg "@@LOG $*"
}

# lab_open_ctl: the control channel to the host, as fd 3.
lab_open_ctl() {
    if [ "$(uname -m)" = x86_64 ]; then
        stty -F /dev/ttyS1 raw -echo 115200
        exec 3<>/dev/ttyS1
        return
    fi
    modprobe virtio_pci && modprobe virtio_console || lab_console_fail "modprobe virtio_console failed"
    i=0
    while [ -z "$(ls /dev | grep '^vport[0-9]*p1$')" ] && [ $i -lt 100 ]; do
        i=$((i + 1))
        sleep 0.1
    done
    port=$(ls /dev | grep '^vport[0-9]*p1$' | head -n 1)
    [ -n "$port" ] || lab_console_fail "no virtio serial port (/dev/vport*p1): $(dmesg | grep -i virtio | tail -n 10)"
    exec 3<>"/dev/$port"
}

# Before the control channel is up: say why on the console, and stop.
lab_console_fail() {
    echo "lab: FAIL: $*"
    poweroff -f
}

lab_boot() {
    lab_open_ctl
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
# appended to $LAB_BACKEND_LOG; waits until it watches XenStore. Dom0's
# command, if there is one, starts just before the first backend.
lab_start_backend() {
    lab_start_dom0_cmd
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

# lab_runtime_dir: make $LAB_XDG_RUNTIME_DIR (Wayland's XDG_RUNTIME_DIR: 0700).
lab_runtime_dir() {
    mkdir -p "$LAB_XDG_RUNTIME_DIR" && chmod 0700 "$LAB_XDG_RUNTIME_DIR" ||
        lab_fail "cannot make $LAB_XDG_RUNTIME_DIR"
}

# lab_start_dom0_cmd: run Dom0's command (--dom0-cmd), if there is one and
# it has not started yet, in /root, in the background, with HOME=/root,
# XDG_RUNTIME_DIR (and WAYLAND_DISPLAY once lab_start_weston ran), its
# output in $LAB_DOM0_CMD_LOG. It runs in a session of its own, so that
# lab_collect stops it and all it started. lab_start_backend calls this;
# scenarios that start no backend call it themselves.
lab_start_dom0_cmd() {
    [ -e /lab/dom0-cmd ] && [ ! -e "$LAB_DOM0_CMD_PIDFILE" ] || return 0
    lab_runtime_dir
    HOME=/root PATH="/root:$PATH" XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$LAB_XDG_RUNTIME_DIR}" \
    setsid sh -c 'cd /root && sh /lab/dom0-cmd; echo "lab: the command exited with status $?"' \
        >"$LAB_DOM0_CMD_LOG" 2>&1 </dev/null 3>&- &
    echo $! >"$LAB_DOM0_CMD_PIDFILE"
    lab_log "Dom0's command running, pid $!"
}

# lab_stop_dom0_cmd: stop what is left of Dom0's command (SIGTERM, then
# SIGKILL after 2 s), saying so in its log.
lab_stop_dom0_cmd() {
    if [ ! -e "$LAB_DOM0_CMD_PIDFILE" ]; then
        [ -e /lab/dom0-cmd ] && [ ! -e "$LAB_DOM0_CMD_LOG" ] &&
            echo "lab: the command never ran: nothing called lab_start_dom0_cmd" \
                "(lab_start_backend does)" >"$LAB_DOM0_CMD_LOG"
        return 0
    fi
    group=$(cat "$LAB_DOM0_CMD_PIDFILE")
    rm -f "$LAB_DOM0_CMD_PIDFILE"
    # The group's leader may be gone and what it started still there.
    kill -TERM "-$group" 2>/dev/null || return 0
    echo "lab: still running at the end of the run: stopped" >>"$LAB_DOM0_CMD_LOG"
    i=0
    while kill -0 "-$group" 2>/dev/null && [ $i -lt 20 ]; do
        i=$((i + 1))
        sleep 0.1
    done
    kill -KILL "-$group" 2>/dev/null
}

# lab_start_weston [ARGS...]: weston (boot with --dom0-pkg weston) on Dom0's
# first display (/dev/dri/card0, bochs): DRM backend (or $LAB_WESTON_BACKEND:
# headless), pixman renderer (or $LAB_WESTON_RENDERER: gl), no input devices needed; ARGS come after these
# and override them. Its log is $LAB_WESTON_LOG (weston.log on the host). Waits (20 s at most) for its
# socket, then exports WAYLAND_DISPLAY and XDG_RUNTIME_DIR, so Wayland
# clients and backends started afterwards find it.
lab_start_weston() {
    command -v weston >/dev/null || lab_fail "no weston in Dom0: boot with --dom0-pkg weston"
    lab_runtime_dir
    socket=$LAB_XDG_RUNTIME_DIR/$LAB_WAYLAND_DISPLAY
    # Weston 13 and later have only libseat, whose built-in seatd takes the
    # current VT and refuses --tty, and name the renderer; 10's direct
    # launcher needs a VT, and knows --use-pixman only (GL is its default).
    major=$(weston --version 2>&1 | sed -n 's/^weston \([0-9]*\)\..*/\1/p')
    if [ "${major:-0}" -ge 13 ]; then
        set -- "--renderer=${LAB_WESTON_RENDERER:-pixman}" "$@"
    else
        [ "${LAB_WESTON_RENDERER:-pixman}" != pixman ] || set -- --use-pixman "$@"
        set -- --tty=1 "$@"
    fi
    # Headless (weston 13 and later): a 1280x800 output no QMP screendump
    # shows; --debug lets lab_weston_screenshot take its picture.
    if [ "${LAB_WESTON_BACKEND:-drm}" = headless ]; then
        set -- --backend=headless --width=1280 --height=800 --debug "$@"
    else
        set -- --backend=drm-backend.so --drm-device=card0 --continue-without-input "$@"
    fi
    HOME=/root XDG_RUNTIME_DIR=$LAB_XDG_RUNTIME_DIR weston \
        --socket="$LAB_WAYLAND_DISPLAY" --log="$LAB_WESTON_LOG" "$@" \
        >>"$LAB_WESTON_LOG" 2>&1 </dev/null 3>&- &
    LAB_WESTON_PID=$!
    i=0
    while [ ! -S "$socket" ]; do
        kill -0 "$LAB_WESTON_PID" 2>/dev/null ||
            lab_fail "weston exited at start: $(tail -n 5 "$LAB_WESTON_LOG")"
        i=$((i + 1))
        [ $i -lt 200 ] ||
            lab_fail "weston gave no socket $socket within 20 s: $(tail -n 5 "$LAB_WESTON_LOG")"
        sleep 0.1
    done
    export WAYLAND_DISPLAY="$LAB_WAYLAND_DISPLAY" XDG_RUNTIME_DIR="$LAB_XDG_RUNTIME_DIR"
    lab_log "weston running, pid $LAB_WESTON_PID, socket $socket"
}

# lab_weston_screenshot NAME: what weston (started with
# LAB_WESTON_BACKEND=headless) shows, by its own screenshooter, sent to the
# host as NAME.png.
lab_weston_screenshot() {
    shots=$(mktemp -d)
    (cd "$shots" && XDG_PICTURES_DIR=$shots weston-screenshooter) >/tmp/screenshooter.log 2>&1 ||
        lab_fail "weston-screenshooter failed: $(tail -n 5 /tmp/screenshooter.log)"
    png=$(ls "$shots"/*.png 2>/dev/null | head -n 1)
    [ -n "$png" ] || lab_fail "weston-screenshooter wrote no PNG: $(tail -n 5 /tmp/screenshooter.log)"
    lab_send_file "$1.png" "$png"
    rm -rf "$shots"
}

# lab_stop_process NAME PID SIGNAL: send SIGNAL to PID (our child) and wait
# until it is gone, 10 s at most.
lab_stop_process() {
    kill "-$3" "$2"
    i=0
    while kill -0 "$2" 2>/dev/null; do
        i=$((i + 1))
        [ $i -lt 100 ] || lab_fail "$1 did not stop on SIG$3"
        sleep 0.1
    done
    wait "$2" 2>/dev/null
}

# lab_stop_weston [SIGNAL]: stop it (SIGTERM, or SIGNAL: KILL as a crash
# would) and wait until it is gone; Wayland clients and backends started
# afterwards no longer look for it. A killed weston leaves its socket
# behind: removed, so that the next one's is new.
lab_stop_weston() {
    [ -n "$LAB_WESTON_PID" ] || return 0
    lab_stop_process weston "$LAB_WESTON_PID" "${1:-TERM}"
    [ "${1:-TERM}" != KILL ] || rm -f "$LAB_XDG_RUNTIME_DIR/$LAB_WAYLAND_DISPLAY"
    LAB_WESTON_PID=
    unset WAYLAND_DISPLAY
}

# lab_stop_backend SIGNAL: stop it and wait until it is gone.
lab_stop_backend() {
    lab_stop_process vdispl-backend "$LAB_BACKEND_PID" "$1"
    LAB_BACKEND_PID=
}

lab_backend_alive() {
    [ -n "$LAB_BACKEND_PID" ] && kill -0 "$LAB_BACKEND_PID" 2>/dev/null
}

# lab_backend_status: ask the backend for its status line (SIGUSR1) and print it.
# Only what the backend logs from the signal on is read: in long scenarios
# its log grows to megabytes, and reading it all at each poll took seconds.
lab_backend_status() {
    lab_backend_alive || lab_fail "vdispl-backend is not running"
    status_from=$(($(wc -c <"$LAB_BACKEND_LOG") + 1))
    kill -USR1 "$LAB_BACKEND_PID"
    i=0
    while :; do
        status_line=$(tail -c "+$status_from" "$LAB_BACKEND_LOG" | grep "status:" | tail -n 1)
        [ -z "$status_line" ] || break
        i=$((i + 1))
        [ $i -lt 50 ] || lab_fail "vdispl-backend did not report its status"
        sleep 0.1
    done
    echo "$status_line" | sed 's/.*status: //'
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
    # For lab_wait_guest: when it was created, to tell a guest that never booted.
    date +%s > "/tmp/lab-created-$(sed -n 's/^name = "\(.*\)"/\1/p' "$cfg")"
    lab_log "guest created: $(xl list | tail -n +2 | awk '{print $1 "(" $2 ")"}' | tr '\n' ' ')"
}

# lab_destroy_guest NAME: xl destroy, then wait (30 s at most) until Xen has
# freed the domain; one whose pages something still maps lingers, nameless.
lab_destroy_guest() {
    domains=$(xl list | tail -n +2 | wc -l)
    # Bounded: once (zero_copy, PV) it never returned, and Dom0 said nothing.
    timeout 120 xl destroy "$1" ||
        lab_fail "xl destroy $1 failed or hung: $(ps -o pid,stat,args | grep -v ' S ' | tail -n 8 | tr '\n' ';')"
    i=0
    while [ "$(xl list | tail -n +2 | wc -l)" -ge "$domains" ] && [ $i -lt 30 ]; do
        i=$((i + 1))
        sleep 1
    done
}

lab_guest_log() {
    echo "$LAB_CONSOLE_DIR/guest-${1:-guest}.log"
}

# A guest boots to its init in about 5 s; one silent much longer hung.
LAB_GUEST_BOOT_LIMIT=90

# lab_wait_guest NAME PATTERN SECONDS [COUNT]: wait until the guest's console
# shows PATTERN COUNT times; fail if the backend dies, the guest is gone
# for 15 s (a rebooting guest is briefly absent), or it never reached its
# init (no @@GUEST-BOOT LAB_GUEST_BOOT_LIMIT s after lab_create_guest).
lab_wait_guest() {
    name=$1 pattern=$2 limit=$3 count=${4:-1}
    log=$(lab_guest_log "$name")
    t=0 absent=0
    while [ "$(grep -c "$pattern" "$log" 2>/dev/null)" -lt "$count" ]; do
        lab_backend_alive || lab_fail "vdispl-backend died while waiting for '$pattern'"
        if [ -f "/tmp/lab-created-$name" ] && ! grep -q "@@GUEST-BOOT" "$log" 2>/dev/null &&
           [ $(($(date +%s) - $(cat "/tmp/lab-created-$name"))) -gt $LAB_GUEST_BOOT_LIMIT ]; then
            lab_fail "guest $name never booted: nothing from its init $LAB_GUEST_BOOT_LIMIT s after xl create"
        fi
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

# lab_capture_writeback NAME: SIGUSR2 to the backend, whose png-dir must be
# /tmp/shots, then the writeback PNG of its KMS output sent to the host as
# NAME.png; what the backend wrote is result NAME-png.
lab_capture_writeback() {
    mkdir -p /tmp/shots
    rm -f /tmp/shots/*
    kill -USR2 "$LAB_BACKEND_PID"
    lab_wait_file '/tmp/shots/*-writeback.png' 10
    lab_result "$1-png" "$(ls /tmp/shots | tr '\n' ' ')"
    for png in /tmp/shots/*-writeback.png; do
        [ -e "$png" ] && lab_send_file "$1.png" "$png"
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
    lab_stop_dom0_cmd
    lab_send_file dom0-cmd.log "$LAB_DOM0_CMD_LOG"
    lab_send_file weston.log "$LAB_WESTON_LOG"
    dmesg >/tmp/dom0-dmesg.log
    lab_send_file dom0-dmesg.log /tmp/dom0-dmesg.log
    xl dmesg >/tmp/xen-dmesg.log 2>&1
    lab_send_file xen-dmesg.log /tmp/xen-dmesg.log
}

lab_fail() {
    lab_msg "@@FAIL $*"
    echo "lab: FAIL: $*"
    # The devices' xenbus states at the failure, for runs that stall.
    xenstore-ls -f /local/domain >/tmp/xenstore.log 2>&1
    lab_send_file xenstore.log /tmp/xenstore.log
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
