#pragma once
// For queue systems that only answer "what is the current ticket at counter N": every
// [queue] poll_interval_ms this asks poll_url (GET, JSON, at most 64 KiB, 5 s) and reads the ticket,
// and optionally the service and the officer's NIP, at the configured JSON pointers. A ticket that
// differs from the last one handled opens its case through the mailbox, exactly as the endpoint's
// open call does (queue_desk.hpp); no ticket (null, "", absent) changes nothing. A call the kiosk
// could not take (busy) is tried again at the next poll; one it refused is logged once and not
// repeated. A queue system that does not answer, or answers nonsense, is logged when that starts and
// when it ends, never once a poll.

#include "queue_mailbox.hpp"

#include <sync/http.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace skm::queue {

struct PollerOptions {
    std::string url;
    int intervalMs = 2000;
    std::string ticketPointer = "/ticket";
    std::string servicePointer; // "": none
    std::string nipPointer;     // "": none
    std::string counter;        // this counter as the queue system names it (the open call's "counter")
};

class QueuePoller {
public:
    // Starts polling on a thread of its own; `send` is libcurl's unless a test gives its own.
    QueuePoller(PollerOptions options, Mailbox& mailbox, sync::Sender send = {});
    ~QueuePoller(); // stops and joins
    QueuePoller(const QueuePoller&) = delete;
    QueuePoller& operator=(const QueuePoller&) = delete;

    // One poll, on the caller's thread (the thread's loop calls it; tests call it directly when
    // constructed with `start` false). Returns what it did, for the log and the tests:
    // "opened", "same", "none", "busy", "refused", "unreachable", "bad answer".
    std::string pollOnce();

    // For tests: constructed without its thread.
    struct NoThread {};
    QueuePoller(PollerOptions options, Mailbox& mailbox, sync::Sender send, NoThread);

private:
    void run();
    void problem(const std::string& kind, const std::string& what); // logged when its kind starts or changes

    PollerOptions m_options;
    Mailbox& m_mailbox;
    sync::Sender m_send;
    std::string m_lastTicket; // handled (opened, or refused)
    std::string m_problem;
    std::atomic<bool> m_stop{false};
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::thread m_thread;
};

} // namespace skm::queue
