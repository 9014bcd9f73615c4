#include "watchdog.hpp"

#include <systemd/sd-daemon.h>

#include <spdlog/spdlog.h>

namespace skm::app {

Watchdog::Watchdog()
{
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
        m_intervalMs = static_cast<int64_t>(usec / 2000); // ping at half the interval
        if (m_intervalMs < 1) m_intervalMs = 1;
        spdlog::info("systemd watchdog: {} ms; pinging every {} ms from the frame loop", usec / 1000, m_intervalMs);
    }
}

void Watchdog::ready(const std::string& status)
{
    (void)sd_notifyf(0, "READY=1\nSTATUS=%s", status.c_str());
}

void Watchdog::tick(int64_t nowMonoMs)
{
    if (!enabled() || nowMonoMs < m_lastPingMs + m_intervalMs) return;
    (void)sd_notify(0, "WATCHDOG=1");
    m_lastPingMs = nowMonoMs;
}

void Watchdog::stopping() { (void)sd_notify(0, "STOPPING=1"); }

} // namespace skm::app
