#pragma once
// The systemd side of "behave like firmware": READY=1 once the first frame is on screen, and
// WATCHDOG=1 from the frame loop itself at half the WatchdogSec interval, so that a frozen UI (a
// render that never returns, a deadlock) stops the pings and systemd restarts the kiosk. Outside
// systemd (no NOTIFY_SOCKET, no WATCHDOG_USEC) every call is a no-op.

#include <cstdint>
#include <limits>
#include <string>

namespace skm::app {

class Watchdog {
public:
    Watchdog();
    [[nodiscard]] bool enabled() const noexcept { return m_intervalMs > 0; }
    // The service is up (after the first frame).
    void ready(const std::string& status);
    // Pings if a ping is due at `nowMonoMs`. Call from the frame loop only.
    void tick(int64_t nowMonoMs);
    // When the next ping is due (the frame loop's wait must end by then); INT64_MAX when disabled.
    [[nodiscard]] int64_t nextDueMs() const noexcept { return enabled() ? m_lastPingMs + m_intervalMs : std::numeric_limits<int64_t>::max(); }
    void stopping();

private:
    int64_t m_intervalMs = 0; // half of WATCHDOG_USEC
    int64_t m_lastPingMs = 0;
};

} // namespace skm::app
