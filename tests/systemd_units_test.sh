#!/usr/bin/env bash
# systemd-analyze verify on the units in install/systemd, with ExecStart pointed at the built binaries
# (packaging, issue 8, installs them to /usr/bin); cage comes from its Debian package.
# Usage: systemd_units_test.sh SOURCE_DIR BIN_DIR
set -euo pipefail
src=${1:?usage: systemd_units_test.sh SOURCE_DIR BIN_DIR}
bin=${2:?usage: systemd_units_test.sh SOURCE_DIR BIN_DIR}
work=$(mktemp -d /tmp/skm-units-XXXXXX)
trap 'rm -rf "$work"' EXIT
for unit in "$src"/install/systemd/*; do
  sed "s|/usr/bin/skm-|$bin/skm-|g" "$unit" > "$work/$(basename "$unit")"
done
out=$(cd "$work" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no ./*.service ./*.timer 2>&1) || { echo "$out"; echo "FAIL: systemd-analyze verify"; exit 1; }
# verify exits 0 on some warnings too: any line about our units is a finding.
if echo "$out" | grep -E "skm-" ; then echo "FAIL: systemd-analyze reported the lines above"; exit 1; fi
grep -q '^RandomizedDelaySec=' "$src/install/systemd/skm-sync.timer" || { echo "FAIL: no randomised delay"; exit 1; }
grep -q '^Persistent=true' "$src/install/systemd/skm-sync.timer" || { echo "FAIL: not persistent"; exit 1; }
grep -q '^ProtectSystem=strict' "$src/install/systemd/skm-sync.service" || { echo "FAIL: not sandboxed"; exit 1; }
for key in '^Type=notify' '^WatchdogSec=' '^Restart=always' '^User=skm' '^ExecStart=/usr/bin/cage '; do
  grep -q "$key" "$src/install/systemd/skm-kiosk.service" || { echo "FAIL: skm-kiosk.service lacks $key"; exit 1; }
done
echo "PASS: systemd-analyze verify accepts $(ls "$src"/install/systemd | tr '\n' ' ')"
