#include "touch_gate.hpp"

#include <algorithm>

namespace skm::ui {

void TouchGate::viewChanged(int64_t nowMs)
{
    ++m_view;
    m_armedAt = nowMs + m_guardMs;
    if (m_pressDown && m_pressLive) {
        // The finger that made this view appear (or one that was down when a timer changed it) is
        // still on the glass: it belongs to the old view and keeps the new one unarmed until lifted.
        m_pressLive = false;
        m_voidHeld = true;
    }
}

bool TouchGate::pressBegan(int64_t nowMs)
{
    m_pressDown = true;
    m_pressView = m_view;
    if (nowMs < armedAtMs()) {
        m_pressLive = false;
        m_voidHeld = true;
        ++m_voidPresses;
        return false;
    }
    m_pressLive = true;
    return true;
}

void TouchGate::pressEnded(int64_t nowMs)
{
    if (!m_pressDown) return;
    m_pressDown = false;
    if (m_voidHeld) {
        // A burst keeps the view unarmed: the guard runs again from the last release.
        m_voidHeld = false;
        m_armedAt = std::max(m_armedAt, nowMs + m_guardMs);
    }
    m_pressLive = false;
}

} // namespace skm::ui
