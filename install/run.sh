#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build, and run the whole thing on its embedded
# defaults: a local skm-central on 127.0.0.1:8443 (data in ./skm-central-data) publishing the demo
# roster, this machine provisioned as its kiosk "demo-kiosk", one sync (which brings the roster), and
# skm-kiosk (data in ./skm-data). Extra arguments go to skm-kiosk, e.g. --windowed 1280x800.
# SKM_CENTRAL_LISTEN (default 127.0.0.1:8443) moves the central office to another port.
#
# With no display (DISPLAY and WAYLAND_DISPLAY unset) it says so and runs the kiosk under Xvfb at
# 1280x800, saves a screenshot of the citizen's screen, prints its path and the store's status, and
# stops the kiosk; pass --keep-running to leave it running under Xvfb until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash install/deps.sh
bash install/build.sh

data_dir=${SKM_DATA_DIR:-skm-data}
central_dir=${SKM_CENTRAL_DIR:-skm-central-data}
central_listen=${SKM_CENTRAL_LISTEN:-127.0.0.1:8443}
mkdir -p out
# The central office keeps every device secret: its directory private, as the package makes it (0750).
install -d -m 0750 "$central_dir" && chmod 0750 "$central_dir"
mkdir -p "$central_dir/publish"

# The local central office, publishing the demo roster (officer NIP 198503302010011002, PIN 2468).
cp config/demo-roster.toml "$central_dir/publish/roster.toml"
build/bin/skm-central serve --listen "$central_listen" --data-dir "$central_dir" >out/skm-central.log 2>&1 &
central_pid=$!
trap 'kill -TERM $central_pid 2>/dev/null; wait $central_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do grep -q "listening on" out/skm-central.log && break; kill -0 $central_pid 2>/dev/null || break; sleep 0.1; done
if ! grep -q "listening on" out/skm-central.log; then
  echo "run: skm-central did not start on $central_listen (is the port taken? set SKM_CENTRAL_LISTEN):" >&2
  cat out/skm-central.log >&2
  exit 1
fi
echo "run: $(grep -o 'skm-central listening on .*' out/skm-central.log) (log: out/skm-central.log)"

# This machine as its kiosk: registered once, provisioned when it is not yet (both idempotent).
prov=$central_dir/demo-kiosk.json
[ -f "$prov" ] || build/bin/skm-central device add demo-kiosk --out "$prov" --url "http://$central_listen" --data-dir "$central_dir"
cmp -s "$prov" "$data_dir/provision.json" 2>/dev/null || build/bin/skm-kiosk provision "$prov" --data-dir "$data_dir"
# One sync: uploads what is pending and brings the published roster. Without it (the central office
# unreachable) the demo roster is imported directly, so that an officer can still sign in.
if ! build/bin/skm-sync --once --data-dir "$data_dir" --deadline 10; then
  echo "run: the sync did not complete; importing the demo roster directly" >&2
  build/bin/skm-kiosk roster import config/demo-roster.toml --data-dir "$data_dir"
fi
keep_running=0
args=()
for a in "$@"; do
  if [ "$a" = "--keep-running" ]; then keep_running=1; else args+=("$a"); fi
done

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  # The admin screen's "sync now" (F12, then the technician's PIN) reaches the local central office.
  build/bin/skm-kiosk --data-dir "$data_dir" "${args[@]}"
  exit $?
fi

shot=$PWD/out/skm-kiosk-screen.png
rm -f "$shot"
echo "run: no display found (DISPLAY and WAYLAND_DISPLAY are unset); running skm-kiosk under Xvfb at 1280x800."
export SKM_RUN_SHOT=$shot SKM_RUN_DATA=$data_dir SKM_RUN_KEEP=$keep_running SKM_RUN_CENTRAL=$central_dir
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  set -euo pipefail
  build/bin/skm-kiosk --data-dir "$SKM_RUN_DATA" --screenshot "$SKM_RUN_SHOT" "$@" &
  pid=$!
  trap "kill -TERM $pid 2>/dev/null; wait $pid" INT TERM
  for _ in $(seq 1 150); do [ -f "$SKM_RUN_SHOT" ] && break; kill -0 $pid 2>/dev/null || break; sleep 0.1; done
  if [ ! -f "$SKM_RUN_SHOT" ]; then echo "run: skm-kiosk did not draw a frame; see the log above" >&2; wait $pid; exit 1; fi
  echo "run: screenshot of the citizen screen saved to $SKM_RUN_SHOT"
  echo "run: store status (build/bin/skm-kiosk status --json --data-dir $SKM_RUN_DATA):"
  build/bin/skm-kiosk status --json --data-dir "$SKM_RUN_DATA"
  echo "run: the central office (build/bin/skm-central report --data-dir $SKM_RUN_CENTRAL):"
  build/bin/skm-central report --data-dir "$SKM_RUN_CENTRAL"
  if [ "$SKM_RUN_KEEP" = 1 ]; then
    echo "run: the kiosk keeps running under Xvfb (DISPLAY=$DISPLAY); press Ctrl-C to stop it."
    wait $pid
  else
    kill -TERM $pid; wait $pid
    echo "run: kiosk stopped (pass --keep-running to leave it running)."
  fi
' skm-run "${args[@]}"
