#!/usr/bin/env bash
# The scores report over a month of a large office: N ratings (default 1,000,000) and as many cases
# for 500 officers in 50 kiosks, written straight into a central.db (SQLite, the real schema), the
# roster of 500 officers published beside it. Times `skm-central report --period month:2026-11` in
# each format (best of 3) against a baseline measured in the same run on the same file: the one SQL
# pass over the raw rows a report without rollups would need (the month's ratings grouped by officer
# and face, with the sqlite3 CLI).
# Usage: bench/report_bench.sh [BIN_DIR] [N]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "${1:-$root/build/bin}" && pwd)
n=${2:-1000000}
work=$(mktemp -d /tmp/skm-report-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
from_ms=$(( $(date -d 2026-11-01 +%s) * 1000 ))
month_ms=$(( 30 * 86400 * 1000 ))

# The roster: 500 officers (valid NIPs; one Argon2id hash for all, the parser only checks its form).
hash=$(echo 2468 | "$bin/skm-kiosk" hash-pin)
mkdir -p "$work/publish"
{
  echo 'version = "bench"'
  for i in $(seq 1 500); do
    printf '[[officers]]\nnip = "198001012005011%03d"\nname = "Petugas %03d"\nunit = "Unit %02d"\npin_hash = "%s"\n' "$i" "$i" $(( i % 20 )) "$hash"
  done
  printf '[[services]]\ncode = "nib"\nid = "NIB"\nen = "NIB"\n'
} >"$work/publish/roster.toml"

"$bin/skm-central" report --data-dir "$work" --period month:2026-11 --format csv >/dev/null # makes central.db at the current schema
t0=$(now_ms)
sqlite3 "$work/central.db" <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
WITH RECURSIVE i(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM i WHERE x < $n - 1)
INSERT INTO ratings (id, device_id, score, created_wall_ms, created_mono_ms, boot_id, counter, officer_nip, case_id, service_code, suppressed,
                     language, scope, received_at_ms)
SELECT printf('r%09d', x), 'kiosk-' || (x % 50), 1 + ((x * 7919) % 1000 > 120) + ((x * 7919) % 1000 > 250) + ((x * 7919) % 1000 > 600),
       $from_ms + (x * 2591) % $month_ms, 0, 'b', 'Loket 1',
       CASE WHEN x % 10 = 0 THEN NULL ELSE printf('198001012005011%03d', 1 + x % 500) END,
       CASE WHEN x % 10 = 0 THEN NULL ELSE printf('c%09d', x) END, 'nib', (x % 50 = 7), 'id',
       CASE WHEN x % 10 = 0 THEN 'counter' ELSE 'case' END, 0
FROM i;
INSERT INTO cases (id, device_id, session_id, nip, counter, service_code, status, opened_wall_ms, rating_id, body, received_at_ms)
SELECT case_id, device_id, 's', officer_nip, counter, 'nib', 'rated', created_wall_ms, id, '{}', 0 FROM ratings WHERE case_id IS NOT NULL;
SQL
fill_ms=$(( $(now_ms) - t0 ))
# Written past the ingest: the daily rollups the reports read built from the rows, as an operator
# would after a bulk load (docs/operations.md, "Daily rollups").
t0=$(now_ms)
"$bin/skm-central" rollups rebuild --data-dir "$work" >/dev/null
rollups_ms=$(( $(now_ms) - t0 ))

best() { # best of 3 runs of the command, in ms
  local b=999999999
  for _ in 1 2 3; do
    local s; s=$(now_ms)
    "$@" >/dev/null
    local d=$(( $(now_ms) - s ))
    (( d < b )) && b=$d
  done
  echo "$b"
}
base=$(best sqlite3 "$work/central.db" "SELECT officer_nip, score, suppressed, count(*) FROM ratings WHERE created_wall_ms >= $from_ms AND created_wall_ms < $(( from_ms + month_ms )) GROUP BY 1, 2, 3")
csv=$(best "$bin/skm-central" report --data-dir "$work" --period month:2026-11 --format csv)
table=$(best "$bin/skm-central" report --data-dir "$work" --period month:2026-11 --format table)
json=$(best "$bin/skm-central" report --data-dir "$work" --period month:2026-11 --format json)
rows=$("$bin/skm-central" report --data-dir "$work" --period month:2026-11 --format csv | tail -n +2 | wc -l)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }
secs() { awk -v a="$1" 'BEGIN { printf "%.3f s", a / 1000 }'; }
echo "central.db: $n ratings and $(( n * 9 / 10 )) cases for 500 officers in 50 kiosks (filled in $(secs "$fill_ms"), daily rollups built in $(secs "$rollups_ms"))"
echo
printf '%-44s %12s %12s %8s\n' "figure" "measured" "baseline" "ratio"
printf '%-44s %12s %12s %8s\n' "month report, CSV (e-Kinerja, $rows officers)" "$(secs "$csv")" "$(secs "$base")" "$(ratio "$csv" "$base")"
printf '%-44s %12s %12s %8s\n' "month report, table" "$(secs "$table")" "$(secs "$base")" "$(ratio "$table" "$base")"
printf '%-44s %12s %12s %8s\n' "month report, JSON (with devices, chains)" "$(secs "$json")" "$(secs "$base")" "$(ratio "$json" "$base")"
echo
echo "baseline: one SQL pass over the month's ratings grouped by officer and face (sqlite3 CLI), same file, same run."
target=2000
[ "$csv" -lt "$target" ] && echo "target: a month's office report in under 2 s: met" || echo "target: a month's office report in under 2 s: NOT met"
if [ -n "${SKM_BENCH_TABLE:-}" ]; then
  printf 'report: a month over %s ratings, CSV (s)\t%s\t%s\t< 2 s\n' "$n" "$(awk -v a="$csv" 'BEGIN { printf "%.3f", a / 1000 }')" "$(awk -v a="$base" 'BEGIN { printf "%.3f", a / 1000 }')" >>"$SKM_BENCH_TABLE"
fi
