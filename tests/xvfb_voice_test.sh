#!/usr/bin/env bash
# The voice in a real X server (issue 21), with real pointer clicks (xdotool) and [voice] wav_dir (this
# machine has no sound card: each utterance goes to DIR/NNNN-LANG.wav, numbered in the order begun,
# cut ones too): taps on faces, reasons, the comment's keys, the keypad and survey answers say nothing;
# the speaker button says the attract question and its four answers (not silent, as long as its words
# take), the same text and length on the follow-up after a low and a high face, in English after the
# switch, and a survey question with its answers; the ratings on disk are the faces tapped, none from
# the speaker.
# Usage: xvfb_voice_test.sh BIN_DIR [WxH ...]   (default: 1280x800 800x480)
set -euo pipefail
bin=${1:?usage: xvfb_voice_test.sh BIN_DIR [WxH ...]}
shift
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1280x800 800x480)
here=$(cd "$(dirname "$0")" && pwd)

if [ -z "${SKM_XVFB_SIZE:-}" ]; then
  for size in "${sizes[@]}"; do
    echo "== $size"
    SKM_XVFB_SIZE=$size xvfb-run -a -s "-screen 0 ${size}x24" "$0" "$bin" "$size"
  done
  echo "PASS: the voice at ${sizes[*]}"
  exit 0
fi

KD_BIN=$bin
KD_WORK=$(mktemp -d /tmp/skm-voice-XXXXXX)
trap 'kill "$KD_PID" 2>/dev/null || true; rm -rf "$KD_WORK"' EXIT
# shellcheck source=support/kiosk_driver.sh
. "$here/support/kiosk_driver.sh"
voice=$KD_WORK/voice
rate=150

"$bin/skm-kiosk" roster import "$here/../config/demo-roster.toml" --data-dir "$KD_WORK/data" >/dev/null
cat >"$KD_WORK/kiosk.toml" <<TOML
[kiosk]
thanks_seconds = 1
response_interval_seconds = 1
[voice]
enabled = true
rate = $rate
wav_dir = "$voice"
TOML
kd_start "$SKM_XVFB_SIZE" --config "$KD_WORK/kiosk.toml"

# utterances: how many the kiosk has begun (complete or cut short).
utterances() { find "$voice" -name '*.wav' 2>/dev/null | wc -l; }
# said N LANG: waits for utterance N, complete, and prints its file.
said() {
  local f
  f=$voice/$(printf %04d "$1")-$2.wav
  for _ in $(seq 1 100); do
    [ -f "$f" ] && { echo "$f"; return 0; }
    sleep 0.1
  done
  kd_fail "utterance $1 ($2) never completed; in $voice: $(ls "$voice" 2>/dev/null | tr '\n' ' ')"
}
# heard FILE: not silent, and as long as its words take at $rate words a minute (between twice as fast
# and half as fast, plus up to a second's pause at each sentence's end).
heard() {
  local txt=${1%.wav}.txt stat rms peak secs words sentences
  stat=$(sox "$1" -n stat 2>&1)
  rms=$(awk '/^RMS +amplitude/ {print $3}' <<<"$stat")
  peak=$(awk '/^Maximum amplitude/ {print $3}' <<<"$stat")
  secs=$(sox --i -D "$1")
  words=$(wc -w <"$txt")
  sentences=$(tr -cd '.?:' <"$txt" | wc -c)
  awk -v r="$rms" -v p="$peak" -v s="$secs" -v w="$words" -v n="$sentences" -v rate="$rate" 'BEGIN {
        nominal = w * 60 / rate
        exit !(r > 0.01 && p > 0.1 && s >= nominal / 2 && s <= nominal * 2 + n)
      }' || kd_fail "$1: RMS $rms, peak $peak, $secs s for $words words and $sentences sentences at $rate a minute"
  echo "  $(basename "$1"): $words words in $secs s, RMS $rms, peak $peak"
}

# 1. A citizen's whole flow, by touch and by the keypad: nothing is said.
kd_tap face.2;              kd_wait_screen followup
kd_tap reason.waktu_lama;   kd_wait_screen comment
kd_tap key.o; kd_tap key.k
kd_tap comment.send;        kd_wait_screen thanks
kd_wait_screen attract
xdotool key --window "$KD_WIN" 4
kd_wait_screen followup
kd_tap followup.done;       kd_wait_screen thanks
kd_wait_screen attract
kd_expect "SELECT group_concat(score, ',') FROM ratings" "2,4"
[ "$(utterances)" = 0 ] || kd_fail "taps were spoken: $(ls "$voice")"

# 2. The speaker button on the attract screen: the first utterance, the question and the four faces.
kd_tap speaker
f=$(said 1 id)
for text in "Bagaimana pelayanan petugas kami hari ini?" "Sangat Baik." "Baik." "Kurang Baik." "Tidak Baik."; do
  grep -qF "$text" "${f%.wav}.txt" || kd_fail "utterance 1 lacks '$text': $(cat "${f%.wav}.txt")"
done
heard "$f"
kd_expect "SELECT count(*) FROM ratings" 2

# 3. The follow-up after a low and after a high face: the speaker says the same.
kd_tap face.1;              kd_wait_screen followup
kd_tap speaker
low=$(said 2 id)
kd_tap followup.done;       kd_wait_screen thanks
kd_wait_screen attract
kd_tap face.4;              kd_wait_screen followup
kd_tap speaker
high=$(said 3 id)
# (espeak-ng's output is not bit-for-bit repeatable from one utterance to the next: the same text comes
# out a few samples longer or shorter. So: the same text, and the same length within 20 ms.)
cmp -s "${low%.wav}.txt" "${high%.wav}.txt" || kd_fail "the follow-up's text differs after face 1 and face 4"
awk -v a="$(sox --i -D "$low")" -v b="$(sox --i -D "$high")" 'BEGIN { d = a - b; exit !(d < 0.02 && d > -0.02) }' ||
  kd_fail "the follow-up's speech lasts $(sox --i -D "$low") s after face 1, $(sox --i -D "$high") s after face 4"
grep -qF "Apa alasan utamanya?" "${low%.wav}.txt" || kd_fail "the follow-up's speech: $(cat "${low%.wav}.txt")"
heard "$low"
kd_tap reason.cepat;        kd_wait_screen comment
kd_tap comment.skip;        kd_wait_screen thanks
kd_wait_screen attract
kd_expect "SELECT group_concat(score, ',') FROM ratings" "2,4,1,4"

# 4. English after the switch.
kd_tap language
kd_tap speaker
f=$(said 4 en)
grep -qF "How was our officer's service today?" "${f%.wav}.txt" || kd_fail "English: $(cat "${f%.wav}.txt")"
heard "$f"

# 5. The questionnaire: its answers say nothing, the speaker says the question and its answers.
kd_tap language
kd_tap survey.start;        kd_wait_screen survey
xdotool key --window "$KD_WIN" 5   # the fifth service: nib
kd_expect "SELECT service_code FROM survey_responses" nib
kd_wait_target speaker
kd_tap speaker
f=$(said 5 id)
heard "$f"
kd_tap answer.3
kd_expect "SELECT count(*) FROM survey_answers" 1
kd_tap survey.quit
kd_tap confirm.yes;         kd_wait_screen attract

[ "$(utterances)" = 5 ] || kd_fail "expected 5 utterances, found: $(ls "$voice")"
kd_expect "SELECT count(*) FROM ratings" 4
kd_stop
echo "ok: $SKM_XVFB_SIZE"
