#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, ASan and UBSan in build-fuzz/ and runs each for SECONDS
# (default 60; 600 in the torture suite's long form) from its committed seed corpus (tests/fuzz/corpus/NAME). Any crash, leak, timeout or
# undefined behaviour fails the run and leaves the input in build-fuzz/findings/NAME/; every such
# input becomes a regression test (tests/fuzz/regressions/, replayed by this script first).
# Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]   (SECONDS: 60, or 600 with SKM_TORTURE=long)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
default=60
[ "${SKM_TORTURE:-}" = long ] && default=600
seconds=${1:-$default}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(config roster survey wire retry_after device)
build=$root/build-fuzz
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DSKM_FUZZ=ON -DSKM_BUILD_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" --target $(printf 'skm-fuzz-%s ' "${targets[@]}") >/dev/null
status=0
for t in "${targets[@]}"; do
  bin=$build/bin/skm-fuzz-$t
  work=$build/corpus/$t
  findings=$build/findings/$t
  mkdir -p "$work" "$findings"
  # Inputs that once crashed stay fixed.
  if [ -d "$root/tests/fuzz/regressions/$t" ] && [ -n "$(ls -A "$root/tests/fuzz/regressions/$t")" ]; then
    "$bin" -runs=0 "$root/tests/fuzz/regressions/$t"/* >/dev/null 2>&1 || { echo "fuzz $t: a regression input fails again"; status=1; continue; }
  fi
  if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$findings/" \
      "$work" "$root/tests/fuzz/corpus/$t" >"$build/fuzz-$t.log" 2>&1; then
    echo "fuzz $t: ${seconds} s, $(grep -o 'stat::number_of_executed_units: [0-9]*' "$build/fuzz-$t.log" | grep -o '[0-9]*$') inputs, nothing found"
  else
    echo "fuzz $t: FOUND a problem; input in $findings/, log $build/fuzz-$t.log"
    grep -m5 -E 'ERROR|SUMMARY|runtime error' "$build/fuzz-$t.log" || true
    status=1
  fi
done
exit $status
