#!/usr/bin/env bash
# Every benchmark, one after the other, each printing its own figures with the baseline measured in
# the same run and the ratio (docs/performance.md explains each), then ONE table of the headline
# figures. About 4-5 minutes here (2 cores, Xvfb + llvmpipe).
# Usage: bench/run_all.sh [BIN_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "${1:-$root/build/bin}" && pwd)
export SKM_BENCH_TABLE
SKM_BENCH_TABLE=$(mktemp /tmp/skm-bench-table-XXXXXX)
trap 'rm -f "$SKM_BENCH_TABLE"' EXIT
section() { printf '\n== %s\n   (%s)\n' "$1" "$2"; }
started=$(date +%s)

section "store: tap to durable, central ingest" "$bin/skm-bench-store"
"$bin/skm-bench-store" --taps 2000 --ingest 100000 --table "$SKM_BENCH_TABLE" 2>/dev/null
section "start-up: process start to first frame" "bash bench/startup_bench.sh"
bash "$root/bench/startup_bench.sh" "$bin" 9 2>/dev/null
section "idle CPU and frame time of the kiosk" "bash bench/idle_bench.sh"
bash "$root/bench/idle_bench.sh" "$bin" 30 2>/dev/null | tail -n 12
section "memory over a compressed hour: 2,000 ratings" "bash bench/memory_bench.sh"
bash "$root/bench/memory_bench.sh" "$bin" 2000 2>/dev/null
section "sync: 100,000 ratings to a local skm-central" "bash bench/sync_bench.sh"
bash "$root/bench/sync_bench.sh" "$bin" 100000 2>/dev/null | tail -n 9
section "skm-central under attack: an honest sync beside idle/slow connections and a sign-in flood" "$bin/skm-bench-central-hostile"
"$bin/skm-bench-central-hostile" 2>/dev/null | tail -n 6
section "scores: a month's report over 1,000,000 ratings" "bash bench/report_bench.sh"
bash "$root/bench/report_bench.sh" "$bin" 1000000 2>/dev/null | tail -n 8

printf '\n== the table (%s s in all; each baseline measured in the same run: see the sections above)\n' "$(( $(date +%s) - started ))"
awk -F '\t' 'BEGIN { printf "%-52s %14s %14s %9s  %s\n", "figure", "measured", "baseline", "ratio", "target" }
  { r = ($3 + 0 > 0) ? sprintf("%8.2fx", $2 / $3) : "        -"
    printf "%-52s %14s %14s %9s  %s\n", $1, $2, $3, r, $4 }' "$SKM_BENCH_TABLE"
