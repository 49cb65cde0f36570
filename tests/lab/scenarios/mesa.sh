# Mesa in the guest on both of the backend's display outputs: weston on
# Dom0's first display, where the backend puts the guest's connector 0 in a
# window (/lab/backend.ini), and KMS on the second for connector 1.
printf '[shell]\npanel-position=none\n' >/tmp/weston.ini
lab_start_weston --config=/tmp/weston.ini
lab_start_backend
lab_create_guest
lab_wait_guest guest "@@GUEST-CMD-DONE" 600
sleep 2
lab_shot final
lab_result backend-status "$(lab_backend_status | tr ' ' ',')"
