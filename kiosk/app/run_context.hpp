#pragma once
// What the kiosk's loops share (kiosk_window.cpp runs them in turn: out of service, the frame loop,
// the maintenance notice): the window, the watchdog, the run's options, the stop flag, and whether the
// service manager has been told the screen is up.

#include "kiosk_window.hpp"
#include "watchdog.hpp"
#include "window.hpp"

#include <atomic>
#include <filesystem>
#include <string>

namespace skm::app {

struct RunContext {
    KioskWindow& window;
    Watchdog& watchdog;
    const RunOptions& options;
    const std::atomic<bool>& stop; // SIGTERM or SIGINT
    std::string deviceId;
    bool readySent = false;

    // Neither stopped nor the window closed.
    [[nodiscard]] bool running() const { return !stop && !window.closeRequested(); }
    // The screen is up: READY=1 with `status` and the display's start count cleared (no back-off for
    // the next start). Once; later calls do nothing.
    void ready(const std::string& status);
    // The --ui-map file, if asked for, replaced whole by `json`.
    void writeUiMap(const std::string& json) const;
};

// Replaces `file` by `text` through a temporary file and a rename: a reader sees the old or the new.
void writeFileAtomically(const std::filesystem::path& file, const std::string& text);

} // namespace skm::app
