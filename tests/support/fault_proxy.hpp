#pragma once
// A small HTTP/1.1 proxy for tests, put between skm-sync (libcurl) and a real skm-central, that
// injects the faults of a bad link into chosen requests: a connection reset after the request was
// delivered (the server has stored it; the device never hears), a reset after the response headers,
// a truncated response, a slow drip, a stall, and 503/429 answers with Retry-After that never reach
// the server. One connection per request (the sender opens a new one each time). It also works as a
// plain forward proxy for a client that is told to use it (http_proxy).

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace skm::test {

enum class Fault { None, ResetAfterRequest, ResetAfterHeaders, Truncate, SlowDrip, Stall, Status503, Status429 };
[[nodiscard]] const char* faultName(Fault f);

struct ProxyRequestLog {
    Fault fault = Fault::None;
    int64_t startMs = 0;        // monotonic: the request's first byte arrived
    int64_t bodyDoneMs = 0;     // its last byte arrived
    int64_t bodyBytes = 0;
    int status = 0;             // what the server (or the proxy) answered; 0 if never answered
    bool asForwardProxy = false; // the client addressed it as its HTTP proxy (absolute-form request)
    int upstreamPort = 0;        // the server it was forwarded to (0: answered by the proxy)
};

class FaultProxy {
public:
    // `schedule(n)` picks the fault for the n-th request (0-based).
    FaultProxy(int upstreamPort, std::function<Fault(int)> schedule) : FaultProxy(std::vector<int>{upstreamPort}, std::move(schedule)) {}
    // Several servers (replicas of one central office): the n-th request goes to upstreamPorts[n % size],
    // as a load balancer spreads a kiosk's successive requests.
    FaultProxy(std::vector<int> upstreamPorts, std::function<Fault(int)> schedule);
    ~FaultProxy();
    FaultProxy(const FaultProxy&) = delete;
    FaultProxy& operator=(const FaultProxy&) = delete;

    [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    [[nodiscard]] std::vector<ProxyRequestLog> log() const;
    [[nodiscard]] std::map<Fault, int> counts() const;

    int retryAfterSeconds = 1;   // in the 503 and 429 answers
    int dripBytes = 512;         // SlowDrip: this many bytes ...
    int dripIntervalMs = 10;     // ... every this many ms
    int stallMs = 4000;          // Stall: hold the answer this long (longer than the client's timeout)

private:
    void acceptLoop();
    void serve(int client);

    std::vector<int> m_upstreamPorts;
    std::function<Fault(int)> m_schedule;
    int m_listen = -1;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_next{0};
    mutable std::mutex m_mutex;
    std::vector<ProxyRequestLog> m_log;
    std::vector<std::thread> m_threads;
    std::thread m_acceptor;
};

} // namespace skm::test
