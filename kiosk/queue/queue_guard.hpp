#pragma once
// Who may call the kiosk's queue-system endpoint, and how often (docs/queue-integration.md):
// - every request is signed: X-SKM-Timestamp (Unix seconds), X-SKM-Nonce (16 to 64 of A-Z a-z 0-9 _ -)
//   and X-SKM-Signature, the HMAC-SHA256 (hex) under the key the technician set, of the sync
//   protocol's canonical request (method, path, timestamp, nonce and the SHA-256 of the body, one per
//   line: core/protocol.hpp). A timestamp more than five minutes off, or a nonce seen before, is
//   refused: a captured request cannot be played again;
// - each client address has a bucket of requests (a burst, then a steady rate), and all addresses
//   together another, so a flood is answered 429 before its body is even looked at.
// Thread-safe: the server's workers call it at once.

#include <net/rate_limit.hpp>

#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <unordered_set>

namespace skm::queue {

struct GuardLimits {
    int64_t clockWindowSeconds = 300;
    size_t maxNonces = 8192;          // remembered for the clock window, twice over; more: 429
    double perAddressBurst = 20;      // requests at once from one address,
    double perAddressPerSecond = 5;   // then this many a second
    double allBurst = 60;             // and from every address together
    double allPerSecond = 20;
    size_t maxAddresses = 1024;       // buckets kept; refilled ones are forgotten first
};

struct Verdict {
    int status = 0;      // 0: go on; else the HTTP status to answer (401, 429)
    std::string error;   // for the answer and the log
    [[nodiscard]] bool ok() const noexcept { return status == 0; }
};

class QueueGuard {
public:
    // `keyHex`: 64 hex digits. Throws std::invalid_argument for anything else.
    QueueGuard(std::string keyHex, GuardLimits limits = {});

    // Counts a request from `address` against the buckets; 429 when either is empty.
    [[nodiscard]] Verdict admit(const std::string& address, int64_t nowMs);
    // Checks the signature, the clock window and the nonce (remembered only when all else holds).
    [[nodiscard]] Verdict verify(const std::string& method, const std::string& path, const std::string& timestamp, const std::string& nonce,
                                 const std::string& signature, const std::string& body, int64_t nowMs);

private:
    std::string m_key;
    GuardLimits m_limits;
    http::RateLimiter m_rates;
    std::mutex m_mutex;
    std::unordered_set<std::string> m_nonces;
    std::set<std::pair<int64_t, std::string>> m_nonceOrder; // (when it may be forgotten, nonce)
};

// 64 hex digits from `path`, which must be a regular file readable by its owner only; throws
// std::runtime_error naming the file and what is wrong (missing, readable by others, not a key).
[[nodiscard]] std::string readKeyFile(const std::string& path);
// A new key in `path` (mode 0600, written whole); returns it. Throws std::runtime_error.
std::string writeNewKeyFile(const std::string& path);

} // namespace skm::queue
