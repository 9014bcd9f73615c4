#pragma once
// Scores from what the kiosks uploaded (issue 7): per officer, unit, service and counter over a
// period — the number of ratings, the distribution over the four faces, the quick-rating index
// (mean x 25) with its mutu, the IKM from complete surveys, the cases logged, the share of cases
// rated, and whether the ratings reach the Krejcie-Morgan sample size for the cases logged.
// Suppressed presses and counter-level ratings are counted and shown, but kept out of officer scores.

#include <store/db.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

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

// Parses "day:YYYY-MM-DD", "month:YYYY-MM", "quarter:YYYY-Qn", "year:YYYY" or "YYYY-MM-DD..YYYY-MM-DD"
// (inclusive), in the server's local time. nullopt (and `error` set) when it is none of these.
[[nodiscard]] std::optional<Period> parsePeriod(const std::string& text, std::string* error);

struct OfficerInfo {
    std::string name;
    std::string unit;
};
// NIP -> name and unit, from the rosters published to the devices (publish/roster.toml and
// publish/devices/*/roster.toml).
[[nodiscard]] std::map<std::string, OfficerInfo> publishedOfficers(const std::filesystem::path& dataDir);

struct Score {
    int64_t ratings = 0;                 // counted: not suppressed (and, for officers, tied to a case)
    std::array<int64_t, 4> faces{};      // ratings with score 1, 2, 3, 4
    std::optional<double> index;         // mean x 25, two decimals
    std::optional<char> mutu;            // A-D
    int64_t suppressed = 0;              // shown, not counted
    int64_t counterLevel = 0;            // ratings with no officer (counters, units: shown)
    int64_t casesLogged = 0;
    int64_t casesRated = 0;
    std::optional<double> shareRated;    // casesRated / casesLogged
    int64_t sampleSize = 0;              // Krejcie-Morgan for casesLogged
    bool sampleSufficient = false;       // ratings >= sampleSize (and at least one case)
    int64_t surveyResponses = 0;         // complete
    std::optional<double> ikm;           // converted (25-100), from complete surveys
    std::optional<char> ikmMutu;
    std::array<std::optional<double>, 9> nrr{}; // NRR per unsur from the complete surveys
    std::map<std::string, int64_t> reasonsLow;  // reason code -> times chosen after a 1 or 2
    std::map<std::string, int64_t> reasonsHigh; // after a 3 or 4
};

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
[[nodiscard]] nlohmann::json listComments(store::Database& db, const Period& period, const std::map<std::string, OfficerInfo>& officers,
                                          const CommentFilter& filter);

// Integrity signals, shown beside the scores and never applied to them (docs/reports.md):
struct OfficerSignals {
    int64_t fastTopAfterCase = 0;     // 4s tapped within 2 s of the officer handing the case over
    int64_t longestEqualRun = 0;      // the longest run of ratings at identical intervals (±1 s)
    int64_t withoutCase = 0;          // ratings carrying the officer's NIP but no case
    std::vector<std::string> devicesWithChainProblems; // devices the officer was rated on whose chain has gaps or breaks
    [[nodiscard]] std::vector<std::string> flags() const;
};

struct DeviceSignals {
    int64_t clockJumps = 0;           // consecutive ratings of one boot whose wall-clock step differs from the monotonic one by > 60 s
    int64_t counterLevel = 0;         // ratings with no case (counter-level) in the period
    int64_t chainGaps = 0, chainBreaks = 0, chainRestarts = 0; // over all time (skm-central report's chain check)
};

struct OfficerScore {
    std::string nip;
    std::string name;  // "" if the published roster does not know the NIP
    std::string unit;
    Score score;
    OfficerSignals signals;
};

struct ScoreReport {
    Period period;
    std::vector<OfficerScore> officers;   // every officer of the roster, and any other NIP with data
    std::map<std::string, Score> units;
    std::map<std::string, Score> services;
    std::map<std::string, Score> counters; // "DEVICE/COUNTER"
    Score office;                          // everything
    std::map<std::string, DeviceSignals> devices;
    // Over all time, beside the figures: re-sent records refused as conflicts (both versions kept), and
    // ratings stored with an implausible time (the device's clock) (central_store.hpp).
    int64_t ingestConflicts = 0;
    int64_t timeSuspectRatings = 0;
};

// The quick-rating index month by month: the `months` calendar months ending with the one `period`
// starts in, for the given officers (empty: everyone), suppressed presses left out.
struct TrendPoint {
    std::string label; // YYYY-MM
    int64_t ratings = 0;
    std::optional<double> index;
};
[[nodiscard]] std::vector<TrendPoint> monthlyTrend(store::Database& db, const Period& period, const std::vector<std::string>& nips, int months = 6);

[[nodiscard]] ScoreReport computeScores(store::Database& db, const Period& period, const std::map<std::string, OfficerInfo>& officers);

[[nodiscard]] nlohmann::json scoresJson(const ScoreReport& r);
// The e-Kinerja evidence export: one row per officer and period (docs/report-formats.md).
[[nodiscard]] std::string scoresCsv(const ScoreReport& r);
// A plain-text table for a terminal.
[[nodiscard]] std::string scoresTable(const ScoreReport& r);

} // namespace skm::central
