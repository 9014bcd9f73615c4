// The central office's HTTP/1.1 server (http_server.hpp says what it promises). Why one file of about
// a thousand lines: Server::Impl is one epoll state machine per connection (accept, TLS handshake, head,
// body, dispatch to a worker pool, write, keep-alive or close), and every limit of docs/reliability.md
// is a transition in it that reads the same connection's counters and the same per-address budget;
// split by phase, each piece would need the whole Conn and the budgets anyway. The helpers that do not
// (reason phrases, token characters, the worker pool) are small and sit at the top.

#include "http_server.hpp"

#include <nlohmann/json.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <regex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace skm::http {

namespace {

int64_t monoMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string lower(std::string s)
{
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool isTokenChar(unsigned char c)
{
    return std::isalnum(c) || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

const char* reasonPhrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Status";
    }
}

bool hasCrLf(const std::string& s) { return s.find_first_of("\r\n") != std::string::npos || s.find('\0') != std::string::npos; }

// A bounded queue of jobs and its threads.
class WorkerPool {
public:
    WorkerPool(const char* name, size_t threads, size_t maxQueued) : m_name(name), m_maxQueued(maxQueued)
    {
        for (size_t i = 0; i < threads; ++i) m_threads.emplace_back([this] { work(); });
    }
    ~WorkerPool() { shutdown(); }
    bool submit(std::function<void()> job)
    {
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping || m_queue.size() >= m_maxQueued) return false;
            m_queue.push_back(std::move(job));
        }
        m_cv.notify_one();
        return true;
    }
    // Runs what is queued, then joins the threads.
    void shutdown()
    {
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping && m_threads.empty()) return;
            m_stopping = true;
        }
        m_cv.notify_all();
        for (auto& t : m_threads) t.join();
        m_threads.clear();
    }
    const char* name() const { return m_name; }

private:
    void work()
    {
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock lock(m_mutex);
                m_cv.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
                if (m_queue.empty()) return;
                job = std::move(m_queue.front());
                m_queue.pop_front();
            }
            job();
        }
    }
    const char* m_name;
    size_t m_maxQueued;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<std::function<void()>> m_queue;
    std::vector<std::thread> m_threads;
    bool m_stopping = false;
};

struct Route {
    std::string method;
    std::regex pattern;
    Handler handler;
    Pool pool;
};

enum class State { Handshake, Head, Body, Dispatched, Writing };
enum class ChunkState { Size, Data, DataEnd, Trailer };

struct Conn {
    uint64_t id = 0;
    int fd = -1;
    SSL* ssl = nullptr;
    std::string peer;
    int peerPort = 0;
    State state = State::Head;
    int64_t phaseStart = 0; // the current phase's start: its deadline's base
    std::string in;         // received and not yet consumed
    std::string out;        // to send
    size_t outPos = 0;
    bool closeAfterWrite = false;
    bool dead = false;      // the peer is gone while a worker has the request: dropped on completion
    bool peerEof = false;   // the client has finished sending: close once the answer is out
    size_t served = 0;
    uint32_t events = 0;
    bool tlsWantsWrite = false; // an OpenSSL read (or handshake) waits for the socket to be writable
    bool tlsWantsRead = false;  // an OpenSSL write waits for the socket to be readable
    // The request being read.
    std::shared_ptr<httplib::Request> req;
    bool keepAlive = true;
    bool chunked = false;
    size_t contentLength = 0;
    ChunkState chunk = ChunkState::Size;
    size_t chunkLeft = 0;
    size_t trailerBytes = 0;
    // Request bytes this connection holds (Limits::maxBufferedBytes): what is read, and the body a
    // worker has or will have, until its answer comes back.
    size_t charged = 0;
    size_t dispatchedBytes = 0;
};

struct Completion {
    uint64_t conn;
    std::string bytes;
    bool close;
};

struct ParseError {
    int status;
    std::string error;
    std::string detail;
};

} // namespace

struct Server::Impl {
    Limits limits;
    std::vector<Route> routes;
    std::vector<std::pair<std::string, std::string>> extraHeaders;
    SSL_CTX* tls = nullptr;
    int listenFd = -1;
    int epollFd = -1;
    int wakeFd = -1;
    std::atomic<bool> stopping{false};
    std::unique_ptr<WorkerPool> devicePool, webPool;
    std::unordered_map<uint64_t, std::unique_ptr<Conn>> conns;
    std::unordered_map<int, uint64_t> byFd;
    std::unordered_map<std::string, size_t> perAddress;
    size_t buffered = 0; // Conn::charged, summed, in all and per address
    std::unordered_map<std::string, size_t> bufferedPerAddress;
    uint64_t nextId = 1;
    std::mutex doneMutex;
    std::vector<Completion> done;
    std::atomic<size_t> openCount{0};
    std::atomic<uint64_t> accepted{0}, evicted{0}, timedOut{0}, refusedFull{0}, tooLarge{0}, badRequests{0}, requests{0};

