#include "engine.hpp"

#include <central/reports/officers.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <set>

namespace skm::central::alerts {

AlertEngine::AlertEngine(Connect connect, AlertConfig config, std::filesystem::path dataDir, std::function<int64_t()> nowMs, Transport transport)
    : m_connect(std::move(connect)), m_config(std::move(config)), m_dataDir(std::move(dataDir)), m_now(std::move(nowMs)),
      m_transport(transport.email ? std::move(transport) : curlTransport(&m_stopping))
{
    if (!m_transport.cancel) m_transport.cancel = &m_stopping;
    for (const std::string& line : m_config.describe()) spdlog::info("{}", line);
    // A unit table that names no unit of the published roster (a typing error) would never match: said at start.
    std::set<std::string> units;
    for (const auto& [nip, o] : publishedOfficers(m_dataDir)) units.insert(o.unit);
    for (const auto& [unit, o] : m_config.units) {
        if (!units.count(unit)) spdlog::warn("[alerts.unit.\"{}\"] names no unit of the published roster: its settings apply to nothing", unit);
    }
    m_threads.emplace_back([this] { rules(); });
    m_threads.emplace_back([this] { send("email"); });
    m_threads.emplace_back([this] { send("webhook"); });
}

AlertEngine::~AlertEngine()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_stopping = true;
    m_wake.notify_all();
    for (std::thread& t : m_threads) t.join();
}

void AlertEngine::poke() noexcept
{
    {
        std::lock_guard lock(m_mutex);
        m_poked = true;
    }
    m_wake.notify_all();
}

template <class Ready>
bool AlertEngine::wait(std::chrono::milliseconds period, Ready ready)
{
    std::unique_lock lock(m_mutex);
    m_wake.wait_for(lock, period, [&] { return m_stop || ready(); });
    return !m_stop;
}

void AlertEngine::rules()
{
    // Woken by an upload (then a second's pause gathers the uploads arriving together), else every scan_seconds.
    const auto period = std::chrono::seconds(std::max(1, m_config.scanSeconds));
    std::unique_ptr<sql::Connection> db;
    int64_t failures = 0;
    for (;;) {
        bool poked = false;
        if (!wait(period, [&] { return m_poked; })) return;
        {
            std::lock_guard lock(m_mutex);
            poked = m_poked;
        }
        if (poked && !wait(std::chrono::seconds(1), [] { return false; })) return;
        {
            std::lock_guard lock(m_mutex);
            m_poked = false;
        }
        try {
            if (!db) db = m_connect();
            const ScanResult s = scan(*db, m_config, publishedOfficers(m_dataDir), m_now());
            if (s.raised || s.cleared) spdlog::info("alerts: {} raised, {} ended ({} ratings read)", s.raised, s.cleared, s.ratingsRead);
            if (s.raised) {
                {
                    std::lock_guard lock(m_mutex);
                    ++m_raisedGeneration;
                }
                m_wake.notify_all();
            }
            failures = 0;
        } catch (const std::exception& e) {
            // The database away (PostgreSQL restarting), the write lock held too long: the next pass tries
            // again on a new connection; nothing is lost (the scan reads from where it last finished).
            db.reset();
            if (failures++ % 20 == 0) spdlog::error("alerts: pass failed: {}", e.what());
        }
        ++m_passes;
    }
}

void AlertEngine::send(const std::string& channel)
{
    // Woken when a pass raised an alert, else often enough for the first retry of a failed delivery.
    const auto period = std::chrono::seconds(std::max(1, std::min(m_config.scanSeconds, m_config.retrySeconds)));
    std::unique_ptr<sql::Connection> db;
    int64_t failures = 0, seen = -1;
    for (;;) {
        if (seen >= 0 && !wait(period, [&] { return m_raisedGeneration != seen; })) return;
        {
            std::lock_guard lock(m_mutex);
            if (m_stop) return;
            seen = m_raisedGeneration;
        }
        try {
            if (!db) db = m_connect();
            (void)deliverDue(*db, m_config, m_transport, m_now, 50, 20'000, channel);
            failures = 0;
        } catch (const std::exception& e) {
            db.reset();
            if (failures++ % 20 == 0) spdlog::error("alerts: sending by {} failed: {}", channel, e.what());
        }
    }
}

} // namespace skm::central::alerts
