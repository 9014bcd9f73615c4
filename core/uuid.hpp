#pragma once
// UUID version 7 (RFC 9562): a 48-bit Unix-millisecond timestamp, then a 42-bit counter (RFC 9562
// section 6.2, method 1: fixed-length dedicated counter) seeded at random each millisecond, then
// 32 random bits. Ids from one generator are strictly increasing, also when the wall clock steps
// back; ids from different processes (restarts) are unique through the 73 random bits per millisecond.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace skm::store {

struct Uuid {
    std::array<uint8_t, 16> bytes{};

    // Canonical lower-case 8-4-4-4-12 form; its string order equals the byte order.
    [[nodiscard]] std::string str() const;
    [[nodiscard]] int64_t unixMs() const;
    [[nodiscard]] int version() const { return bytes[6] >> 4; }
    [[nodiscard]] int variant() const { return bytes[8] >> 6; } // 0b10 for RFC 9562
    // Parses the canonical form; nullopt for anything else.
    [[nodiscard]] static std::optional<Uuid> parse(std::string_view text);
    auto operator<=>(const Uuid&) const = default;
};

class UuidV7Generator {
public:
    using RandomFn = std::function<void(uint8_t* out, size_t len)>;
    // `random` defaults to libsodium's CSPRNG; tests may inject their own.
    explicit UuidV7Generator(RandomFn random = {});

    // The next id for wall-clock time `unixMs`. Not thread-safe: one generator per writer.
    [[nodiscard]] Uuid next(int64_t unixMs);

private:
    void reseed();

    RandomFn m_random;
    int64_t m_lastMs = -1;
    uint64_t m_counter = 0;
};

} // namespace skm::store
