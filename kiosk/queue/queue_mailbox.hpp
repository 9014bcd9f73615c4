#pragma once
// The one way a queue system's call reaches the duty: the endpoint's and the poller's threads post a
// command here and wait for its reply; the UI thread, which alone touches the duty and the screen,
// applies the waiting commands between frames (the app's frame loop calls drain()) after `wake`
// (glfwPostEmptyEvent) has woken it. A command the UI thread has not taken when the wait ends is
// withdrawn, never applied late: the caller was told 503 and may send it again.

#include "queue_desk.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace skm::queue {

class Mailbox {
public:
    static constexpr size_t kMaxWaiting = 16;

    explicit Mailbox(std::function<void()> wake = {}) : m_wake(std::move(wake)) {}
    void setWake(std::function<void()> wake);

    // From any thread: the reply, or nullopt when the UI thread did not take the command within
    // `timeout` (or kMaxWaiting commands already wait): then it was not applied.
    [[nodiscard]] std::optional<Reply> call(Command command, std::chrono::milliseconds timeout);
    // On the UI thread: applies every waiting command with `apply`. True if any reply said `changed`.
    bool drain(const std::function<Reply(const Command&)>& apply);
    // Ends every wait with nullopt; later calls return nullopt at once (the kiosk is stopping).
    void close();

private:
    struct Entry {
        Command command;
        enum class State { Waiting, Taken, Done, Withdrawn } state = State::Waiting;
        Reply reply;
    };
    std::mutex m_mutex;
    std::condition_variable m_done;
    std::deque<std::shared_ptr<Entry>> m_waiting;
    std::function<void()> m_wake;
    bool m_closed = false;
};

} // namespace skm::queue
