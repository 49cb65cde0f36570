# The Wayland output's dma-buf path: weston 14 from bookworm-backports,
# headless, with its GL renderer on llvmpipe, which offers
# zwp_linux_dmabuf_v1 and maps the dma-bufs it is given (on bochs, Mesa's
# kms_swrast would import them through bochs, which cannot). The backend
# hands it the guest's buffers as vdispl-dmabuf exports them. Weston is
# killed and started again while the guest flips; at the end weston's own
# screenshot shows the guest's last frame.
printf '[shell]\npanel-position=none\n' >/tmp/weston.ini
LAB_WESTON_BACKEND=headless
LAB_WESTON_RENDERER=gl
lab_start_weston --config=/tmp/weston.ini
lab_start_backend
lab_create_guest
lab_wait_guest guest "frame=60 " 300
lab_stop_weston KILL
lab_log "weston killed"
sleep 2
lab_backend_alive && lab_result alive-without-compositor yes
lab_start_weston --config=/tmp/weston.ini
lab_wait_guest guest "@@GUEST-CMD-DONE" 300
# The backend finds the new weston by itself, within its backoff (up to 5 s
# between tries); then the guest's latest buffer is asked for and shown.
i=0
while [ "$(grep -c 'connected to the compositor' "$LAB_BACKEND_LOG")" -lt 2 ] && [ $i -lt 30 ]; do
    i=$((i + 1))
    sleep 1
done
sleep 2
lab_weston_screenshot final
lab_result status "$(lab_backend_status | tr ' ' ',')"
lab_backend_alive && lab_result backend-alive yes
