#pragma once
// The IKM of Permen PANRB 14/2017 from the complete survey responses the kiosks uploaded: the tally of
// answers per unsur, and the report per unit and per service for `skm-central report`. The one place
// a response's answers are read; the scores (scores.hpp) tally them with IkmTally::add too.

#include "officers.hpp"

#include <core/db.hpp>
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
};

// {"responses", "nrr": {"U1": NRR or null, ...}, "ikm", "converted", "mutu", "mutu_label"}
[[nodiscard]] nlohmann::json ikmJson(const IkmTally& t);

// The IKM from the complete responses started in [fromMs, toMs): {"complete_responses",
// "incomplete_responses", "overall", "by_unit": {UNIT: ikmJson}, "by_service": {CODE: ikmJson}}; the
// unit is the officer's in `officers` ("(tanpa petugas)" for none, "(unit tidak diketahui)" for an
// officer the roster does not know).
[[nodiscard]] nlohmann::json surveyIkmReport(store::Database& db, const std::map<std::string, OfficerInfo>& officers, int64_t fromMs, int64_t toMs);

} // namespace skm::central
