#pragma once
// The alert engine of one skm-central process (issue 21): a thread that checks the rules (alerts.hpp)
// when an upload arrived (poke, which never blocks) and every scan_seconds besides, and a sending
// thread per channel (e-mail, webhooks) that sends the deliveries due (delivery.hpp), each with a
// database connection of its own: a relay or a webhook that hangs holds up neither the rules nor the
// other channel. Uploads never wait for it: they only set a flag. Everything it does is in the
// database, so a restart loses nothing (a pending delivery is sent after it), and several replicas
// may each run one.

#include "alert_config.hpp"
#include "delivery.hpp"

#include <core/sql.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace skm::central::alerts {

class AlertEngine {
public:
    using Connect = std::function<std::unique_ptr<sql::Connection>()>;
    // `transport` empty: libcurl's, cut short when the engine stops.
    AlertEngine(Connect connect, AlertConfig config, std::filesystem::path dataDir, std::function<int64_t()> nowMs, Transport transport = {});
    ~AlertEngine(); // stops the threads (a send in progress is cut short within about a second, left pending)
    AlertEngine(const AlertEngine&) = delete;
    AlertEngine& operator=(const AlertEngine&) = delete;
    // An upload was stored: check the rules within a second.
    void poke() noexcept;
    // Rule passes completed (tests wait on it).
    [[nodiscard]] int64_t passes() const noexcept { return m_passes.load(); }

private:
    void rules();
    void send(const std::string& channel);
    // Waits up to `period` for `ready` or the stop; false when stopping.
    template <class Ready>
    bool wait(std::chrono::milliseconds period, Ready ready);

    Connect m_connect;
    AlertConfig m_config;
    std::filesystem::path m_dataDir;
    std::function<int64_t()> m_now;
    std::atomic<bool> m_stopping{false};
    Transport m_transport;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_poked = false;
    bool m_stop = false;
    int64_t m_raisedGeneration = 0; // moved on when a pass raised an alert: the senders look at once
    std::atomic<int64_t> m_passes{0};
    std::vector<std::thread> m_threads;
};

} // namespace skm::central::alerts
