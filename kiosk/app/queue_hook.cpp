#include "queue_hook.hpp"

#include "window.hpp"

#include <spdlog/spdlog.h>

namespace skm::app {

std::filesystem::path queueKeyPath(const config::KioskConfig& cfg, const std::filesystem::path& dataDir)
{
    return cfg.queueKeyFile.empty() ? dataDir / "queue.key" : std::filesystem::path(cfg.queueKeyFile);
}

std::unique_ptr<QueueHook> QueueHook::open(const config::KioskConfig& cfg, const std::filesystem::path& dataDir, store::RatingStore& store, roster::Duty* duty)
{
    if (cfg.queueListen.empty() && cfg.queuePollUrl.empty()) return nullptr;
    if (!duty) {
        spdlog::error("queue system: not connected, the officer's desk is unavailable");
        return nullptr;
    }
    const std::string counter = cfg.queueCounter.empty() ? cfg.counter : cfg.queueCounter;
    std::unique_ptr<QueueHook> hook(new QueueHook());
    hook->m_desk = std::make_unique<queue::QueueDesk>(*duty, store, queue::DeskOptions{counter, cfg.queueDefaultService, cfg.queueServices});
    hook->m_mailbox.setWake([] { KioskWindow::wakeFromAnyThread(); });
    if (!cfg.queueListen.empty()) {
        try {
            queue::ServerOptions options;
            options.listen = cfg.queueListen;
            options.keyHex = queue::readKeyFile(queueKeyPath(cfg, dataDir).string());
            options.nonceFile = (dataDir / "queue-nonces").string();
            hook->m_server = std::make_unique<queue::QueueServer>(options, hook->m_mailbox);
            spdlog::info("queue system: endpoint for counter '{}' on {}", counter, cfg.queueListen);
        } catch (const std::exception& e) {
            spdlog::error("queue system: the endpoint is off: {}", e.what());
        }
    }
    if (!cfg.queuePollUrl.empty()) {
        hook->m_poller = std::make_unique<queue::QueuePoller>(
            queue::PollerOptions{cfg.queuePollUrl, cfg.queuePollIntervalMs, cfg.queuePollTicket, cfg.queuePollService, cfg.queuePollNip, counter},
            hook->m_mailbox);
    }
    return hook;
}

QueueHook::~QueueHook()
{
    m_mailbox.close();
    m_poller.reset();
    m_server.reset();
}

bool QueueHook::drain()
{
    return m_mailbox.drain([this](const queue::Command& c) { return m_desk->apply(c); });
}

} // namespace skm::app
