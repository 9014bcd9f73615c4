#include "engine.hpp"

#include <central/reports/officers.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <set>

namespace skm::central::alerts {

AlertEngine::AlertEngine(Connect connect, AlertConfig config, std::filesystem::path dataDir, std::function<int64_t()> nowMs, Transport transport)
    : m_connect(std::move(connect)), m_config(std::move(config)), m_dataDir(std::move(dataDir)), m_now(std::move(nowMs)), m_transport(std::move(transport))
{
    for (const std::string& line : m_config.describe()) spdlog::info("{}", line);
    // A unit table that names no unit of the published roster (a typing error) would never match: said at start.
    std::set<std::string> units;
    for (const auto& [nip, o] : publishedOfficers(m_dataDir)) units.insert(o.unit);
    for (const auto& [unit, o] : m_config.units) {
        if (!units.count(unit)) spdlog::warn("[alerts.unit.\"{}\"] names no unit of the published roster: its settings apply to nothing", unit);
    }
    m_thread = std::thread([this] { run(); });
}

AlertEngine::~AlertEngine()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void AlertEngine::poke() noexcept
{
    {
        std::lock_guard lock(m_mutex);
        m_poked = true;
    }
    m_wake.notify_all();
}

void AlertEngine::pass()
{
    if (!m_db) m_db = m_connect();
    const int64_t now = m_now();
    const ScanResult s = scan(*m_db, m_config, publishedOfficers(m_dataDir), now);
    if (s.raised || s.cleared) spdlog::info("alerts: {} raised, {} ended ({} ratings read)", s.raised, s.cleared, s.ratingsRead);
    (void)deliverDue(*m_db, m_config, m_transport, m_now);
}

void AlertEngine::run()
{
    // Woken by an upload (then a second's pause gathers the uploads arriving together), else every
    // scan_seconds, and often enough for the first retry of a failed delivery.
    const auto period = std::chrono::seconds(std::max(1, std::min(m_config.scanSeconds, m_config.retrySeconds)));
    int64_t failures = 0;
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait_for(lock, period, [&] { return m_stop || m_poked; });
            if (m_stop) return;
            if (m_poked) {
                m_wake.wait_for(lock, std::chrono::seconds(1), [&] { return m_stop; });
                if (m_stop) return;
            }
            m_poked = false;
        }
        try {
            pass();
            failures = 0;
        } catch (const std::exception& e) {
            // The database away (PostgreSQL restarting), the write lock held too long: the next pass tries
            // again on a new connection; nothing is lost (the scan reads from where it last finished).
            m_db.reset();
            if (failures++ % 20 == 0) spdlog::error("alerts: pass failed: {}", e.what());
        }
        ++m_passes;
    }
}

} // namespace skm::central::alerts