    ~Impl()
    {
        if (tls) SSL_CTX_free(tls);
        if (listenFd >= 0) close(listenFd);
        if (epollFd >= 0) close(epollFd);
        if (wakeFd >= 0) close(wakeFd);
    }

    void wake() const
    {
        const uint64_t one = 1;
        if (wakeFd >= 0) (void)!write(wakeFd, &one, sizeof one);
    }

    // ---- connections -------------------------------------------------------------------------

    void watch(Conn& c)
    {
        uint32_t ev = 0;
        if (c.state == State::Handshake) {
            ev = c.tlsWantsWrite ? EPOLLOUT : EPOLLIN;
        } else if (!c.dead) {
            if (c.state == State::Head || c.state == State::Body) ev |= EPOLLIN;
            if (c.outPos < c.out.size()) ev |= EPOLLOUT;
            if (c.tlsWantsWrite) ev |= EPOLLOUT;
            if (c.tlsWantsRead) ev |= EPOLLIN;
        }
        if (ev == c.events) return;
        epoll_event e{};
        e.events = ev;
        e.data.u64 = c.id;
        epoll_ctl(epollFd, EPOLL_CTL_MOD, c.fd, &e);
        c.events = ev;
    }

    void closeConn(uint64_t id)
    {
        auto it = conns.find(id);
        if (it == conns.end()) return;
        Conn& c = *it->second;
        if (c.ssl) {
            (void)SSL_shutdown(c.ssl); // best effort: never waits
            SSL_free(c.ssl);
        }
        epoll_ctl(epollFd, EPOLL_CTL_DEL, c.fd, nullptr);
        close(c.fd);
        byFd.erase(c.fd);
        if (auto p = perAddress.find(c.peer); p != perAddress.end() && --p->second == 0) perAddress.erase(p);
        c.in.clear();
        c.req.reset();
        c.dispatchedBytes = 0;
        (void)charge(c);
        conns.erase(it);
        openCount = conns.size();
    }

    // Brings the connection's share of the request bytes in memory up to date. False when that takes
    // its address or the whole server over the limit.
    bool charge(Conn& c)
    {
        const size_t held = c.in.size() + (c.req ? c.req->body.size() : 0) + c.dispatchedBytes;
        buffered = buffered - c.charged + held;
        size_t& mine = bufferedPerAddress[c.peer];
        mine = mine - c.charged + held;
        c.charged = held;
        const bool within = buffered <= limits.maxBufferedBytes && mine <= limits.maxBufferedBytesPerAddress;
        if (mine == 0) bufferedPerAddress.erase(c.peer);
        return within;
    }

    // The connection whose unfinished request (or wait for one) began longest ago, among all or one
    // address's; 0 if every connection is being answered.
    uint64_t evictionCandidate(const std::string* peer) const
    {
        uint64_t best = 0;
        int64_t oldest = INT64_MAX;
        for (const auto& [id, c] : conns) {
            if (c->state == State::Dispatched || c->state == State::Writing) continue;
            if (peer && c->peer != *peer) continue;
            if (c->phaseStart < oldest) {
                oldest = c->phaseStart;
                best = id;
            }
        }
        return best;
    }

