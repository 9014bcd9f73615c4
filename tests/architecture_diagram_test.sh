#!/usr/bin/env bash
# docs/architecture.md's list of the libraries and programs and what each depends on is CMake's own:
# this configures the tree in a scratch directory with `cmake --graphviz`, takes the edges between the
# project's targets (tests, benchmarks and fuzzers aside) and compares them with the block between
# "<!-- targets:begin -->" and "<!-- targets:end -->". Usage:
#   tests/architecture_diagram_test.sh            check (exit 1 and the difference if they disagree)
#   tests/architecture_diagram_test.sh --write    rewrite the block from CMake
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
doc=$root/docs/architecture.md
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/build"
cat >"$work/build/CMakeGraphVizOptions.cmake" <<'OPTIONS'
set(GRAPHVIZ_EXTERNAL_LIBS FALSE)
set(GRAPHVIZ_GENERATE_PER_TARGET FALSE)
set(GRAPHVIZ_GENERATE_DEPENDERS FALSE)
set(GRAPHVIZ_IGNORE_TARGETS "skm-tests;skm_test_support;skm-crash-child;skm-notify-listen;skm-bench-.*;skm-loadgen;skm-fuzz-.*")
OPTIONS
(cd "$work/build" && cmake -S "$root" -B . -G Ninja -DSKM_BUILD_TESTS=OFF --graphviz="$work/deps.dot" >"$work/cmake.log" 2>&1) ||
  { echo "FAIL: cmake did not configure:"; tail -20 "$work/cmake.log"; exit 1; }
# "nodeN" [ label = "NAME" ... ]  and  "nodeA" -> "nodeB" ... // A -> B
grep -oE '// [A-Za-z0-9_-]+ -> [A-Za-z0-9_-]+$' "$work/deps.dot" | sed 's|^// ||' | sort -u >"$work/edges"
[ -s "$work/edges" ] || { echo "FAIL: cmake --graphviz gave no edges"; exit 1; }
{
  echo '```text'
  # One line per target: TARGET -> what it links, in order.
  awk '{deps[$1] = deps[$1] (deps[$1] ? ", " : "") $3} END {for (t in deps) print t " -> " deps[t]}' "$work/edges" | sort
  echo '```'
} >"$work/block"
if [ "${1:-}" = --write ]; then
  python3 - "$doc" "$work/block" <<'PY'
import sys
doc, block = sys.argv[1], open(sys.argv[2]).read()
s = open(doc).read()
a = s.index('<!-- targets:begin -->') + len('<!-- targets:begin -->\n')
b = s.index('<!-- targets:end -->')
open(doc, 'w').write(s[:a] + block + s[b:])
PY
  echo "wrote the targets block of $doc"
  exit 0
fi
sed -n '/<!-- targets:begin -->/,/<!-- targets:end -->/p' "$doc" | sed '1d;$d' >"$work/documented"
if ! diff -u "$work/documented" "$work/block" >"$work/diff"; then
  echo "FAIL: docs/architecture.md's targets disagree with CMake (- the document, + CMake); run: bash tests/architecture_diagram_test.sh --write"
  cat "$work/diff"
  exit 1
fi
echo "ok: docs/architecture.md lists the $(wc -l <"$work/edges") dependencies CMake has"
