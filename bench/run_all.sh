#!/usr/bin/env bash
# Every benchmark, one after the other, each printing its figures with the baseline measured in the
# same run and the ratio (docs/performance.md explains each). About 3 minutes here.
# Usage: bench/run_all.sh [BIN_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "${1:-$root/build/bin}" && pwd)
section() { printf '\n== %s\n   (%s)\n' "$1" "$2"; }

section "store: tap to durable, central ingest" "$bin/skm-bench-store"
"$bin/skm-bench-store" --taps 2000 --ingest 100000 2>/dev/null
section "idle CPU and frame time of the kiosk" "bash bench/idle_bench.sh"
bash "$root/bench/idle_bench.sh" "$bin" 2>/dev/null | tail -n 12
section "sync: 100,000 ratings to a local skm-central" "bash bench/sync_bench.sh"
bash "$root/bench/sync_bench.sh" "$bin" 100000 2>/dev/null | tail -n 9
section "scores: a month's report over 1,000,000 ratings" "bash bench/report_bench.sh"
bash "$root/bench/report_bench.sh" "$bin" 1000000 2>/dev/null | tail -n 8
