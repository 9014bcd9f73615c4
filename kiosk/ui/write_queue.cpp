#include "write_queue.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace skm::ui {

namespace {
const std::string& idOf(const WriteQueue::Write& w)
{
    return std::visit([](const auto& x) -> const std::string& { return x.id; }, w);
}
} // namespace

WriteQueue::WriteQueue(store::RatingStore& store, const store::Clock& clock, int64_t retryEveryMs, size_t maxHeld)
    : m_store(store), m_clock(clock), m_retryEveryMs(retryEveryMs), m_maxHeld(maxHeld)
{
}

store::CommitResult WriteQueue::apply(const Write& w)
{
    if (const auto* rating = std::get_if<store::PendingRating>(&w)) return m_store.commit(*rating);
    return m_store.update(std::get<store::RatingUpdate>(w));
}

store::CommitResult WriteQueue::write(const Write& w)
{
    const store::CommitResult r = apply(w);
    if (r.ok) return r;
    // Not on disk: keep it (same id, so a retry cannot double it) and retry later.
    spdlog::error("write for rating {} not saved: {}", idOf(w), r.error);
    if (m_held.size() >= m_maxHeld) {
        spdlog::error("retry queue full ({} writes); the oldest, for rating {}, is given up", m_held.size(), idOf(m_held.front()));
        m_held.pop_front();
    }
    m_held.push_back(w);
    m_nextRetry = std::min(m_nextRetry, m_clock.monoMs() + m_retryEveryMs);
    return r;
}

bool WriteQueue::retryDue()
{
    const int64_t now = m_clock.monoMs();
    if (m_held.empty() || now < m_nextRetry) return false;
    bool saved = false;
    while (!m_held.empty()) {
        if (!apply(m_held.front()).ok) break;
        spdlog::info("write for rating {} saved on retry", idOf(m_held.front()));
        m_held.pop_front();
        saved = true;
    }
    m_nextRetry = m_held.empty() ? std::numeric_limits<int64_t>::max() : now + m_retryEveryMs;
    return saved;
}

} // namespace skm::ui
