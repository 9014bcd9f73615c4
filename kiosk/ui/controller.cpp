#include "controller.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace skm::ui {

namespace {
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
size_t indexOf(ScreenId id) { return static_cast<size_t>(id); }
} // namespace

Controller::Controller(store::RatingStore& store, UiSettings settings, const store::Clock& clock)
    : m_store(store), m_settings(std::move(settings)), m_clock(clock)
{
    for (ScreenId id : {ScreenId::Attract, ScreenId::Thanks, ScreenId::Notice}) m_screens[indexOf(id)] = makeScreen(id);
    m_state.officeName = m_settings.officeName;
    m_state.counter = m_settings.counter;
    m_state.screen = ScreenId::Attract;
    current().onEnter(m_state);
}

Screen& Controller::current() { return *m_screens[indexOf(m_state.screen)]; }

void Controller::show(ScreenId id)
{
    const bool changed = id != m_state.screen;
    if (changed) current().onLeave();
    m_state.screen = id;
    switch (id) {
    case ScreenId::Attract: m_screenDeadline = kNever; break;
    case ScreenId::Thanks: m_screenDeadline = m_clock.monoMs() + m_settings.thanksMs; break;
    case ScreenId::Notice: m_screenDeadline = m_clock.monoMs() + m_settings.noticeMs; break;
    }
    if (changed) {
        current().onEnter(m_state);
        if (onScreenChanged) onScreenChanged(id);
    }
}

void Controller::drawFrame(const Theme& theme)
{
    const Intent intent = current().draw(m_state, theme);
    if (intent.kind == Intent::Kind::Rate) rate(intent.score);
}

void Controller::pressFace(int score)
{
    if (score >= 1 && score <= 4) rate(score);
}

void Controller::rate(int score)
{
    const store::PendingRating pending = m_store.stamp(score);
    const store::CommitResult result = m_store.commit(pending);
    if (result.ok) {
        // "Terima kasih" only after the commit returned: the rating is on disk.
        show(ScreenId::Thanks);
        return;
    }
    // Not on disk: say so, keep the stamped tap (same id, so a retry cannot double it) and retry later.
    spdlog::error("rating {} not saved: {}", pending.id, result.error);
    if (m_retry.size() >= m_settings.maxRetries) {
        spdlog::error("retry queue full ({} taps); the oldest unsaved tap {} is given up", m_retry.size(), m_retry.front().id);
        m_retry.pop_front();
    }
    m_retry.push_back(pending);
    m_state.pendingRetries = m_retry.size();
    m_state.noticeDiskFull = result.diskFull;
    m_nextRetry = std::min(m_nextRetry, m_clock.monoMs() + m_settings.retryEveryMs);
    show(ScreenId::Notice);
}

bool Controller::tick()
{
    bool changed = false;
    const int64_t now = m_clock.monoMs();
    if (!m_retry.empty() && now >= m_nextRetry) {
        while (!m_retry.empty()) {
            const store::CommitResult r = m_store.commit(m_retry.front());
            if (!r.ok) break;
            spdlog::info("rating {} saved on retry", m_retry.front().id);
            m_retry.pop_front();
            changed = true;
        }
        m_state.pendingRetries = m_retry.size();
        m_nextRetry = m_retry.empty() ? kNever : now + m_settings.retryEveryMs;
    }
    if (now >= m_screenDeadline) {
        show(ScreenId::Attract);
        changed = true;
    }
    return changed;
}

int64_t Controller::nextDeadlineMs() const { return std::min(m_screenDeadline, m_nextRetry); }

} // namespace skm::ui
