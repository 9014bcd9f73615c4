#!/usr/bin/env bash
# Boots the kiosk as skm-kiosk.service does: its ExecCondition and ExecStartPre, then its ExecStart
# (`skm-kiosk session run`, cage with XWayland, then skm-kiosk) as the unit's user with the unit's
# environment, on cage's headless backend with Mesa's software renderer (no GPU, no display); waits
# for READY=1 on a notify socket as systemd would, from the main process (with PAMName=login systemd
# takes it from no other); takes a screenshot of cage's output with grim and compares it with the
# same kiosk's attract screen under Xvfb at the same size; checks `skm-kiosk status --json` as that
# user; stops it as systemctl stop does with the unit's KillMode (SIGTERM to the main process for
# "mixed") and checks that it exits 0, cage without aborting, within TimeoutStopSec.
#
#   cage_boot_test.sh BIN_DIR                 the build's skm-kiosk, the unit from install/systemd
#                                             (its /usr/bin, /etc/skm and /var/lib/skm paths mapped
#                                             to the build and a temporary directory), this machine's
#                                             cage, XWayland and grim (CTest kiosk.boots_under_cage)
#   cage_boot_test.sh BIN_DIR --root ROOT     exactly the installed unit and programs of a Debian root
#                                             where the packages were installed (tests/debootstrap_test.sh)
#   ... --broken                              XWayland is missing (WLR_XWAYLAND names no file on the
#                                             host; in ROOT, remove the xwayland package first): the
#                                             check names it in one line and backs off; without the
#                                             check, the kiosk itself says it has no display
#
# Headless notes: cage's headless backend makes 1280x720 outputs. With one output cage scans the
# kiosk's full-screen buffer out directly and grim (wlr-screencopy) reads a black frame, an artefact
# of the headless backend, which accepts a client's shared-memory buffer for scan-out; a real panel's
# DRM backend cannot scan out XWayland's shared-memory buffers, so cage composes them, which two
# outputs (2560x720, the kiosk spanning both) force here too.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "${1:?usage: cage_boot_test.sh BIN_DIR [--root ROOT] [--broken]}" && pwd)
shift
root=""
broken=0
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root=$(cd "$2" && pwd); shift 2 ;;
    --broken) broken=1; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d /tmp/skm-cage-XXXXXX)
chmod 0755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do { kill -KILL -- "-$p" || kill -KILL "$p"; wait "$p"; } 2>/dev/null || true; done
  if [ -n "${SKM_BOOT_SHOTS:-}" ]; then mkdir -p "$SKM_BOOT_SHOTS"; cp "$work"/*.png "$work"/*.log "$SKM_BOOT_SHOTS"/ 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for f in "$work"/*.log; do [ -f "$f" ] && sed "s|^|  $(basename "$f" .log): |" "$f" | tail -25 >&2; done
  exit 1
}
[ "$(id -u)" = 0 ] || fail "run as root (the kiosk runs as its own user, as in the unit)"
for tool in grim compare xvfb-run setpriv; do command -v "$tool" >/dev/null || fail "$tool is missing (install/deps.sh installs it)"; done

# The unit, and how its paths are reached from here.
if [ -n "$root" ]; then
  unit="$root/lib/systemd/system/skm-kiosk.service"
  [ -f "$unit" ] || unit="$root/usr/lib/systemd/system/skm-kiosk.service"
  config_host="$root/etc/skm/skm-kiosk.toml"
  map() { cat; }
  data_host="$root/var/lib/skm"
else
  unit="$here/../install/systemd/skm-kiosk.service"
  command -v cage >/dev/null || fail "cage is missing (install/deps.sh installs it)"
  cp "$here/../config/skm-kiosk.example.toml" "$work/skm-kiosk.toml"
  config_host="$work/skm-kiosk.toml"
  mkdir -p "$work/data"
  data_host="$work/data"
  map() { sed -e "s|/usr/bin/skm-kiosk|$bin/skm-kiosk|g" -e "s|/etc/skm/skm-kiosk.toml|$work/skm-kiosk.toml|g" \
              -e "s|/var/lib/skm|$work/data|g" -e "s|/run/skm-kiosk|$work/run|g"; }
fi
[ -f "$unit" ] || fail "no unit file $unit"
rm -f "$data_host/display-starts" # each run is a fresh boot for the back-off's count
key() { sed -n "s/^$1=//p" "$unit" | head -1; }
user=$(key User); group=$(key Group)
exec_condition=$(key ExecCondition | map); exec_pre=$(key ExecStartPre | map); exec_start=$(key ExecStart | map)
stop_timeout=$(key TimeoutStopSec); stop_timeout=${stop_timeout:-90}
kill_mode=$(key KillMode); kill_mode=${kill_mode:-control-group}
[ -n "$exec_start" ] && [ -n "$exec_pre" ] && [ -n "$exec_condition" ] || fail "the unit lacks ExecCondition, ExecStartPre or ExecStart"
runtime_dir=$(key Environment | sed -n 's/.*XDG_RUNTIME_DIR=\([^ ]*\).*/\1/p' | map)
[ -n "$runtime_dir" ] || fail "the unit sets no XDG_RUNTIME_DIR"

