#include "queue_server.hpp"

#include <core/protocol.hpp>
#include <net/http_server.hpp>

#include <spdlog/spdlog.h>

#include <chrono>
#include <stdexcept>

namespace skm::queue {

namespace {
void answer(httplib::Response& res, int status, const nlohmann::json& body)
{
    res.status = status;
    if (status == 429 || status == 503) res.set_header("Retry-After", "1");
    res.set_content(body.dump() + "\n", "application/json");
}

int64_t systemNowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
} // namespace

QueueServer::QueueServer(ServerOptions options, Mailbox& mailbox)
    : m_options(std::move(options)), m_mailbox(mailbox), m_guard(m_options.keyHex, m_options.limits)
{
    if (!m_options.nowMs) m_options.nowMs = systemNowMs;
    http::Limits limits;
    limits.maxBodyBytes = 4096;
    limits.maxHeaderBytes = 8192;
    limits.maxConnections = 64;
    limits.maxConnectionsPerAddress = 16;
    limits.workersPerPool = 2;
    limits.maxQueuedPerPool = 32;
    limits.maxBufferedBytes = 1024 * 1024;
    limits.maxBufferedBytesPerAddress = 256 * 1024;
    limits.bodyDeadlineMs = 10'000;
    m_server = std::make_unique<http::Server>(limits);

    auto route = [this](Command::Kind kind) {
        return [this, kind](const httplib::Request& req, httplib::Response& res) {
            const int64_t now = m_options.nowMs();
            if (Verdict v = m_guard.check(req.remote_addr, req.method, req.path, req.get_header_value(protocol::kHeaderTimestamp),
                                          req.get_header_value(protocol::kHeaderNonce), req.get_header_value(protocol::kHeaderSignature), req.body, now);
                !v.ok()) {
                // Logged within the refusals' budget; a flood beyond it is answered 429 without a line each.
                if (v.status != 429) spdlog::warn("queue endpoint: {} {} from {} refused ({}): {}", req.method, req.path, req.remote_addr, v.status, v.error);
                return answer(res, v.status, {{"error", v.error}});
            }
            Command command{kind, nlohmann::json::object(), "endpoint " + req.remote_addr};
            if (kind != Command::Kind::Status) {
                try {
                    command.body = protocol::parseJson(req.body, 4, 64);
                } catch (const std::exception& e) {
                    return answer(res, 400, {{"error", std::string("the body is not a JSON object: ") + e.what()}});
                }
            }
            const std::optional<Reply> reply = m_mailbox.call(std::move(command), m_options.replyTimeout);
            if (!reply) return answer(res, 503, {{"error", "the kiosk did not take the call in time; nothing was changed, send it again"}});
            if (reply->status >= 400) spdlog::warn("queue endpoint: {} {} from {}: {} {}", req.method, req.path, req.remote_addr, reply->status, reply->body.dump());
            answer(res, reply->status, reply->body);
        };
    };
    m_server->post("/queue/v1/open", route(Command::Kind::Open), http::Pool::Device);
    m_server->post("/queue/v1/cancel", route(Command::Kind::Cancel), http::Pool::Device);
    m_server->get("/queue/v1/status", route(Command::Kind::Status), http::Pool::Device);

    const size_t colon = m_options.listen.rfind(':');
    if (colon == std::string::npos) throw std::runtime_error("queue.listen must be HOST:PORT, not '" + m_options.listen + "'");
    std::string host = m_options.listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (!m_options.nonceFile.empty()) m_guard.persistNonces(m_options.nonceFile, m_options.nowMs());
    if (host == "0.0.0.0" || host == "::") spdlog::warn("queue endpoint: {} listens on every address of this kiosk; name its office LAN address", m_options.listen);
    m_port = m_server->bind(host, std::stoi(m_options.listen.substr(colon + 1)));
    if (m_port < 0) {
        throw std::runtime_error("the queue endpoint cannot listen on " + m_options.listen + ": " + std::strerror(errno) +
                                 " (queue.listen must be an address of this kiosk)");
    }
    m_thread = std::thread([this] { m_server->run(); });
    spdlog::info("queue endpoint listening on {}:{}", host, m_port);
}

QueueServer::~QueueServer()
{
    m_server->stop();
    if (m_thread.joinable()) m_thread.join();
}

} // namespace skm::queue
