#!/usr/bin/env bash
# systemd-analyze verify on the units in install/systemd, with ExecStart pointed at the built binaries
# (packaging, issue 8, installs them to /usr/bin); cage comes from its Debian package. The kiosk
# unit's maintenance ExecCondition is also run as written, against a scratch data directory: 0
# without maintenance, 1 (skip the start) with it. (systemd itself cannot run here: no PID 1.)
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
for u in skm-sync.service skm-sync-live.service; do
  grep -q '^ProtectSystem=strict' "$src/install/systemd/$u" || { echo "FAIL: $u is not sandboxed"; exit 1; }
done
# The intra-day sync runs the service on the kiosk's own configuration and data directory, and comes back.
grep -q '^ExecStart=/usr/bin/skm-sync --service --config /etc/skm/skm-kiosk.toml --data-dir /var/lib/skm$' "$src/install/systemd/skm-sync-live.service" ||
  { echo "FAIL: skm-sync-live.service does not run skm-sync --service on the kiosk's configuration"; exit 1; }
grep -q '^Restart=always' "$src/install/systemd/skm-sync-live.service" || { echo "FAIL: skm-sync-live.service is not restarted"; exit 1; }
for key in '^Type=notify' '^WatchdogSec=' '^Restart=always' '^User=skm' '^ExecStart=/usr/bin/skm-kiosk session run .* -- /usr/bin/cage ' \
           '^NotifyAccess=exec' '^KillMode=mixed' '^ExecStartPre=/usr/bin/skm-kiosk session check '; do
  grep -q "$key" "$src/install/systemd/skm-kiosk.service" || { echo "FAIL: skm-kiosk.service lacks $key"; exit 1; }
done
# Maintenance: the condition is there, reads the data directory the kiosk uses, and works as written.
unit=$src/install/systemd/skm-kiosk.service
grep -q '^ExecCondition=/usr/bin/skm-kiosk maintenance check ' "$unit" || { echo "FAIL: skm-kiosk.service has no maintenance ExecCondition"; exit 1; }
[ "$(grep -c '^ExecCondition=' "$unit")" = 1 ] || { echo "FAIL: skm-kiosk.service should have exactly one ExecCondition"; exit 1; }
data_dir_of() { grep "^$1=" "$unit" | grep -o -- '--data-dir [^ ]*' | cut -d' ' -f2; }
if [ -z "$(data_dir_of ExecStart)" ] || [ "$(data_dir_of ExecStart)" != "$(data_dir_of ExecCondition)" ]; then
  echo "FAIL: ExecCondition checks '$(data_dir_of ExecCondition)' but the kiosk runs on '$(data_dir_of ExecStart)'"; exit 1
fi
cond=$(sed -n 's/^ExecCondition=//p' "$work/skm-kiosk.service")
mkdir -p "$work/data"
cond=${cond//$(data_dir_of ExecCondition)/$work/data}
rc=0; $cond </dev/null >"$work/cond.out" 2>&1 || rc=$? # word splitting as systemd does (no quoting in the line)
[ "$rc" = 0 ] || { cat "$work/cond.out"; echo "FAIL: '$cond' exited $rc without maintenance, expected 0"; exit 1; }
"$bin/skm-kiosk" maintenance start --by systemd_units_test --data-dir "$work/data" >/dev/null
rc=0; $cond </dev/null >"$work/cond.out" 2>&1 || rc=$?
# 1..254 skips the start without failing the unit; 255 or a signal would fail it (systemd.service(5)).
[ "$rc" = 1 ] || { cat "$work/cond.out"; echo "FAIL: '$cond' exited $rc in maintenance, expected 1"; exit 1; }
"$bin/skm-kiosk" maintenance end --data-dir "$work/data" >/dev/null
rc=0; $cond </dev/null >"$work/cond.out" 2>&1 || rc=$?
[ "$rc" = 0 ] || { cat "$work/cond.out"; echo "FAIL: '$cond' exited $rc after maintenance end, expected 0"; exit 1; }
echo "PASS: systemd-analyze verify accepts $(ls "$src"/install/systemd | tr '\n' ' '); the maintenance ExecCondition gives 0, 1, 0"
