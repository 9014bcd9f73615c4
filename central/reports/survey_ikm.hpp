#pragma once
// The IKM of Permen PANRB 14/2017 from the complete survey responses the kiosks uploaded: the tally of
// answers per unsur (IkmTally: the one place a response's answers are read) and its JSON. The scores
// (scores.hpp) tally every group's responses with it; `skm-central report`'s "ikm" object is made from
// those tallies (surveyIkmJson, score_formats.hpp).

#include <core/sql.hpp>
#include <core/ikm.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <string>

namespace skm::central {

struct IkmTally {
    std::array<ikm::Tally, ikm::kUnsurCount> unsur{};
    int64_t responses = 0;
    // Counts one complete response from its uploaded body ({"answers": {"U1": 1-4, ...}}). False (and
    // nothing counted) for a body without an answers object.
    bool add(const nlohmann::json& body);
    // Adds another tally's responses and answers.
    void merge(const IkmTally& other);
};

// The names of the two measures, on every output: the faces' mean × 25, and the SKM's IKM.
inline constexpr const char* kQuickIndexName = "Indeks penilaian cepat";
inline constexpr const char* kIkmName = "IKM (9 unsur)";

// {"measure": "IKM (9 unsur)", "weighting": "exact"|"0.111", "weight": "1/9"|"0.111", "responses",
//  "unsur": [{"code": "U1", "name": "Persyaratan", "answers", "sum", "nrr", "nrr_weighted"}, ... nine],
//  "nrr": {"U1": NRR or null, ...}, "nrr_weighted": {...}, "ikm" (Σ NRR tertimbang, 1-4), "converted",
//  "mutu", "mutu_label"}: every figure as core/ikm.hpp prints it, so the table recomputes to "converted".
[[nodiscard]] nlohmann::json ikmJson(const IkmTally& t, ikm::Weighting weighting);

// The responses started in [fromMs, toMs) that were left incomplete (they count for nothing else).
[[nodiscard]] int64_t incompleteResponses(sql::Connection& db, int64_t fromMs, int64_t toMs);

} // namespace skm::central
