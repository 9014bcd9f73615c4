#!/usr/bin/env bash
# A file of the code over LIMIT lines (default 520) says in its opening comment why it is one file:
# the first 15 lines must say "one file" and "lines" (e.g. "Why one file of about a thousand lines: ...").
# Usage: tests/file_sizes_test.sh [LIMIT]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
limit=${1:-520}
status=0
cd "$root"
while IFS= read -r f; do
  n=$(wc -l <"$f")
  [ "$n" -le "$limit" ] && continue
  if ! head -15 "$f" | tr '\n' ' ' | grep -qiE 'one file.*lines|lines.*one file'; then
    echo "FAIL: $f has $n lines and no reason in its opening comment"
    status=1
  fi
done < <(find core kiosk sync central tests bench cmake install -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.sh' -o -name '*.py' -o -name '*.cmake' \) | sort)
[ $status = 0 ] && echo "ok: every file over $limit lines says why it is one file"
exit $status
