#!/usr/bin/env bash
# The layers of the code (cmake/layers.cmake): the tree follows them, and the check refuses a tree
# that does not, naming each file and rule. Usage: tests/layers_test.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
check=$root/cmake/layers.cmake

cmake -P "$check" >/dev/null || { echo "FAIL: the tree breaks its own layers:"; cmake -P "$check" 2>&1 | tail -n +3; exit 1; }
echo "ok: the tree follows cmake/layers.cmake"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/core "$work"/kiosk/store "$work"/kiosk/ui "$work"/kiosk/app "$work"/sync "$work"/central
touch "$work"/core/db.hpp "$work"/kiosk/ui/widgets.hpp "$work"/kiosk/store/rating_store.hpp
# Allowed: the UI includes Dear ImGui and the store; the app includes GLFW; central includes the core.
printf '#include <imgui.h>\n#include <kiosk/store/rating_store.hpp>\n' >"$work"/kiosk/ui/ok.cpp
printf '#include <GLFW/glfw3.h>\n#include "../ui/widgets.hpp"\n' >"$work"/kiosk/app/ok.cpp
printf '#include <core/db.hpp>\n#include "../core/db.hpp"\n#include <vector>\n' >"$work"/central/ok.cpp
cmake -DSKM_LAYERS_ROOT="$work" -P "$check" >/dev/null || { echo "FAIL: an allowed tree was refused"; exit 1; }
echo "ok: allowed includes pass"

# Broken, one rule each.
printf '#include <imgui.h>\n' >"$work"/kiosk/store/gui.cpp
printf '  #  include <GLFW/glfw3.h>\n' >"$work"/kiosk/ui/window.cpp
printf '#include <kiosk/store/rating_store.hpp>\n' >"$work"/central/insides.cpp
printf '#include "../kiosk/ui/widgets.hpp"\n' >"$work"/core/upwards.cpp
printf '#include <central/server.hpp>\n' >"$work"/sync/sideways.cpp
mkdir -p "$work"/kiosk/newpart && touch "$work"/kiosk/newpart/x.cpp
if out=$(cmake -DSKM_LAYERS_ROOT="$work" -P "$check" 2>&1); then
  echo "FAIL: a tree that breaks the layers was accepted"; exit 1
fi
status=0
for expect in "kiosk/store/gui.cpp: includes imgui.h, a GUI header" \
              "kiosk/ui/window.cpp: includes GLFW/glfw3.h, a window-system header" \
              "central/insides.cpp: includes kiosk/store/rating_store.hpp, but central may include only central, core" \
              "core/upwards.cpp: includes ../kiosk/ui/widgets.hpp, but core may include only core" \
              "sync/sideways.cpp: includes central/server.hpp, but sync may include only" \
              "kiosk/newpart/x.cpp: belongs to no part"; do
  if ! grep -qF "$expect" <<<"$out"; then echo "FAIL: not named: $expect"; status=1; fi
done
if grep -q "ok.cpp" <<<"$out"; then echo "FAIL: an allowed file was named:"; grep ok.cpp <<<"$out"; status=1; fi
[ $status = 0 ] && echo "ok: the check refuses each broken rule, naming the file"
exit $status
