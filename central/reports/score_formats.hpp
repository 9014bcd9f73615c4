#pragma once
// The scores written out: JSON (`skm-central report`), the e-Kinerja CSV and a table for a terminal.

#include "scores.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace skm::central {

[[nodiscard]] nlohmann::json scoresJson(const ScoreReport& r);
// The IKM from the period's complete responses: {"complete_responses", "incomplete_responses"
// (`incomplete`, incompleteResponses()), "overall", "by_unit": {UNIT: ikmJson}, "by_service": {CODE:
// ikmJson}}, from the same tallies as the scores. Units and services with responses only; responses
// with no officer are listed under "(tanpa petugas)", with no service under "(tidak diketahui)"; an
// officer the roster does not know is in "(unit tidak diketahui)".
[[nodiscard]] nlohmann::json surveyIkmJson(const ScoreReport& r, int64_t incomplete);
// The e-Kinerja evidence export: one row per officer and period (docs/reports.md).
[[nodiscard]] std::string scoresCsv(const ScoreReport& r);
// A plain-text table for a terminal.
[[nodiscard]] std::string scoresTable(const ScoreReport& r);

} // namespace skm::central
