#!/usr/bin/env bash
# Regenerates docs/screens/: every screen of the kiosk at every supported panel, taken from a real X
# server (Xvfb) while real clicks and keys (xdotool) walk the flows: 800x480 on a 7" panel, 1280x800 on
# a 10" one, 1920x1080 and portrait 1080x1920 on 21.5" ones, and large-text mode on the 10" panel.
# The roster is the demo roster with its first officer's name 40 characters long
# (tests/fixtures/long-names-roster.toml) and a photo drawn here with ImageMagick (no picture is kept in
# the repository). The "not saved" notice is produced for real: the data directory is a tiny tmpfs
# (needs root) that the kiosk fills up.
# Usage: docs/screens/regenerate.sh [BIN_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(cd "${1:-$root/build/bin}" && pwd)
out=$root/docs/screens

if [ -z "${SKM_SHOT_SIZE:-}" ]; then
  for panel in 800x480:7 1280x800:10.1 1920x1080:21.5 1080x1920:21.5 1280x800:10.1:large; do
    IFS=: read -r size inches large <<<"$panel"
    SKM_SHOT_SIZE=$size SKM_SHOT_INCHES=$inches SKM_SHOT_LARGE=${large:-} xvfb-run -a -s "-screen 0 ${size}x24" "$0" "$bin"
  done
  ls "$out"/*.png | wc -l
  exit 0
fi

KD_BIN=$bin
KD_WORK=$(mktemp -d /tmp/skm-shots-XXXXXX)
trap 'kill "$KD_PID" 2>/dev/null || true; umount "$KD_WORK/data" 2>/dev/null || true; rm -rf "$KD_WORK"' EXIT
# shellcheck source=../../tests/support/kiosk_driver.sh
. "$root/tests/support/kiosk_driver.sh"
size=$SKM_SHOT_SIZE
suffix=$size
large=false
if [ -n "${SKM_SHOT_LARGE:-}" ]; then suffix=large-$size; large=true; fi
shot() { sleep 0.4; import -window root "$out/$1-$suffix.png"; }

# The roster, with a photo for the officer with the long name.
mkdir -p "$KD_WORK/roster/photos"
awk '/^nip = "198503302010011002"/ && !done {print; print "photo = \"photos/officer.png\""; done=1; next} {print}' \
  "$root/tests/fixtures/long-names-roster.toml" >"$KD_WORK/roster/roster.toml"
convert -size 400x500 xc:'#d9e2ec' -fill '#7b8794' -draw 'circle 200,190 200,95' -draw 'ellipse 200,520 175,200 180,360' \
  "$KD_WORK/roster/photos/officer.png"
"$bin/skm-kiosk" roster import "$KD_WORK/roster/roster.toml" --data-dir "$KD_WORK/data" >/dev/null
# Provisioned as a kiosk in the field is (a made-up central office under the reserved .example domain,
# never reached: nothing here syncs), so the thanks screen and a case open show the phone
# questionnaire's QR code with a link of the real length.
printf '{"central_url":"https://skm.kota-contoh.example","device_id":"mpp-loket-12","protocol":1,"secret":"%s"}\n' \
  "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$KD_WORK/provisioning.json"
"$bin/skm-kiosk" provision "$KD_WORK/provisioning.json" --data-dir "$KD_WORK/data" >/dev/null
cat >"$KD_WORK/kiosk.toml" <<TOML
[kiosk]
counter = "Loket 12"
[display]
diagonal_inches = $SKM_SHOT_INCHES
large_text = $large
[admin]
pin_hash = "$(echo 909090 | "$bin/skm-kiosk" hash-pin)"
TOML

# The citizen: attract, follow-up, comment (typed), thanks; English.
kd_start "$size" --config "$KD_WORK/kiosk.toml"
shot attract
kd_tap face.2;             kd_wait_screen followup; shot followup
kd_tap reason.waktu_lama;  kd_wait_screen comment;  shot comment
for k in key.a key.n key.t key.r key.i key.space key.l key.a key.m key.a; do kd_tap "$k"; done
shot comment-typed
kd_tap comment.send;       kd_wait_screen thanks;   shot thanks
kd_wait_screen attract 20
kd_tap language; shot attract-en
kd_tap language

# The survey: the service question, an unsur, a profile question, "stop here?", then the saran typed.
kd_key s; kd_wait_screen survey; shot survey-service
kd_key 5; kd_key 4; shot survey-unsur
# (The same key again within the touch guard is a mashed key and answers nothing: a reader's pace.)
for k in 3 3 3 3 3 3 3 3; do kd_key "$k"; sleep 0.5; done; shot survey-profile
kd_tap survey.quit; shot survey-stop
kd_tap confirm.no
for k in 2 3 5 4; do kd_key "$k"; sleep 0.5; done   # Perempuan, 30-39, S1, Swasta
kd_wait_target saran.send
for k in r u a n g space t u n g g u space p a n a s; do kd_tap "key.$k"; done; shot survey-saran
kd_tap saran.send; kd_wait_screen thanks; kd_wait_screen attract 20

# The officer: sign-in, the case, the citizen's screen with the case open, a break, sign-out.
kd_key F2; kd_wait_screen signin; shot signin
kd_type 198503302010011002; kd_type 2468; kd_key Return; kd_wait_screen officer
kd_tap service.pbg; kd_type A-012; shot officer
kd_key Return; kd_wait_screen attract; shot attract-case
kd_tap language; shot attract-case-en; kd_tap language
kd_key F2; kd_wait_screen officer; kd_tap officer.break; shot officer-break
kd_tap officer.citizen; kd_wait_screen attract; shot attract-break
kd_key F2; kd_wait_screen officer; kd_tap officer.resume; kd_tap officer.sign_out; shot officer-sign-out
kd_tap confirm.no

# The technician.
kd_key Escape; kd_wait_screen attract
kd_key F12; kd_wait_screen signin; shot signin-technician
kd_type 909090; kd_key Return; kd_wait_screen admin; shot admin
kd_tap admin.leave; shot admin-leave
kd_tap confirm.no
kd_stop
rm -rf "$KD_WORK/data"
[ "$large" = true ] && exit 0

# The notice: a data directory on a 400 KiB tmpfs, filled until a tap cannot be saved.
mkdir -p "$KD_WORK/data"
mount -t tmpfs -o size=400k tmpfs "$KD_WORK/data"
head -c 100000 /dev/zero >"$KD_WORK/data/ballast"
cat >"$KD_WORK/fast.toml" <<TOML
[kiosk]
response_interval_seconds = 0
[display]
diagonal_inches = $SKM_SHOT_INCHES
TOML
kd_start "$size" --config "$KD_WORK/fast.toml" --screenshot-dir "$KD_WORK/shots"
for _ in $(seq 1 500); do
  xdotool key --window "$KD_WIN" 1
  [ "$(kd_screen)" = notice ] && break
done
kd_wait_screen notice
sleep 0.5
kd_stop
cp "$KD_WORK/shots/notice-$size.png" "$out/"
