#!/usr/bin/env bash
# Start-up time of skm-kiosk in a real X server (Xvfb, Mesa llvmpipe), 1280x800, RUNS starts each:
#   baseline   a bare GLFW + OpenGL 3 window presenting one cleared frame (skm-bench-first-frame)
#   first run  skm-kiosk on an empty data directory (creates, migrates and checks a new database)
#   everyday   skm-kiosk on a data directory holding 100,000 ratings (the database is checked at start)
# Each figure is the time from fork() to the milestone, p50 over the runs (max in brackets):
# "database open" is the store opened, checked and migrated (the kiosk opens it before its window),
# "first frame" is the first frame presented (after glFinish), so it includes the database.
# Usage: bench/startup_bench.sh [BIN_DIR] [RUNS]      (defaults: build/bin, 9)
# Target (issue 9): first frame with the database open under 1 s.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "${1:-$root/build/bin}" && pwd)
runs=${2:-9}

if [ -z "${SKM_BENCH_IN_XVFB:-}" ]; then
  export SKM_BENCH_IN_XVFB=1
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$bin" "$runs"
fi

work=$(mktemp -d /tmp/skm-startup-XXXXXX)
trap 'rm -rf "$work"' EXIT
"$bin/skm-loadgen" --data-dir "$work/big" --ratings 100000 --surveys 1000 >/dev/null
size=$(du -k "$work/big/skm.db" | cut -f1)

probe() { "$bin/skm-bench-startup" --runs "$runs" "$@"; }
base=$(probe -- "$bin/skm-bench-first-frame" "{LOG}" 1280x800)
fresh=$(probe --setup "rm -rf '$work/fresh'" -- "$bin/skm-kiosk" --windowed 1280x800 --data-dir "$work/fresh" --startup-log "{LOG}")
every=$(probe -- "$bin/skm-kiosk" --windowed 1280x800 --data-dir "$work/big" --startup-log "{LOG}")

field() { awk -v m="$2" -v f="$3" '$1 == m { print $f }' <<<"$1"; }
b=$(field "$base" first_frame 2)
echo "skm-kiosk start-up benchmark: Xvfb 1280x800, $(nproc) cores, $runs starts each; p50 (max) ms from fork()"
printf '%-52s %16s %12s %9s\n' figure measured baseline ratio
row() { # label measured_p50 measured_max baseline
  printf '%-52s %9s (%4.0f) %12s %8.2fx\n' "$1" "$2" "$3" "$4" "$(awk -v a="$2" -v b="$4" 'BEGIN { print a / b }')"
}
part() { printf '%-52s %9s (%4.0f) %12s\n' "$1" "$2" "$3" "(part of the next)"; }
part "new kiosk: database created and open (ms)" "$(field "$fresh" store_open 2)" "$(field "$fresh" store_open 3)"
row "new kiosk: first frame presented (ms)" "$(field "$fresh" first_frame 2)" "$(field "$fresh" first_frame 3)" "$b"
part "100k ratings (${size} KiB): database open (ms)" "$(field "$every" store_open 2)" "$(field "$every" store_open 3)"
row "100k ratings: first frame presented (ms)" "$(field "$every" first_frame 2)" "$(field "$every" first_frame 3)" "$b"
printf '%-52s %9s (%4.0f)\n' "baseline: bare GLFW window, first frame (ms)" "$b" "$(field "$base" first_frame 3)"
worst=$(field "$every" first_frame 3)
verdict=$(awk -v w="$worst" -v f="$(field "$fresh" first_frame 3)" 'BEGIN { print (w < 1000 && f < 1000) ? "met" : "NOT met" }')
echo "target: first frame with the database open < 1000 ms on every start: $verdict"
if [ -n "${SKM_BENCH_TABLE:-}" ]; then
  printf 'start-up: first frame, 100k-rating store (ms)\t%s\t%s\t< 1000 ms\n' "$(field "$every" first_frame 2)" "$b" >>"$SKM_BENCH_TABLE"
fi
