#include "queue_guard.hpp"

#include <core/protocol.hpp>

#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace skm::queue {

namespace {
bool isHexKey(const std::string& s)
{
    return s.size() == 64 && s.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
}
} // namespace

QueueGuard::QueueGuard(std::string keyHex, GuardLimits limits)
    : m_key(std::move(keyHex)), m_limits(limits),
      m_rates(http::RateLimits{limits.perAddressBurst, limits.perAddressPerSecond, limits.allBurst, limits.allPerSecond, limits.maxAddresses}),
      m_refusals(http::RateLimits{limits.perAddressBurst, limits.perAddressPerSecond, limits.allBurst, limits.allPerSecond, limits.maxAddresses})
{
    if (!isHexKey(m_key)) throw std::invalid_argument("the queue key must be 64 hex digits");
}

Verdict QueueGuard::admit(const std::string& address, int64_t nowMs)
{
    if (std::string why = m_rates.admit(address, nowMs); !why.empty()) return {429, why};
    return {};
}

bool QueueGuard::admitRefusal(const std::string& address, int64_t nowMs) { return m_refusals.admit(address, nowMs).empty(); }

Verdict QueueGuard::check(const std::string& address, const std::string& method, const std::string& path, const std::string& timestamp,
                          const std::string& nonce, const std::string& signature, const std::string& body, int64_t nowMs)
{
    Verdict v = verify(method, path, timestamp, nonce, signature, body, nowMs);
    if (!v.ok()) {
        if (!admitRefusal(address, nowMs)) return {429, "too many refused requests from " + address + "; slow down"};
        return v;
    }
    return admit(address, nowMs);
}

void QueueGuard::persistNonces(const std::string& file, int64_t nowMs)
{
    std::lock_guard lock(m_mutex);
    m_nonceFile = file;
    std::ifstream in(file);
    int64_t until = 0;
    std::string nonce;
    const int64_t nowS = nowMs / 1000;
    while (in >> until >> nonce) {
        if (until < nowS || nonce.size() > 64 || m_nonces.count(nonce)) continue;
        m_nonces.insert(nonce);
        m_nonceOrder.emplace(until, nonce);
    }
    // Written again with only the live ones.
    std::ofstream out(file + ".tmp", std::ios::trunc);
    for (const auto& [u, n] : m_nonceOrder) out << u << ' ' << n << '\n';
    out.close();
    if (out) std::rename((file + ".tmp").c_str(), file.c_str());
    m_nonceLines = m_nonceOrder.size();
}

Verdict QueueGuard::verify(const std::string& method, const std::string& path, const std::string& timestamp, const std::string& nonce,
                           const std::string& signature, const std::string& body, int64_t nowMs)
{
    if (timestamp.empty() || nonce.empty() || signature.empty()) return {401, "X-SKM-Timestamp, X-SKM-Nonce and X-SKM-Signature are required"};
    if (timestamp.size() > 12 || timestamp.find_first_not_of("0123456789") != std::string::npos) return {401, "X-SKM-Timestamp must be Unix seconds"};
    if (nonce.size() < 16 || nonce.size() > 64 ||
        nonce.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos) {
        return {401, "X-SKM-Nonce must be 16 to 64 of A-Z, a-z, 0-9, _ and -"};
    }
    const int64_t ts = std::stoll(timestamp);
    if (!protocol::verify(m_key, protocol::canonicalRequest(method, path, ts, nonce, body), signature)) {
        return {401, "the signature does not match (wrong key, or the request was altered)"};
    }
    const int64_t nowS = nowMs / 1000;
    if (ts < nowS - m_limits.clockWindowSeconds || ts > nowS + m_limits.clockWindowSeconds) {
        return {401, "X-SKM-Timestamp is more than " + std::to_string(m_limits.clockWindowSeconds) + " s from the kiosk's clock (" + std::to_string(nowS) + ")"};
    }
    std::lock_guard lock(m_mutex);
    while (!m_nonceOrder.empty() && m_nonceOrder.begin()->first < nowS) {
        m_nonces.erase(m_nonceOrder.begin()->second);
        m_nonceOrder.erase(m_nonceOrder.begin());
    }
    if (m_nonces.count(nonce)) return {401, "this nonce was used before: a request is never accepted twice"};
    if (m_nonces.size() >= m_limits.maxNonces) return {429, "too many requests in the last minutes; try again later"};
    m_nonces.insert(nonce);
    // Kept until its timestamp can no longer be within the window.
    const int64_t until = std::max(ts, nowS) + m_limits.clockWindowSeconds;
    m_nonceOrder.emplace(until, nonce);
    if (!m_nonceFile.empty()) {
        // Appended before the call is applied: a restart right after it still knows the nonce. When
        // the file holds four times the live nonces it is written again with those alone.
        if (m_nonceLines > 4 * m_nonceOrder.size() + 64) {
            std::ofstream out(m_nonceFile + ".tmp", std::ios::trunc);
            for (const auto& [u, n] : m_nonceOrder) out << u << ' ' << n << '\n';
            out.close();
            if (out) std::rename((m_nonceFile + ".tmp").c_str(), m_nonceFile.c_str());
            m_nonceLines = m_nonceOrder.size();
        } else {
            std::ofstream out(m_nonceFile, std::ios::app);
            out << until << ' ' << nonce << '\n';
            ++m_nonceLines;
        }
    }
    return {};
}

std::string readKeyFile(const std::string& path)
{
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0) {
        throw std::runtime_error("the queue key " + path + " cannot be read: " + std::strerror(errno) + " (make one with: skm-kiosk queue-key)");
    }
    if (!S_ISREG(st.st_mode)) throw std::runtime_error("the queue key " + path + " is not a file");
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        throw std::runtime_error("the queue key " + path + " is readable by others (chmod 600 " + path + ")");
    }
    std::ifstream in(path);
    std::string key;
    if (!(in >> key) || !isHexKey(key)) throw std::runtime_error("the queue key " + path + " must hold 64 hex digits");
    return key;
}

std::string writeNewKeyFile(const std::string& path)
{
    const std::string key = protocol::newSecret();
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
    const std::string text = key + "\n";
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!written || ::rename(tmp.c_str(), path.c_str()) != 0) {
        ::unlink(tmp.c_str());
        throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    }
    return key;
}

} // namespace skm::queue
