#!/usr/bin/env bash
# The torture suite on its own (docs/reliability.md). The short form runs in every CI run as part of
# CTest; this script runs just the suite, and with --long its long form:
#   crash      skm-crash-child 60 / 200 SIGKILLs; skm-sync 30 / 200 and skm-central 5 / 30 kills during a sync
#   kiosk      the real skm-kiosk SIGKILLed 20 / 200 times while committing; a tiny filesystem that fills up
#   disk       the store on a tiny filesystem; a database with damaged pages salvaged, then synced
#   network    10,000 / 3 x 30,000 ratings through a random schedule of faults (seed printed; replay
#              with SKM_TORTURE_SEED=N)
#   hostile    a device posing as another, gzip bombs (body and Content-Encoding), a chunked flood,
#              JSON nested 100,000 deep, 48 / 100 slowloris, 1,000 / 2,000 idle + 200 / 400 slow
#              connections beside an honest upload, password guessing and a 32-thread sign-in flood
#   fuzz       every libFuzzer target 60 / 600 s (clang, ASan, UBSan)
# Usage: tests/torture.sh [--long]      (after install/build.sh; needs root for the tmpfs mounts)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-}" = --long ]; then export SKM_TORTURE=long; fi
bin=$root/build/bin
started=$(date +%s)
echo "== torture suite, ${SKM_TORTURE:-short} form"
"$bin/skm-tests" "[torture],[crash],[diskfull],[corrupt]" -r compact
bash "$root/tests/torture_kiosk_test.sh" "$bin"
bash "$root/tests/fuzz/run.sh"
echo "== torture suite (${SKM_TORTURE:-short}) passed in $(( $(date +%s) - started )) s"
