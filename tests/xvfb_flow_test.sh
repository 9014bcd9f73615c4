#!/usr/bin/env bash
# The citizen's whole flow in a real X server, with real pointer clicks (xdotool) at each supported
# resolution, checking the database after each step: face -> reason -> comment typed on the on-screen
# keyboard -> thanks; English and its reset; skips; the idle timeout; the keypad; a suppressed press.
# Usage: xvfb_flow_test.sh BIN_DIR [WxH ...]   (default: 800x480 1280x800 1920x1080 1080x1920)
set -euo pipefail
bin=${1:?usage: xvfb_flow_test.sh BIN_DIR [WxH ...]}
shift
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(800x480 1280x800 1920x1080 1080x1920)
here=$(cd "$(dirname "$0")" && pwd)

if [ -z "${SKM_XVFB_SIZE:-}" ]; then
  for size in "${sizes[@]}"; do
    echo "== $size"
    SKM_XVFB_SIZE=$size xvfb-run -a -s "-screen 0 ${size}x24" "$0" "$bin" "$size"
  done
  echo "PASS: the whole flow at ${sizes[*]}"
  exit 0
fi

KD_BIN=$bin
KD_WORK=$(mktemp -d /tmp/skm-flow-XXXXXX)
trap 'kill "$KD_PID" 2>/dev/null || true; rm -rf "$KD_WORK"' EXIT
# shellcheck source=support/kiosk_driver.sh
. "$here/support/kiosk_driver.sh"

cat >"$KD_WORK/kiosk.toml" <<'TOML'
[kiosk]
thanks_seconds = 1
idle_seconds = 5
followup_idle_seconds = 5
response_interval_seconds = 1
TOML
kd_start "$SKM_XVFB_SIZE" --config "$KD_WORK/kiosk.toml"
row() { kd_sql "SELECT score, coalesce(reasons,'-'), coalesce(comment,'-'), language, suppressed FROM ratings WHERE seq = $1"; }

# 1. face, reason, comment, send.
kd_tap face.2;               kd_wait_screen followup
kd_expect "SELECT count(*) FROM ratings" 1
[ "$(row 1)" = "2|-|-|id|0" ] || kd_fail "after the tap: $(row 1)"
kd_tap reason.waktu_lama;    kd_wait_screen comment
[ "$(row 1)" = '2|["waktu_lama"]|-|id|0' ] || kd_fail "after the reason: $(row 1)"
for k in key.o key.k key.space key.layer key.2 key.layer; do kd_tap "$k"; done
kd_tap comment.send;         kd_wait_screen thanks
[ "$(row 1)" = '2|["waktu_lama"]|ok 2|id|0' ] || kd_fail "after send: $(row 1)"
kd_wait_screen attract

# 2. English, then skip everything; the language resets for the next citizen.
kd_tap language
[ "$(jq -r .language "$KD_WORK/ui.json")" = en ] || kd_fail "language did not switch"
kd_tap face.4;               kd_wait_screen followup
kd_tap skip;                 kd_wait_screen comment
kd_tap comment.skip;         kd_wait_screen thanks
[ "$(row 2)" = "4|-|-|en|0" ] || kd_fail "English, skipped: $(row 2)"
kd_wait_screen attract
[ "$(jq -r .language "$KD_WORK/ui.json")" = id ] || kd_fail "language did not reset"

# 3. A citizen who walks away: the idle timeout returns to the attract screen.
kd_tap face.3;               kd_wait_screen followup
kd_wait_screen attract 10
[ "$(row 3)" = "3|-|-|id|0" ] || kd_fail "walked away: $(row 3)"

# 4. The keypad: key 1 is the Tidak Baik face.
xdotool key --window "$KD_WIN" 1
kd_wait_screen followup
[ "$(row 4)" = "1|-|-|id|0" ] || kd_fail "keypad: $(row 4)"

# 5. A second press within the response interval is stored, marked suppressed, and thanked.
xdotool key --window "$KD_WIN" 4
kd_wait_screen thanks
[ "$(row 5)" = "4|-|-|id|1" ] || kd_fail "suppressed press: $(row 5)"
kd_expect "SELECT count(*) FROM ratings" 5

kd_stop
echo "ok: $SKM_XVFB_SIZE"
