#!/usr/bin/env bash
# A second client, written from docs/sync-protocol.md alone (tests/protocol_client.py, Python's
# standard library), against a real skm-central: its selftest recomputes the document's worked
# example; then it talks to the server (clock skew, every kind of record, replay, duplicates,
# updates, the documented refusals, the signed configuration with its ETag and 304). Afterwards the
# central office's own report must hold exactly what the client sent, once, with the chain whole;
# sending it all again must answer duplicate and change nothing.
# Usage: protocol_client_test.sh BIN_DIR
set -euo pipefail
bin=${1:?usage: protocol_client_test.sh BIN_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
client=$root/tests/protocol_client.py
work=$(mktemp -d /tmp/skm-client-XXXXXX)
central_pid=
cleanup() {
  if [ -n "$central_pid" ]; then kill "$central_pid" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

python3 "$client" selftest "$root/docs/sync-protocol.md" || fail "the Python client does not reproduce the document's worked example"

# The central office, publishing the demo roster.
mkdir -p "$work/central/publish"
cp "$root/config/demo-roster.toml" "$work/central/publish/roster.toml"
"$bin/skm-central" serve --listen 127.0.0.1:0 --data-dir "$work/central" >"$work/central.log" 2>&1 &
central_pid=$!
for _ in $(seq 1 100); do grep -q "listening on" "$work/central.log" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/central.log" | head -1)
[ -n "$url" ] || fail "skm-central did not start: $(cat "$work/central.log")"
"$bin/skm-central" device add kiosk-py --out "$work/prov.json" --url "$url" --data-dir "$work/central" >/dev/null

python3 "$client" run "$work/prov.json" "$work/central/publish/roster.toml" "$work/state.json" ||
  fail "the client did not get the answers the document promises (the server's log: $work/central.log)"

# What the central office holds is exactly what the client sent, once.
report() { "$bin/skm-central" report --format json --data-dir "$work/central"; }
report >"$work/report1.json"
want() { jq -r "$1" "$work/state.json"; }
got() { jq -r "$1" "$work/report1.json"; }
[ "$(got .ratings_total)" = "$(want .expect.ratings)" ] || fail "ratings_total $(got .ratings_total), sent $(want .expect.ratings)"
[ "$(got .sessions_total)" = 1 ] || fail "sessions_total $(got .sessions_total)"
[ "$(got .cases_total)" = 1 ] || fail "cases_total $(got .cases_total)"
[ "$(got .audit_total)" = 1 ] || fail "audit_total $(got .audit_total)"
[ "$(got .ikm.complete_responses)" = 1 ] && [ "$(got .ikm.incomplete_responses)" = 0 ] || fail "survey responses: $(got .ikm)"
[ "$(got '.devices["kiosk-py"].ratings')" = "$(want .expect.ratings)" ] || fail "the device's ratings"
[ "$(got '.devices["kiosk-py"].suppressed')" = "$(want .expect.suppressed)" ] || fail "the device's suppressed ratings"
chain=$(jq -c '.devices["kiosk-py"].chain' "$work/report1.json")
[ "$(jq -r '[.ok, .checked, .linked] | map(tostring) | join(" ")' <<<"$chain")" = "true 3 3" ] ||
  fail "the chain the client computed is not the one the central office computes: $chain"
# The comment and reasons as sent (non-ASCII byte for byte), and the session and case in their last versions.
"$bin/skm-central" comments --format json --data-dir "$work/central" >"$work/comments.json"
[ "$(jq length "$work/comments.json")" = 1 ] || fail "comments: $(cat "$work/comments.json")"
[ "$(jq -r '.[0].comment' "$work/comments.json")" = "$(want .expect.comment)" ] || fail "the comment: $(jq -r '.[0].comment' "$work/comments.json")"
[ "$(jq -c '.[0].reasons' "$work/comments.json")" = "$(jq -c .expect.reasons "$work/state.json")" ] || fail "the reasons"
[ "$(jq -r '.[0].counter' "$work/comments.json")" = "$(want '.ratings[1].counter')" ] || fail "the counter"
db=$work/central/central.db
[ "$(sqlite3 "$db" "SELECT state || ' ' || json_extract(body, '$.end_reason') FROM sessions")" = "ended signed_out" ] || fail "the session's last version"
[ "$(sqlite3 "$db" "SELECT status || ' ' || rating_id FROM cases")" = "rated $(want '.ratings[0].id')" ] || fail "the case's last version"
echo "ok: the central office holds what the client sent, once, the chain whole"

# Everything again: duplicate, and nothing changes.
python3 "$client" resend "$work/prov.json" "$work/state.json" || fail "sending it all again did not answer duplicate"
report >"$work/report2.json"
cmp -s <(jq -S . "$work/report1.json") <(jq -S . "$work/report2.json") || fail "sending it all again changed the report"
echo "ok: the second client, written from docs/sync-protocol.md, gets every documented answer"
