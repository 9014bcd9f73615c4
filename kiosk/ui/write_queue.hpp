#pragma once
// The citizen's writes (a rating, its reason, its comment), applied now or, while the disk refuses
// them, kept in memory with their ids and tried again every retryEveryMs: a retry cannot double a
// rating (the id is the key), and at most maxRetries are held (then the oldest is given up, logged).

#include <core/clock.hpp>
#include <kiosk/store/rating_store.hpp>

#include <cstdint>
#include <deque>
#include <limits>
#include <variant>

namespace skm::ui {

class WriteQueue {
public:
    using Write = std::variant<store::PendingRating, store::RatingUpdate>;

    // `store` and `clock` must outlive the queue.
    WriteQueue(store::RatingStore& store, const store::Clock& clock, int64_t retryEveryMs, size_t maxHeld);
    // Applies `w` now; on failure keeps it for a retry and returns the failure.
    store::CommitResult write(const Write& w);
    // Tries the held writes if their time has come; true if any was saved.
    bool retryDue();
    [[nodiscard]] size_t held() const noexcept { return m_held.size(); }
    // When the next retry is due (monotonic ms); INT64_MAX when nothing is held.
    [[nodiscard]] int64_t nextRetryMs() const noexcept { return m_nextRetry; }

private:
    [[nodiscard]] store::CommitResult apply(const Write& w);

    store::RatingStore& m_store;
    const store::Clock& m_clock;
    int64_t m_retryEveryMs;
    size_t m_maxHeld;
    std::deque<Write> m_held;
    int64_t m_nextRetry = std::numeric_limits<int64_t>::max();
};

} // namespace skm::ui