    void acceptAll()
    {
        for (;;) {
            sockaddr_storage addr{};
            socklen_t len = sizeof addr;
            const int fd = accept4(listenFd, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                if (errno == EINTR || errno == ECONNABORTED) continue;
                if (errno == EMFILE || errno == ENFILE) {
                    // Out of descriptors: make room by the longest-waiting unfinished request.
                    if (const uint64_t victim = evictionCandidate(nullptr)) {
                        ++evicted;
                        closeConn(victim);
                        continue;
                    }
                    spdlog::warn("http: out of file descriptors with every connection being answered");
                }
                return; // EAGAIN, or nothing to do now
            }
            char host[NI_MAXHOST] = "", port[NI_MAXSERV] = "";
            getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof host, port, sizeof port, NI_NUMERICHOST | NI_NUMERICSERV);
            const std::string peer = host;
            ++accepted;
            if (perAddress[peer] >= limits.maxConnectionsPerAddress) {
                const uint64_t victim = evictionCandidate(&peer);
                if (!victim) {
                    close(fd);
                    continue;
                }
                ++evicted;
                closeConn(victim);
            }
            if (conns.size() >= limits.maxConnections) {
                const uint64_t victim = evictionCandidate(nullptr);
                if (!victim) {
                    close(fd);
                    continue;
                }
                ++evicted;
                closeConn(victim);
            }
            const int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            auto c = std::make_unique<Conn>();
            c->id = nextId++;
            c->fd = fd;
            c->peer = peer;
            c->peerPort = std::atoi(port);
            c->phaseStart = monoMs();
            c->state = State::Head;
            if (tls) {
                c->ssl = SSL_new(tls);
                SSL_set_fd(c->ssl, fd);
                SSL_set_accept_state(c->ssl);
                c->state = State::Handshake;
            }
            epoll_event e{};
            e.events = EPOLLIN;
            e.data.u64 = c->id;
            epoll_ctl(epollFd, EPOLL_CTL_ADD, fd, &e);
            c->events = EPOLLIN;
            perAddress[peer]++;
            byFd[fd] = c->id;
            conns.emplace(c->id, std::move(c));
            openCount = conns.size();
        }
    }

    // ---- I/O ----------------------------------------------------------------------------------

    enum class Io { Ok, Closed };

    // Reads what is there (at most 256 KiB a turn: the parser runs between turns).
    Io readSome(Conn& c)
    {
        char buf[64 * 1024];
        c.tlsWantsWrite = false;
        for (int turn = 0; turn < 4; ++turn) {
            if (c.ssl) {
                ERR_clear_error();
                const int n = SSL_read(c.ssl, buf, sizeof buf);
                if (n > 0) {
                    c.in.append(buf, static_cast<size_t>(n));
                    continue;
                }
                const int err = SSL_get_error(c.ssl, n);
                if (err == SSL_ERROR_WANT_READ) return Io::Ok;
                if (err == SSL_ERROR_WANT_WRITE) {
                    c.tlsWantsWrite = true;
                    return Io::Ok;
                }
                return Io::Closed;
            }
            const ssize_t n = recv(c.fd, buf, sizeof buf, 0);
            if (n > 0) {
                c.in.append(buf, static_cast<size_t>(n));
                if (static_cast<size_t>(n) < sizeof buf) return Io::Ok;
                continue;
            }
            if (n == 0) return Io::Closed;
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return Io::Ok;
            return Io::Closed;
        }
        return Io::Ok;
    }

    Io writeSome(Conn& c)
    {
        c.tlsWantsRead = false;
        while (c.outPos < c.out.size()) {
            const size_t left = c.out.size() - c.outPos;
            if (c.ssl) {
                ERR_clear_error();
                const int n = SSL_write(c.ssl, c.out.data() + c.outPos, static_cast<int>(std::min<size_t>(left, 1 << 20)));
                if (n > 0) {
                    c.outPos += static_cast<size_t>(n);
                    continue;
                }
                const int err = SSL_get_error(c.ssl, n);
                if (err == SSL_ERROR_WANT_WRITE) return Io::Ok;
                if (err == SSL_ERROR_WANT_READ) {
                    c.tlsWantsRead = true;
                    return Io::Ok;
                }
                return Io::Closed;
            }
            const ssize_t n = send(c.fd, c.out.data() + c.outPos, left, MSG_NOSIGNAL);
            if (n > 0) {
                c.outPos += static_cast<size_t>(n);
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return Io::Ok;
            return Io::Closed;
        }
        c.out.clear();
        c.outPos = 0;
        return Io::Ok;
    }

    // ---- answers from the loop itself ----------------------------------------------------------

    std::string serialize(const httplib::Response& res, bool keepAlive, bool head) const
    {
        std::string out = "HTTP/1.1 " + std::to_string(res.status) + " " + reasonPhrase(res.status) + "\r\n";
        for (const auto& [name, value] : res.headers) {
            const std::string n = lower(name);
            if (n == "content-length" || n == "connection" || n == "transfer-encoding") continue;
            out += name + ": " + value + "\r\n";
        }
        for (const auto& [name, value] : extraHeaders) out += name + ": " + value + "\r\n";
        const bool noBody = res.status == 204 || res.status == 304 || (res.status >= 100 && res.status < 200);
        if (!noBody) out += "Content-Length: " + std::to_string(res.body.size()) + "\r\n";
        out += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
        if (!noBody && !head) out += res.body;
        return out;
    }

    // An answer made by the loop (a refusal): JSON like the device API's, then the connection closes.
    void refuse(Conn& c, const ParseError& e, bool close = true)
    {
        httplib::Response res;
        res.status = e.status;
        res.set_content(nlohmann::json{{"error", e.error}, {"detail", e.detail}}.dump(), "application/json");
        if (e.status == 503) res.set_header("Retry-After", "5");
        c.out += serialize(res, !close, false);
        c.closeAfterWrite = close;
        c.state = State::Writing;
        c.phaseStart = monoMs();
        c.req.reset();
        if (e.status == 413 || e.status == 431) ++tooLarge;
        else if (e.status != 503 && e.status != 408) ++badRequests;
        spdlog::warn("http {}:{}: {} {} ({})", c.peer, c.peerPort, e.status, e.error, e.detail);
    }

    // ---- parsing --------------------------------------------------------------------------------

    // The request line and headers of c.in[0, end): fills c.req and the body's framing.
    std::optional<ParseError> parseHead(Conn& c, size_t end)
    {
        auto req = std::make_shared<httplib::Request>();
        size_t pos = 0;
        auto nextLine = [&](std::string& line) {
            const size_t nl = c.in.find('\n', pos);
            line = c.in.substr(pos, nl - pos);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            pos = nl + 1;
        };
        std::string line;
        nextLine(line);
        // METHOD SP target SP HTTP/1.x
        const size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
        if (sp1 == std::string::npos || sp2 == sp1) return ParseError{400, "bad_request", "malformed request line"};
        req->method = line.substr(0, sp1);
        req->target = line.substr(sp1 + 1, sp2 - sp1 - 1);
        req->version = line.substr(sp2 + 1);
        if (req->method.empty() || !std::all_of(req->method.begin(), req->method.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; })) {
            return ParseError{400, "bad_request", "malformed method"};
        }
        if (req->version != "HTTP/1.1" && req->version != "HTTP/1.0") return ParseError{505, "version", "HTTP/1.0 and HTTP/1.1 only"};
        if (req->target.empty() || req->target[0] != '/') return ParseError{400, "bad_request", "the target must be a path"};
        for (unsigned char ch : req->target) {
            if (ch <= 0x20 || ch >= 0x7F) return ParseError{400, "bad_request", "the target has a character that must be percent-encoded"};
        }
        size_t count = 0;
        while (pos < end) {
            nextLine(line);
            if (line.empty()) break;
            if (++count > limits.maxHeaders) return ParseError{431, "headers_too_large", "more than " + std::to_string(limits.maxHeaders) + " header lines"};
            if (line[0] == ' ' || line[0] == '\t') return ParseError{400, "bad_request", "folded header lines are not accepted"};
            const size_t colon = line.find(':');
            if (colon == std::string::npos || colon == 0) return ParseError{400, "bad_request", "malformed header line"};
            const std::string name = line.substr(0, colon);
            if (!std::all_of(name.begin(), name.end(), [](char ch) { return isTokenChar(static_cast<unsigned char>(ch)); })) {
                return ParseError{400, "bad_request", "malformed header name"};
            }
            size_t a = colon + 1, b = line.size();
            while (a < b && (line[a] == ' ' || line[a] == '\t')) ++a;
            while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t')) --b;
            std::string value = line.substr(a, b - a);
            for (unsigned char ch : value) {
                if ((ch < 0x20 && ch != '\t') || ch == 0x7F) return ParseError{400, "bad_request", "header " + name + " has a control character"};
            }
            // Header values are taken as sent: never percent-decoded.
            req->headers.emplace(name, std::move(value));
        }
        // The body's framing. Both framings at once is how requests are smuggled past a proxy.
        const bool hasTe = req->has_header("Transfer-Encoding");
        const size_t clCount = req->get_header_value_count("Content-Length");
        if (hasTe && clCount > 0) return ParseError{400, "bad_request", "both Transfer-Encoding and Content-Length"};
        c.chunked = false;
        c.contentLength = 0;
        if (hasTe) {
            if (req->get_header_value_count("Transfer-Encoding") != 1 || lower(req->get_header_value("Transfer-Encoding")) != "chunked") {
                return ParseError{501, "transfer_encoding", "only Transfer-Encoding: chunked is accepted"};
            }
            c.chunked = true;
            c.chunk = ChunkState::Size;
            c.trailerBytes = 0;
        } else if (clCount > 0) {
            const std::string cl = req->get_header_value("Content-Length");
            for (size_t i = 1; i < clCount; ++i) {
                if (req->get_header_value("Content-Length", i) != cl) return ParseError{400, "bad_request", "differing Content-Length headers"};
            }
            if (cl.empty() || cl.size() > 12 || !std::all_of(cl.begin(), cl.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
                return ParseError{400, "bad_request", "Content-Length must be a number"};
            }
            c.contentLength = std::stoull(cl);
            if (c.contentLength > limits.maxBodyBytes) {
                return ParseError{413, "too_large", "the body may be at most " + std::to_string(limits.maxBodyBytes) + " bytes"};
            }
        }
        const std::string connection = lower(req->get_header_value("Connection"));
        c.keepAlive = req->version == "HTTP/1.1" ? connection.find("close") == std::string::npos : connection.find("keep-alive") != std::string::npos;
        if (c.served + 1 >= limits.maxRequestsPerConnection) c.keepAlive = false;
        // The path and the query: decoded as httplib does.
        const size_t q = req->target.find('?');
        req->path = httplib::detail::decode_url(req->target.substr(0, q), false);
        if (req->path.find('\0') != std::string::npos) return ParseError{400, "bad_request", "a NUL in the path"};
        if (q != std::string::npos) httplib::detail::parse_query_text(req->target.substr(q + 1), req->params);
        req->remote_addr = c.peer;
        req->remote_port = c.peerPort;
        c.req = std::move(req);
        return std::nullopt;
    }

    // De-chunks what has arrived into the body. True when the body is complete.
    std::optional<ParseError> readChunks(Conn& c, bool& complete)
    {
        complete = false;
        size_t pos = 0;
        auto fail = [&](ParseError e) {
            c.in.erase(0, pos);
            return e;
        };
        while (pos < c.in.size()) {
            if (c.chunk == ChunkState::Size || c.chunk == ChunkState::Trailer || c.chunk == ChunkState::DataEnd) {
                const size_t nl = c.in.find('\n', pos);
                if (nl == std::string::npos) {
                    if (c.in.size() - pos > 1024) return fail({400, "bad_request", "a chunk line longer than 1 KiB"});
                    break;
                }
                if (nl - pos > 1024) return fail({400, "bad_request", "a chunk line longer than 1 KiB"});
                std::string line = c.in.substr(pos, nl - pos);
                if (!line.empty() && line.back() == '\r') line.pop_back();
                pos = nl + 1;
                if (c.chunk == ChunkState::DataEnd) {
                    if (!line.empty()) return fail({400, "bad_request", "a chunk longer than its size"});
                    c.chunk = ChunkState::Size;
                    continue;
                }
                if (c.chunk == ChunkState::Trailer) {
                    if (line.empty()) {
                        complete = true;
                        break;
                    }
                    c.trailerBytes += line.size() + 2;
                    if (c.trailerBytes > limits.maxHeaderBytes) {
                        return fail({431, "headers_too_large", "trailers may be at most " + std::to_string(limits.maxHeaderBytes) + " bytes"});
                    }
                    continue; // trailers are read and dropped
                }
                const std::string size = line.substr(0, line.find(';'));
                if (size.empty() || size.size() > 8 || !std::all_of(size.begin(), size.end(), [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)); })) {
                    return fail({400, "bad_request", "malformed chunk size"});
                }
                c.chunkLeft = std::stoul(size, nullptr, 16);
                if (c.req->body.size() + c.chunkLeft > limits.maxBodyBytes) {
                    return fail({413, "too_large", "the body may be at most " + std::to_string(limits.maxBodyBytes) + " bytes"});
                }
                c.chunk = c.chunkLeft == 0 ? ChunkState::Trailer : ChunkState::Data;
                continue;
            }
            const size_t take = std::min(c.chunkLeft, c.in.size() - pos);
            c.req->body.append(c.in, pos, take);
            pos += take;
            c.chunkLeft -= take;
            if (c.chunkLeft == 0) c.chunk = ChunkState::DataEnd;
        }
        c.in.erase(0, pos);
        return std::nullopt;
    }

    // Parses what c.in holds; dispatches a complete request.
    void parse(Conn& c)
    {
        const int64_t now = monoMs();
        if (c.state == State::Head) {
            if (c.in.empty()) return;
            const size_t scanFrom = 0;
            size_t end = std::string::npos, skip = 0;
            if (const size_t crlf = c.in.find("\r\n\r\n", scanFrom); crlf != std::string::npos) end = crlf, skip = 4;
            if (const size_t lf = c.in.find("\n\n", scanFrom); lf != std::string::npos && (end == std::string::npos || lf < end)) end = lf, skip = 2;
            if (end == std::string::npos) {
                if (c.in.size() > limits.maxHeaderBytes) refuse(c, {431, "headers_too_large", "the request line and headers may be at most " + std::to_string(limits.maxHeaderBytes) + " bytes"});
                return;
            }
            if (end + skip > limits.maxHeaderBytes) {
                refuse(c, {431, "headers_too_large", "the request line and headers may be at most " + std::to_string(limits.maxHeaderBytes) + " bytes"});
                return;
            }
            if (auto e = parseHead(c, end + skip)) {
                refuse(c, *e);
                return;
            }
            c.in.erase(0, end + skip);
            c.state = State::Body;
            c.phaseStart = now;
            const bool bodyToCome = c.chunked || c.contentLength > c.in.size();
            if (bodyToCome && lower(c.req->get_header_value("Expect")) == "100-continue") c.out += "HTTP/1.1 100 Continue\r\n\r\n";
        }
        if (c.state != State::Body) return;
        if (c.chunked) {
            bool complete = false;
            if (auto e = readChunks(c, complete)) {
                refuse(c, *e);
                return;
            }
            if (!complete) return;
        } else {
            if (c.in.size() < c.contentLength) return;
            c.req->body = c.in.substr(0, c.contentLength);
            c.in.erase(0, c.contentLength);
        }
        dispatch(c);
    }

    // ---- handing a request to a worker ------------------------------------------------------------

    void dispatch(Conn& c)
    {
        c.dispatchedBytes = c.req->body.size(); // still held, by a worker, until the answer comes back
        std::shared_ptr<httplib::Request> req = std::move(c.req);
        // A form's fields join the query's, as httplib does; an encoded body is left to its handler.
        if (lower(req->get_header_value("Content-Type")).rfind("application/x-www-form-urlencoded", 0) == 0 && !req->has_header("Content-Encoding")) {
            httplib::detail::parse_query_text(req->body, req->params);
        }
        const bool head = req->method == "HEAD";
        const std::string method = head ? "GET" : req->method;
        const Route* route = nullptr;
        bool pathKnown = false;
        for (const Route& r : routes) {
            if (!std::regex_match(req->path, r.pattern)) continue;
            pathKnown = true;
            if (r.method == method) {
                route = &r;
                break;
            }
        }
        c.state = State::Dispatched;
        c.phaseStart = monoMs();
        ++c.served;
        ++requests;
        if (!route) {
            httplib::Response res;
            res.status = pathKnown ? 405 : 404;
            res.set_content(pathKnown ? "method not allowed\n" : "not found\n", "text/plain; charset=utf-8");
            c.out += serialize(res, c.keepAlive, head);
            finishWriting(c, !c.keepAlive);
            return;
        }
        WorkerPool& pool = route->pool == Pool::Device ? *devicePool : *webPool;
        const uint64_t id = c.id;
        const bool keepAlive = c.keepAlive;
        const Route* r = route;
        const bool queued = pool.submit([this, req, id, keepAlive, head, r] {
            httplib::Response res;
            std::regex_match(req->path, req->matches, r->pattern);
            try {
                r->handler(*req, res);
                if (res.status < 0) res.status = 200;
            } catch (const std::exception& e) {
                spdlog::error("http {} {}: {}", req->method, req->path, e.what());
                res = httplib::Response();
                res.status = 500;
                res.set_content(nlohmann::json{{"error", "internal"}, {"detail", "the server failed on this request"}}.dump(), "application/json");
            }
            for (const auto& [name, value] : res.headers) {
                if (hasCrLf(name) || hasCrLf(value)) { // a handler echoing input into a header: never split the answer
                    spdlog::error("http {} {}: header {} with a line break refused", req->method, req->path, name);
                    res = httplib::Response();
                    res.status = 500;
                    res.set_content("internal error\n", "text/plain");
                    break;
                }
            }
            Completion done{id, serialize(res, keepAlive, head), !keepAlive};
            {
                std::lock_guard lock(doneMutex);
                this->done.push_back(std::move(done));
            }
            wake();
        });
        if (!queued) {
            ++refusedFull;
            c.state = State::Body; // refuse() moves it on
            refuse(c, {503, "busy", std::string("the server is busy (") + pool.name() + " queue full); retry shortly"});
        }
    }

    void finishWriting(Conn& c, bool closeAfter)
    {
        c.state = State::Writing;
        c.closeAfterWrite = closeAfter;
        c.phaseStart = monoMs();
    }

    void takeCompletions()
    {
        std::vector<Completion> list;
        {
            std::lock_guard lock(doneMutex);
            list.swap(done);
        }
        for (Completion& d : list) {
            auto it = conns.find(d.conn);
            if (it == conns.end()) continue;
            Conn& c = *it->second;
            if (c.dead) {
                closeConn(c.id);
                continue;
            }
            c.dispatchedBytes = 0;
            (void)charge(c);
            c.out += d.bytes;
            finishWriting(c, d.close || c.peerEof);
            service(c, 0);
        }
    }

    // ---- one connection's turn -------------------------------------------------------------------

    // Does what the connection can do now; closes it when done or broken.
    void service(Conn& c, uint32_t events)
    {
        const uint64_t id = c.id;
        if (events & (EPOLLERR | EPOLLHUP)) {
            if (c.state == State::Dispatched) { // a worker has its request: forget the socket, drop the answer later
                c.dead = true;
                epoll_ctl(epollFd, EPOLL_CTL_DEL, c.fd, nullptr);
                c.events = 0;
                return;
            }
            if (!(events & EPOLLIN)) {
                closeConn(id);
                return;
            }
        }
        if (c.state == State::Handshake) {
            ERR_clear_error();
            const int r = SSL_do_handshake(c.ssl);
            if (r == 1) {
                c.state = State::Head;
                c.tlsWantsWrite = false;
            } else {
                const int err = SSL_get_error(c.ssl, r);
                if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
                    c.tlsWantsWrite = err == SSL_ERROR_WANT_WRITE;
                    watch(c);
                    return;
                }
                closeConn(id);
                return;
            }
        }
        // Read when reading (or when a TLS write waits for it).
        if (c.state == State::Head || c.state == State::Body) {
            const bool eof = readSome(c) == Io::Closed;
            if (!charge(c)) {
                ++refusedFull;
                spdlog::warn("http {}:{}: request bytes in memory at their limit ({} MiB from this address, {} MiB in all)", c.peer, c.peerPort,
                             bufferedPerAddress[c.peer] >> 20, buffered >> 20);
                refuse(c, {503, "busy", "the server holds as many request bytes as it may; retry later"});
                c.in.clear();
                (void)charge(c);
            } else {
                parse(c);
                (void)charge(c); // a request handed to a worker stays charged as dispatched
            }
            if (eof) {
                // A client gone between requests, or one that half-closed after its request: that
                // request is still answered; a request cut short is dropped.
                c.peerEof = true;
                if (c.state == State::Head || c.state == State::Body) {
                    closeConn(id);
                    return;
                }
                c.closeAfterWrite = true;
            }
        }
        if (c.outPos < c.out.size()) {
            if (writeSome(c) == Io::Closed) {
                closeConn(id);
                return;
            }
        }
        if (c.state == State::Writing && c.outPos >= c.out.size()) {
            if (c.closeAfterWrite) {
                closeConn(id);
                return;
            }
            c.state = State::Head; // the next request, maybe already here (pipelined)
            c.phaseStart = monoMs();
            if (!c.in.empty()) {
                parse(c);
                if (c.outPos < c.out.size() && writeSome(c) == Io::Closed) {
                    closeConn(id);
                    return;
                }
            }
        }
        watch(c);
    }

    void sweepDeadlines()
    {
        const int64_t now = monoMs();
        std::vector<uint64_t> expired;
        for (const auto& [id, c] : conns) {
            int64_t limit = 0;
            switch (c->state) {
            case State::Handshake: limit = limits.headerDeadlineMs; break;
            case State::Head: limit = c->in.empty() ? limits.idleMs : limits.headerDeadlineMs; break;
            case State::Body: {
                // A slow link (a kiosk's upload cap) may take longer, as long as the body keeps coming
                // at minBodyBytesPerSecond on average.
                const size_t got = c->req ? c->req->body.size() + c->in.size() : 0;
                limit = limits.bodyDeadlineMs + static_cast<int64_t>(got * 1000 / std::max<size_t>(1, limits.minBodyBytesPerSecond));
                break;
            }
            case State::Writing: limit = limits.writeDeadlineMs; break;
            case State::Dispatched: continue;
            }
            if (now - c->phaseStart > limit) expired.push_back(id);
        }
        for (uint64_t id : expired) {
            auto it = conns.find(id);
            if (it == conns.end()) continue;
            Conn& c = *it->second;
            const bool midRequest = (c.state == State::Head && !c.in.empty()) || c.state == State::Body;
            if (midRequest) ++timedOut;
            if (midRequest && c.state == State::Head) spdlog::warn("http {}:{}: request headers not complete within {} ms: closed", c.peer, c.peerPort, limits.headerDeadlineMs);
            if (midRequest && c.state == State::Body) spdlog::warn("http {}:{}: request body not complete within {} ms: closed", c.peer, c.peerPort, limits.bodyDeadlineMs);
            closeConn(id);
        }
    }
};

