#!/usr/bin/env bash
# The torture suite's kiosk part, with the real skm-kiosk in a real X server (Xvfb):
#   1. SIGKILL at random instants while ratings are being committed (20 cycles; 200 with
#      SKM_TORTURE=long): every rating the kiosk logged as stored ("rating ID stored", written after
#      the commit returned) is in the database exactly once, and integrity_check says ok, every cycle.
#   2. The data directory on a tiny filesystem (tmpfs, needs root) that fills up: the screen says so
#      (the notice screen, disk_full in the ui map), the kiosk keeps running, nothing stored is lost,
#      and when space is freed the unsaved rating is written and new ratings are taken.
#   3. A restart on that full disk (a power cut): the store cannot open; the kiosk shows "out of
#      service" instead of exiting into a restart loop, and takes ratings once space is freed.
# Usage: torture_kiosk_test.sh BIN_DIR
set -euo pipefail
bin=$(cd "${1:?usage: torture_kiosk_test.sh BIN_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${SKM_IN_XVFB:-}" ]; then
  export SKM_IN_XVFB=1
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$bin"
fi
[ "$(id -u)" = 0 ] || { echo "FAIL: the tiny-filesystem part mounts a tmpfs and needs root" >&2; exit 1; }

KD_BIN=$bin
KD_WORK=$(mktemp -d /tmp/skm-torture-XXXXXX)
tiny=$KD_WORK/tiny
cleanup() {
  kill -9 "${KD_PID:-}" 2>/dev/null || true
  mountpoint -q "$tiny" && umount -l "$tiny"
  rm -rf "$KD_WORK"
  return 0
}
trap cleanup EXIT
# shellcheck source=support/kiosk_driver.sh
. "$here/support/kiosk_driver.sh"

cat >"$KD_WORK/kiosk.toml" <<'TOML'
[kiosk]
thanks_seconds = 1
response_interval_seconds = 0
TOML

# --- 1. SIGKILL during commits ------------------------------------------------------------------
cycles=20
[ "${SKM_TORTURE:-}" = long ] && cycles=200
acked=$KD_WORK/acked
: >"$acked"
with_commits=0
for cycle in $(seq 1 "$cycles"); do
  kd_start 1280x800 --config "$KD_WORK/kiosk.toml"
  # A citizen hammering the keypad: a face every 10 ms, each one a commit.
  xdotool key --window "$KD_WIN" --delay 10 $(for _ in $(seq 1 300); do echo $(( RANDOM % 4 + 1 )); done) 2>/dev/null &
  typer=$!
  sleep "0.$(( RANDOM % 9 + 1 ))$(( RANDOM % 10 ))"
  kill -9 "$KD_PID"
  wait "$KD_PID" 2>/dev/null || true
  kill "$typer" 2>/dev/null || true
  wait "$typer" 2>/dev/null || true
  # Complete lines only: a line cut by the kill has no newline and is not an acknowledgement.
  new=$(grep -ao 'rating [0-9a-f-]\{36\} stored' "$KD_WORK/kiosk.log" | cut -d' ' -f2 || true)
  [ -n "$new" ] && with_commits=$(( with_commits + 1 ))
  printf '%s\n' $new >>"$acked"
  [ "$(kd_sql 'PRAGMA integrity_check')" = ok ] || kd_fail "cycle $cycle: integrity_check: $(kd_sql 'PRAGMA integrity_check')"
done
sort -u "$acked" | sed '/^$/d' >"$acked.sorted"
sqlite3 "file:$KD_WORK/data/skm.db?mode=ro" "SELECT id FROM ratings" | sort >"$KD_WORK/stored"
missing=$(comm -23 "$acked.sorted" "$KD_WORK/stored" | wc -l)
[ "$missing" = 0 ] || kd_fail "$missing acknowledged rating(s) missing after the kills: $(comm -23 "$acked.sorted" "$KD_WORK/stored" | head -3)"
kd_expect "SELECT count(*) - count(DISTINCT id) FROM ratings" 0
[ "$with_commits" -ge $(( cycles / 2 )) ] || kd_fail "only $with_commits of $cycles kills came while ratings were being committed"
echo "ok: $cycles SIGKILLs, $(wc -l <"$acked.sorted") acknowledged ratings all present once ($(wc -l <"$KD_WORK/stored") rows)"

# --- 2. disk full on a tiny filesystem -------------------------------------------------------------
mkdir -p "$tiny"
mount -t tmpfs -o size=512k tmpfs "$tiny"
rm -f "$KD_WORK/kiosk.log"
KD_DATA=$tiny/data
kd_start 1280x800 --config "$KD_WORK/kiosk.toml"
xdotool key --window "$KD_WIN" 4; kd_wait_screen followup
# Fill what is left but 16 KiB with ballast.
avail=$(( $(stat -f -c '%a*%S' "$tiny") ))
dd if=/dev/zero of="$tiny/ballast" bs=1024 count=$(( avail / 1024 - 16 )) status=none 2>/dev/null || true
full=0
for i in $(seq 1 200); do
  xdotool key --window "$KD_WIN" $(( i % 4 + 1 ))
  sleep 0.1
  if [ "$(jq -r .disk_full "$KD_WORK/ui.json")" = true ]; then full=1; break; fi
