#pragma once
// Requests per client address, as token buckets: a burst, then a steady rate; and one bucket for all
// addresses together, so that many addresses cannot do what one may not. Thread-safe. The kiosk's
// queue endpoint and the central office's phone questionnaire answer 429 when admit() says no.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace skm::http {

struct RateLimits {
    double perAddressBurst = 20;
    double perAddressPerSecond = 5;
    double allBurst = 60;
    double allPerSecond = 20;
    size_t maxAddresses = 4096; // buckets kept; refilled ones are forgotten first, then newcomers refused
};

class RateLimiter {
public:
    explicit RateLimiter(RateLimits limits = {}) : m_limits(limits) {}
    // Counts a request from `address` at `nowMs`; "" when it may go on, else why not (for a 429).
    [[nodiscard]] std::string admit(const std::string& address, int64_t nowMs);

private:
    struct Bucket {
        double tokens = 0;
        int64_t atMs = 0;
    };
    static bool take(Bucket& b, double burst, double perSecond, int64_t nowMs);

    RateLimits m_limits;
    std::mutex m_mutex;
    std::map<std::string, Bucket> m_addresses;
    Bucket m_all;
    bool m_started = false;
};

} // namespace skm::http
