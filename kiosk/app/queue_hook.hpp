#pragma once
// The queue system's hook in the running kiosk (docs/queue-integration.md): the signed endpoint when
// [queue] listen is set, the poller when [queue] poll_url is, both feeding one mailbox that the
// controller drains on the UI thread (Controller::setDutyFeed). Either failing to start (no key, an
// address that is not this kiosk's) is logged in one line and leaves the kiosk rating as before.

#include <kiosk/config/config.hpp>
#include <kiosk/queue/queue_desk.hpp>
#include <kiosk/queue/queue_mailbox.hpp>
#include <kiosk/queue/queue_poller.hpp>
#include <kiosk/queue/queue_server.hpp>

#include <filesystem>
#include <memory>

namespace skm::app {

class QueueHook {
public:
    // Nothing when the configuration asks for neither, or the officer's desk (`duty`) is unavailable.
    static std::unique_ptr<QueueHook> open(const config::KioskConfig& cfg, const std::filesystem::path& dataDir, store::RatingStore& store, roster::Duty* duty);
    ~QueueHook(); // the waits end, then the poller and the server stop

    // On the UI thread: applies the waiting calls; true if the open case changed.
    bool drain();

private:
    QueueHook() = default;
    std::unique_ptr<queue::QueueDesk> m_desk;
    queue::Mailbox m_mailbox;
    std::unique_ptr<queue::QueueServer> m_server;
    std::unique_ptr<queue::QueuePoller> m_poller;
};

// DATA_DIR/queue.key unless [queue] key_file names another.
[[nodiscard]] std::filesystem::path queueKeyPath(const config::KioskConfig& cfg, const std::filesystem::path& dataDir);

} // namespace skm::app
