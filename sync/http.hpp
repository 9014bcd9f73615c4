#pragma once
// A request the sync path sends and the response it gets, the transport's type (http_sender.cpp is
// libcurl's; tests inject their own), and what a response that is not the expected answer comes to.

#include "outcome.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace skm::sync {

struct HttpRequest {
    std::string method = "POST"; // or "GET" (no body)
    std::string url;
    std::map<std::string, std::string> headers;
    std::string body;
    std::string caPem;     // TLS: verify the peer with this CA (empty: the system's)
    std::string pinnedKey; // TLS: and require this public key
    int64_t maxSendBytesPerSecond = 0; // upload speed cap (0: none)
    const std::atomic<bool>* cancel = nullptr; // when it becomes true the transfer is abandoned (the kiosk stops)
};

struct HttpResponse {
    int status = 0;         // 0: no response (network error)
    std::string body;
    std::map<std::string, std::string> headers; // names in lower case
    std::string error;      // network error text
    bool tlsFailure = false; // the peer's certificate or pinned key did not verify: an alert, not a retry
    bool cancelled = false;  // abandoned on the request's cancel flag: no answer, and none awaited
};

using Sender = std::function<HttpResponse(const HttpRequest&)>;

// What a response that is not the answer asked for comes to: retry for a cancelled request (Other),
// no answer (Network), 503 and 429 (Busy), 408, 409 and other 5xx; error for a failed TLS check (Tls),
// 401 (Refused) and any other status. `why` becomes the message.
[[nodiscard]] Outcome outcomeOf(const HttpResponse& resp, std::string why);

} // namespace skm::sync
