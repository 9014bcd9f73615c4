#pragma once
// skm-central's own HTTP/1.1 server: one event-loop thread (epoll, non-blocking sockets, TLS by
// OpenSSL in non-blocking mode) reads whole requests under hard limits and deadlines, and only a
// complete request reaches a worker. So an idle, slow or endless connection costs a file descriptor
// and a buffer, never a worker; nothing is inflated (a Content-Encoding is passed to the handler,
// which refuses it); a chunked body is held to the same size limit as any other; a connection over
// its limits is answered and closed. Handlers keep cpp-httplib's Request and Response types (the
// library's own server decodes gzip before anything can check it, so it is not used).
//
// Two worker pools: devices (/v1/...) and people (the report pages, /login with its Argon2), so that
// a flood on one never delays the other. A pool's queue is bounded: when it is full the loop answers
// 503 with Retry-After itself.

#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace skm::http {

struct Limits {
    size_t maxHeaderBytes = 16 * 1024;  // request line and headers (431 beyond)
    size_t maxHeaders = 64;             // header lines (431 beyond)
    size_t maxBodyBytes = 4 * 1024 * 1024; // body after de-chunking (413 beyond)
    int64_t headerDeadlineMs = 10'000;  // from the first byte of a request (or the TLS handshake's start) to its blank line
    int64_t bodyDeadlineMs = 60'000;    // from the blank line to the body's last byte, plus 1 s per
    size_t minBodyBytesPerSecond = 1024; // this many bytes received (a capped kiosk upload is not cut off)
    int64_t idleMs = 5'000;             // a kept-alive connection waiting for its next request
    int64_t writeDeadlineMs = 60'000;   // an answer must be taken by the client within this
    size_t maxConnections = 4096;       // in all (also held under the process's open-file limit)
    size_t maxConnectionsPerAddress = 256;
    size_t maxRequestsPerConnection = 1000;
    size_t workersPerPool = 8;
    size_t maxQueuedPerPool = 256;      // complete requests waiting for a worker (503 beyond)
    // Request bytes held in memory (headers and bodies being read, and bodies at or waiting for a
    // worker), in all and per client address: a connection that would hold more is answered 503
    // busy and closed, so that no number of slow senders of bodies within maxBodyBytes holds more.
    size_t maxBufferedBytes = 256 * 1024 * 1024;
    size_t maxBufferedBytesPerAddress = 32 * 1024 * 1024;
};

enum class Pool { Device, Web };

using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

// What the loop counts, for the log and the tests.
struct Stats {
    size_t open = 0;            // connections now
    uint64_t accepted = 0;
    uint64_t evicted = 0;       // closed to make room (the longest-waiting unfinished request first)
    uint64_t timedOut = 0;      // closed at a deadline
    uint64_t refusedFull = 0;   // 503: a pool's queue was full, or the request bytes held in memory at their limit
    uint64_t tooLarge = 0;      // 413 / 431
    uint64_t badRequests = 0;   // 400 / 501 / 505 from the parser
    uint64_t requests = 0;      // complete requests handed to a worker
};

class Server {
public:
    explicit Server(Limits limits = {});
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Serve HTTPS with this PEM chain and key; false (with `error`) if they cannot be used.
    bool useTls(const std::string& certFile, const std::string& keyFile, std::string* error);
    // Routes: `pattern` is matched as a whole against the decoded path (std::regex; groups in
    // Request::matches). GET routes also answer HEAD (without the body).
    void get(const std::string& pattern, Handler handler, Pool pool = Pool::Web);
    void post(const std::string& pattern, Handler handler, Pool pool = Pool::Web);
    // Added to every answer (e.g. Strict-Transport-Security over TLS).
    void addHeader(const std::string& name, const std::string& value);

    // Binds and listens; returns the port (the real one for port 0), or -1 (errno set).
    int bind(const std::string& host, int port);
    // Serves until stop(); then finishes the requests being handled and returns.
    void run();
    // Thread-safe; may be called before run().
    void stop();
    [[nodiscard]] Stats stats() const;
    [[nodiscard]] const Limits& limits() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

} // namespace skm::http
