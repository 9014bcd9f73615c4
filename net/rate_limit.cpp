#include "rate_limit.hpp"

#include <algorithm>
#include <iterator>

namespace skm::http {

bool RateLimiter::take(Bucket& b, double burst, double perSecond, int64_t nowMs)
{
    if (nowMs > b.atMs) b.tokens = std::min(burst, b.tokens + static_cast<double>(nowMs - b.atMs) * perSecond / 1000.0);
    b.atMs = std::max(b.atMs, nowMs);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
}

std::string RateLimiter::admit(const std::string& address, int64_t nowMs)
{
    std::lock_guard lock(m_mutex);
    if (!m_started) {
        m_all = {m_limits.allBurst, nowMs};
        m_started = true;
    }
    auto it = m_addresses.find(address);
    if (it == m_addresses.end()) {
        if (m_addresses.size() >= m_limits.maxAddresses) {
            // Forget the buckets that have refilled (they hold nothing against anybody); if none has,
            // a flood from many addresses goes on: refuse the newcomer.
            for (auto i = m_addresses.begin(); i != m_addresses.end();) {
                Bucket probe = i->second;
                (void)take(probe, m_limits.perAddressBurst, m_limits.perAddressPerSecond, nowMs);
                i = probe.tokens + 1 >= m_limits.perAddressBurst ? m_addresses.erase(i) : std::next(i);
            }
            if (m_addresses.size() >= m_limits.maxAddresses) return "too many clients at once; try again later";
        }
        it = m_addresses.emplace(address, Bucket{m_limits.perAddressBurst, nowMs}).first;
    }
    if (!take(it->second, m_limits.perAddressBurst, m_limits.perAddressPerSecond, nowMs)) return "too many requests from " + address + "; slow down";
    if (!take(m_all, m_limits.allBurst, m_limits.allPerSecond, nowMs)) return "too many requests; try again later";
    return {};
}

} // namespace skm::http
