#pragma once
// The one owner of the admin screen's "Sync now" work: it runs the sync on a thread of its own, hands
// the result to the UI thread when it is done, and on shutdown cancels the run and waits for it only so
// long (kStopWaitMs): a kiosk being stopped (SIGTERM, TimeoutStopSec=30) is never held by a slow
// network. A run that does not end in time is left to end by itself: it touches nothing of its owner's
// (its state is shared, its wake-up dropped), and the process then exits without its static
// destructors (abandonedAny).

#include "sync_summary.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace skm::ui {

class BackgroundSync {
public:
    // One run: sync, watching `cancel` (set when the kiosk stops), and say what happened.
    using Runner = std::function<SyncSummary(const std::atomic<bool>& cancel)>;
    static constexpr int64_t kStopWaitMs = 3000;

    BackgroundSync() = default;
    ~BackgroundSync() { stop(); }
    BackgroundSync(const BackgroundSync&) = delete;
    BackgroundSync& operator=(const BackgroundSync&) = delete;

    // `wake` is called from the run's thread when it ends (glfwPostEmptyEvent in the app).
    void setRunner(Runner run, std::function<void()> wake);
    [[nodiscard]] bool available() const noexcept { return static_cast<bool>(m_run); }
    // Starts a run; false when there is no runner or one is running.
    bool start();
    [[nodiscard]] bool running() const noexcept { return m_running; }
    // The finished run's result, once (UI thread); nullopt while it runs or when none ran.
    [[nodiscard]] std::optional<SyncSummary> take();
    // Cancels a run and waits for it at most `waitMs`. Safe to call more than once.
    void stop(int64_t waitMs = kStopWaitMs);
    // Whether any run was left running by stop() in this process: then the process must end without
    // its static destructors and curl_global_cleanup, which that run may still be using (main.cpp).
    [[nodiscard]] static bool abandonedAny() noexcept { return s_abandoned; }

private:
    struct Shared {
        std::mutex mutex;
        std::condition_variable ended;
        std::atomic<bool> cancel{false};
        bool done = false;
        std::optional<SyncSummary> result;
        std::function<void()> wake; // cleared by stop(): a run that outlives its owner wakes nobody
    };
    Runner m_run;
    std::function<void()> m_wake;
    std::shared_ptr<Shared> m_shared;
    std::thread m_thread;
    bool m_running = false;
    static inline std::atomic<bool> s_abandoned{false};
};

} // namespace skm::ui
