// UUIDv7 (RFC 9562): layout, order and uniqueness.

#include <core/clock.hpp>
#include <core/uuid.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <unordered_set>

using namespace skm::store;

TEST_CASE("a UUIDv7 carries its millisecond timestamp, version 7 and the RFC variant", "[uuid]")
{
    UuidV7Generator gen;
    const Uuid u = gen.next(0x0190'A1B2'C3D4);
    CHECK(u.version() == 7);
    CHECK(u.variant() == 2);
    CHECK(u.unixMs() == 0x0190'A1B2'C3D4);
    const std::string s = u.str();
    CHECK(s.size() == 36);
    CHECK(s.substr(0, 13) == "0190a1b2-c3d4");
    CHECK(s[14] == '7');
    CHECK(std::string("89ab").find(s[19]) != std::string::npos);
    const auto back = Uuid::parse(s);
    REQUIRE(back);
    CHECK(*back == u);
    CHECK_FALSE(Uuid::parse("not-a-uuid"));
    CHECK_FALSE(Uuid::parse("0190a1b2-c3d4-7xyz-8000-000000000000"));
}

TEST_CASE("one million ids from the real clock are strictly increasing and unique", "[uuid]")
{
    UuidV7Generator gen;
    const Clock& clock = SystemClock::instance();
    std::vector<std::string> ids;
    ids.reserve(1'000'000);
    for (int i = 0; i < 1'000'000; ++i) ids.push_back(gen.next(clock.wallMs()).str());
    size_t outOfOrder = 0;
    for (size_t i = 1; i < ids.size(); ++i) outOfOrder += ids[i - 1] < ids[i] ? 0 : 1;
    CHECK(outOfOrder == 0);
    std::unordered_set<std::string> unique(ids.begin(), ids.end());
    CHECK(unique.size() == ids.size());
}

TEST_CASE("ids stay strictly increasing within one millisecond and when the clock steps back", "[uuid]")
{
    UuidV7Generator gen;
    std::vector<Uuid> ids;
    for (int i = 0; i < 10'000; ++i) ids.push_back(gen.next(5'000)); // a frozen clock
    for (int i = 0; i < 10'000; ++i) ids.push_back(gen.next(4'000)); // stepped back (NTP correction)
    for (int i = 0; i < 10; ++i) ids.push_back(gen.next(6'000));
    CHECK(std::is_sorted(ids.begin(), ids.end(), [](const Uuid& a, const Uuid& b) { return a < b; }));
    CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
    CHECK(ids[19'999].unixMs() == 5'000); // kept the last timestamp rather than going back
    CHECK(ids.back().unixMs() == 6'000);
}

TEST_CASE("ids are unique across restarts in the same millisecond", "[uuid]")
{
    // Each generator stands for one process start; a kiosk without RTC may restart into the same
    // wall-clock millisecond. The random counter seed and tail keep the ids apart.
    std::unordered_set<std::string> all;
    size_t made = 0;
    for (int restart = 0; restart < 200; ++restart) {
        UuidV7Generator gen;
        for (int i = 0; i < 500; ++i, ++made) all.insert(gen.next(1'700'000'000'000).str());
    }
    CHECK(all.size() == made);
}

TEST_CASE("the counter is seeded with its top bit clear, leaving room for 2^41 ids per millisecond", "[uuid]")
{
    // RFC 9562 section 6.2 "counter rollover guards": even the largest random seed (all ones) leaves
    // the counter's top bit zero, so a millisecond holds at least 2^41 increments before the
    // generator has to borrow the next millisecond.
    UuidV7Generator gen([](uint8_t* out, size_t n) { std::fill(out, out + n, 0xFF); });
    const Uuid u = gen.next(1'000);
    CHECK((u.bytes[6] & 0x08) == 0); // the counter's top bit (bit 41) is zero after seeding
    CHECK(u.unixMs() == 1'000);
}
