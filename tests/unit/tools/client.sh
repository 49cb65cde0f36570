#!/bin/sh
# SPDX-License-Identifier: MIT
# vdispl-client end to end against fake-drm.c, as TAP: the output lines the
# lab parses, exit statuses, lost and late flip events, setup errors, --keep.
# Usage: client.sh PATH-TO-fake-client (built with a 500 ms flip timeout)
set -u

client=$1
dir=$(mktemp -d) || exit 99
dev=$dir/card0
: >"$dev"
keeper=
cleanup() {
    if [ -n "$keeper" ]; then kill "$keeper" 2>/dev/null; fi
    rm -rf "$dir"
}
trap cleanup EXIT
. "$(dirname "$0")/../tap.sh"

# Failures show what the client printed.
fail() {
    not_ok "$1" "out: " "$dir/out" "err: " "$dir/err"
}

# run STATUS DESCRIPTION "VAR=VALUE ..." OPTION...: the client on the fake
# device with that environment; stdout to $dir/out, stderr to $dir/err.
run() {
    want=$1
    what=$2
    vars=$3
    shift 3
    # shellcheck disable=SC2086 # the variables are meant to split
    env $vars "$client" --device "$dev" "$@" >"$dir/out" 2>"$dir/err"
    got=$?
    if [ "$got" -eq "$want" ]; then
        ok "$what (exit $got)"
    else
        fail "$what: exit $got, want $want"
    fi
}

# out REGEX DESCRIPTION / err REGEX DESCRIPTION: a line of the last run matches
out() {
    if grep -Eq "$1" "$dir/out"; then ok "$2"; else fail "$2: no stdout line matches '$1'"; fi
}

err() {
    if grep -Eq "$1" "$dir/err"; then ok "$2"; else fail "$2: no stderr line matches '$1'"; fi
}

# count REGEX N DESCRIPTION: stdout lines matching
count() {
    c=$(grep -Ec "$1" "$dir/out")
    if [ "$c" -eq "$2" ]; then ok "$3"; else fail "$3: $c lines match '$1', want $2"; fi
}

# errcount REGEX N DESCRIPTION: stderr lines matching
errcount() {
    c=$(grep -Ec "$1" "$dir/err")
    if [ "$c" -eq "$2" ]; then ok "$3"; else fail "$3: $c lines match '$1', want $2"; fi
}

P='^vdispl-client: '
LAT='latency_us_min=[0-9]+ latency_us_avg=[0-9]+ latency_us_max=[0-9]+'

run 0 "five frames on two connectors" "FAKE_DRM_TRACE=1" --frames 5
out "${P}connector 0 Virtual-1 320x240 crtc 300\$" "connector line 0 (preferred mode)"
out "${P}connector 1 Virtual-2 300x200 crtc 301\$" "connector line 1"
count '^flip connector=[01] frame=[1-5] latency_us=[0-9]+$' 10 "ten flip lines"
out '^flip connector=1 frame=5 latency_us=[0-9]+$' "a flip line for the last frame"
out "${P}summary connector=0 size=320x240 frames=5 flips=5 events=5 lost=0 $LAT last_frame=5 elapsed_us=[0-9]+\$" \
    "summary line 0"
out "${P}summary connector=1 size=300x200 frames=5 flips=5 events=5 lost=0 $LAT last_frame=5 elapsed_us=[0-9]+\$" \
    "summary line 1"
count '.' 14 "nothing else on stdout"
errcount '^fake-drm: rmfb' 4 "four framebuffers removed"
errcount '^fake-drm: destroy_dumb' 4 "four dumb buffers destroyed"

run 0 "--quiet" "" --frames 3 --quiet
count '^flip ' 0 "no flip lines"
count 'summary.*last_frame=3 elapsed_us=[0-9]+$' 2 "still the summaries"

run 0 "--no-draw flips untouched buffers and never maps them" \
    "FAKE_DRM_BLANK=1 FAKE_DRM_FAIL=map_dumb" --frames 3 --no-draw
count 'summary.*flips=3 events=3 lost=0 .*last_frame=3 elapsed_us=[0-9]+$' 2 "--no-draw: all flips done"

run 0 "--frames 0" "" --frames 0
out "${P}summary connector=0 size=320x240 frames=0 flips=0 events=0 lost=0 latency_us_min=0 latency_us_avg=0 latency_us_max=0 last_frame=0 elapsed_us=[0-9]+\$" \
    "summary of frame 0 alone"

run 0 "latency is measured" "FAKE_DRM_DELAY_US=100000" --frames 2 --connectors 1
out 'latency_us_min=1[0-9]{5} latency_us_avg=1[0-9]{5} latency_us_max=1[0-9]{5} ' \
    "100 ms events give 1xxxxx us"

run 0 "--connectors 1" "" --frames 2 --connectors 1
count "${P}connector " 1 "one connector line"
out "${P}summary connector=1 " "for connector 1"

run 0 "a disconnected connector is left out" "FAKE_DRM_DISCONNECTED=0" --frames 1
count "${P}connector " 1 "one connector line"
out "${P}connector 1 Virtual-2 " "connector 1"

run 1 "an event that never comes" "FAKE_DRM_LOSE=0:3" --frames 5
out "${P}summary connector=0 size=320x240 frames=5 flips=3 events=2 lost=1 $LAT last_frame=2 elapsed_us=[0-9]+\$" \
    "connector 0 lost frame 3 and sat out the rest"
out "${P}summary connector=1 size=300x200 frames=5 flips=5 events=5 lost=0 $LAT last_frame=5 elapsed_us=[0-9]+\$" \
    "connector 1 went on"
