#include "clock.hpp"

#include <sodium.h>

#include <ctime>
#include <fstream>

namespace skm::store {

namespace {
int64_t readClockMs(clockid_t id)
{
    timespec ts{};
    clock_gettime(id, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}
} // namespace

int64_t SystemClock::wallMs() const { return readClockMs(CLOCK_REALTIME); }
int64_t SystemClock::monoMs() const { return readClockMs(CLOCK_BOOTTIME); }

const SystemClock& SystemClock::instance()
{
    static const SystemClock clock;
    return clock;
}

const std::string& bootId()
{
    static const std::string id = [] {
        std::ifstream in("/proc/sys/kernel/random/boot_id");
        std::string line;
        if (in && std::getline(in, line) && line.size() == 36) return line;
        unsigned char raw[16];
        randombytes_buf(raw, sizeof raw);
        char hex[33];
        sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
        return "proc-" + std::string(hex);
    }();
    return id;
}

std::string isoUtc(int64_t wallMs)
{
    time_t secs = static_cast<time_t>(wallMs / 1000);
    tm utc{};
    gmtime_r(&secs, &utc);
    char buf[40];
    size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
    snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(wallMs % 1000));
    return buf;
}

std::string fileStampUtc(int64_t wallMs)
{
    time_t secs = static_cast<time_t>(wallMs / 1000);
    tm utc{};
    gmtime_r(&secs, &utc);
    char buf[32];
    strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &utc);
    return buf;
}

} // namespace skm::store
