#!/usr/bin/env bash
# In a real X server (Xvfb): start skm-kiosk, press key 3 with xdotool, and see ratings_total = 1 and
# a row with score 3; then SIGTERM stops the kiosk cleanly (exit 0).
# Usage: xvfb_kiosk_test.sh BIN_DIR
set -euo pipefail
bin=${1:?usage: xvfb_kiosk_test.sh BIN_DIR}
work=$(mktemp -d /tmp/skm-xvfb-XXXXXX)
trap 'rm -rf "$work"' EXIT

if [ -z "${SKM_IN_XVFB:-}" ]; then
  export SKM_IN_XVFB=1
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$@"
fi

fail() { echo "FAIL: $*" >&2; [ -f "$work/kiosk.log" ] && sed 's/^/  kiosk: /' "$work/kiosk.log" >&2; exit 1; }
count() { "$bin/skm-kiosk" status --json --data-dir "$work/data" | sed -n 's/.*"ratings_total":\([0-9]*\).*/\1/p'; }

"$bin/skm-kiosk" --windowed 1280x800 --data-dir "$work/data" --screenshot "$work/attract.png" >"$work/kiosk.log" 2>&1 &
pid=$!

for _ in $(seq 1 100); do [ -f "$work/attract.png" ] && break; sleep 0.1; done
[ -f "$work/attract.png" ] || fail "no first frame within 10 s"
kill -0 "$pid" 2>/dev/null || fail "skm-kiosk exited early"

win=$(xdotool search --sync --limit 1 --name '^SKM Kiosk$')
xdotool windowfocus --sync "$win" 2>/dev/null || true
[ "$(count)" = "0" ] || fail "expected an empty store before the key press"
xdotool key --delay 50 3

n=""
for _ in $(seq 1 50); do n=$(count); [ "$n" = "1" ] && break; sleep 0.1; done
[ "$n" = "1" ] || fail "ratings_total is '$n' after key 3, expected 1"
score=$(sqlite3 "file:$work/data/skm.db?mode=ro" "SELECT score FROM ratings")
[ "$score" = "3" ] || fail "stored score is '$score', expected 3"

kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
[ "$rc" = "0" ] || fail "skm-kiosk exited with $rc on SIGTERM"
grep -q "kiosk stopped" "$work/kiosk.log" || fail "no clean shutdown in the log"
echo "PASS: key 3 in a real window committed one rating with score 3"
