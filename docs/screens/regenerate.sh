#!/usr/bin/env bash
# Regenerates docs/screens/: every citizen screen at every supported resolution, taken by the kiosk's
# own --screenshot-dir while real clicks walk the flow under Xvfb. The "not saved" notice is produced
# for real: the data directory is a tiny tmpfs (needs root) that the kiosk fills up.
# Usage: docs/screens/regenerate.sh [BIN_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(cd "${1:-$root/build/bin}" && pwd)
out=$root/docs/screens

if [ -z "${SKM_SHOT_SIZE:-}" ]; then
  for size in 800x480 1280x800 1920x1080 1080x1920; do
    SKM_SHOT_SIZE=$size xvfb-run -a -s "-screen 0 ${size}x24" "$0" "$bin"
  done
  ls "$out"/*.png
  exit 0
fi

KD_BIN=$bin
KD_WORK=$(mktemp -d /tmp/skm-shots-XXXXXX)
trap 'kill "$KD_PID" 2>/dev/null || true; umount "$KD_WORK/data" 2>/dev/null || true; rm -rf "$KD_WORK"' EXIT
# shellcheck source=../../tests/support/kiosk_driver.sh
. "$root/tests/support/kiosk_driver.sh"
size=$SKM_SHOT_SIZE

# The flow: attract, follow-up, comment (with text typed), thanks.
kd_start "$size" --screenshot-dir "$KD_WORK/shots"
kd_tap face.2; kd_wait_screen followup
kd_tap reason.waktu_lama; kd_wait_screen comment
for k in key.a key.n key.t key.r key.i key.space key.l key.a key.m key.a; do kd_tap "$k"; done
sleep 0.3
import -window root "$out/comment-typed-$size.png"
kd_tap comment.send; kd_wait_screen thanks
kd_wait_screen attract 10
kd_tap language; sleep 0.3
import -window root "$out/attract-en-$size.png"
kd_stop

# The survey: the service question, an unsur, a profile question (with the demo roster's services).
"$bin/skm-kiosk" roster import "$root/config/demo-roster.toml" --data-dir "$KD_WORK/data" >/dev/null
kd_start "$size"
kd_key s; kd_wait_screen survey; sleep 0.3
import -window root "$out/survey-service-$size.png"
kd_key 5; kd_key 4; sleep 0.3
import -window root "$out/survey-unsur-$size.png"
for k in 3 3 3 3 3 3 3 3; do kd_key "$k"; done; sleep 0.3
import -window root "$out/survey-profile-$size.png"
kd_stop
rm -rf "$KD_WORK/data"

# The notice: a data directory on a 400 KiB tmpfs, filled until a tap cannot be saved.
rm -rf "$KD_WORK/data"
mkdir -p "$KD_WORK/data"
mount -t tmpfs -o size=400k tmpfs "$KD_WORK/data"
head -c 100000 /dev/zero >"$KD_WORK/data/ballast"
cat >"$KD_WORK/fast.toml" <<'TOML'
[kiosk]
response_interval_seconds = 0
TOML
kd_start "$size" --config "$KD_WORK/fast.toml" --screenshot-dir "$KD_WORK/shots"
for _ in $(seq 1 500); do
  xdotool key --window "$KD_WIN" 1
  [ "$(kd_screen)" = notice ] && break
done
kd_wait_screen notice
sleep 0.5
kd_stop
cp "$KD_WORK"/shots/*.png "$out/"
