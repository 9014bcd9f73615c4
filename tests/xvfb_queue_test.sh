#!/usr/bin/env bash
# The queue system opens the case, end to end (docs/queue-integration.md): a real skm-central on
# 127.0.0.1 publishing the demo roster, a real kiosk in a real X server, and two stand-in queue
# systems:
#   1. a queue PC that calls the kiosk's endpoint (tests/support/queue_pc.sh: curl and openssl);
#   2. a queue system that only answers "the current ticket at counter 1" (python3's http.server
#      serving a JSON file), read by the kiosk's poller.
# The officer signs in once at the start of the day; after that no officer action: the queue calls a
# ticket, the citizen presses a face, and the rating reaches the central office tied to the officer,
# the case and the ticket. A bad signature, a stale or replayed call, an unknown service, a wrong
# counter and a flood are refused with nothing changed. Then the thanks screen's QR code, read back from
# a screenshot with zbarimg, is answered through by a phone (headless Chromium at 390 px, no script); the
# attract screen's code while the case was open is the same response, refused once it is answered.
# Usage: xvfb_queue_test.sh BIN_DIR
set -euo pipefail
bin=${1:?usage: xvfb_queue_test.sh BIN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${SKM_IN_XVFB:-}" ]; then
  export SKM_IN_XVFB=1
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$@"
fi
KD_BIN=$bin
KD_WORK=$(mktemp -d /tmp/skm-queue-XXXXXX)
KD_PID= central_pid= qs_pid=
cleanup() {
  for p in $KD_PID $central_pid $qs_pid; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$KD_WORK"
}
trap cleanup EXIT
# shellcheck source=support/kiosk_driver.sh
. "$here/support/kiosk_driver.sh"
pc="$here/support/queue_pc.sh"
# expect_answer OUTPUT STATUS JQ VALUE: the queue call's answer ("STATUS BODY") has STATUS and JQ gives VALUE.
expect_answer() {
  [ "${1%% *}" = "$2" ] && [ "$(jq -r "$3" <<<"${1#* }" 2>/dev/null)" = "$4" ] || kd_fail "expected $2 with $3 = $4, got: $1"
}
nip=198503302010011002

# The central office, and this kiosk provisioned and synced (it brings the demo roster).
mkdir -p "$KD_WORK/central/publish"
cp "$here/../config/demo-roster.toml" "$KD_WORK/central/publish/roster.toml"
"$bin/skm-central" serve --listen 127.0.0.1:0 --data-dir "$KD_WORK/central" >"$KD_WORK/central.log" 2>&1 &
central_pid=$!
for _ in $(seq 1 50); do grep -q "listening on" "$KD_WORK/central.log" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$KD_WORK/central.log" | head -1)
[ -n "$url" ] || kd_fail "skm-central did not start: $(cat "$KD_WORK/central.log")"
"$bin/skm-central" device add kiosk-queue --out "$KD_WORK/prov.json" --url "$url" --data-dir "$KD_WORK/central" >/dev/null
"$bin/skm-kiosk" provision "$KD_WORK/prov.json" --data-dir "$KD_WORK/data" >/dev/null
"$bin/skm-sync" --once --data-dir "$KD_WORK/data" >/dev/null || kd_fail "the first sync did not complete"

# The technician's side: a key, and the endpoint on (127.0.0.1 here; the office LAN address on a device).
key=$("$bin/skm-kiosk" queue-key --data-dir "$KD_WORK/data" 2>/dev/null)
[ "$(stat -c %a "$KD_WORK/data/queue.key")" = 600 ] || kd_fail "queue.key is not private"
cat >"$KD_WORK/kiosk.toml" <<TOML
[kiosk]
counter = "Loket 1"
[queue]
listen = "127.0.0.1:0"
counter = "1"
[queue.services]
KTP = "ktp_el"
TOML
kd_start 1280x800 --config "$KD_WORK/kiosk.toml"
for _ in $(seq 1 50); do grep -q "queue endpoint listening on" "$KD_WORK/kiosk.log" && break; sleep 0.1; done
endpoint=$(grep -o 'queue endpoint listening on [0-9.:]*' "$KD_WORK/kiosk.log" | awk '{print "http://" $5}')
[ -n "$endpoint" ] || kd_fail "the queue endpoint did not start"

# The officer's one action of the day: sign in (F2, NIP, PIN), then back to the citizen's screen.
kd_key F2;                    kd_wait_screen signin
kd_type "$nip";               kd_key Return
kd_type 2468;                 kd_key Return
kd_wait_screen officer
kd_key Escape
kd_wait_screen attract

# 1. The queue PC calls ticket A-017 for a KTP at counter 1.
view=$(jq -r .view "$KD_WORK/ui.json")
out=$("$pc" "$endpoint" "$key" open '{"ticket":"A-017","service":"KTP","counter":"1"}')
expect_answer "$out" 200 '.result + " " + .case.attribution' "opened officer"
kd_expect "SELECT ticket || '|' || service_code || '|' || nip || '|' || source || '|' || status FROM cases" "A-017|ktp_el|$nip|queue|open"
# The citizen's screen changed as at a hand-over: a new view (a touch begun before it does not act on it).
for _ in $(seq 1 30); do [ "$(jq -r .view "$KD_WORK/ui.json")" != "$view" ] && break; sleep 0.1; done
[ "$(jq -r .view "$KD_WORK/ui.json")" != "$view" ] || kd_fail "the attract screen did not change for the new case"
[ "$("$bin/skm-kiosk" status --json --data-dir "$KD_WORK/data" | jq -r .open_case.ticket)" = A-017 ] || kd_fail "status: no open case A-017"
# While the case is open the attract screen shows its QR code too (for a citizen who would rather answer
# later on the phone): read back from a screenshot, a link to this central office.
sleep 0.5
import -window root "$KD_WORK/attract.png"
attract_link=$(zbarimg --raw -q "$KD_WORK/attract.png" 2>/dev/null | head -1)
case $attract_link in "$url/m/"*) ;; *) kd_fail "no QR code with a link to $url/m/ on the attract screen with a case open (read: '$attract_link')" ;; esac
# The same call again (the queue system re-calls the ticket): the same case.
out=$("$pc" "$endpoint" "$key" open '{"ticket":"A-017","service":"KTP","counter":"1"}')
expect_answer "$out" 200 .result existing

# The citizen presses 4: the rating is the officer's, for that case and ticket.
kd_settle
kd_key 4;                     kd_wait_screen followup
kd_expect "SELECT r.score || '|' || r.officer_nip || '|' || r.scope || '|' || c.ticket || '|' || c.status FROM ratings r JOIN cases c ON c.id = r.case_id" \
  "4|$nip|case|A-017|rated"
case_a017=$(kd_sql "SELECT id FROM cases WHERE ticket = 'A-017'")

# The thanks screen shows the phone questionnaire's QR code: read back from a screenshot with zbarimg,
# it is the one-time link to this central office, tied to that case.
kd_tap followup.done;         kd_wait_screen thanks
sleep 0.5
import -window root "$KD_WORK/thanks.png"
link=$(zbarimg --raw -q "$KD_WORK/thanks.png" 2>/dev/null | head -1)
case $link in "$url/m/"*) ;; *) kd_fail "no QR code with a link to $url/m/ on the thanks screen (read: '$link')" ;; esac
# A phone answers through it: headless Chromium at 390 px, the page's scripts off, taps on the answers.
python3 "$here/support/phone_fill.py" "$link" "$KD_WORK/phone.png" >"$KD_WORK/phone.html" || kd_fail "the phone could not answer"
grep -q "Terima kasih" "$KD_WORK/phone.html" || kd_fail "the phone's answers were not taken: $(head -c 600 "$KD_WORK/phone.html")"
answers='U1=4&U2=4&U3=3&U4=4&U5=4&U6=3&U7=4&U8=4&U9=3&jenis_kelamin=L'
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Origin: $url" --data "$answers" "$link")" = 409 ] || kd_fail "a second answer through the same link was taken"
# The attract screen's code was for the same case: answered already, whichever code the citizen used.
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Origin: $url" --data "$answers" "$attract_link")" = 409 ] || kd_fail "an answer through the attract screen's code for the same case was taken"
got=$(sqlite3 "$KD_WORK/central/central.db" "SELECT officer_nip || '|' || service_code || '|' || channel || '|' || json_extract(body, '\$.case_id') || '|' ||
  json_extract(body, '\$.answers.U3') || json_extract(body, '\$.answers.U9') || '|' || json_extract(body, '\$.profile.jenis_kelamin') || '|' || json_extract(body, '\$.saran') FROM survey_responses")
[ "$got" = "$nip|ktp_el|phone|$case_a017|34|P|Pelayanan cepat dan ramah" ] || kd_fail "the central office stored the phone's answers as: $got"
kd_wait_screen attract 20

# 2. Refused, each with its reason, nothing changed.
cases_before=$(kd_sql "SELECT count(*) || '/' || max(rev) FROM cases")
expect_refusal() { # STATUS WORDS OUTPUT
  [ "${3%% *}" = "$1" ] && grep -qF -- "$2" <<<"$3" || kd_fail "expected $1 ($2), got: $3"
}
expect_refusal 401 signature "$("$pc" "$endpoint" "$(printf 'b%.0s' $(seq 64))" open '{"ticket":"A-018","service":"KTP","counter":"1"}')"
expect_refusal 401 "300 s" "$("$pc" --stale "$endpoint" "$key" open '{"ticket":"A-018","service":"KTP","counter":"1"}')"
expect_refusal 401 "used before" "$("$pc" --replay "$endpoint" "$key" cancel '{"ticket":"A-017","counter":"1"}')"
expect_refusal 422 "unknown service 'paspor'" "$("$pc" "$endpoint" "$key" open '{"ticket":"A-018","service":"paspor","counter":"1"}')"
expect_refusal 422 "stands at counter '1'" "$("$pc" "$endpoint" "$key" open '{"ticket":"A-018","service":"KTP","counter":"2"}')"
expect_refusal 400 "JSON" "$("$pc" "$endpoint" "$key" open 'not json')"
# A flood: 300 unsigned calls at once from 6 clients.
for c in 1 2 3 4 5 6; do
  (for _ in $(seq 1 50); do curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'X-SKM-Timestamp: 1' -H 'X-SKM-Nonce: 0123456789abcdef' \
     -H 'X-SKM-Signature: 00' --data '{"ticket":"Z"}' "$endpoint/queue/v1/open"; done) >"$KD_WORK/flood.$c" &
done
wait $(jobs -p | grep -v -e "^$KD_PID\$" -e "^$central_pid\$") 2>/dev/null || true
flood429=$(cat "$KD_WORK"/flood.* | grep -c '^429$' || true)
flood401=$(cat "$KD_WORK"/flood.* | grep -c '^401$' || true)
[ $((flood429 + flood401)) = 300 ] || kd_fail "the flood got other answers than 401 and 429: $(sort "$KD_WORK"/flood.* | uniq -c | tr '\n' ' ')"
[ "$flood429" -ge 200 ] || kd_fail "the flood was not throttled (429: $flood429 of 300)"
kd_expect "SELECT count(*) || '/' || max(rev) FROM cases" "$cases_before"
[ "$(kd_screen)" = attract ] || kd_fail "the citizen's screen changed under refused calls: $(kd_screen)"
sleep 2 # the buckets refill: the queue PC is answered again
out=$("$pc" "$endpoint" "$key" status)
expect_answer "$out" 200 .counter 1
kd_stop

# 3. A queue system that only says the current ticket: the poller reads it.
mkdir -p "$KD_WORK/qs/api/loket"
echo '{"loket": "1", "current": null}' >"$KD_WORK/qs/api/loket/1"
python3 -m http.server 0 --bind 127.0.0.1 --directory "$KD_WORK/qs" >"$KD_WORK/qs.log" 2>&1 &
qs_pid=$!
for _ in $(seq 1 50); do grep -q "Serving HTTP" "$KD_WORK/qs.log" && break; sleep 0.1; done
qs_port=$(grep -o 'port [0-9]*' "$KD_WORK/qs.log" | head -1 | awk '{print $2}')
[ -n "$qs_port" ] || kd_fail "the stand-in queue system did not start: $(cat "$KD_WORK/qs.log")"
cat >"$KD_WORK/kiosk.toml" <<TOML
[kiosk]
counter = "Loket 1"
[queue]
counter = "1"
poll_url = "http://127.0.0.1:$qs_port/api/loket/1"
poll_interval_ms = 300
poll_ticket = "/current/nomor"
poll_service = "/current/layanan"
[queue.services]
KK = "kk"
TOML
kd_start 1280x800 --config "$KD_WORK/kiosk.toml"
kd_key F2;                    kd_wait_screen signin
kd_type "$nip";               kd_key Return
kd_type 2468;                 kd_key Return
kd_wait_screen officer
kd_key Escape
kd_wait_screen attract
echo '{"loket": "1", "current": {"nomor": "B-005", "layanan": "KK"}}' >"$KD_WORK/qs/api/loket/1.tmp"
mv "$KD_WORK/qs/api/loket/1.tmp" "$KD_WORK/qs/api/loket/1"
kd_expect "SELECT ticket || '|' || service_code || '|' || nip || '|' || source || '|' || status FROM cases WHERE ticket = 'B-005'" "B-005|kk|$nip|queue|open"
kd_settle
kd_key 3;                     kd_wait_screen followup
kd_expect "SELECT r.score || '|' || r.officer_nip || '|' || c.ticket FROM ratings r JOIN cases c ON c.id = r.case_id WHERE c.ticket = 'B-005'" "3|$nip|B-005"
sleep 1 # polls that still read B-005 open nothing new
[ "$(kd_sql "SELECT count(*) FROM cases WHERE ticket = 'B-005'")" = 1 ] || kd_fail "the poller opened B-005 twice"
kd_stop

# 4. The central office receives both, tied to the officer, the case and the ticket.
"$bin/skm-sync" --once --data-dir "$KD_WORK/data" >/dev/null || kd_fail "the sync did not complete"
got=$(sqlite3 "$KD_WORK/central/central.db" "SELECT group_concat(x, ' ') FROM (SELECT r.score || ':' || r.officer_nip || ':' || json_extract(c.body, '$.ticket') || ':' || json_extract(c.body, '$.source') AS x
  FROM ratings r JOIN cases c ON c.id = r.case_id ORDER BY r.created_wall_ms)")
[ "$got" = "4:$nip:A-017:queue 3:$nip:B-005:queue" ] || kd_fail "the central office has: $got"
echo "PASS: the queue PC and the poller opened the cases, the citizens' ratings reached the central office tied to officer, case and ticket; abuse refused"
