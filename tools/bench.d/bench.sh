# Dom0 side of tools/bench. vkms is the display for every run, so the copy
# path and zero-copy are measured on the same driver: memcpy figures first
# (RAM to RAM, RAM to a vkms dumb buffer), then for each way of importing
# buffers (BENCH_IMPORTS) the backend runs as users run it (log level info)
# and one guest per size (BENCH_GUESTS) flips as fast as its events come
# back. The backend's status line before the guest and once it is done
# gives its CPU time, flips and DBUF_CREATE cost for that guest alone.
lab_load_module vkms
vkms=
for c in /sys/class/drm/card[0-9]*; do
    # vkms is a bare platform device: no driver link, only its name.
    case "$(readlink "$c/device")" in */vkms) vkms=$(basename "$c") ;; esac
done
[ -n "$vkms" ] || lab_fail "vkms gave no DRM card"
printf '[backend]\noutput = kms\ndrm-device = /dev/dri/%s\n' "$vkms" >/lab/backend.ini
lab_result memcpy "$(vdispl-memcpy-bench 10 "/dev/dri/$vkms" | sed 's/^memcpy //' | tr ' ' ',')"

for import in $BENCH_IMPORTS; do
    lab_start_backend --import "$import" --log-level info
    for g in $BENCH_GUESTS; do
        lab_result "before-$import-$g" "$(lab_backend_status | tr ' ' ',')"
        lab_create_guest "/lab/$g.cfg"
        lab_wait_guest "$g" "@@GUEST-CMD-DONE" 900
        lab_result "after-$import-$g" "$(lab_backend_status | tr ' ' ',')"
        cp "$(lab_guest_log "$g")" "/tmp/$import-$g.log"
        lab_send_file "guest-$import-$g.log" "/tmp/$import-$g.log"
        lab_destroy_guest "$g"
    done
    lab_stop_backend TERM
done
