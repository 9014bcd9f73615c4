#include "background_sync.hpp"

#include <kiosk/store/rating_store.hpp>

#include <spdlog/spdlog.h>

#include <chrono>

namespace skm::ui {

void BackgroundSync::setRunner(Runner run, std::function<void()> wake)
{
    m_run = std::move(run);
    m_wake = std::move(wake);
}

bool BackgroundSync::start()
{
    if (!m_run || m_running) return false;
    if (m_thread.joinable()) m_thread.join(); // the previous run has ended (take() saw its result)
    auto shared = std::make_shared<Shared>();
    shared->wake = m_wake;
    m_shared = shared;
    m_running = true;
    // The thread holds its own copies of the runner and of the shared state, never `this`.
    m_thread = std::thread([shared, run = m_run] {
        SyncSummary result;
        try {
            result = run(shared->cancel);
        } catch (const store::StoreDamaged& e) {
            result.error = e.what();
            result.storeDamaged = true;
        } catch (const std::exception& e) {
            result.error = e.what();
        }
        std::function<void()> wake;
        {
            std::lock_guard lock(shared->mutex);
            shared->result = std::move(result);
            shared->done = true;
            wake = shared->wake;
        }
        shared->ended.notify_all();
        if (wake) wake();
    });
    return true;
}

std::optional<SyncSummary> BackgroundSync::take()
{
    if (!m_running || !m_shared) return std::nullopt;
    std::optional<SyncSummary> result;
    {
        std::lock_guard lock(m_shared->mutex);
        if (!m_shared->done) return std::nullopt;
        result = std::move(m_shared->result);
    }
    if (m_thread.joinable()) m_thread.join();
    m_running = false;
    return result;
}

void BackgroundSync::stop(int64_t waitMs)
{
    if (!m_thread.joinable()) return;
    bool ended = false;
    {
        std::unique_lock lock(m_shared->mutex);
        m_shared->wake = nullptr;
        m_shared->cancel = true;
        ended = m_shared->ended.wait_for(lock, std::chrono::milliseconds(waitMs), [&] { return m_shared->done; });
    }
    if (ended) {
        m_thread.join();
    } else {
        spdlog::warn("sync now: still running {} ms after it was cancelled; the kiosk stops without waiting for it", waitMs);
        m_thread.detach();
        s_abandoned = true;
    }
    m_running = false;
}

} // namespace skm::ui
