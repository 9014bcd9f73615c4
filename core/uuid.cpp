#include "uuid.hpp"

#include <sodium.h>

#include <stdexcept>

namespace skm::store {

namespace {
constexpr uint64_t kCounterBits = 42;
constexpr uint64_t kCounterMax = (uint64_t{1} << kCounterBits) - 1;

int hexValue(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
} // namespace

std::string Uuid::str() const
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(36);
    for (size_t i = 0; i < bytes.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
        out.push_back(digits[bytes[i] >> 4]);
        out.push_back(digits[bytes[i] & 0x0f]);
    }
    return out;
}

int64_t Uuid::unixMs() const
{
    int64_t ms = 0;
    for (int i = 0; i < 6; ++i) ms = (ms << 8) | bytes[i];
    return ms;
}

std::optional<Uuid> Uuid::parse(std::string_view text)
{
    if (text.size() != 36) return std::nullopt;
    Uuid u;
    size_t b = 0;
    for (size_t i = 0; i < text.size();) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (text[i] != '-') return std::nullopt;
            ++i;
            continue;
        }
        int hi = hexValue(text[i]);
        int lo = hexValue(text[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        u.bytes[b++] = static_cast<uint8_t>(hi << 4 | lo);
        i += 2;
    }
    return u;
}

UuidV7Generator::UuidV7Generator(RandomFn random) : m_random(std::move(random))
{
    if (!m_random) {
        if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
        m_random = [](uint8_t* out, size_t len) { randombytes_buf(out, len); };
    }
}

void UuidV7Generator::reseed()
{
    uint8_t r[8];
    m_random(r, sizeof r);
    uint64_t v = 0;
    for (uint8_t byte : r) v = (v << 8) | byte;
    // The counter's top bit starts at zero so that at least 2^41 increments fit in one millisecond
    // (RFC 9562 section 6.2, "counter rollover guards").
    m_counter = v & (kCounterMax >> 1);
}

Uuid UuidV7Generator::next(int64_t unixMs)
{
    if (unixMs < 0) unixMs = 0;
    if (unixMs > m_lastMs) {
        m_lastMs = unixMs;
        reseed();
    } else if (m_counter < kCounterMax) {
        // Same millisecond, or the clock stepped back: keep the last timestamp and count on,
        // so ids stay strictly increasing (RFC 9562 section 6.2).
        ++m_counter;
    } else {
        ++m_lastMs; // counter exhausted: borrow the next millisecond
        reseed();
    }

    Uuid u;
    const uint64_t ms = static_cast<uint64_t>(m_lastMs) & 0xFFFF'FFFF'FFFFull;
    for (int i = 0; i < 6; ++i) u.bytes[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
    const uint64_t c = m_counter;
    u.bytes[6] = static_cast<uint8_t>(0x70 | ((c >> 38) & 0x0f));
    u.bytes[7] = static_cast<uint8_t>(c >> 30);
    u.bytes[8] = static_cast<uint8_t>(0x80 | ((c >> 24) & 0x3f));
    u.bytes[9] = static_cast<uint8_t>(c >> 16);
    u.bytes[10] = static_cast<uint8_t>(c >> 8);
    u.bytes[11] = static_cast<uint8_t>(c);
    m_random(u.bytes.data() + 12, 4);
    return u;
}

} // namespace skm::store
