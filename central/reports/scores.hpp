#pragma once
// Scores from what the kiosks uploaded (issue 7): per officer, unit, service and counter over a
// period — the number of ratings, the distribution over the four faces, the quick-rating index
// (mean x 25) with its mutu, the IKM from complete surveys, the cases logged, the share of cases
// rated, and whether the ratings reach the Krejcie-Morgan sample size for the cases logged.
// Suppressed presses and counter-level ratings are counted and shown, but kept out of officer scores.

#include "chain_check.hpp"
#include "officers.hpp"
#include "period.hpp"
#include "signals.hpp"
#include "survey_ikm.hpp"

#include <core/sql.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace skm::central {

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
    bool sampleSufficient = false;       // ratings >= sampleSize (and at least one case): the quick index's
    int64_t surveyResponses = 0;         // complete
    IkmTally surveyTally;                // their answers, unsur by unsur (ikmJson prints it)
    // The IKM (9 unsur) from the complete surveys, as core/ikm.hpp computes and prints it: NRR to 4
    // decimals, NRR tertimbang to 6, their sum (1-4), the converted score (25-100).
    std::optional<double> ikm;           // converted (25-100)
    std::optional<char> ikmMutu;
    std::optional<double> ikmUnits;      // Σ NRR tertimbang (1-4)
    std::array<std::optional<double>, 9> nrr{};         // NRR per unsur
    std::array<std::optional<double>, 9> nrrWeighted{}; // NRR tertimbang per unsur
    // The IKM's sample: complete responses against Krejcie-Morgan for the population of service users
    // (the cases logged; never the face taps).
    int64_t ikmSampleSize = 0;
    bool ikmSampleSufficient = false;    // surveyResponses >= ikmSampleSize (and a population to judge by)
    // Session-level ratings (scope 'session'; an office's [officer] session_ratings): a tap during an
    // officer's session with no case open. Their own figure, never in `ratings`, `faces` or `index`.
    int64_t sessionRatings = 0;
    std::array<int64_t, 4> sessionFaces{};
    std::optional<double> sessionIndex;  // mean x 25, two decimals
    std::optional<char> sessionMutu;
    std::map<std::string, int64_t> reasonsLow;  // reason code -> times chosen after a 1 or 2
    std::map<std::string, int64_t> reasonsHigh; // after a 3 or 4
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
    ikm::Weighting weighting = ikm::Weighting::Exact; // the office's (survey.toml [ikm] weighting)
    std::vector<OfficerScore> officers;   // every officer of the roster, and any other NIP with data
    std::map<std::string, Score> units;
    std::map<std::string, Score> services;
    std::map<std::string, Score> counters; // "DEVICE/COUNTER"
    std::map<std::pair<std::string, std::string>, Score> unitServices; // (unit, service): a unit's services, for its laporan
    Score office;                          // everything
    std::map<std::string, DeviceSignals> devices;
    // The complete responses the groups above cannot show: those with no officer (not in any unit)
    // and those with no service (not in any service). The IKM report lists them apart.
    IkmTally surveysWithoutOfficer;
    IkmTally surveysWithoutService;
    // Over all time, beside the figures: re-sent records refused as conflicts (both versions kept), and
    // ratings stored with an implausible time (the device's clock) (central_store.hpp).
    int64_t ingestConflicts = 0;
    int64_t timeSuspectRatings = 0;
};

// Reads `db` (a read-only connection is enough) once per kind of record in `period`. The devices'
// chain checks come from `chains` (made there if not yet). IKMs are weighed by `weighting` (the
// office's: publishedSurvey(dataDir).weighting).
[[nodiscard]] ScoreReport computeScores(sql::Connection& db, const Period& period, const std::map<std::string, OfficerInfo>& officers, ChainChecks& chains,
                                        ikm::Weighting weighting);
[[nodiscard]] ScoreReport computeScores(sql::Connection& db, const Period& period, const std::map<std::string, OfficerInfo>& officers, ikm::Weighting weighting);

} // namespace skm::central