if [ -n "$root" ]; then
  in_root_path() { echo "$root$1"; }
else
  # The unit's user: skm on a device; here a throwaway user of the same kind.
  user=skm-boot-test; group=skm-boot-test
  getent passwd "$user" >/dev/null || useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
  chown -R "$user:$group" "$work/data"
  in_root_path() { echo "$1"; }
fi
uid=$(if [ -n "$root" ]; then chroot "$root" id -u "$user"; else id -u "$user"; fi)
gid=$(if [ -n "$root" ]; then chroot "$root" id -g "$user"; else id -g "$user"; fi)

# RuntimeDirectory=, as systemd makes it; the notify socket beside it.
rt_host=$(in_root_path "$runtime_dir")
rm -rf "$rt_host"; mkdir -p "$rt_host"; chown "$uid:$gid" "$rt_host"; chmod 0700 "$rt_host"
notify_dir=$(in_root_path /run/skm-boot-test)
[ -z "$root" ] && notify_dir="$work/notify"
mkdir -p "$notify_dir"; chmod 0777 "$notify_dir"
notify_inside=/run/skm-boot-test/notify; [ -z "$root" ] && notify_inside="$notify_dir/notify"
"$bin/skm-notify-listen" "$notify_dir/notify" 120 >"$work/notify.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do [ -S "$notify_dir/notify" ] && break; sleep 0.1; done
chmod 0666 "$notify_dir/notify"

# The unit's environment (Environment=, and what systemd sets for User=), then the headless backend.
# shellcheck disable=SC2046
unit_env=( $(key Environment | map) HOME=/nonexistent USER="$user" LOGNAME="$user" SHELL=/usr/sbin/nologin
           PATH=/usr/local/bin:/usr/bin:/bin NOTIFY_SOCKET="$notify_inside"
           WLR_BACKENDS=headless WLR_LIBINPUT_NO_DEVICES=1 WLR_HEADLESS_OUTPUTS=2 )
[ "$broken" = 1 ] && [ -z "$root" ] && unit_env+=( WLR_XWAYLAND="$work/no-xwayland/Xwayland" )
as_unit() { # runs "$@" as the unit's user with the unit's environment, in ROOT if there is one; exec's, so $! is the process
  if [ -n "$root" ]; then
    exec chroot --userspec="$uid:$gid" "$root" env -i "${unit_env[@]}" "$@"
  else
    exec setpriv --reuid="$uid" --regid="$gid" --init-groups env -i "${unit_env[@]}" "$@"
  fi
}

