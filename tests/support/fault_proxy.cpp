#include "fault_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <strings.h>

namespace skm::test {

namespace {

int64_t monoMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

bool writeAll(int fd, const char* data, size_t n)
{
    while (n > 0) {
        const ssize_t w = ::send(fd, data, n, MSG_NOSIGNAL);
        if (w <= 0) return false;
        data += w;
        n -= static_cast<size_t>(w);
    }
    return true;
}

// Reads one HTTP message (head and a Content-Length body) from `fd`. Returns false if the peer closed
// first. `onFirstByte` runs when the first byte arrives.
bool readMessage(int fd, std::string& head, std::string& body, const std::function<void()>& onFirstByte = {})
{
    std::string buf;
    char chunk[16384];
    size_t headEnd = std::string::npos;
    while (headEnd == std::string::npos) {
        const ssize_t r = ::recv(fd, chunk, sizeof chunk, 0);
        if (r <= 0) return false;
        if (buf.empty() && onFirstByte) onFirstByte();
        buf.append(chunk, static_cast<size_t>(r));
        headEnd = buf.find("\r\n\r\n");
    }
    head = buf.substr(0, headEnd + 4);
    size_t length = 0;
    for (size_t pos = 0; (pos = head.find("\r\n", pos)) != std::string::npos;) {
        pos += 2;
        if (strncasecmp(head.c_str() + pos, "Content-Length:", 15) == 0) length = std::stoul(head.substr(pos + 15));
    }
    body = buf.substr(headEnd + 4);
    while (body.size() < length) {
        const ssize_t r = ::recv(fd, chunk, sizeof chunk, 0);
        if (r <= 0) return false;
        body.append(chunk, static_cast<size_t>(r));
    }
    return true;
}

// Closes with a TCP reset rather than an orderly FIN.
void resetClose(int fd)
{
    linger l{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ::close(fd);
}

} // namespace

const char* faultName(Fault f)
{
    switch (f) {
    case Fault::None: return "none";
    case Fault::ResetAfterRequest: return "reset after request";
    case Fault::ResetAfterHeaders: return "reset after headers";
    case Fault::Truncate: return "truncated response";
    case Fault::SlowDrip: return "slow drip";
    case Fault::Stall: return "stall";
    case Fault::Status503: return "503 Retry-After";
    case Fault::Status429: return "429 Retry-After";
    }
    return "?";
}

FaultProxy::FaultProxy(std::vector<int> upstreamPorts, std::function<Fault(int)> schedule)
    : m_upstreamPorts(std::move(upstreamPorts)), m_schedule(std::move(schedule))
{
    if (m_upstreamPorts.empty()) throw std::runtime_error("fault proxy: no upstream");
    m_listen = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(m_listen, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(m_listen, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(m_listen, 64) != 0) throw std::runtime_error("fault proxy: cannot listen");
    socklen_t len = sizeof a;
    getsockname(m_listen, reinterpret_cast<sockaddr*>(&a), &len);
    m_port = ntohs(a.sin_port);
    m_acceptor = std::thread([this] { acceptLoop(); });
}

FaultProxy::~FaultProxy()
{
    m_stop = true;
    ::shutdown(m_listen, SHUT_RDWR);
    m_acceptor.join();
    ::close(m_listen);
    for (auto& t : m_threads) t.join();
}

std::vector<ProxyRequestLog> FaultProxy::log() const
{
    std::lock_guard lock(m_mutex);
    return m_log;
}

std::map<Fault, int> FaultProxy::counts() const
{
    std::map<Fault, int> out;
    for (const auto& r : log()) ++out[r.fault];
    return out;
}

void FaultProxy::acceptLoop()
{
    while (!m_stop) {
        pollfd p{m_listen, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        const int client = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) continue;
        std::lock_guard lock(m_mutex);
        m_threads.emplace_back([this, client] { serve(client); });
    }
}

void FaultProxy::serve(int client)
{
    ProxyRequestLog entry;
    std::string head, body;
    if (!readMessage(client, head, body, [&] { entry.startMs = monoMs(); })) {
        ::close(client);
        return;
    }
    entry.bodyDoneMs = monoMs();
    // A client told to use this as its HTTP proxy (http_proxy) sends the absolute form
    // "POST http://host:port/path HTTP/1.1"; the origin server gets "POST /path HTTP/1.1".
    if (const size_t sp = head.find(' '); sp != std::string::npos && head.compare(sp + 1, 7, "http://") == 0) {
        const size_t pathAt = head.find('/', sp + 8);
        head.erase(sp + 1, pathAt - sp - 1);
        entry.asForwardProxy = true;
    }
    entry.bodyBytes = static_cast<int64_t>(body.size());
    const int n = m_next++;
    entry.fault = m_schedule(n);
    auto record = [&] {
        std::lock_guard lock(m_mutex);
        m_log.push_back(entry);
    };

    if (entry.fault == Fault::Status503 || entry.fault == Fault::Status429) {
        // The central office is busy: answered here, never forwarded.
        const bool is503 = entry.fault == Fault::Status503;
        const std::string json = R"({"protocol":1,"error":"busy","detail":"injected by the fault proxy"})";
        const std::string resp = std::string("HTTP/1.1 ") + (is503 ? "503 Service Unavailable" : "429 Too Many Requests") +
                                 "\r\nRetry-After: " + std::to_string(retryAfterSeconds) + "\r\nContent-Type: application/json\r\nContent-Length: " +
                                 std::to_string(json.size()) + "\r\nConnection: close\r\n\r\n" + json;
        entry.status = is503 ? 503 : 429;
        record();
        writeAll(client, resp.data(), resp.size());
        ::close(client);
        return;
    }

    const int up = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    entry.upstreamPort = m_upstreamPorts[static_cast<size_t>(n) % m_upstreamPorts.size()];
    a.sin_port = htons(static_cast<uint16_t>(entry.upstreamPort));
    std::string rhead, rbody;
    const bool answered = ::connect(up, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && writeAll(up, head.data(), head.size()) &&
                          writeAll(up, body.data(), body.size()) && readMessage(up, rhead, rbody);
    ::close(up);
    if (!answered) {
        record();
        resetClose(client);
        return;
    }
    entry.status = std::stoi(rhead.substr(9, 3));
    record();
    switch (entry.fault) {
    case Fault::ResetAfterRequest: // the server stored the batch; the device hears nothing
        resetClose(client);
        return;
    case Fault::ResetAfterHeaders:
        writeAll(client, rhead.data(), rhead.size());
        resetClose(client);
        return;
    case Fault::Truncate:
        writeAll(client, rhead.data(), rhead.size());
        writeAll(client, rbody.data(), rbody.size() / 2);
        ::close(client);
        return;
    case Fault::SlowDrip: {
        const std::string all = rhead + rbody;
        for (size_t at = 0; at < all.size(); at += static_cast<size_t>(dripBytes)) {
            if (!writeAll(client, all.data() + at, std::min(all.size() - at, static_cast<size_t>(dripBytes)))) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(dripIntervalMs));
        }
        ::close(client);
        return;
    }
    case Fault::Stall:
        for (int waited = 0; waited < stallMs && !m_stop; waited += 50) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        writeAll(client, rhead.data(), rhead.size());
        writeAll(client, rbody.data(), rbody.size());
        ::close(client);
        return;
    default:
        writeAll(client, rhead.data(), rhead.size());
        writeAll(client, rbody.data(), rbody.size());
        ::close(client);
        return;
    }
}

} // namespace skm::test
