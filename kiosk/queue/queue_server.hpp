#pragma once
// The kiosk's endpoint for the office's queue system (docs/queue-integration.md): off unless
// [queue] listen names an address, bound there only, every request signed (queue_guard.hpp):
//   POST /queue/v1/open    {"ticket", "service", "counter", "nip"?}
//   POST /queue/v1/cancel  {"ticket", "counter"}
//   GET  /queue/v1/status
// It runs net/http_server.hpp (skm-central's server, with small limits: bodies of 4 KiB, two workers)
// on a thread of its own, and hands each admitted call to the UI thread through the mailbox.

#include "queue_guard.hpp"
#include "queue_mailbox.hpp"

#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace skm::http {
class Server;
}

namespace skm::queue {

struct ServerOptions {
    std::string listen;          // HOST:PORT (port 0: any free port, for tests)
    std::string keyHex;
    GuardLimits limits;
    std::chrono::milliseconds replyTimeout{5000};
    std::function<int64_t()> nowMs; // wall clock; empty: the system's
    std::string nonceFile;          // the accepted nonces across restarts (DATA_DIR/queue-nonces); "": in memory only
};

class QueueServer {
public:
    // Binds at once; throws std::runtime_error naming the address when it cannot.
    QueueServer(ServerOptions options, Mailbox& mailbox);
    ~QueueServer(); // stops and joins
    QueueServer(const QueueServer&) = delete;
    QueueServer& operator=(const QueueServer&) = delete;

    [[nodiscard]] int port() const noexcept { return m_port; }

private:
    ServerOptions m_options;
    Mailbox& m_mailbox;
    QueueGuard m_guard;
    std::unique_ptr<http::Server> m_server;
    int m_port = 0;
    std::thread m_thread;
};

} // namespace skm::queue
