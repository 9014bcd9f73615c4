#!/usr/bin/env bash
# "Keluar dari kiosk" in a real X server: F12, the technician's PIN (its hash made with
# `skm-kiosk hash-pin`), a real click on admin.leave and on its confirmation. Then: the maintenance notice on the screen, exit
# status 0, the marker DATA_DIR/maintenance (0640 at most, this boot), `status --json`, `maintenance
# check` (1, and the notice on a terminal with --tty), a kiosk started by hand still runs, `maintenance
# end` (then check gives 0), a marker of an earlier boot cleared at start, and the audit events.
# systemd itself (Restart=always honouring the ExecCondition) cannot run here: no systemd as PID 1;
# install/systemd/skm-kiosk.service cites the systemd source for that part.
# Usage: xvfb_maintenance_test.sh BIN_DIR
set -euo pipefail
bin=${1:?usage: xvfb_maintenance_test.sh BIN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${SKM_IN_XVFB:-}" ]; then
  export SKM_IN_XVFB=1
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$@"
fi
KD_BIN=$bin
KD_WORK=$(mktemp -d /tmp/skm-maintenance-XXXXXX)
KD_PID=
trap '[ -n "$KD_PID" ] && kill "$KD_PID" 2>/dev/null || true; rm -rf "$KD_WORK"' EXIT
# shellcheck source=support/kiosk_driver.sh
. "$here/support/kiosk_driver.sh"
data=$KD_WORK/data
mkdir -p "$data"

pin=97531
hash=$(echo "$pin" | "$bin/skm-kiosk" hash-pin)
printf '[admin]\npin_hash = "%s"\nexport_dir = "%s"\n' "$hash" "$KD_WORK/usb" > "$KD_WORK/kiosk.toml"

# (kd_wait_target: a screen's first frame can still carry the previous screen's targets.)
check() { local rc=0; "$bin/skm-kiosk" maintenance check --data-dir "$data" >"$KD_WORK/check.out" 2>&1 || rc=$?; echo "$rc"; }
status_json() { "$bin/skm-kiosk" status --json --data-dir "$data"; }

kd_start 1280x800 --config "$KD_WORK/kiosk.toml" --screenshot-dir "$KD_WORK/shots"
[ "$(check)" = 0 ] || kd_fail "maintenance check before leaving: $(cat "$KD_WORK/check.out")"
[ "$(status_json | jq -c .maintenance)" = null ] || kd_fail "status shows maintenance before leaving"

kd_key F12;                      kd_wait_screen signin
kd_wait_target signin.cancel
# The PIN settles before Enter; Argon2id under a loaded CI machine can take seconds.
kd_type "$pin"; sleep 0.5; kd_key Return
for _ in $(seq 1 200); do [ "$(kd_screen)" = admin ] && break; sleep 0.1; done
[ "$(kd_screen)" = admin ] || kd_fail "technician sign-in: screen '$(kd_screen)', audit: $(kd_sql "SELECT group_concat(kind, ',') FROM audit_events")"
kd_wait_target admin.leave
kd_tap admin.leave
kd_wait_target confirm.yes          # "Keluar dari kiosk untuk pemeliharaan?"
kd_tap confirm.yes
kd_wait_screen maintenance 5
[ "$(jq -r .error "$KD_WORK/ui.json")" = null ] || kd_fail "the notice reports an error: $(jq -r .error "$KD_WORK/ui.json")"
left=$(date +%s%N)
rc=0; wait "$KD_PID" || rc=$?
KD_PID=
[ "$rc" = 0 ] || kd_fail "skm-kiosk exited with $rc after 'Keluar dari kiosk', expected 0"
shown_ms=$(( ($(date +%s%N) - left) / 1000000 ))
[ "$shown_ms" -ge 1500 ] || kd_fail "the maintenance notice stayed only $shown_ms ms"
ls "$KD_WORK"/shots/maintenance-1280x800.png >/dev/null || kd_fail "no screenshot of the maintenance notice"
grep -q "maintenance set" "$KD_WORK/kiosk.log" || kd_fail "the kiosk did not log the maintenance"

# The marker: whole JSON, this boot, by the technician, mode 0640 or stricter.
marker=$data/maintenance
[ -f "$marker" ] || kd_fail "no maintenance marker $marker"
mode=$(stat -c %a "$marker")
(( (8#$mode & ~8#640) == 0 )) || kd_fail "marker mode $mode is looser than 640"
[ "$(jq -r .by "$marker")" = technician ] || kd_fail "marker by: $(jq -r .by "$marker")"
[ "$(jq -r .boot_id "$marker")" = "$(cat /proc/sys/kernel/random/boot_id)" ] || kd_fail "marker boot_id is not this boot's"
[ "$(jq -r .keep_after_reboot "$marker")" = false ] || kd_fail "the admin screen's maintenance must end with a reboot"
since=$(jq -r .since "$marker")
[[ "$since" =~ ^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:.]{12}Z$ ]] || kd_fail "marker since '$since' is not ISO UTC"

# status --json and the human-readable status.
[ "$(status_json | jq -r .maintenance.by)" = technician ] || kd_fail "status --json: $(status_json | jq -c .maintenance)"
[ "$(status_json | jq -r .maintenance.since)" = "$since" ] || kd_fail "status --json since differs from the marker"
"$bin/skm-kiosk" status --data-dir "$data" | grep -q "^maintenance     since $since by technician" || kd_fail "human status lacks the maintenance line"

# The unit's condition: 1 (skip the start) with the way back; with --tty the notice on the terminal.
[ "$(check)" = 1 ] || kd_fail "maintenance check in maintenance: expected 1, output: $(cat "$KD_WORK/check.out")"
grep -q "skm-kiosk maintenance end --data-dir $data" "$KD_WORK/check.out" || kd_fail "check does not say the way back: $(cat "$KD_WORK/check.out")"
rc=0
script -qec "$bin/skm-kiosk maintenance check --tty --data-dir $data" /dev/null </dev/null >"$KD_WORK/tty.out" 2>&1 || rc=$?
[ "$rc" = 1 ] || kd_fail "maintenance check --tty on a terminal exited $rc"
grep -q "KIOSK DALAM PEMELIHARAAN" "$KD_WORK/tty.out" || kd_fail "no notice on the terminal: $(cat "$KD_WORK/tty.out")"
grep -q "Restarting the device also brings the kiosk back" "$KD_WORK/tty.out" || kd_fail "the terminal notice does not say a reboot ends it"

kd_expect "SELECT group_concat(kind, ',') FROM (SELECT kind FROM audit_events ORDER BY seq)" "admin_sign_in,kiosk_left"

# Started by hand while maintenance is set: it runs, says so, and leaves the marker to `maintenance end`.
kd_start 1280x800 --config "$KD_WORK/kiosk.toml"
grep -q "maintenance is set in $marker" "$KD_WORK/kiosk.log" || kd_fail "a kiosk started by hand does not log the maintenance"
[ -f "$marker" ] || kd_fail "a kiosk started by hand removed the marker"
kd_stop
KD_PID=

# The way back.
"$bin/skm-kiosk" maintenance end --by tester --data-dir "$data" >"$KD_WORK/end.out" || kd_fail "maintenance end failed: $(cat "$KD_WORK/end.out")"
grep -q "systemctl start skm-kiosk" "$KD_WORK/end.out" || kd_fail "maintenance end does not say how to start the kiosk"
[ ! -e "$marker" ] || kd_fail "maintenance end left the marker"
[ "$(check)" = 0 ] || kd_fail "maintenance check after maintenance end: $(cat "$KD_WORK/check.out")"
[ "$(status_json | jq -c .maintenance)" = null ] || kd_fail "status still shows maintenance after maintenance end"
kd_expect "SELECT kind || ' ' || json_extract(detail, '$.by') || ' ' || json_extract(detail, '$.since') FROM audit_events ORDER BY seq DESC LIMIT 1" \
  "maintenance_ended tester $since"

# A marker of an earlier boot no longer holds the kiosk; the kiosk clears it at start, audited.
jq '.boot_id = "00000000-1111-2222-3333-444444444444"' <<<"{\"since\": \"$since\", \"by\": \"technician\", \"reason\": \"\", \"keep_after_reboot\": false}" >"$marker"
[ "$(check)" = 0 ] || kd_fail "a marker of an earlier boot still holds the kiosk"
grep -q "ended with the reboot" "$KD_WORK/check.out" || kd_fail "check does not say the reboot ended it"
kd_start 1280x800 --config "$KD_WORK/kiosk.toml"
[ ! -e "$marker" ] || kd_fail "the kiosk did not clear a marker of an earlier boot"
kd_expect "SELECT kind || ' ' || json_extract(detail, '$.by') FROM audit_events ORDER BY seq DESC LIMIT 1" "maintenance_ended reboot"
kd_stop
KD_PID=
echo "PASS: F12, PIN, 'Keluar dari kiosk': notice, exit 0, marker, status, check 1 then 0 after maintenance end, reboot ends it, audited"
