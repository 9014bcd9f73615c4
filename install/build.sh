#!/usr/bin/env bash
# Configures (once) and builds everything into build/, executables in build/bin/. Idempotent.
# Warnings are errors here, as in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSKM_WERROR=ON
fi
cmake --build build --parallel "$(nproc)"
