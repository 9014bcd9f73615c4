#!/usr/bin/env bash
# The systemd watchdog, with a stand-in NOTIFY_SOCKET: skm-kiosk (a real window under Xvfb) says
# READY=1 after its first frame and pings WATCHDOG=1 from its frame loop at half of WATCHDOG_USEC while
# idle; frozen (SIGSTOP: a loop that no longer runs) it stops pinging, which is what makes systemd
# restart it; thawed, the pings resume; SIGTERM says STOPPING=1.
# Usage: watchdog_test.sh BIN_DIR
set -euo pipefail
bin=${1:?usage: watchdog_test.sh BIN_DIR}
if [ -z "${SKM_IN_XVFB:-}" ]; then
  export SKM_IN_XVFB=1
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$@"
fi
work=$(mktemp -d /tmp/skm-watchdog-XXXXXX)
kiosk=
cleanup() {
  if [ -n "$kiosk" ]; then kill -CONT "$kiosk" 2>/dev/null || true; kill "$kiosk" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; cat "$work/notify.log" >&2; exit 1; }

"$bin/skm-notify-listen" "$work/notify.sock" 14 >"$work/notify.log" &
listener=$!
for _ in $(seq 1 50); do [ -S "$work/notify.sock" ] && break; sleep 0.05; done
NOTIFY_SOCKET="$work/notify.sock" WATCHDOG_USEC=1000000 "$bin/skm-kiosk" --windowed 800x480 --data-dir "$work/data" >"$work/kiosk.log" 2>&1 &
kiosk=$!
sleep 4
grep -q 'READY=1' "$work/notify.log" || fail "no READY=1"
before=$(grep -c 'WATCHDOG=1' "$work/notify.log")
# Idle for 4 s at a 1 s watchdog: a ping every 0.5 s, so at least 6.
[ "$before" -ge 6 ] || fail "only $before pings in 4 s while idle"

kill -STOP "$kiosk"
sleep 3
frozen=$(grep -c 'WATCHDOG=1' "$work/notify.log")
[ "$frozen" -le $((before + 1)) ] || fail "pings went on while the loop was frozen ($before -> $frozen)"

kill -CONT "$kiosk"
sleep 2
after=$(grep -c 'WATCHDOG=1' "$work/notify.log")
[ "$after" -ge $((frozen + 2)) ] || fail "pings did not resume ($frozen -> $after)"

kill -TERM "$kiosk"
wait "$kiosk" || fail "the kiosk did not stop cleanly"
kiosk=
sleep 0.3
grep -q 'STOPPING=1' "$work/notify.log" || fail "no STOPPING=1"
kill "$listener" 2>/dev/null || true
echo "ok: READY=1, $before pings in 4 s idle, none while frozen ($before -> $frozen), resumed ($after), STOPPING=1"
