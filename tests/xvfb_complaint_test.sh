#!/usr/bin/env bash
# The complaint hand-off in a real X server (docs/complaints.md), with real pointer clicks (xdotool):
# a low face and the pungutan reason, then the thanks screen's QR code read back from a screenshot with
# zbarimg is the configured LAPOR! address, and the reference code drawn under it is the one
# `skm-kiosk complaint-ref` gives for the rating on disk; a low face with another reason shows no such
# code (and the questionnaire's QR code is not the LAPOR! address).
# Usage: xvfb_complaint_test.sh BIN_DIR [WxH ...]   (default: 1280x800 800x480)
set -euo pipefail
bin=${1:?usage: xvfb_complaint_test.sh BIN_DIR [WxH ...]}
shift
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1280x800 800x480)
here=$(cd "$(dirname "$0")" && pwd)

if [ -z "${SKM_XVFB_SIZE:-}" ]; then
  for size in "${sizes[@]}"; do
    echo "== $size"
    SKM_XVFB_SIZE=$size xvfb-run -a -s "-screen 0 ${size}x24" "$0" "$bin" "$size"
  done
  echo "PASS: the complaint hand-off at ${sizes[*]}"
  exit 0
fi

KD_BIN=$bin
KD_WORK=$(mktemp -d /tmp/skm-complaint-XXXXXX)
trap 'kill "$KD_PID" 2>/dev/null || true; rm -rf "$KD_WORK"' EXIT
# shellcheck source=support/kiosk_driver.sh
. "$here/support/kiosk_driver.sh"
lapor="https://lapor.kota-contoh.go.id/aduan"

cat >"$KD_WORK/kiosk.toml" <<TOML
[kiosk]
thanks_seconds = 1
response_interval_seconds = 1
[complaint]
lapor_url = "$lapor"
qr_seconds = 20
TOML
kd_start "$SKM_XVFB_SIZE" --config "$KD_WORK/kiosk.toml"

texts() { jq -r '.texts[]' "$KD_WORK/ui.json"; }

# A low face, pungutan, no comment: the hand-off.
kd_tap face.1
kd_wait_screen followup
kd_tap reason.pungutan
kd_wait_screen comment
kd_tap comment.skip
kd_wait_screen thanks
sleep 0.5
[ -n "${SKM_SHOTS:-}" ] && cp_shot=1 || cp_shot=
import -window root "$KD_WORK/thanks.png"
[ -n "$cp_shot" ] && cp "$KD_WORK/thanks.png" "$SKM_SHOTS/complaint-thanks-$SKM_XVFB_SIZE.png"
read_back=$(zbarimg --raw -q "$KD_WORK/thanks.png" 2>/dev/null | head -1)
[ "$read_back" = "$lapor" ] || kd_fail "the QR code reads '$read_back', expected $lapor"
id=$(kd_sql "SELECT id FROM ratings ORDER BY seq DESC LIMIT 1")
[ "$(kd_sql "SELECT score || ' ' || reasons FROM ratings WHERE id = '$id'")" = '1 ["pungutan"]' ] || kd_fail "rating $id is not 1 with pungutan"
ref=$("$bin/skm-kiosk" complaint-ref "$id")
[[ $ref =~ ^SKM-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$ ]] || kd_fail "complaint-ref printed '$ref'"
# "Kode referensi: CODE" on one line, or wrapped before the code (never inside it).
texts | grep -qxF -e "Kode referensi: $ref" -e "$ref" || kd_fail "no reference $ref on the thanks screen; drawn: $(texts | tr '\n' '|')"
texts | grep -qF "Kode referensi:" || kd_fail "no 'Kode referensi:' on the thanks screen"
texts | grep -qF "SP4N-LAPOR!" || kd_fail "no SP4N-LAPOR! caption on the thanks screen; drawn: $(texts | tr '\n' '|')"
grep -qF "complaint hand-off shown, reference $ref" "$KD_WORK/kiosk.log" || kd_fail "the log does not name the reference $ref"
echo "ok: the LAPOR! code read back, reference $ref for rating $id"
# Long enough to scan: still up after several seconds.
sleep 4
[ "$(kd_screen)" = thanks ] || kd_fail "the hand-off left after 4 s"
kd_wait_screen attract 25

# A low face and another reason: no reference code, no LAPOR! code.
kd_tap face.2
kd_wait_screen followup
kd_tap reason.waktu_lama
kd_wait_screen comment
kd_tap comment.skip
kd_wait_screen thanks
sleep 0.5
import -window root "$KD_WORK/thanks2.png"
[ "$(zbarimg --raw -q "$KD_WORK/thanks2.png" 2>/dev/null | head -1)" != "$lapor" ] || kd_fail "the LAPOR! code after waktu_lama"
if texts | grep -q "SKM-"; then kd_fail "a reference code after waktu_lama: $(texts | tr '\n' '|')"; fi
echo "ok: no hand-off after another reason"
kd_wait_screen attract 10
kd_stop
echo "PASS: the complaint hand-off at $SKM_XVFB_SIZE"
