#!/usr/bin/env bash
# Sync throughput: N ratings (default 100,000) from a kiosk store to a local skm-central, against the
# same compressed request bodies POSTed by a raw curl in the same run (the transport's floor).
# Prints time, ratings/s, requests, bytes on the wire per rating, and the ratios.
# Usage: bench/sync_bench.sh [BIN_DIR] [N]
# Targets (issue 5): 100,000 ratings in under 10 s on 2 cores; at most 80 bytes per rating.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "${1:-$root/build/bin}" && pwd)
n=${2:-100000}
work=$(mktemp -d /tmp/skm-syncbench-XXXXXX)
central_pid=
trap '[ -n "$central_pid" ] && kill "$central_pid" 2>/dev/null; rm -rf "$work"' EXIT

"$bin/skm-central" serve --listen 127.0.0.1:0 --data-dir "$work/central" >"$work/central.out" 2>"$work/central.log" &
central_pid=$!
for _ in $(seq 1 50); do grep -q listening "$work/central.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$work/central.out")
"$bin/skm-central" device add bench-01 --out "$work/p.json" --url "$url" --data-dir "$work/central" >/dev/null
"$bin/skm-kiosk" provision "$work/p.json" --data-dir "$work/kiosk" >/dev/null
"$bin/skm-loadgen" --data-dir "$work/kiosk" --ratings "$n" >/dev/null

start=$(date +%s.%N)
out=$("$bin/skm-sync" --once --data-dir "$work/kiosk" --keep-bodies "$work/bodies" 2>/dev/null)
end=$(date +%s.%N)
echo "skm-sync: $out"
sync_s=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
bytes=$(echo "$out" | sed -n 's/.* \([0-9]*\) bytes.*/\1/p')
requests=$(echo "$out" | sed -n 's/.* \([0-9]*\) requests.*/\1/p')

# The baseline: the same bodies, POSTed by curl to the same server (it answers 404 after reading each).
start=$(date +%s.%N)
for f in "$work"/bodies/*.gz; do
  curl -s -o /dev/null -X POST -H 'Content-Type: application/gzip' --data-binary @"$f" "$url/bench/sink"
done
end=$(date +%s.%N)
curl_s=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
stored=$("$bin/skm-central" report --data-dir "$work/central" | sed -n 's/.*"ratings_total":\([0-9]*\).*/\1/p')

awk -v n="$n" -v s="$sync_s" -v c="$curl_s" -v b="$bytes" -v r="$requests" -v stored="$stored" 'BEGIN {
  printf "\n%-40s %14s %14s %10s\n", "figure", "measured", "baseline", "ratio"
  printf "%-40s %12.3f s %12.3f s %9.2fx\n", n " ratings synced (" r " requests)", s, c, s / c
  printf "%-40s %14.0f %14.0f %9.2fx\n", "ratings per second", n / s, n / c, (n / s) / (n / c)
  printf "%-40s %14.1f %14s %10s\n", "bytes on the wire per rating (gzip)", b / n, "", ""
  printf "%-40s %14d\n", "ratings stored by skm-central", stored
  printf "\nbaseline: a raw curl POST of the same compressed bodies to the same server, one process per request.\n"
  printf "targets: %d ratings in under 10 s: %s; at most 80 bytes per rating: %s\n", n, (s < 10 ? "met" : "NOT met"), (b / n <= 80 ? "met" : "NOT met")
}'
if [ -n "${SKM_BENCH_TABLE:-}" ]; then
  printf 'sync: %s ratings to skm-central (s)\t%s\t%s\t< 10 s\n' "$n" "$sync_s" "$curl_s" >>"$SKM_BENCH_TABLE"
  printf 'sync: bytes on the wire per rating\t%s\t-\t<= 80\n' "$(awk -v b="$bytes" -v n="$n" 'BEGIN { printf "%.1f", b / n }')" >>"$SKM_BENCH_TABLE"
fi