err "connector 0: no event for frame 3 within 500 ms: flip lost" "the loss is reported"

run 1 "both connectors lose their events" "FAKE_DRM_LOSE=0:2,1:2" --frames 5
err 'every connector has a lost flip outstanding; stopping' "the run stops"
count 'summary.*flips=2 events=1 lost=1 .*last_frame=1 elapsed_us=[0-9]+$' 2 "both summaries"

run 1 "an event that comes late" "FAKE_DRM_LATE=0:2 FAKE_DRM_DELAY_US=60000" --frames 40 --quiet
err 'connector 0: event for frame 2 came after [0-9]+ us; still counted lost' "the late event is reported"
out "${P}summary connector=0 size=320x240 frames=40 flips=[0-9]+ events=[0-9]+ lost=1 $LAT last_frame=40 elapsed_us=[0-9]+\$" \
    "connector 0 resumed after it"

run 1 "drmModePageFlip fails" "FAKE_DRM_FAIL_FLIP=1:2" --frames 5
out "${P}summary connector=1 size=300x200 frames=5 flips=5 events=4 lost=1 $LAT last_frame=5 elapsed_us=[0-9]+\$" \
    "counted lost, and the next frames go on"
err 'connector 1 \(Virtual-2\): drmModePageFlip\(crtc 301, frame 2\): Invalid argument; flip lost' \
    "the error is reported"

for step in "cap DRM_CAP_DUMB_BUFFER: Invalid argument" \
    "resources drmModeGetResources: Operation not supported" \
    "connector connector 0: drmModeGetConnector\(100\): No such file or directory" \
    "create_dumb connector 0 \(Virtual-1\): DRM_IOCTL_MODE_CREATE_DUMB 320x240: Cannot allocate memory" \
    "addfb connector 0 \(Virtual-1\): drmModeAddFB2\(XRGB8888\) 320x240: Invalid argument" \
    "map_dumb connector 0 \(Virtual-1\): DRM_IOCTL_MODE_MAP_DUMB 320x240: Invalid argument" \
    "setcrtc connector 0 \(Virtual-1\): drmModeSetCrtc\(crtc 300, 320x240\): Permission denied \(is another DRM master"; do
    name=${step%% *}
    msg=${step#* }
    run 2 "setup fails at $name" "FAKE_DRM_FAIL=$name FAKE_DRM_TRACE=1" --frames 1
    err "^vdispl-client: $dev: $msg" "$name: the message names device, step and errno"
    rm=$(grep -c '^fake-drm: rmfb' "$dir/err")
    dd=$(grep -c '^fake-drm: destroy_dumb' "$dir/err")
    case $name in
    addfb) want="0 1" ;;
    map_dumb) want="1 1" ;;
    setcrtc) want="4 4" ;;
    *) want="0 0" ;;
    esac
    if [ "$rm $dd" = "$want" ]; then
        ok "$name: undone ($want removed, destroyed)"
    else
        fail "$name: $rm framebuffers removed, $dd dumb buffers destroyed, want $want"
    fi
done

run 2 "a missing device" "" --device "$dir/none"
err "^vdispl-client: $dir/none: open: No such file or directory" "says so"
run 2 "a connector that does not exist" "" --connectors 0,5
err "^vdispl-client: $dev: no connector 5 \(the device has 2\)" "says so"
run 2 "a selected connector is disconnected" "FAKE_DRM_DISCONNECTED=0" --connectors 0
err "connector 0 \(Virtual-1\): not connected" "says so"
run 2 "no connector connected" "FAKE_DRM_DISCONNECTED=0,1"
err "no connected connector with a mode" "says so"
run 2 "more connectors than CRTCs" "FAKE_DRM_CONNECTORS=3 FAKE_DRM_CRTCS=2" --frames 1
err "connector 2 \(Virtual-3\): no free CRTC" "says so"

# 11 frames at 20 a second: frame 11 starts 10/20 s after frame 1.
run 0 "--fps 20" "" --frames 11 --fps 20 --quiet --connectors 0
us=$(sed -n 's/.* elapsed_us=\([0-9]*\)$/\1/p' "$dir/out")
if [ "${us:-0}" -ge 500000 ]; then
    ok "--fps 20: 11 frames took $us us, at least 500000"
else
    fail "--fps 20: 11 frames took ${us:-?} us, want at least 500000"
fi
run 2 "--fps 0" "" --fps 0
err "^vdispl-client: --fps: want a number above 0" "says so"

run 2 "--connectors 0,0" "" --connectors 0,0
run 2 "--connectors x" "" --connectors x
run 2 "--frames -1" "" --frames -1
run 2 "an unknown option" "" --bogus
run 2 "an extra argument" "" extra
run 0 "--help" "" --help
out '^Usage: vdispl-client ' "shows the usage"
run 0 "--version" "" --version
out '^vdispl-client [0-9]' "shows the version"

# Through a pipe: the command must return although its child lives on.
FAKE_DRM_TRACE=1 "$client" --device "$dev" --frames 2 --keep 2>"$dir/err" | cat >"$dir/out"
out "${P}summary connector=1 .* last_frame=2 elapsed_us=[0-9]+\$" "--keep: summaries"
keeper=$(sed -n 's/^vdispl-client: --keep: process \([0-9]*\) keeps .*/\1/p' "$dir/err")
if [ -n "$keeper" ] && kill -0 "$keeper" 2>/dev/null; then
    ok "--keep: process $keeper holds the device"
else
    fail "--keep: no process holds the device"
fi
errcount '^fake-drm: (rmfb|destroy_dumb)' 0 "--keep: the framebuffers stay"

echo "1..$n"
[ "$failed" -eq 0 ]
