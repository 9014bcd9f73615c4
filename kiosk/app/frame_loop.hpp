#pragma once
// The kiosk's frame loop: renders on demand (it sleeps until input, a wake-up from the sync thread,
// the controller's next deadline or the watchdog's next ping, then draws a few frames), feeds the
// watchdog, takes the screenshots and keeps the ui map the tests read, and survives a frame that
// throws (ten in a row end the process so that systemd restarts it: ImHex's pattern).

#include "run_context.hpp"

#include <kiosk/ui/controller.hpp>

#include <cstdint>
#include <utility>
#include <vector>

namespace skm::app {

struct FrameLoopEnd {
    int exitCode = 0;                // 1 after ten failed frames in a row
    bool leftForMaintenance = false; // the technician chose "leave the kiosk"
};

// Start-up milestones for --startup-log: name and CLOCK_MONOTONIC ns; the first frame is added.
using Milestones = std::vector<std::pair<const char*, int64_t>>;

// Runs until a stop, the window closing, the technician leaving, or ten failed frames.
[[nodiscard]] FrameLoopEnd runFrameLoop(RunContext& run, ui::Controller& controller, const store::Clock& clock, Milestones& milestones);

} // namespace skm::app