if [ "$broken" = 1 ]; then
  # The check names the missing piece in one line, and refuses the start.
  rc=0; (as_unit $exec_pre) >"$work/check1.log" 2>&1 || rc=$?
  [ "$rc" = 1 ] || fail "ExecStartPre exited $rc without XWayland, expected 1"
  grep -q "cannot show the citizen's screen: XWayland" "$work/check1.log" || fail "the check did not name XWayland"
  grep -q "apt-get install xwayland" "$work/check1.log" || fail "the check did not name the package"
  [ "$(grep -c "cannot show" "$work/check1.log")" = 1 ] || fail "more than one line for one missing piece"
  # Restart=always brings it back; the second retry waits 5 s first, and says so.
  (as_unit $exec_pre) >"$work/check2.log" 2>&1 || true
  start=$(date +%s%N)
  (as_unit $exec_pre) >"$work/check3.log" 2>&1 || true
  waited=$(( ($(date +%s%N) - start) / 1000000 ))
  grep -q "the last 2 starts did not put the citizen's screen up; waiting 5 s" "$work/check3.log" || fail "no back-off after 2 failed starts"
  [ "$waited" -ge 5000 ] || fail "the third start waited only $waited ms"
  grep -q "EXTEND_TIMEOUT_USEC=65000000" "$work/notify.log" || fail "the wait was not announced to systemd (EXTEND_TIMEOUT_USEC)"
  # Without the check, cage starts but the kiosk finds no X server: its own line names it, and
  # nothing says READY.
  (as_unit $exec_start) >"$work/cage.log" 2>&1 &
  cpid=$!; pids+=($cpid)
  # (cage 0.1.4 exits 0 whatever its client's status; Restart=always restarts it all the same, and
  # the start stays counted for the back-off, since no first frame cleared it.)
  timeout 30 tail --pid="$cpid" -f /dev/null || fail "cage kept running without XWayland"
  wait "$cpid" || true
  [ "$(sed -n 's/^[^ ]* //p' "$data_host/display-starts" 2>/dev/null)" -ge 3 ] 2>/dev/null || fail "the failed starts are not counted: $(cat "$data_host/display-starts" 2>&1)"
  grep -q "READY=1" "$work/notify.log" && fail "READY=1 without a screen"
  grep -q "cannot show the citizen's screen\|Cannot find Xwayland\|Cannot create XWayland" "$work/cage.log" || fail "nothing in the log says why"
  grep -q "before the kiosk's first frame" "$work/cage.log" || fail "session run did not say the screen never came up"
  echo "PASS (broken variant): without XWayland the check names it in one line and backs off (waited ${waited} ms before the third start); without the check the start fails with: $(grep -m1 -o "cannot show the citizen's screen[^;]*\|Cannot find Xwayland[^\"]*\|Cannot create XWayland.*" "$work/cage.log")"
  exit 0
fi

(as_unit $exec_condition) >"$work/condition.log" 2>&1 || fail "ExecCondition skipped the start"
(as_unit $exec_pre) >"$work/check.log" 2>&1 || fail "ExecStartPre failed"
t0=$(date +%s%N)
# WatchdogSec= gives the main process WATCHDOG_USEC and WATCHDOG_PID (its own pid); 2 s here, so that
# pings come within the test.
(unit_env+=( WATCHDOG_USEC=2000000 WATCHDOG_PID="$BASHPID" ); as_unit $exec_start) >"$work/cage.log" 2>&1 &
mainpid=$!; pids+=($mainpid)
for _ in $(seq 1 300); do grep -q "READY=1" "$work/notify.log" && break; kill -0 "$mainpid" 2>/dev/null || break; sleep 0.1; done
grep -q "READY=1" "$work/notify.log" || fail "no READY=1 within 30 s"
ready_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
grep "READY=1" "$work/notify.log" | grep -q "\[pid $mainpid\]" ||
  fail "READY=1 did not come from the main process $mainpid (with PAMName=login systemd would not take it): $(grep READY=1 "$work/notify.log")"

wayland=$(cd "$rt_host" && ls wayland-[0-9] 2>/dev/null | head -1)
[ -n "$wayland" ] || fail "cage made no Wayland socket in $runtime_dir"
# grim, as the unit's user, writes where that user may: beside the notify socket.
shoot() {
  (unit_env+=( WAYLAND_DISPLAY="$wayland" ); as_unit grim "$(dirname "$notify_inside")/cage.png") >"$work/grim.log" 2>&1 ||
    fail "grim could not read cage's output"
  mv "$notify_dir/cage.png" "$work/cage.png"
}
shoot
size=$(identify -format '%wx%h' "$work/cage.png")

