#!/usr/bin/env bash
# Every stored answer is one a person meant, with real pointer presses in a real X server: double taps
# (150-300 ms apart) and bursts (80-150 ms apart) on every screen where the next screen puts a choice
# under the finger: attract -> follow-up -> comment -> thanks -> questionnaire (unsur and profile),
# the officer's sign-in pad and case screen, the technician's screen. After each step the database
# must hold exactly the deliberate answers. Before the touch gate this failed at its first step: the
# double tap on a face stored the reason chip under the finger too.
# Usage: xvfb_input_test.sh BIN_DIR [WxH]   (default 1280x800, the resolution the fall-through was found at)
set -euo pipefail
bin=${1:?usage: xvfb_input_test.sh BIN_DIR [WxH]}
size=${2:-1280x800}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${SKM_IN_XVFB:-}" ]; then
  export SKM_IN_XVFB=1
  exec xvfb-run -a -s "-screen 0 ${size}x24" "$0" "$@"
fi
KD_BIN=$bin
KD_WORK=$(mktemp -d /tmp/skm-input-XXXXXX)
trap 'kill "$KD_PID" 2>/dev/null || true; rm -rf "$KD_WORK"' EXIT
# shellcheck source=support/kiosk_driver.sh
. "$here/support/kiosk_driver.sh"

nip=198503302010011002
"$bin/skm-kiosk" roster import "$here/../config/demo-roster.toml" --data-dir "$KD_WORK/data" >/dev/null
cat >"$KD_WORK/kiosk.toml" <<TOML
[kiosk]
thanks_seconds = 2
response_interval_seconds = 3
[admin]
pin_hash = "$(echo 909090 | "$bin/skm-kiosk" hash-pin)"
TOML
kd_start "$size" --config "$KD_WORK/kiosk.toml"

mark=0 # the ratings of the part under test are those after seq $mark
ratings() { kd_sql "SELECT score || '|' || coalesce(reasons, '-') || '|' || coalesce(comment, '-') || '|' || suppressed FROM ratings WHERE seq > $mark ORDER BY seq" | tr '\n' ' '; }
expect_ratings() { [ "$(ratings)" = "$1 " ] || kd_fail "ratings are '$(ratings)', expected '$1 '"; }
answers() { kd_sql "SELECT item || '=' || value FROM survey_answers ORDER BY item" | tr '\n' ' '; }
back_to_attract() { kd_tap skip; kd_wait_screen comment; kd_tap comment.skip; kd_wait_screen thanks; kd_wait_screen attract 5; }

# 1. A double tap on a face, 150, 250 and 300 ms apart: the face once (the second press is counted as
#    a repeated press of the same face, suppressed), no reason; the follow-up stays for a real choice.
kd_double face.2 150;  kd_wait_screen followup
expect_ratings "2|-|-|0 2|-|-|1"
back_to_attract
sleep 3 # past the response interval: the next citizen's press counts
kd_double face.3 250;  kd_wait_screen followup
expect_ratings "2|-|-|0 2|-|-|1 3|-|-|0 3|-|-|1"
back_to_attract
sleep 3
kd_double face.4 300;  kd_wait_screen followup
expect_ratings "2|-|-|0 2|-|-|1 3|-|-|0 3|-|-|1 4|-|-|0 4|-|-|1"
back_to_attract
mark=$(kd_sql "SELECT max(seq) FROM ratings")
sleep 3

# 2. Eight quick taps on Kurang Baik: one rating, seven suppressed presses, and no reason (the chip
#    under the finger is "Ada pungutan tidak resmi"), no comment.
kd_settle
# shellcheck disable=SC2046
kd_presses $(kd_at face.2) 90 130 80 150 110 95 140
kd_wait_screen followup
kd_expect "SELECT count(*) FROM ratings WHERE seq > $mark AND suppressed = 0" 1
kd_expect "SELECT count(*) FROM ratings WHERE seq > $mark AND suppressed = 1 AND score = 2" 7
kd_expect "SELECT count(*) FROM ratings WHERE seq > $mark AND (reasons IS NOT NULL OR comment IS NOT NULL)" 0
[ "$(jq -r .void_presses "$KD_WORK/ui.json")" -ge 7 ] || kd_fail "the burst's presses were not counted as void"

