#pragma once
// The full-screen GLFW + OpenGL 3 window that hosts the controller. Renders on demand: it sleeps in
// glfwWaitEventsTimeout until input arrives or the controller's next deadline, then draws a few frames.

#include <config/config.hpp>

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
    bool renderContinuously = false;                    // the benchmark's baseline: draw every frame, never sleep
};

// Runs the kiosk until the window closes or SIGTERM/SIGINT arrives. Returns the process exit status.
int runKiosk(const RunOptions& options);

} // namespace skm::app
