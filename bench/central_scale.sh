#!/usr/bin/env bash
# The central office at regional scale (issue 18): K kiosks (default 1,000) uploading at once, with
# and without 20 people reading report pages, against (a) one skm-central on SQLite and (b) two
# skm-central replicas on one PostgreSQL 15 that this script starts (initdb/pg_ctl in a temporary
# directory, as the `postgres` user when run as root). Both engines are first filled with N ratings
# (default 1,000,000) over the past year; then each takes the same uploads. Also the month's and the
# year's report on each. Figures against the SQLite run measured in the same run.
# Usage: bench/central_scale.sh [BIN_DIR] [N] [KIOSKS]   (the issue's full form: N=10000000 KIOSKS=1000)
# SKM_BENCH_REPORTS_ONLY=1: PostgreSQL only, no uploads: the fill, the rollups' build and the reports'
# times (for 50,000,000 ratings, whose SQLite fill alone would take an hour here).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "${1:-$root/build/bin}" && pwd)
n=${2:-1000000}
kiosks=${3:-1000}
uploads=${SKM_BENCH_UPLOADS:-3000}
reports_only=${SKM_BENCH_REPORTS_ONLY:-}
work=$(mktemp -d /tmp/skm-scale-bench-XXXXXX)
chmod 711 "$work" # the postgres user passes through to its cluster
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pids=()
cleanup() {
  # The servers' pids are in a file: start_serve runs in a command substitution's subshell.
  for p in $(cat "$work/serve.pids" 2>/dev/null) "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -f "$work/pg/data/postmaster.pid" ] && as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# PostgreSQL 15, fsync off (a benchmark cluster), on a free port.
mkdir -p "$work/pg" && [ "$(id -u)" -eq 0 ] && chown postgres "$work/pg"
as_pg "$pgbin/initdb" -D "$work/pg/data" -U skm -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
pgport=$(free_port)
as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w -o "-p $pgport -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c shared_buffers=512MB" start >/dev/null
as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$pgport" -U skm skm
url="postgresql://skm@127.0.0.1:$pgport/skm"
psql_() { "$pgbin/psql" -X -q -h 127.0.0.1 -p "$pgport" -U skm -d skm "$@"; }

secret=$(openssl rand -hex 32)
year_ms=$(( 365 * 86400 * 1000 ))
now=$(now_ms)
from=$(( now - year_ms ))
month=$(date -d "$(date +%Y-%m-15) -1 month" +%Y-%m) # the last whole month
year=$(date +%Y)

# The same N ratings on both engines: K devices of 5 officers each (500 in all), 3 services, spread
# evenly over the past year (a multiplicative hash of the row number, modulo a year). Written
# straight into the tables (no chain positions: their hashes cannot be made in SQL; the uploads below
# chain theirs as kiosks do), then the daily rollups built from them as `skm-central rollups rebuild`
# does (an upload keeps its own days' rollups).
"$bin/skm-central" report --data-dir "$work/sqlite" --format csv >/dev/null 2>&1             # central.db at the current schema
"$bin/skm-central" report --data-dir "$work/pgdata" --database "$url" --format csv >/dev/null 2>&1 # the PostgreSQL schema
t0=$(now_ms)
[ -n "$reports_only" ] || sqlite3 "$work/sqlite/central.db" <<SQL
PRAGMA synchronous = OFF;
WITH RECURSIVE i(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM i WHERE x < $kiosks - 1)
INSERT INTO devices (id, secret, added_at_ms) SELECT 'bench-' || x, '$secret', 0 FROM i;
WITH RECURSIVE i(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM i WHERE x < $n - 1)
INSERT INTO ratings (id, device_id, score, created_wall_ms, created_mono_ms, boot_id, counter, officer_nip, case_id, service_code, suppressed,
                     language, scope, received_at_ms, chain_seq)
SELECT printf('r%010d', x), 'bench-' || (x % $kiosks), 1 + (x * 7919) % 4, $from + (x * 2654435761) % $year_ms, 0, 'b', 'Loket 1',
       printf('198001012005011%03d', ((x % $kiosks) * 5 + (x / $kiosks) % 5) % 500), NULL,
       CASE x % 3 WHEN 0 THEN 'nib' WHEN 1 THEN 'kk' ELSE 'ktp' END, 0, 'id', 'case', 0, NULL
FROM i;
SQL
sqlite_fill=$(( $(now_ms) - t0 ))
t0=$(now_ms)
psql_ <<SQL
SET synchronous_commit = off;
INSERT INTO devices (id, secret, added_at_ms) SELECT 'bench-' || x, '$secret', 0 FROM generate_series(0, $kiosks - 1) x;
INSERT INTO ratings (id, device_id, score, created_wall_ms, created_mono_ms, boot_id, counter, officer_nip, case_id, service_code, suppressed,
                     language, scope, received_at_ms, chain_seq)
SELECT 'r' || lpad(x::text, 10, '0'), 'bench-' || (x % $kiosks), 1 + (x * 7919::bigint) % 4, $from + (x * 2654435761::bigint) % $year_ms, 0, 'b', 'Loket 1',
       '198001012005011' || lpad((((x % $kiosks) * 5 + (x / $kiosks) % 5) % 500)::text, 3, '0'), NULL,
       CASE x % 3 WHEN 0 THEN 'nib' WHEN 1 THEN 'kk' ELSE 'ktp' END, 0, 'id', 'case', 0, NULL
FROM generate_series(0, $n - 1) x;
ANALYZE;
SQL
pg_fill=$(( $(now_ms) - t0 ))
t0=$(now_ms)
[ -n "$reports_only" ] || "$bin/skm-central" rollups rebuild --data-dir "$work/sqlite" >/dev/null
sqlite_rollups=$(( $(now_ms) - t0 ))
t0=$(now_ms)
"$bin/skm-central" rollups rebuild --data-dir "$work/pgdata" --database "$url" >/dev/null
psql_ -c "ANALYZE"
pg_rollups=$(( $(now_ms) - t0 ))

best() { local b=999999999; for _ in 1 2; do local s; s=$(now_ms); "$@" >/dev/null; local d=$(( $(now_ms) - s )); (( d < b )) && b=$d; done; echo "$b"; }
if [ -n "$reports_only" ]; then
  echo "$n ratings from $kiosks kiosks over a year, PostgreSQL only (filled in $(awk -v a="$pg_fill" 'BEGIN { printf "%.1f", a / 1000 }') s)"
  echo "daily rollups built from the N ratings (ms)       $pg_rollups"
  echo "month report, CSV (ms)                            $(best "$bin/skm-central" report --data-dir "$work/pgdata" --database "$url" --period "month:$month" --format csv)"
  echo "year report, CSV (ms)                             $(best "$bin/skm-central" report --data-dir "$work/pgdata" --database "$url" --period "year:$year" --format csv)"
  echo "year report, JSON with the inventory (ms)         $(best "$bin/skm-central" report --data-dir "$work/pgdata" --database "$url" --period "year:$year" --format json)"
  echo "rollup rows: $(psql_ -At -c "SELECT count(*) FROM rollup_groups") daily, $(psql_ -At -c "SELECT count(*) FROM rollup_month_groups") monthly"
  exit 0
fi

start_serve() { # DATA_DIR [--database URL]: prints the URL
  local out="$work/serve-$RANDOM.out"
  "$bin/skm-central" serve --listen 127.0.0.1:0 --data-dir "$@" >"$out" 2>/dev/null &
  echo $! >>"$work/serve.pids"
  for _ in $(seq 1 100); do grep -q http "$out" && break; sleep 0.1; done
  grep -o 'http://127.0.0.1:[0-9]*' "$out" | head -1
}
sqlite_url=$(start_serve "$work/sqlite")
pg_a=$(start_serve "$work/pgdata" --database "$url")
pg_b=$(start_serve "$work/pgdata" --database "$url")
printf 'sandi-bench-123\n' | "$bin/skm-central" user add bench --data-dir "$work/sqlite" >/dev/null
printf 'sandi-bench-123\n' | "$bin/skm-central" user add bench --data-dir "$work/pgdata" --database "$url" >/dev/null
cookie_of() { curl -s -i -X POST -H "Origin: $1" --data 'username=bench&password=sandi-bench-123&next=%2Freport' "$1/login" | grep -o 'skm_session=[0-9a-f]*' | head -1; }
sqlite_cookie=$(cookie_of "$sqlite_url")
pg_cookie=$(cookie_of "$pg_a")

seqbase=1
run() { # NAME READERS COOKIE URL...: prints the driver's JSON
  local readers=$2 cookie=$3; shift 3
  local args=()
  for u in "$@"; do args+=(--url "$u"); done
  "$bin/skm-bench-central-scale" "${args[@]}" --secret "$secret" --devices "$kiosks" --uploads "$uploads" --batch 50 --threads 32 \
    --readers "$readers" --page "/report?period=month:$month" --cookie "$cookie" --first-seq "$seqbase"
  seqbase=$(( seqbase + uploads * 50 / kiosks + 100 ))
}
s0=$(run sqlite 0 "$sqlite_cookie" "$sqlite_url")
s20=$(run sqlite 20 "$sqlite_cookie" "$sqlite_url")
p0=$(run pg 0 "$pg_cookie" "$pg_a" "$pg_b")
p20=$(run pg 20 "$pg_cookie" "$pg_a" "$pg_b")

sm=$(best "$bin/skm-central" report --data-dir "$work/sqlite" --period "month:$month" --format csv)
sy=$(best "$bin/skm-central" report --data-dir "$work/sqlite" --period "year:$year" --format csv)
pm=$(best "$bin/skm-central" report --data-dir "$work/pgdata" --database "$url" --period "month:$month" --format csv)
py=$(best "$bin/skm-central" report --data-dir "$work/pgdata" --database "$url" --period "year:$year" --format csv)
# The JSON report adds the office's inventory: every device's records counted over all time.
sj=$(best "$bin/skm-central" report --data-dir "$work/sqlite" --period "year:$year" --format json)
pj=$(best "$bin/skm-central" report --data-dir "$work/pgdata" --database "$url" --period "year:$year" --format json)
# What the rollups hold: a year's daily and monthly group rows.
rows_day=$(sqlite3 "$work/sqlite/central.db" "SELECT count(*) FROM rollup_groups")
rows_month=$(sqlite3 "$work/sqlite/central.db" "SELECT count(*) FROM rollup_month_groups")

j() { echo "$1" | python3 -c "import json,sys; v=json.load(sys.stdin)['$2']; print(v if isinstance(v, int) else '%.1f' % v)"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }
echo "$n ratings from $kiosks kiosks over a year, on each engine (filled: SQLite $(awk -v a="$sqlite_fill" 'BEGIN { printf "%.1f", a / 1000 }') s, PostgreSQL $(awk -v a="$pg_fill" 'BEGIN { printf "%.1f", a / 1000 }') s); then $uploads uploads of 50 ratings, 32 at once"
echo
printf '%-52s %14s %14s %8s\n' "figure" "PostgreSQL x2" "SQLite" "ratio"
for f in p50_ms p99_ms; do
  printf '%-52s %14s %14s %8s\n' "upload $f, no readers" "$(j "$p0" $f)" "$(j "$s0" $f)" "$(ratio "$(j "$p0" $f)" "$(j "$s0" $f)")"
  printf '%-52s %14s %14s %8s\n' "upload $f, 20 readers of the month's report page" "$(j "$p20" $f)" "$(j "$s20" $f)" "$(ratio "$(j "$p20" $f)" "$(j "$s20" $f)")"
done
printf '%-52s %14s %14s %8s\n' "ratings/s stored, no readers" "$(j "$p0" ratings_per_s)" "$(j "$s0" ratings_per_s)" "$(ratio "$(j "$p0" ratings_per_s)" "$(j "$s0" ratings_per_s)")"
printf '%-52s %14s %14s %8s\n' "ratings/s stored, 20 readers" "$(j "$p20" ratings_per_s)" "$(j "$s20" ratings_per_s)" "$(ratio "$(j "$p20" ratings_per_s)" "$(j "$s20" ratings_per_s)")"
printf '%-52s %14s %14s %8s\n' "report pages served meanwhile (p50 ms)" "$(j "$p20" pages) ($(j "$p20" page_p50_ms))" "$(j "$s20" pages) ($(j "$s20" page_p50_ms))" ""
printf '%-52s %14s %14s %8s\n' "daily rollups built from the N ratings (ms)" "$pg_rollups" "$sqlite_rollups" "$(ratio "$pg_rollups" "$sqlite_rollups")"
printf '%-52s %14s %14s %8s\n' "month report, CSV (ms)" "$pm" "$sm" "$(ratio "$pm" "$sm")"
printf '%-52s %14s %14s %8s\n' "year report, CSV (ms)" "$py" "$sy" "$(ratio "$py" "$sy")"
printf '%-52s %14s %14s %8s\n' "year report, JSON with the inventory (ms)" "$pj" "$sj" "$(ratio "$pj" "$sj")"
echo
echo "rollup rows: $rows_day daily, $rows_month monthly (groups of day or month x kiosk x counter x officer x service)"
echo
echo "the readers' effect on each engine: p99 with readers / without: PostgreSQL $(ratio "$(j "$p20" p99_ms)" "$(j "$p0" p99_ms)"), SQLite $(ratio "$(j "$s20" p99_ms)" "$(j "$s0" p99_ms)")"
