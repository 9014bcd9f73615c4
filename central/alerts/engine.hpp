#pragma once
// The alert engine of one skm-central process (issue 21): a thread with a database connection of its
// own that checks the rules (alerts.hpp) when an upload arrived (poke, which never blocks) and every
// scan_seconds besides, and sends the deliveries that are due (delivery.hpp). Uploads never wait for
// it: they only set a flag. Everything it does is in the database, so a restart loses nothing (a
// pending delivery is sent after it), and several replicas may each run one.

#include "alert_config.hpp"
#include "delivery.hpp"

#include <core/sql.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace skm::central::alerts {

class AlertEngine {
public:
    using Connect = std::function<std::unique_ptr<sql::Connection>()>;
    AlertEngine(Connect connect, AlertConfig config, std::filesystem::path dataDir, std::function<int64_t()> nowMs, Transport transport = curlTransport());
    ~AlertEngine(); // stops the thread (a send in progress finishes first: at most its timeouts)
    AlertEngine(const AlertEngine&) = delete;
    AlertEngine& operator=(const AlertEngine&) = delete;
    // An upload was stored: check the rules within a second.
    void poke() noexcept;
    // Passes completed (tests wait on it).
    [[nodiscard]] int64_t passes() const noexcept { return m_passes.load(); }

private:
    void run();
    void pass();

    Connect m_connect;
    AlertConfig m_config;
    std::filesystem::path m_dataDir;
    std::function<int64_t()> m_now;
    Transport m_transport;
    std::unique_ptr<sql::Connection> m_db;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_poked = false;
    bool m_stop = false;
    std::atomic<int64_t> m_passes{0};
    std::thread m_thread;
};

} // namespace skm::central::alerts
