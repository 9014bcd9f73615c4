#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build, load the demo roster, and run skm-kiosk on
# its embedded defaults (data in ./skm-data). Extra arguments go to skm-kiosk, e.g. --windowed 1280x800.
#
# With no display (DISPLAY and WAYLAND_DISPLAY unset) it says so and runs the kiosk under Xvfb at
# 1280x800, saves a screenshot of the citizen's screen, prints its path and the store's status, and
# stops the kiosk; pass --keep-running to leave it running under Xvfb until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash install/deps.sh
bash install/build.sh

data_dir=${SKM_DATA_DIR:-skm-data}
# The demo roster (officer NIP 198503302010011002, PIN 2468); importing it again is harmless.
build/bin/skm-kiosk roster import config/demo-roster.toml --data-dir "$data_dir"
keep_running=0
args=()
for a in "$@"; do
  if [ "$a" = "--keep-running" ]; then keep_running=1; else args+=("$a"); fi
done

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec build/bin/skm-kiosk --data-dir "$data_dir" "${args[@]}"
fi

mkdir -p out
shot=$PWD/out/skm-kiosk-screen.png
rm -f "$shot"
echo "run: no display found (DISPLAY and WAYLAND_DISPLAY are unset); running skm-kiosk under Xvfb at 1280x800."
export SKM_RUN_SHOT=$shot SKM_RUN_DATA=$data_dir SKM_RUN_KEEP=$keep_running
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
  if [ "$SKM_RUN_KEEP" = 1 ]; then
    echo "run: the kiosk keeps running under Xvfb (DISPLAY=$DISPLAY); press Ctrl-C to stop it."
    wait $pid
  else
    kill -TERM $pid; wait $pid
    echo "run: kiosk stopped (pass --keep-running to leave it running)."
  fi
' skm-run "${args[@]}"
