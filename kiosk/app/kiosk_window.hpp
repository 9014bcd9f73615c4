#pragma once
// The full-screen GLFW + OpenGL 3 window that hosts the controller. Renders on demand: it sleeps in
// glfwWaitEventsTimeout until input arrives or the controller's next deadline, then draws a few frames.

#include <kiosk/config/config.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>

namespace skm::app {

struct RunOptions {
    config::KioskConfig config;
    std::filesystem::path dataDir;
    std::optional<std::filesystem::path> screenshot;    // PNG of the first complete frame
    std::optional<std::filesystem::path> screenshotDir; // a PNG of each screen the first time it is shown
    std::optional<std::filesystem::path> uiMap;         // JSON of the touch targets on screen, kept current
    std::optional<std::filesystem::path> frameLog;      // each frame's duration in microseconds, written at exit
    std::optional<std::filesystem::path> startupLog;    // start-up milestones (CLOCK_MONOTONIC ns), written after the first frame
    int64_t startedMonoNs = 0;                          // when main() began (CLOCK_MONOTONIC ns)
    bool renderContinuously = false;                    // the benchmark's baseline: draw every frame, never sleep
};

// CLOCK_MONOTONIC in nanoseconds: the one clock a benchmark outside the process can compare with.
int64_t monotonicNs();

// Runs the kiosk until the window closes or SIGTERM/SIGINT arrives. Returns the process exit status.
int runKiosk(const RunOptions& options);

} // namespace skm::app