Server::Server(Limits limits) : m(std::make_unique<Impl>())
{
    m->limits = limits;
    m->wakeFd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    // Each connection is a descriptor: take what the system allows (the soft limit is often 1024),
    // and keep the connection cap under it.
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        if (rl.rlim_cur < rl.rlim_max) {
            rl.rlim_cur = std::min<rlim_t>(rl.rlim_max, 65536);
            (void)setrlimit(RLIMIT_NOFILE, &rl);
            (void)getrlimit(RLIMIT_NOFILE, &rl);
        }
        if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur > 128) {
            m->limits.maxConnections = std::min<size_t>(m->limits.maxConnections, static_cast<size_t>(rl.rlim_cur) - 96);
        }
    }
}

Server::~Server()
{
    if (m->devicePool) m->devicePool->shutdown();
    if (m->webPool) m->webPool->shutdown();
    std::vector<uint64_t> ids;
    for (const auto& [id, c] : m->conns) ids.push_back(id);
    for (uint64_t id : ids) m->closeConn(id);
}

bool Server::useTls(const std::string& certFile, const std::string& keyFile, std::string* error)
{
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    auto fail = [&](const std::string& what) {
        char buf[256] = "";
        ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
        if (error) *error = what + ": " + buf;
        SSL_CTX_free(ctx);
        return false;
    };
    if (!ctx) return fail("no TLS context");
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    if (SSL_CTX_use_certificate_chain_file(ctx, certFile.c_str()) != 1) return fail("certificate " + certFile);
    if (SSL_CTX_use_PrivateKey_file(ctx, keyFile.c_str(), SSL_FILETYPE_PEM) != 1) return fail("key " + keyFile);
    if (SSL_CTX_check_private_key(ctx) != 1) return fail("the key does not match the certificate");
    if (m->tls) SSL_CTX_free(m->tls);
    m->tls = ctx;
    return true;
}

