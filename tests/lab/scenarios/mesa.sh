# Mesa in the guest on both of the backend's display outputs: weston on
# Dom0's first display, where the backend puts the guest's connector 0 in a
# window (/lab/backend.ini), and KMS on the second for connector 1.
printf '[shell]\npanel-position=none\n' >/tmp/weston.ini
lab_start_weston --config=/tmp/weston.ini
lab_start_backend
lab_create_guest
# The picture moves: two screendumps a second apart while the first client
# (KMS, on the second display) renders.
lab_wait_guest guest "vdispl-gl-client: renderer" 300
sleep 1
lab_shot moving-1
sleep 1
lab_shot moving-2
lab_wait_guest guest "@@GUEST-CMD-DONE" 600
sleep 2
lab_shot final
lab_result backend-status "$(lab_backend_status | tr ' ' ',')"
