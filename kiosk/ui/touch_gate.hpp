#pragma once
// Which pointer presses may act: every stored answer must be one a person meant. A double tap or a
// burst must never fall through onto the next screen's choices (a face tap followed by a reason chip,
// a survey answer followed by the next question's answer), so:
//   - a press acts only on the view it began on: one that began before the view appeared does nothing;
//   - a new view is "unarmed" for the guard time after it appears, and every press made while it is
//     unarmed is void and restarts the guard from its release, so a burst keeps it unarmed until the
//     pointer has been still for the guard time;
//   - once armed, presses act normally (on release inside the control that took the press, which is
//     ImGui's button behaviour), so typing on the on-screen keyboard is never slowed.
// A "view" is a screen or anything that replaces its choices in place (the next survey question).
// Pure logic on millisecond timestamps: no ImGui, no clock of its own. UI thread only.

#include <cstdint>
#include <limits>

namespace skm::ui {

class TouchGate {
public:
    explicit TouchGate(int64_t guardMs = 400) : m_guardMs(guardMs) {}

    // A new view appeared at `nowMs`. A press held down now becomes void.
    void viewChanged(int64_t nowMs);
    // The pointer went down at `nowMs`: whether this press may act.
    bool pressBegan(int64_t nowMs);
    // The pointer went up at `nowMs`. A void press restarts the guard from here.
    void pressEnded(int64_t nowMs);

    // Whether the press in progress (or released in this frame, before pressEnded) may act.
    [[nodiscard]] bool live() const noexcept { return m_pressDown && m_pressLive && m_pressView == m_view; }
    [[nodiscard]] bool pressDown() const noexcept { return m_pressDown; }
    // When presses start to act again on this view (a press in progress keeps it unarmed until released).
    [[nodiscard]] int64_t armedAtMs() const noexcept { return m_voidHeld ? std::numeric_limits<int64_t>::max() : m_armedAt; }
    [[nodiscard]] bool armed(int64_t nowMs) const noexcept { return nowMs >= armedAtMs(); }
    [[nodiscard]] int64_t guardMs() const noexcept { return m_guardMs; }
    // Presses that did nothing since start (for the ui map, the log and tests).
    [[nodiscard]] int64_t voidPresses() const noexcept { return m_voidPresses; }
    // Counts the views so far: scripts wait for a new view before they touch it.
    [[nodiscard]] uint64_t viewSerial() const noexcept { return m_view; }

private:
    int64_t m_guardMs;
    uint64_t m_view = 0;
    int64_t m_armedAt = std::numeric_limits<int64_t>::min();
    bool m_pressDown = false;
    bool m_pressLive = false;
    bool m_voidHeld = false; // a void press is held down: unarmed until it is released
    uint64_t m_pressView = 0;
    int64_t m_voidPresses = 0;
};

} // namespace skm::ui
