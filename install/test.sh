#!/usr/bin/env bash
# Quick start, command 2: install what is missing, build, and run every test (CTest: the Catch2
# suites, the crash test and the Xvfb window test). Idempotent. .ci/run runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash install/deps.sh
bash install/build.sh
cd build
ctest --output-on-failure --timeout 600
