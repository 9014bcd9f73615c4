#!/usr/bin/env bash
# skm-central backup while the service runs and a kiosk keeps uploading, then restore: every backup
# is a consistent database (integrity_check ok) holding a subset of what the central office ends
# with; the restored copy reports exactly what the backup held; restore refuses to overwrite without
# --force and refuses a broken file.
# Usage: central_backup_test.sh BIN_DIR
set -euo pipefail
bin=${1:?usage: central_backup_test.sh BIN_DIR}
work=$(mktemp -d /tmp/skm-backup-XXXXXX)
central_pid=
writer_pid=
cleanup() {
  if [ -n "$writer_pid" ]; then kill "$writer_pid" 2>/dev/null || true; fi
  if [ -n "$central_pid" ]; then kill "$central_pid" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$bin/skm-central" serve --listen 127.0.0.1:0 --data-dir "$work/central" >"$work/central.log" 2>&1 &
central_pid=$!
for _ in $(seq 1 50); do grep -q "listening on" "$work/central.log" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/central.log" | head -1)
[ -n "$url" ] || fail "skm-central did not start"
"$bin/skm-central" device add kiosk-b --out "$work/prov.json" --url "$url" --data-dir "$work/central" >/dev/null
"$bin/skm-kiosk" provision "$work/prov.json" --data-dir "$work/kiosk" >/dev/null

# The kiosk keeps rating and uploading while the backups are taken.
(
  for i in $(seq 1 60); do
    "$bin/skm-loadgen" --data-dir "$work/kiosk" --device-id kiosk-b --ratings 200 --seed "$i" >/dev/null
    "$bin/skm-sync" --once --data-dir "$work/kiosk" >/dev/null 2>&1 || true
  done
) &
writer_pid=$!
backups=0
while kill -0 "$writer_pid" 2>/dev/null; do
  backups=$((backups + 1))
  "$bin/skm-central" backup --data-dir "$work/central" --out "$work/backup-$backups.db" >/dev/null 2>&1 || fail "backup $backups"
  sleep 0.1
done
wait "$writer_pid" || true
writer_pid=
[ "$backups" -ge 3 ] || fail "only $backups backups while the kiosk was uploading"
"$bin/skm-sync" --once --data-dir "$work/kiosk" >/dev/null 2>&1 || fail "the last sync"
total=$(sqlite3 "$work/central/central.db" "SELECT count(*) FROM ratings")
[ "$total" = 12000 ] || fail "the central office has $total ratings, not 12000"
first=$(sqlite3 "$work/backup-1.db" "SELECT count(*) FROM ratings")
[ "$first" -lt "$total" ] || fail "the first backup was not taken while uploads were still coming"

previous=-1
for n in $(seq 1 "$backups"); do
  b=$work/backup-$n.db
  [ "$(sqlite3 "$b" 'PRAGMA integrity_check')" = ok ] || fail "backup $n fails integrity_check"
  count=$(sqlite3 "$b" "SELECT count(*) FROM ratings")
  [ "$count" -ge "$previous" ] || fail "backup $n holds fewer ratings than the one before"
  previous=$count
  missing=$(sqlite3 "$b" "ATTACH '$work/central/central.db' AS now; SELECT count(*) FROM ratings r WHERE NOT EXISTS (SELECT 1 FROM now.ratings n WHERE n.id = r.id)")
  [ "$missing" = 0 ] || fail "backup $n holds $missing ratings the central office does not"
  [ "$(sqlite3 "$b" "SELECT count(*) FROM devices WHERE id = 'kiosk-b'")" = 1 ] || fail "backup $n lost the device"
done
echo "$backups backups while uploading, holding from $first to $previous of the final $total ratings"

# A backup never overwrites a file.
set +e
"$bin/skm-central" backup --data-dir "$work/central" --out "$work/backup-1.db" >/dev/null 2>"$work/err"; rc=$?
set -e
[ "$rc" = 2 ] && grep -q "exists" "$work/err" || fail "backup overwrote an existing file (exit $rc)"

# Restore the last backup elsewhere: it reports what it held.
"$bin/skm-central" restore --from "$work/backup-$backups.db" --data-dir "$work/restored" >/dev/null || fail "restore"
[ "$("$bin/skm-central" report --data-dir "$work/restored" | jq .ratings_total)" = "$previous" ] || fail "the restored central.db reports another count"
[ "$("$bin/skm-central" report --data-dir "$work/restored" | jq '.devices["kiosk-b"].chain.breaks | length')" = 0 ] || fail "the restored chain is broken"
# Not over an existing database without --force; with it, the old one is kept aside.
set +e
"$bin/skm-central" restore --from "$work/backup-1.db" --data-dir "$work/restored" >/dev/null 2>"$work/err"; rc=$?
set -e
[ "$rc" = 2 ] && grep -q -- '--force' "$work/err" || fail "restore overwrote without --force (exit $rc)"
"$bin/skm-central" restore --from "$work/backup-1.db" --data-dir "$work/restored" --force >/dev/null || fail "restore --force"
[ -f "$work/restored/central.db.before-restore" ] || fail "the replaced database was not kept"
# A broken file is refused and changes nothing.
head -c 20000 /dev/urandom >"$work/junk.db"
before=$(md5sum <"$work/restored/central.db")
set +e
"$bin/skm-central" restore --from "$work/junk.db" --data-dir "$work/restored" --force >/dev/null 2>"$work/err"; rc=$?
set -e
[ "$rc" = 1 ] || fail "a junk backup was not refused (exit $rc)"
[ "$(md5sum <"$work/restored/central.db")" = "$before" ] || fail "a refused restore changed the database"
echo "ok: $backups consistent backups while serving and uploading, restored, refusals"