# The same kiosk's attract screen under Xvfb at the same size, as the reference (its own process
# group, so that Xvfb goes with it).
mkdir -p "$work/xdata"
setsid xvfb-run -a -s "-screen 0 ${size}x24 -dpi 96" "$bin/skm-kiosk" --config "$config_host" --data-dir "$work/xdata" \
  --screenshot "$work/xvfb.png" >"$work/xvfb.log" 2>&1 &
xpid=$!; pids+=($xpid)
for _ in $(seq 1 300); do [ -f "$work/xvfb.png" ] && break; sleep 0.1; done
{ kill -TERM -- "-$xpid"; wait "$xpid"; } 2>/dev/null || true
[ -f "$work/xvfb.png" ] || fail "no Xvfb reference screenshot"
pixels=$(identify -format '%[fx:w*h]' "$work/cage.png")
# The kiosk lays itself out again when cage gives it the whole output, a frame or two after
# READY=1: under load that can be after the first shot, so a differing shot is taken again (10 s).
for attempt in $(seq 1 20); do
  differ=$(compare -metric AE -fuzz 10% "$work/cage.png" "$work/xvfb.png" null: 2>&1 || true)
  differ=${differ%% *}
  awk -v d="$differ" -v n="$pixels" 'BEGIN { exit !(d + 0 <= n * 0.005) }' && break
  sleep 0.5
  shoot
done
spread=$(convert "$work/cage.png" -format '%[fx:standard_deviation]' info:)
awk -v s="$spread" 'BEGIN { exit !(s > 0.05) }' || fail "cage's output is blank (standard deviation $spread)"
awk -v d="$differ" -v n="$pixels" 'BEGIN { exit !(d + 0 <= n * 0.005) }' ||
  fail "cage's output differs from the Xvfb attract screen in $differ of $pixels pixels (more than 0.5%), after $attempt shots"

status=$(as_unit "$(if [ -n "$root" ]; then echo /usr/bin/skm-kiosk; else echo "$bin/skm-kiosk"; fi)" status --json \
  --data-dir "$(if [ -n "$root" ]; then echo /var/lib/skm; else echo "$work/data"; fi)") || fail "skm-kiosk status as $user"
echo "$status" | grep -q '"db_exists":true' || fail "status as $user: $status"
echo "$status" | grep -q '"error":null' || fail "status as $user: $status"

for _ in $(seq 1 50); do grep -q "WATCHDOG=1 \[pid $mainpid\]" "$work/notify.log" && break; sleep 0.1; done
grep -q "WATCHDOG=1 \[pid $mainpid\]" "$work/notify.log" || fail "no watchdog ping from the main process within 5 s"

# systemctl stop: SIGTERM as KillMode says (mixed: the main process; control-group: every process).
t1=$(date +%s%N)
if [ "$kill_mode" = mixed ]; then
  kill -TERM "$mainpid"
else
  tree=$mainpid; frontier=$mainpid
  while [ -n "$frontier" ]; do frontier=$(for p in $frontier; do ps -o pid= --ppid "$p"; done | tr -d ' '); tree="$tree $frontier"; done
  kill -TERM $tree 2>/dev/null || true
fi
rc=0
timeout $(( stop_timeout + 5 )) tail --pid="$mainpid" -f /dev/null || true
wait "$mainpid" || rc=$?
stop_ms=$(( ($(date +%s%N) - t1) / 1000000 ))
[ "$rc" = 0 ] || fail "the unit's main process exited with $rc on stop (KillMode=$kill_mode; 134: cage aborted)"
[ "$stop_ms" -lt $(( stop_timeout * 1000 )) ] || fail "the stop took $stop_ms ms, TimeoutStopSec is ${stop_timeout} s"
grep -q "kiosk stopped" "$work/cage.log" || fail "the kiosk did not stop cleanly"
grep -q "Assertion" "$work/cage.log" && fail "cage aborted"
echo "PASS: $(basename "$unit") booted the kiosk under cage (headless, software rendering) as $user: READY=1 after ${ready_ms} ms;" \
     "cage's output ${size} matches the Xvfb attract screen (${differ} of ${pixels} pixels differ beyond 10%); status as $user ok;" \
     "stopped (KillMode=$kill_mode) in ${stop_ms} ms, exit 0"
