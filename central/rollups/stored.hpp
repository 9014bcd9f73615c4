#pragma once
// The rollups as stored (rollups.hpp), inside central/rollups: their four kinds of table, each by day
// and by calendar month; read back and added up by grouped SQL; the monthly tables recomputed from the
// daily ones.

#include "rollups.hpp"

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace skm::central::rollup {

// One kind of rollup row: its daily and its monthly table, its key columns, its value columns and how
// they add up over days (a sum; the longest run: the maximum).
struct Kind {
    std::string day, month, keys, values, sums;
};
// groups, reasons, runs, devices: in the order readStored() fills a Slice.
[[nodiscard]] const std::vector<Kind>& kinds();

// Where a read takes its rows from: ranges of days of the daily tables and a range of months of the
// monthly ones; of one device, or ("") of all.
struct Source {
    std::vector<std::pair<int64_t, int64_t>> days;
    std::optional<std::pair<int64_t, int64_t>> months;
    std::string device;
};
// The days [firstDay, lastDay]: the whole months inside them from the monthly tables, the days left at
// either end from the daily ones.
[[nodiscard]] Source cover(int64_t firstDay, int64_t lastDay);

// The rows of `from` added up: per day or month number (perBucket; days and months of one Source must
// then not be mixed), or all of them under the key 0.
[[nodiscard]] std::map<int64_t, Slice> readStored(sql::Connection& db, const Source& from, bool perBucket);

// Recomputes the monthly rows of `months` from the daily ones, of one device or ("") of all.
void writeMonths(sql::Connection& db, const std::string& device, const std::set<int64_t>& months);
// Recomputes every monthly row from the daily ones and marks them built (rollup_meta.months_built).
void buildMonths(sql::Connection& db);

// floor(a / b), for negative a too.
[[nodiscard]] int64_t floorDiv(__int128 a, int64_t b);
// A month number as "YYYY-MM".
[[nodiscard]] std::string monthLabel(int64_t month);

// The day offset of rollup_meta, or an error when the rollups were never built.
[[nodiscard]] int64_t requireOffset(sql::Connection& db);

} // namespace skm::central::rollup
