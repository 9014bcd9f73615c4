#pragma once
// The controller owns the flow between screens and is the only path from the UI to the store.
// Everything here runs on the UI thread.

#include "screen.hpp"
#include "theme.hpp"

#include <store/clock.hpp>
#include <store/rating_store.hpp>

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <memory>

namespace skm::ui {

struct UiSettings {
    std::string officeName;
    std::string counter;
    int64_t thanksMs = 4000;
    int64_t noticeMs = 8000;
    int64_t retryEveryMs = 5000;
    size_t maxRetries = 1000; // taps held in memory while the disk refuses them
};

class Controller {
public:
    // `store` and `clock` must outlive the controller.
    Controller(store::RatingStore& store, UiSettings settings, const store::Clock& clock);

    // Draws the current screen into the current ImGui frame (between NewFrame and Render) and acts on
    // the intent it returns.
    void drawFrame(const Theme& theme);
    // A face chosen on a keyboard or 4-key keypad (keys 1-4). Acts at once, like a tap.
    void pressFace(int score);
    // Runs what is due (screen resets, retries). Returns true if anything visible changed.
    bool tick();
    // The monotonic time (ms) of the next scheduled change; INT64_MAX when nothing is scheduled.
    [[nodiscard]] int64_t nextDeadlineMs() const;

    [[nodiscard]] ScreenId screen() const noexcept { return m_state.screen; }
    [[nodiscard]] const Snapshot& snapshot() const noexcept { return m_state; }
    [[nodiscard]] size_t pendingRetries() const noexcept { return m_retry.size(); }
    // Called after every screen change with the new screen (for screenshots and logs).
    std::function<void(ScreenId)> onScreenChanged;

private:
    void rate(int score);
    void show(ScreenId id);
    [[nodiscard]] Screen& current();

    store::RatingStore& m_store;
    UiSettings m_settings;
    const store::Clock& m_clock;
    std::array<std::unique_ptr<Screen>, 3> m_screens;
    Snapshot m_state;
    int64_t m_screenDeadline = std::numeric_limits<int64_t>::max();
    std::deque<store::PendingRating> m_retry;
    int64_t m_nextRetry = std::numeric_limits<int64_t>::max();
};

} // namespace skm::ui
