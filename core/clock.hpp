#pragma once
// Time sources. Kiosks often boot without a real-time clock, so every event records the wall clock
// (which may be wrong until NTP) together with a monotonic clock and the boot it belongs to.

#include <cstdint>
#include <string>

namespace skm::store {

class Clock {
public:
    virtual ~Clock() = default;
    // Milliseconds since the Unix epoch (CLOCK_REALTIME); may jump.
    [[nodiscard]] virtual int64_t wallMs() const = 0;
    // Milliseconds since boot, counting suspend (CLOCK_BOOTTIME); never goes back within one boot.
    [[nodiscard]] virtual int64_t monoMs() const = 0;
};

class SystemClock final : public Clock {
public:
    [[nodiscard]] int64_t wallMs() const override;
    [[nodiscard]] int64_t monoMs() const override;
    // The process-wide instance.
    static const SystemClock& instance();
};

// A clock that tests set by hand.
class ManualClock final : public Clock {
public:
    explicit ManualClock(int64_t wallMs = 1'764'000'000'000, int64_t monoMs = 1'000) : m_wall(wallMs), m_mono(monoMs) {}
    [[nodiscard]] int64_t wallMs() const override { return m_wall; }
    [[nodiscard]] int64_t monoMs() const override { return m_mono; }
    void advance(int64_t ms) { m_wall += ms; m_mono += ms; }
    void setWall(int64_t ms) { m_wall = ms; }

private:
    int64_t m_wall;
    int64_t m_mono;
};

// The kernel's id of the current boot (/proc/sys/kernel/random/boot_id). Where the kernel has none,
// a random id made once per process, prefixed "proc-" so that it is never mistaken for a boot id.
[[nodiscard]] const std::string& bootId();

// "2026-11-29T18:01:02.345Z" for a wall-clock millisecond value.
[[nodiscard]] std::string isoUtc(int64_t wallMs);
// "20261129T180102Z": the same, compact, for file names.
[[nodiscard]] std::string fileStampUtc(int64_t wallMs);

} // namespace skm::store
