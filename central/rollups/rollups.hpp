#pragma once
// Daily rollups (issue 18): what the scores, the IKM and the integrity signals need from the records,
// added up per day x device x counter x officer x service (the unit is the officer's, from the roster),
// so that a report's cost grows with the days and groups it covers, not with the ratings. Kept in the
// same database as the records, on both engines, by the ingest: each upload recomputes, inside its own
// transaction and under its device's lock, the days of that device it touched, from the raw rows
// (recomputing, not adding, so an updated reason, a closed case or a re-sent duplicate cannot drift).
// The chain check's state is kept the same way, on the rating: linked, gap or break; and each device's
// chain totals over all time (rollup_chain_totals), so that a report's chain checks read one row a device.
//
// A "day" is the office's local day: floor((ms + offset) / 86 400 000), with the UTC offset fixed in
// rollup_meta when the rollups were first built. A report uses the rollups for the days wholly inside
// its period and the raw rows for any part-day at its ends (a period on another offset, or not cut at
// midnight), so its figures are the raw rows' figures whatever the time zone. The same rows are kept per
// calendar month of those days too (each month's the sums of its days', recomputed with them), so a
// year's report reads twelve months' rows and a month's one month's (central/rollups/stored.hpp).
//
// The one definition of a figure is readRaw(): the refresh, the rebuild, the report's part-days and
// verify() (`skm-central rollups verify`) all add up the raw rows through it.

#include <core/ikm.hpp>
#include <core/sql.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace skm::central::rollup {

inline constexpr int64_t kDayMs = 86'400'000;

// A group: where (device, counter), who (officer NIP, "" for a counter-level record) and what
// (service code, "" for none).
struct Key {
    std::string device, counter, nip, service;
    bool operator<(const Key& o) const { return std::tie(device, counter, nip, service) < std::tie(o.device, o.counter, o.nip, o.service); }
    bool operator==(const Key& o) const { return std::tie(device, counter, nip, service) == std::tie(o.device, o.counter, o.nip, o.service); }
};

// One group's figures over a day (or any days added up).
struct Figures {
    std::array<int64_t, 4> faces{}; // counted (not suppressed) ratings with score 1..4, but for session-level ones:
    // Counted session-level ratings (scope 'session': a tap in an officer's session with no case, when the
    // office counts those, [officer] session_ratings) with score 1..4. Never mixed into `faces`.
    std::array<int64_t, 4> sessionFaces{};
    int64_t suppressed = 0;         // suppressed presses
    int64_t withoutCase = 0;        // counted ratings with an officer but no case
    int64_t fastTop = 0;            // counted 4s with an officer, tapped within 2 s of their case (logged on the same kiosk) being opened
    int64_t casesLogged = 0, casesRated = 0;
    int64_t surveys = 0;            // complete survey responses
    std::array<ikm::Tally, ikm::kUnsurCount> unsur{};
    void add(const Figures& o);
    bool operator==(const Figures& o) const;
};

// A device's day: its chained ratings, the chains begun at position 1, and its clock jumps (a rating
// whose chain predecessor, of the same boot, is further away on the wall clock than on the monotonic
// one by more than 60 s: the clock was set while it ran).
struct DeviceDay {
    int64_t chained = 0, starts = 0, clockJumps = 0;
    void add(const DeviceDay& o);
    bool operator==(const DeviceDay& o) const { return std::tie(chained, starts, clockJumps) == std::tie(o.chained, o.starts, o.clockJumps); }
};

// Everything the reports read, for a day or any set of days added up.
struct Slice {
    std::map<Key, Figures> groups;
    std::map<std::pair<Key, std::string>, std::array<int64_t, 2>> reasons; // (group, reason code) -> chosen after a 1-2, after a 3-4
    std::map<std::pair<std::string, std::string>, int64_t> runs;           // (device, NIP) -> longest run of ratings at identical intervals
    std::map<std::string, DeviceDay> devices;
    void add(const Slice& o); // sums, and the longest run of the two
    bool operator==(const Slice& o) const;
};

