#!/usr/bin/env bash
# Configures (once) and builds everything into build/, executables in build/bin/. Idempotent.
# Warnings are errors here, as in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# A configure that stopped half-way (a missing library, an interrupt) leaves a cache but nothing to
# build with, and would otherwise be skipped for ever: start it again from nothing.
if [ -f build/CMakeCache.txt ] && [ ! -f build/build.ninja ] && [ ! -f build/Makefile ]; then
  echo "build/: the last configure did not finish; configuring again" >&2
  rm -rf build/CMakeCache.txt build/CMakeFiles
fi
if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSKM_WERROR=ON
fi
cmake --build build --parallel "$(nproc)"