# 3. The follow-up: a double tap on a reason chooses it once and types nothing on the keyboard.
kd_double reason.waktu_lama 200;  kd_wait_screen comment
kd_expect "SELECT reasons FROM ratings WHERE seq > $mark AND suppressed = 0" '["waktu_lama"]'
# The keyboard takes a fast typist's taps at once.
for k in key.o key.k; do kd_tap "$k"; done
# 4. A double tap on Send: thanks, and no questionnaire started from the second tap.
kd_double comment.send 200;  kd_wait_screen thanks
kd_expect "SELECT reasons || '|' || comment FROM ratings WHERE seq > $mark AND suppressed = 0" '["waktu_lama"]|ok'
kd_expect "SELECT count(*) FROM survey_responses" 0

# 5. The thanks screen: a double tap on "Isi survei lengkap" starts the questionnaire and stays on
#    its first question ("Selesai nanti" must not be hit).
kd_double survey.start 250;  kd_wait_screen survey
kd_expect "SELECT status || '|' || coalesce(service_code, '-') FROM survey_responses" "in_progress|-"
kd_tap answer.nib
# 6. The unsur: a double tap answers one question, a burst too.
kd_double answer.4 200
kd_expect "SELECT count(*) FROM survey_answers" 1
kd_settle
# shellcheck disable=SC2046
kd_presses $(kd_at answer.3) 100 120 90 140
kd_expect "SELECT count(*) FROM survey_answers" 2
for v in 4 3 2 4 3 4 3; do kd_tap "answer.$v"; done
# 7. The profile: a double tap on an answer, then on Lewati.
kd_tap answer.P
kd_double answer.30_39 200
kd_double skip 200
kd_expect "SELECT count(*) FROM survey_answers" 11
kd_tap answer.wirausaha;  kd_wait_target saran.send
kd_double saran.skip 200;  kd_wait_screen thanks
[ "$(answers)" = "U1=4 U2=3 U3=4 U4=3 U5=2 U6=4 U7=3 U8=4 U9=3 jenis_kelamin=P pekerjaan=wirausaha usia=30_39 " ] || kd_fail "answers: $(answers)"
kd_expect "SELECT status || '|' || service_code FROM survey_responses" "complete|nib"
kd_wait_screen attract 5

# 8. The officer's sign-in pad: a double tap on Masuk signs in once and chooses nothing on the
#    officer's screen; a double tap on "Serahkan ke warga" hands over and rates nothing.
kd_key F2;  kd_wait_screen signin
for d in $(echo "${nip}2468" | grep -o .); do kd_tap "pad.$d"; done
kd_double pad.ok 200;  kd_wait_screen officer
kd_expect "SELECT count(*) FROM audit_events WHERE kind = 'sign_in'" 1
kd_tap service.kk
kd_double officer.hand_over 250;  kd_wait_screen attract
kd_expect "SELECT count(*) FROM cases WHERE status = 'open'" 1
kd_expect "SELECT count(*) FROM ratings WHERE case_id IS NOT NULL" 0
kd_tap face.4;  kd_wait_screen followup
kd_expect "SELECT score || '|' || officer_nip || '|' || scope FROM ratings WHERE case_id IS NOT NULL" "4|$nip|case"
kd_tap skip; kd_wait_screen comment; kd_tap comment.skip; kd_wait_screen thanks; kd_wait_screen attract 5

# 9. The technician's screen: a double tap on Tutup returns to the citizen's screen and rates nothing.
before=$(kd_sql "SELECT count(*) FROM ratings")
kd_key F12;  kd_wait_screen signin
kd_type 909090; kd_key Return;  kd_wait_screen admin
kd_double admin.close 200;  kd_wait_screen attract
kd_expect "SELECT count(*) FROM ratings" "$before"

# The whole record since part 2: exactly the deliberate answers, and the burst's presses suppressed.
kd_expect "SELECT count(*) FROM ratings WHERE seq > $mark AND suppressed = 1" 7
kd_expect "SELECT count(*) FROM ratings WHERE seq > $mark AND suppressed = 0" 2
kd_expect "SELECT group_concat(score || coalesce(reasons, '-') || coalesce(comment, '-'), ' ') FROM (SELECT * FROM ratings WHERE seq > $mark AND suppressed = 0 ORDER BY seq)" '2["waktu_lama"]ok 4--'
kd_stop
echo "PASS: double taps and bursts at $size store exactly the deliberate answers"
