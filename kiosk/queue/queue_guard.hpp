#pragma once
// Who may call the kiosk's queue-system endpoint, and how often (docs/queue-integration.md):
// - every request is signed: X-SKM-Timestamp (Unix seconds), X-SKM-Nonce (16 to 64 of A-Z a-z 0-9 _ -)
//   and X-SKM-Signature, the HMAC-SHA256 (hex) under the key the technician set, of the sync
//   protocol's canonical request (method, path, timestamp, nonce and the SHA-256 of the body, one per
//   line: core/protocol.hpp). A timestamp more than five minutes off, or a nonce seen before, is
//   refused: a captured request cannot be played again;
// - a signed request is checked first (an HMAC over at most 4 KiB); signed requests and refused ones
//   draw on separate buckets (per client address, a burst then a steady rate, and one for all
//   addresses together), so a flood without the key never makes the queue PC's calls 429, and a
//   holder of the key cannot flood either. Refusals beyond their budget are answered 429 unlogged.
// - the nonces accepted are kept in a file (DATA_DIR/queue-nonces) for the clock window, so that a
//   request captured before a restart of the kiosk is refused after it too.
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

    // Keeps the accepted nonces in `file` too (read back now, appended as they come): "" none (tests).
    void persistNonces(const std::string& file, int64_t nowMs);
    // Counts a signed request from `address` against its buckets; 429 when either is empty.
    [[nodiscard]] Verdict admit(const std::string& address, int64_t nowMs);
    // Counts a refused one against theirs: false when beyond it (answer 429, log nothing).
    [[nodiscard]] bool admitRefusal(const std::string& address, int64_t nowMs);
    // Checks the signature, the clock window and the nonce (remembered only when all else holds).
    [[nodiscard]] Verdict verify(const std::string& method, const std::string& path, const std::string& timestamp, const std::string& nonce,
                                 const std::string& signature, const std::string& body, int64_t nowMs);
    // One request, whole: verify(), then the signed or the refused budget.
    [[nodiscard]] Verdict check(const std::string& address, const std::string& method, const std::string& path, const std::string& timestamp,
                                const std::string& nonce, const std::string& signature, const std::string& body, int64_t nowMs);

private:
    std::string m_key;
    GuardLimits m_limits;
    http::RateLimiter m_rates;
    http::RateLimiter m_refusals;
    std::string m_nonceFile;
    size_t m_nonceLines = 0;
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
