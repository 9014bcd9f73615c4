#!/usr/bin/env bash
# A stand-in for the office's queue PC: one signed call to a kiosk's queue endpoint with curl and
# openssl, exactly as docs/queue-integration.md describes it. Prints the HTTP status, a space, and
# the answer's body on one line.
#   queue_pc.sh [--replay] [--stale] URL KEY open|cancel|status [JSON]
#     --replay  sends the same signed request twice (the second answer is printed)
#     --stale   signs with a timestamp ten minutes old
set -euo pipefail
replay=0 skew=0
while [ $# -gt 0 ]; do
  case $1 in
    --replay) replay=1; shift ;;
    --stale) skew=600; shift ;;
    *) break ;;
  esac
done
url=${1:?usage: queue_pc.sh [--replay] [--stale] URL KEY open|cancel|status [JSON]}
key=${2:?key}
what=${3:?open, cancel or status}
body=${4:-}
case $what in
  open|cancel) method=POST path=/queue/v1/$what ;;
  status) method=GET path=/queue/v1/status body= ;;
  *) echo "queue_pc.sh: open, cancel or status, not '$what'" >&2; exit 2 ;;
esac
ts=$(( $(date +%s) - skew ))
nonce=$(openssl rand -hex 16)
body_sha=$(printf '%s' "$body" | sha256sum | cut -d' ' -f1)
signature=$(printf '%s\n%s\n%s\n%s\n%s' "$method" "$path" "$ts" "$nonce" "$body_sha" |
  openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -r | cut -d' ' -f1)
call() {
  local args=(-sS -o "$tmp" -w '%{http_code}' -X "$method" -H "X-SKM-Timestamp: $ts" -H "X-SKM-Nonce: $nonce" -H "X-SKM-Signature: $signature")
  [ "$method" = POST ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  curl "${args[@]}" "$url$path"
}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
status=$(call)
[ "$replay" = 1 ] && status=$(call)
echo "$status $(tr -d '\n' <"$tmp")"
