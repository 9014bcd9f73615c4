#pragma once
// The periods reports are asked for, in the server's local time: a day, a month, a quarter, a year or
// a range of days, as [fromMs, toMs) in Unix ms.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace skm::central {

// [fromMs, toMs) in Unix ms, with the label it was asked by ("2026-11", "2026-Q4", "2026-11-01..2026-11-30").
struct Period {
    int64_t fromMs = 0;
    int64_t toMs = 0;
    std::string label;
};

// "YYYY-MM-DD" of the local day holding `ms`; "" for an open end (<= 0 or the int64 maximum).
[[nodiscard]] std::string localDate(int64_t ms);

// The local calendar day "YYYY-MM-DD" as [its midnight, the next day's midnight) in Unix ms;
// nullopt if it is not a real day (2026-02-30 is not).
[[nodiscard]] std::optional<std::pair<int64_t, int64_t>> localDay(const std::string& text);

// Parses "day:YYYY-MM-DD", "month:YYYY-MM", "quarter:YYYY-Qn", "semester:YYYY-Sn" (S1 January-June,
// S2 July-December), "year:YYYY", each also without its prefix ("2026-S1"), or "YYYY-MM-DD..YYYY-MM-DD"
// (inclusive), in the server's local time. The label is the text as given. nullopt (and `error` set)
// when it is none of these.
[[nodiscard]] std::optional<Period> parsePeriod(const std::string& text, std::string* error);

// Local midnight of a calendar day, in Unix ms (month and day overflow are normalised: month 13 is
// January of the next year, day 0 the last day of the month before).
[[nodiscard]] int64_t localMidnight(int year, int month, int day);

} // namespace skm::central