void Server::get(const std::string& pattern, Handler handler, Pool pool) { m->routes.push_back({"GET", std::regex(pattern), std::move(handler), pool}); }
void Server::post(const std::string& pattern, Handler handler, Pool pool) { m->routes.push_back({"POST", std::regex(pattern), std::move(handler), pool}); }
void Server::addHeader(const std::string& name, const std::string& value) { m->extraHeaders.emplace_back(name, value); }

int Server::bind(const std::string& host, int port)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || !found) return -1;
    int fd = -1;
    for (addrinfo* a = found; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        const int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 1024) == 0) break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(found);
    if (fd < 0) return -1;
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    m->listenFd = fd;
    return addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port) : ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

void Server::run()
{
    Impl& s = *m;
    // A peer gone while OpenSSL writes to its socket must be an error to handle, not a SIGPIPE that
    // ends the process (send() has MSG_NOSIGNAL; OpenSSL's writes do not).
    signal(SIGPIPE, SIG_IGN);
    s.epollFd = epoll_create1(EPOLL_CLOEXEC);
    s.devicePool = std::make_unique<WorkerPool>("device", s.limits.workersPerPool, s.limits.maxQueuedPerPool);
    s.webPool = std::make_unique<WorkerPool>("web", s.limits.workersPerPool, s.limits.maxQueuedPerPool);
    constexpr uint64_t kListen = 0, kWake = UINT64_MAX;
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.u64 = kListen;
    epoll_ctl(s.epollFd, EPOLL_CTL_ADD, s.listenFd, &e);
    e.data.u64 = kWake;
    epoll_ctl(s.epollFd, EPOLL_CTL_ADD, s.wakeFd, &e);
    std::vector<epoll_event> events(256);
    int64_t lastSweep = monoMs();
    while (!s.stopping) {
        const int n = epoll_wait(s.epollFd, events.data(), static_cast<int>(events.size()), 250);
        for (int i = 0; i < n; ++i) {
            const uint64_t id = events[i].data.u64;
            if (id == kListen) {
                s.acceptAll();
            } else if (id == kWake) {
                uint64_t count = 0;
                (void)!read(s.wakeFd, &count, sizeof count);
                s.takeCompletions();
            } else if (auto it = s.conns.find(id); it != s.conns.end()) {
                s.service(*it->second, events[i].events);
            }
        }
        if (const int64_t now = monoMs(); now - lastSweep >= 250) {
            s.sweepDeadlines();
            lastSweep = now;
        }
    }
    // Stopping: no new connections; the requests being handled are answered (briefly), then all closes.
    epoll_ctl(s.epollFd, EPOLL_CTL_DEL, s.listenFd, nullptr);
    close(s.listenFd);
    s.listenFd = -1;
    s.devicePool->shutdown();
    s.webPool->shutdown();
    s.takeCompletions();
    const int64_t until = monoMs() + 2000;
    while (monoMs() < until) {
        bool pending = false;
        for (const auto& [id, c] : s.conns) pending = pending || (c->state == State::Writing && c->outPos < c->out.size());
        if (!pending) break;
        const int n = epoll_wait(s.epollFd, events.data(), static_cast<int>(events.size()), 100);
        for (int i = 0; i < n; ++i) {
            if (auto it = s.conns.find(events[i].data.u64); it != s.conns.end() && it->second->state == State::Writing) s.service(*it->second, events[i].events);
        }
    }
    std::vector<uint64_t> ids;
    for (const auto& [id, c] : s.conns) ids.push_back(id);
    for (uint64_t id : ids) s.closeConn(id);
}

void Server::stop()
{
    m->stopping = true;
    m->wake();
}

Stats Server::stats() const
{
    return {m->openCount.load(), m->accepted.load(), m->evicted.load(), m->timedOut.load(), m->refusedFull.load(), m->tooLarge.load(), m->badRequests.load(), m->requests.load()};
}

const Limits& Server::limits() const { return m->limits; }

} // namespace skm::http
