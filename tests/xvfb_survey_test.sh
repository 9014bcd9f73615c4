#!/usr/bin/env bash
# The SKM questionnaire in a real X server, by keyboard only (xdotool): S opens it, 1-n answer,
# Backspace goes back; the service, the nine unsur (one answer changed after going back), the profile;
# every answer is in the database as soon as it is given; the saran typed on the on-screen keyboard
# with real pointer taps; the response ends complete.
# Usage: xvfb_survey_test.sh BIN_DIR
set -euo pipefail
bin=${1:?usage: xvfb_survey_test.sh BIN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${SKM_IN_XVFB:-}" ]; then
  export SKM_IN_XVFB=1
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$@"
fi
KD_BIN=$bin
KD_WORK=$(mktemp -d /tmp/skm-survey-XXXXXX)
trap 'kill "$KD_PID" 2>/dev/null || true; rm -rf "$KD_WORK"' EXIT
# shellcheck source=support/kiosk_driver.sh
. "$here/support/kiosk_driver.sh"

"$bin/skm-kiosk" roster import "$here/../config/demo-roster.toml" --data-dir "$KD_WORK/data" >/dev/null
kd_start 1280x800

answers() { kd_sql "SELECT count(*) FROM survey_answers"; }
# press KEY N: presses KEY, then waits until N answers are on disk. The same key as the one before
# waits out the touch guard first (a citizen reads the next question): the same key again within it
# is a held or mashed key, and answers nothing (checked below).
last_key=
press() {
  if [ "$1" = "$last_key" ]; then sleep 0.5; fi
  last_key=$1
  kd_key "$1"
  for _ in $(seq 1 30); do [ "$(answers)" = "$2" ] && return 0; sleep 0.1; done
  kd_fail "after key $1: $(answers) answers on disk, expected $2"
}

kd_key s;  kd_wait_screen survey
kd_expect "SELECT status FROM survey_responses" in_progress
kd_key 5   # the fifth service of the catalogue (sorted by code): nib
kd_expect "SELECT service_code FROM survey_responses" nib
press 4 1
kd_key 3 3; last_key=3                        # U2, and 60 ms later the same key: mashed, U3 stays open
for _ in $(seq 1 30); do [ "$(answers)" = 2 ] && break; sleep 0.1; done
sleep 0.3; kd_expect "SELECT count(*) FROM survey_answers" 2
press 3 3
kd_key BackSpace; kd_key BackSpace            # back to U2...
press 2 3                                     # ...answered again: replaced, not added
kd_expect "SELECT value FROM survey_answers WHERE item = 'U2'" 2
press 3 3                                     # U3 again, the same
press 2 4; press 4 5; press 4 6; press 3 7; press 1 8; press 3 9
kd_expect "SELECT group_concat(item || '=' || value, ' ') FROM (SELECT * FROM survey_answers ORDER BY item)" \
  "U1=4 U2=2 U3=3 U4=2 U5=4 U6=4 U7=3 U8=1 U9=3"
press 2 10        # jenis kelamin: Perempuan
press 3 11        # usia: 30-39
press 6 12        # pendidikan: S2
press 4 13        # pekerjaan: Swasta
# The saran, on the on-screen keyboard: "loket 2 ramah", then Selesai.
kd_wait_target saran.send
for k in l o k e t space layer 2 layer space r a m a h; do kd_tap "key.$k"; done
kd_tap saran.send
kd_wait_screen thanks
kd_expect "SELECT status FROM survey_responses" complete
kd_expect "SELECT value FROM survey_answers WHERE item = 'pendidikan'" s2
kd_expect "SELECT value FROM survey_answers WHERE item = 'pekerjaan'" swasta
kd_expect "SELECT value FROM survey_answers WHERE item = 'saran'" "loket 2 ramah"
kd_expect "SELECT count(*) FROM ratings" 0
[ "$("$bin/skm-kiosk" status --json --data-dir "$KD_WORK/data" | jq -r .ratings_total)" = 0 ] || kd_fail "status: a rating appeared"
[ "$("$bin/skm-kiosk" status --json --data-dir "$KD_WORK/data" | jq -c .surveys)" = '{"complete":1,"in_progress":0,"incomplete":0,"pending":1,"rejected":0}' ] ||
  kd_fail "status: surveys $("$bin/skm-kiosk" status --json --data-dir "$KD_WORK/data" | jq -c .surveys)"
kd_stop
echo "ok: the questionnaire by keyboard, with going back, ended complete"