// The offset rollup days are cut at, from rollup_meta; nullopt before the first build.
[[nodiscard]] std::optional<int64_t> dayOffsetMs(sql::Connection& db);
[[nodiscard]] int64_t dayOf(int64_t ms, int64_t offsetMs);
[[nodiscard]] int64_t dayStart(int64_t day, int64_t offsetMs); // clamped to int64
// A day's calendar month, (year - 1970) * 12 + (month - 1), and a month's first day.
[[nodiscard]] int64_t monthOfDay(int64_t day);
[[nodiscard]] int64_t monthFirstDay(int64_t month);

// The raw rows' figures in [fromMs, toMs), of one device or ("") all, day by day.
[[nodiscard]] std::map<int64_t, Slice> readRaw(sql::Connection& db, int64_t offsetMs, const std::string& device, int64_t fromMs, int64_t toMs);
// The rollups' figures for the days [firstDay, lastDay] added up, by grouped SQL: the whole calendar
// months among them from the monthly rollups, the other days from the daily ones.
[[nodiscard]] Slice readRollups(sql::Connection& db, int64_t firstDay, int64_t lastDay);
// The figures of [fromMs, toMs): rollups for the whole days, raw rows for the part-days at the ends.
[[nodiscard]] Slice readPeriod(sql::Connection& db, int64_t fromMs, int64_t toMs);

// Counted ratings and the sum of their faces in [fromMs, toMs), of everyone or only of `nips` (the
// monthly trend), the same split as readPeriod.
struct FaceTotal {
    int64_t ratings = 0, sum = 0;
};
[[nodiscard]] FaceTotal faceTotal(sql::Connection& db, int64_t fromMs, int64_t toMs, const std::vector<std::string>* nips);

// What an upload of one device touched, for refresh(): its ratings' chain positions and the times of
// every record it carried.
struct Touched {
    std::vector<int64_t> chainSeqs;
    std::vector<int64_t> times;
    [[nodiscard]] bool empty() const { return chainSeqs.empty() && times.empty(); }
};
// Inside the upload's transaction, holding the device's lock: sets the chain state of the ratings
// whose state the upload may have changed (its own, and each one's successor on the chain), and
// recomputes the rollups of every day of the device those records fall on.
void refresh(sql::Connection& db, const std::string& device, const Touched& touched);
// Recomputes every chain state and every rollup from the raw rows, in the caller's transaction,
// holding every device's lock (uploads wait). Fixes the day offset to the local one when none is set
// (or `offsetMs`). Returns the days built.
int64_t rebuild(sql::Connection& db, std::optional<int64_t> offsetMs = std::nullopt);
// Builds the rollups once, when a database has none yet (a new one, or one from before them); in its
// own transaction; another replica doing it at the same instant waits, then finds it done.
void ensureBuilt(sql::Connection& db);

// What verify() found: the (device, day) pairs whose rollups differ from a recomputation, and the
// ratings whose chain state does.
struct Verification {
    int64_t daysChecked = 0, monthsChecked = 0;
    std::vector<std::pair<std::string, int64_t>> daysDiffering;
    std::vector<std::pair<std::string, int64_t>> monthsDiffering; // (device, month number)
    std::vector<std::string> chainTotalsDiffering; // devices whose rollup_chain_totals row does
    int64_t chainStatesDiffering = 0;
    [[nodiscard]] bool ok() const { return daysDiffering.empty() && monthsDiffering.empty() && chainTotalsDiffering.empty() && chainStatesDiffering == 0; }
};
[[nodiscard]] Verification verify(sql::Connection& db);

// `skm-central rollups verify|rebuild`: prints what it did; returns the exit status.
int runCommand(sql::Connection& db, const std::string& action);

} // namespace skm::central::rollup
