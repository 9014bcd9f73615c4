# Shell functions that drive a running skm-kiosk in a real X server the way a citizen would:
# real pointer clicks (xdotool) on the touch targets the kiosk publishes with --ui-map.
# Source it, set KD_BIN (build/bin), KD_WORK (a scratch directory), then call kd_start. The kiosk's
# data directory is KD_DATA, by default $KD_WORK/data.

kd_fail() {
  echo "FAIL: $*" >&2
  [ -f "$KD_WORK/kiosk.log" ] && tail -n 30 "$KD_WORK/kiosk.log" | sed 's/^/  kiosk: /' >&2
  exit 1
}

# kd_start WxH [skm-kiosk options...]: starts the kiosk in a WxH window, waits for its first frame.
kd_start() {
  local size=$1; shift
  rm -f "$KD_WORK/ui.json"
  "$KD_BIN/skm-kiosk" --windowed "$size" --data-dir "${KD_DATA:-$KD_WORK/data}" --ui-map "$KD_WORK/ui.json" "$@" \
    >"$KD_WORK/kiosk.log" 2>&1 &
  KD_PID=$!
  kd_wait_screen attract
  KD_WIN=$(xdotool search --sync --limit 1 --name '^SKM Kiosk$')
  xdotool windowmove --sync "$KD_WIN" 0 0 >/dev/null 2>&1 || true
  xdotool windowfocus --sync "$KD_WIN" 2>/dev/null || true
}

# kd_stop: SIGTERM, and the kiosk must exit 0.
kd_stop() {
  kill -TERM "$KD_PID"
  local rc=0
  wait "$KD_PID" || rc=$?
  [ "$rc" = 0 ] || kd_fail "skm-kiosk exited with $rc on SIGTERM"
}

kd_screen() { jq -r .screen "$KD_WORK/ui.json" 2>/dev/null; }

# kd_wait_screen NAME [seconds]: waits until the kiosk shows screen NAME.
kd_wait_screen() {
  local want=$1 tries=$(( ${2:-10} * 10 ))
  for _ in $(seq 1 "$tries"); do
    [ "$(kd_screen)" = "$want" ] && return 0
    kill -0 "$KD_PID" 2>/dev/null || kd_fail "skm-kiosk exited while waiting for screen $want"
    sleep 0.1
  done
  kd_fail "screen is '$(kd_screen)', expected '$want'"
}

# kd_wait_target NAME [seconds]: waits until the current screen has touch target NAME.
kd_wait_target() {
  local tries=$(( ${2:-5} * 10 ))
  for _ in $(seq 1 "$tries"); do
    [ "$(jq -r --arg n "$1" '.targets[$n] // empty | length' "$KD_WORK/ui.json" 2>/dev/null)" = 4 ] && return 0
    sleep 0.1
  done
  kd_fail "no target '$1' on screen '$(kd_screen)'"
}

# kd_at NAME: "X Y", the middle of touch target NAME of the current screen.
kd_at() {
  local rect
  rect=$(jq -r --arg n "$1" '.targets[$n] // empty | "\((.[0]+.[2])/2|floor) \((.[1]+.[3])/2|floor)"' "$KD_WORK/ui.json")
  [ -n "$rect" ] || kd_fail "no target '$1' on screen '$(kd_screen)'"
  echo "$rect"
}

# kd_settle: a person looks at a new view before touching it. The kiosk ignores touches for its touch
# guard (kiosk.touch_guard_ms, 400 ms) after a view appears; wait that out once per new view.
KD_VIEW=""
kd_settle() {
  local view
  view=$(jq -r '.view // empty' "$KD_WORK/ui.json" 2>/dev/null)
  if [ "$view" != "$KD_VIEW" ]; then
    sleep "${KD_SETTLE:-0.5}"
    KD_VIEW=$(jq -r '.view // empty' "$KD_WORK/ui.json" 2>/dev/null)
  fi
}

# kd_tap NAME: a deliberate pointer click in the middle of touch target NAME of the current screen.
kd_tap() {
  local at
  kd_settle
  at=$(kd_at "$1")
  # shellcheck disable=SC2086
  xdotool mousemove --window "$KD_WIN" $at mousedown 1 sleep 0.05 mouseup 1
  sleep 0.15
}

# kd_presses X Y GAP_MS...: real pointer presses at (X, Y), as fast as a hand makes them: a press of
# 40 ms, then each GAP_MS (press to press) before the next; one xdotool process, so the timing holds.
kd_presses() {
  local x=$1 y=$2; shift 2
  local args=(mousemove --window "$KD_WIN" "$x" "$y" mousedown 1 sleep 0.04 mouseup 1)
  local gap
  for gap in "$@"; do
    args+=(sleep "$(awk -v g="$gap" 'BEGIN { printf "%.3f", (g - 40) / 1000 }')" mousedown 1 sleep 0.04 mouseup 1)
  done
  xdotool "${args[@]}"
  sleep 0.3
}

# kd_double NAME GAP_MS: a double tap on target NAME (of the view on screen now, after it settles).
kd_double() {
  kd_settle
  # shellcheck disable=SC2046
  kd_presses $(kd_at "$1") "$2"
}

# kd_sql QUERY: runs QUERY read-only on the kiosk's database.
kd_sql() { sqlite3 "file:${KD_DATA:-$KD_WORK/data}/skm.db?mode=ro" "$1"; }

# kd_expect QUERY VALUE: the query's result must be VALUE, within KD_EXPECT_WAIT seconds (default 5:
# the kiosk acts on an input in its next frames, and a PIN's Argon2 check takes a while on a loaded
# machine). A check that something stays unchanged is no weaker for the wait: it passes at once.
kd_expect() {
  local got tries=$(( ${KD_EXPECT_WAIT:-5} * 10 ))
  while :; do
    got=$(kd_sql "$1" 2>/dev/null || true)
    [ "$got" = "$2" ] && return 0
    tries=$((tries - 1))
    [ "$tries" -gt 0 ] || break
    sleep 0.1
  done
  kd_fail "'$1' gave '$got', expected '$2'"
}

# kd_key KEY...: real key presses (xdotool key names: F2, Return, Tab, 4...) to the kiosk's window.
kd_key() { xdotool key --window "$KD_WIN" --delay 60 "$@"; sleep 0.15; }

# kd_type TEXT: typed characters, as a keyboard or a badge scanner sends them.
kd_type() { xdotool type --window "$KD_WIN" --delay 40 "$1"; sleep 0.15; }

# kd_tab_to NAME: presses Tab until the keyboard focus is on target NAME.
kd_tab_to() {
  for _ in $(seq 1 80); do
    [ "$(jq -r .focus "$KD_WORK/ui.json")" = "$1" ] && return 0
    xdotool key --window "$KD_WIN" Tab
    sleep 0.08
  done
  kd_fail "Tab never reached '$1' (focus: $(jq -r .focus "$KD_WORK/ui.json"))"
}
