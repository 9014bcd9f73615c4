#pragma once
// What a report page lists beside the scores: the most frequent reasons, the comments left with
// ratings, and the quick-rating index month by month.

#include "officers.hpp"
#include "period.hpp"

#include <core/sql.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace skm::central {

// The `limit` most frequent reasons, most first (ties by code).
[[nodiscard]] std::vector<std::pair<std::string, int64_t>> topReasons(const std::map<std::string, int64_t>& counts, size_t limit = 5);

// Comments left with ratings in a period, newest first, optionally for one officer or unit and
// containing `search` (case-insensitive).
struct CommentFilter {
    std::string officerNip;
    std::string unit;
    std::string search;
    size_t limit = 500;
};
[[nodiscard]] nlohmann::json listComments(sql::Connection& db, const Period& period, const std::map<std::string, OfficerInfo>& officers,
                                          const CommentFilter& filter);

// The quick-rating index month by month: the `months` calendar months ending with the one `period`
// ends in (this month for an open-ended period), suppressed presses left out: of the given officers
// (an empty list: nobody; a unit with no officer in the published roster has no trend), or of
// everyone (monthlyTrendAll).
struct TrendPoint {
    std::string label; // YYYY-MM
    int64_t ratings = 0;
    std::optional<double> index;
};
[[nodiscard]] std::vector<TrendPoint> monthlyTrend(sql::Connection& db, const Period& period, const std::vector<std::string>& nips, int months = 6);
[[nodiscard]] std::vector<TrendPoint> monthlyTrendAll(sql::Connection& db, const Period& period, int months = 6);

} // namespace skm::central