done
[ "$full" = 1 ] || kd_fail "the disk never filled up"
kd_wait_screen notice
import -window root "${SKM_SHOT_DIR:-$KD_WORK}/disk-full.png" 2>/dev/null || true   # SKM_SHOT_DIR: keep the screenshot
kill -0 "$KD_PID" || kd_fail "the kiosk died on a full disk"
[ "$(jq -r .unsaved_writes "$KD_WORK/ui.json")" -ge 1 ] || kd_fail "the unsaved rating is not being retried"
stored_before=$(grep -c 'rating [0-9a-f-]\{36\} stored' "$KD_WORK/kiosk.log")
# More taps while full: each is kept in memory to retry, nothing crashes.
xdotool key --window "$KD_WIN" 2; sleep 0.3
kill -0 "$KD_PID" || kd_fail "the kiosk died on a second tap on a full disk"
unsaved=$(jq -r .unsaved_writes "$KD_WORK/ui.json")
# Space again: the retries land within the retry interval, then new ratings are taken as usual.
rm -f "$tiny/ballast"
for _ in $(seq 1 100); do
  [ "$(jq -r .unsaved_writes "$KD_WORK/ui.json")" = 0 ] && break
  xdotool mousemove --window "$KD_WIN" 5 5 2>/dev/null; sleep 0.2   # wakes the frame loop; the retry is due anyway
done
[ "$(jq -r .unsaved_writes "$KD_WORK/ui.json")" = 0 ] || kd_fail "the unsaved writes were not written after space was freed"
retried=$(grep -c 'saved on retry' "$KD_WORK/kiosk.log" || true)
[ "$retried" -ge 1 ] || kd_fail "no write was saved on retry"
xdotool key --window "$KD_WIN" 3; kd_wait_screen followup
total=$(kd_sql "SELECT count(*) FROM ratings")
[ "$(kd_sql 'PRAGMA integrity_check')" = ok ] || kd_fail "integrity_check after the full disk"
# Every rating stored before, the unsaved ones retried, and the new one.
grep -ao 'rating [0-9a-f-]\{36\} stored' "$KD_WORK/kiosk.log" | cut -d' ' -f2 | while read -r id; do
  [ "$(kd_sql "SELECT count(*) FROM ratings WHERE id = '$id'")" = 1 ] || kd_fail "rating $id logged as stored is not in the database once"
done
[ "$total" -ge $(( stored_before + unsaved + 1 )) ] || kd_fail "$total ratings on disk, expected at least $stored_before + $unsaved retried + 1"
kill -TERM "$KD_PID"; wait "$KD_PID" || kd_fail "the kiosk did not exit 0 after the full disk"
echo "ok: disk full on a tiny filesystem: notice shown, $unsaved unsaved write(s) kept and written when space came back, $total ratings, integrity ok"

# --- 3. a restart (a power cut) on a disk that is already full ---------------------------------------
dd if=/dev/zero of="$tiny/ballast" bs=1024 count=100000 status=none 2>/dev/null || true
[ "$(stat -f -c '%a' "$tiny")" = 0 ] || kd_fail "the tiny filesystem is not full"
rm -f "$KD_WORK/ui.json"
"$KD_BIN/skm-kiosk" --windowed 1280x800 --data-dir "$KD_DATA" --ui-map "$KD_WORK/ui.json" --config "$KD_WORK/kiosk.toml" \
  >"$KD_WORK/kiosk.log" 2>&1 &
KD_PID=$!
kd_wait_screen out_of_service
sleep 6   # past a retry: still out of service, still running
kill -0 "$KD_PID" || kd_fail "the kiosk exited on a full disk at start-up"
[ "$(kd_screen)" = out_of_service ] || kd_fail "screen '$(kd_screen)' on a full disk at start-up"
import -window root "${SKM_SHOT_DIR:-$KD_WORK}/out-of-service.png" 2>/dev/null || true
rm -f "$tiny/ballast"
kd_wait_screen attract 15   # the next retry opens the store
KD_WIN=$(xdotool search --sync --limit 1 --name '^SKM Kiosk$')
xdotool windowfocus --sync "$KD_WIN" 2>/dev/null || true
xdotool key --window "$KD_WIN" 4; kd_wait_screen followup
[ "$(kd_sql "SELECT count(*) FROM ratings")" = $(( total + 1 )) ] || kd_fail "no new rating after the store opened"
kill -TERM "$KD_PID"; wait "$KD_PID" || kd_fail "the kiosk did not exit 0 after being out of service"
echo "ok: a start on a full disk: out of service on the screen, running, taking ratings once space came back"
