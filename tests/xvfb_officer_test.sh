#!/usr/bin/env bash
# The officer's desk in a real X server, by keyboard only (xdotool): F2, the demo NIP and PIN, a case
# (Tab to a service, Enter; a ticket typed; Tab to "Serahkan ke warga", Enter), then the citizen's
# key 4. The rating row must carry the officer's NIP and the case; the case must be rated.
# Usage: xvfb_officer_test.sh BIN_DIR
set -euo pipefail
bin=${1:?usage: xvfb_officer_test.sh BIN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${SKM_IN_XVFB:-}" ]; then
  export SKM_IN_XVFB=1
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$@"
fi
KD_BIN=$bin
KD_WORK=$(mktemp -d /tmp/skm-officer-XXXXXX)
trap 'kill "$KD_PID" 2>/dev/null || true; rm -rf "$KD_WORK"' EXIT
# shellcheck source=support/kiosk_driver.sh
. "$here/support/kiosk_driver.sh"

"$bin/skm-kiosk" roster import "$here/../config/demo-roster.toml" --data-dir "$KD_WORK/data" >/dev/null
kd_start 1280x800
nip=198503302010011002

kd_key F2;                    kd_wait_screen signin
kd_type "$nip"                # a badge scanner types the NIP...
kd_key Return                 # ...and Enter
kd_type 1111; kd_key Return   # a wrong PIN first
kd_expect "SELECT count(*) FROM audit_events WHERE kind = 'sign_in_failed' AND nip = '$nip'" 1
kd_type 2468; kd_key Return
kd_wait_screen officer
kd_expect "SELECT kind FROM audit_events ORDER BY seq DESC LIMIT 1" sign_in
[ "$("$bin/skm-kiosk" status --json --data-dir "$KD_WORK/data" | jq -r .officer_on_duty)" = "$nip" ] || kd_fail "status: no officer on duty"

kd_tab_to service.kk;         kd_key Return
kd_type B-017
kd_tab_to officer.hand_over;  kd_key Return
kd_wait_screen attract
kd_expect "SELECT service_code || '|' || ticket || '|' || status FROM cases" "kk|B-017|open"
[ "$("$bin/skm-kiosk" status --json --data-dir "$KD_WORK/data" | jq -r .open_case.service)" = kk ] || kd_fail "status: no open case"

kd_key 4;                     kd_wait_screen followup
kd_expect "SELECT score || '|' || officer_nip || '|' || service_code || '|' || scope FROM ratings" "4|$nip|kk|case"
kd_expect "SELECT count(*) FROM ratings r JOIN cases c ON c.id = r.case_id WHERE c.status = 'rated' AND c.rating_id = r.id" 1
kd_stop
echo "PASS: F2, NIP, PIN, a case and key 4 give a rating with the officer's NIP and the case"
