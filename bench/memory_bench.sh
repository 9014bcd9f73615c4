#!/usr/bin/env bash
# Memory of skm-kiosk over a scripted "hour" of use compressed into about two minutes, in a real X server
# (Xvfb 1280x800): RATINGS citizens, driven by real key presses and pointer clicks (one xdotool
# process reading a generated script): a face on the keypad; every fourth citizen picks a reason, and
# every fifth of those types a short comment on the on-screen keyboard and sends it, the others skip;
# every 50th does the whole SKM questionnaire (service, nine unsur, profile) by keyboard; every 100th
# switches the language. The kiosk's RSS is sampled twice a second with the number of ratings on
# disk.
# Figures: peak RSS (VmHWM) over the whole run against the peak reached by start-up alone (the
# baseline: building the font atlas), and the RSS over the last thousand ratings against the first
# thousand (no growth: ratio 1.00).
# Usage: bench/memory_bench.sh [BIN_DIR] [RATINGS]      (defaults: build/bin, 2000; at least 2000)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "${1:-$root/build/bin}" && pwd)
n=${2:-2000}
[ "$n" -ge 2000 ] || { echo "memory_bench: RATINGS must be at least 2000 (two thousands to compare)" >&2; exit 2; }

if [ -z "${SKM_BENCH_IN_XVFB:-}" ]; then
  export SKM_BENCH_IN_XVFB=1
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$bin" "$n"
fi

KD_BIN=$bin
KD_WORK=$(mktemp -d /tmp/skm-mem-XXXXXX)
trap 'kill "$KD_PID" 2>/dev/null || true; rm -rf "$KD_WORK"' EXIT
# shellcheck source=../tests/support/kiosk_driver.sh
. "$root/tests/support/kiosk_driver.sh"

cat >"$KD_WORK/kiosk.toml" <<'TOML'
[kiosk]
thanks_seconds = 1
idle_seconds = 5
response_interval_seconds = 0
touch_guard_ms = 0   # the script taps at a machine's pace, right after each screen appears: the
                     # touch guard (rightly) ignores such taps from a person
TOML
kd_start 1280x800 --config "$KD_WORK/kiosk.toml"
sleep 1
rss() { awk -v k="$2" '$1 == k":" { print $2 }' /proc/"$1"/status; }
idle_kb=$(rss "$KD_PID" VmRSS)
idle_hwm_kb=$(rss "$KD_PID" VmHWM) # the peak so far: start-up (building the font atlas)

# The touch targets' centres at 1280x800, read from the kiosk's own map once.
centre() { jq -r --arg n "$1" '.targets[$n] | "\((.[0]+.[2])/2|floor) \((.[1]+.[3])/2|floor)"' "$KD_WORK/ui.json"; }
first_reason() { jq -r '[.targets | keys[] | select(startswith("reason."))][0]' "$KD_WORK/ui.json"; }
kd_key 1; kd_wait_screen followup; low=$(centre "$(first_reason)")
kd_key 4; kd_wait_screen followup; high=$(centre "$(first_reason)"); kd_tap "$(first_reason)"; kd_wait_screen comment
k_o=$(centre key.o); k_k=$(centre key.k); send=$(centre comment.send); cskip=$(centre comment.skip)
kd_tap comment.skip; kd_wait_screen thanks; kd_wait_screen attract
lang=$(centre language)
done_before=$(kd_sql "SELECT count(*) FROM ratings")

# The script: one xdotool process, real events. A press and its release 25 ms apart land in
# different frames (ImGui 1.86 polls the button once per frame); xdotool's own "click" waits 100 ms.
script=$KD_WORK/hour.xdo
tap() { echo "mousemove $1 $2"; echo "mousedown 1"; echo "sleep 0.02"; echo "mouseup 1"; echo "sleep 0.02"; }
key() { echo "key $1"; echo "sleep 0.012"; }
{
  for i in $(seq 1 "$n"); do
    face=$(( (i * 7) % 4 + 1 ))
    if (( i % 100 == 0 )); then tap $lang; fi
    key "$face"
    if (( i % 4 == 0 || i % 50 == 0 )); then  # a questionnaire starts from the thanks screen
      if (( face <= 2 )); then tap $low; else tap $high; fi
      if (( i % 20 == 0 )); then
        tap $k_o; tap $k_k; tap $k_o; tap $send
      else
        tap $cskip
      fi
    fi
    if (( i % 50 == 0 )); then
      key s; key 5
      for a in 4 3 3 2 4 4 3 1 3 2 3 6 4; do key "$a"; done
    fi
  done
} >"$script"

samples=$KD_WORK/samples
: >"$samples"
start=$(date +%s.%N)
xdotool "$script" &
driver=$!
while kill -0 "$driver" 2>/dev/null; do
  echo "$(kd_sql "SELECT count(*) FROM ratings") $(rss "$KD_PID" VmRSS)" >>"$samples"
  sleep 0.5
done
wait "$driver"
sleep 1
elapsed=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.0f", e - s }')
echo "$(kd_sql "SELECT count(*) FROM ratings") $(rss "$KD_PID" VmRSS)" >>"$samples"
peak_kb=$(rss "$KD_PID" VmHWM)
got=$(( $(kd_sql "SELECT count(*) FROM ratings") - done_before ))
surveys=$(kd_sql "SELECT count(*) FROM survey_responses WHERE status = 'complete'")
comments=$(kd_sql "SELECT count(*) FROM ratings WHERE comment IS NOT NULL")
kd_stop
[ "$got" = "$n" ] || { echo "memory_bench: $got ratings on disk, expected $n: the script ran ahead of the kiosk" >&2; exit 1; }

# RSS over the first and the last thousand ratings: the largest sample in each window.
read -r first_kb last_kb < <(awk -v n="$((n + done_before))" -v d="$done_before" '
  $1 > d && $1 <= d + 1000 && $2 > f { f = $2 }
  $1 > n - 1000 && $2 > l { l = $2 }
  END { print f, l }' "$samples")
echo "skm-kiosk memory benchmark: Xvfb 1280x800, $n ratings ($comments with a comment, $surveys questionnaires) in ${elapsed} s"
printf '%-48s %12s %12s %9s\n' figure measured baseline ratio
printf '%-48s %9s KiB %8s KiB %8.2fx\n' "peak RSS (VmHWM) vs the peak of start-up" "$peak_kb" "$idle_hwm_kb" "$(awk -v a="$peak_kb" -v b="$idle_hwm_kb" 'BEGIN { print a / b }')"
printf '%-48s %9s KiB\n' "RSS of the idle kiosk after start-up" "$idle_kb"
printf '%-48s %9s KiB %8s KiB %8.2fx\n' "RSS, last 1000 ratings vs first 1000" "$last_kb" "$first_kb" "$(awk -v a="$last_kb" -v b="$first_kb" 'BEGIN { print a / b }')"
growth=$(( last_kb - first_kb ))
verdict=$(awk -v g="$growth" -v f="$first_kb" 'BEGIN { print (g <= f * 0.02) ? "met" : "NOT met" }')
echo "target: no growth between the first and the last thousand ratings (within 2 %, ${growth} KiB): $verdict"
if [ -n "${SKM_BENCH_TABLE:-}" ]; then
  printf 'memory: RSS, last vs first 1000 ratings (KiB)\t%s\t%s\tno growth\n' "$last_kb" "$first_kb" >>"$SKM_BENCH_TABLE"
  printf 'memory: peak RSS in use vs start-up peak (KiB)\t%s\t%s\t-\n' "$peak_kb" "$idle_hwm_kb" >>"$SKM_BENCH_TABLE"
fi
