#include "queue_mailbox.hpp"

namespace skm::queue {

void Mailbox::setWake(std::function<void()> wake)
{
    std::lock_guard lock(m_mutex);
    m_wake = std::move(wake);
}

std::optional<Reply> Mailbox::call(Command command, std::chrono::milliseconds timeout)
{
    auto entry = std::make_shared<Entry>();
    entry->command = std::move(command);
    std::function<void()> wake;
    {
        std::lock_guard lock(m_mutex);
        if (m_closed || m_waiting.size() >= kMaxWaiting) return std::nullopt;
        m_waiting.push_back(entry);
        wake = m_wake;
    }
    if (wake) wake();
    std::unique_lock lock(m_mutex);
    const bool answered = m_done.wait_for(lock, timeout, [&] { return entry->state == Entry::State::Done || m_closed; });
    if (entry->state == Entry::State::Taken) {
        // Being applied now: its effect is about to be real, so its answer is awaited.
        m_done.wait(lock, [&] { return entry->state == Entry::State::Done; });
    }
    if (entry->state == Entry::State::Done) return entry->reply;
    (void)answered;
    entry->state = Entry::State::Withdrawn;
    for (auto it = m_waiting.begin(); it != m_waiting.end(); ++it) {
        if (*it == entry) {
            m_waiting.erase(it);
            break;
        }
    }
    return std::nullopt;
}

bool Mailbox::drain(const std::function<Reply(const Command&)>& apply)
{
    std::deque<std::shared_ptr<Entry>> taken;
    {
        std::lock_guard lock(m_mutex);
        taken.swap(m_waiting);
        for (auto& e : taken) e->state = Entry::State::Taken;
    }
    bool changed = false;
    for (auto& e : taken) {
        Reply r;
        try {
            r = apply(e->command);
        } catch (const std::exception& ex) {
            r = Reply{500, nlohmann::json{{"error", ex.what()}}, false};
        }
        changed = changed || r.changed;
        std::lock_guard lock(m_mutex);
        e->reply = std::move(r);
        e->state = Entry::State::Done;
        m_done.notify_all();
    }
    return changed;
}

void Mailbox::close()
{
    std::lock_guard lock(m_mutex);
    m_closed = true;
    m_done.notify_all();
}

} // namespace skm::queue
