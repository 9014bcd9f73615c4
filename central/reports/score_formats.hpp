#pragma once
// The scores written out: JSON (`skm-central report`), the e-Kinerja CSV and a table for a terminal.

#include "scores.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace skm::central {

[[nodiscard]] nlohmann::json scoresJson(const ScoreReport& r);
// The IKM from the period's complete responses: {"complete_responses", "incomplete_responses"
// (`incomplete`, incompleteResponses()), "overall", "by_unit": {UNIT: ikmJson}, "by_service": {CODE:
// ikmJson}}, from the same tallies as the scores. Units and services with responses only; responses
// with no officer are listed under "(tanpa petugas)", with no service under "(tidak diketahui)"; an
// officer the roster does not know is in "(unit tidak diketahui)".
[[nodiscard]] nlohmann::json surveyIkmJson(const ScoreReport& r, int64_t incomplete);
// The groups with complete responses the IKM is listed for: units (those with no officer under
// "(tanpa petugas)") or services (with none under "(tidak diketahui)"), by name.
struct IkmGroup {
    enum class Scope { Unit, Service } scope;
    std::string name;
    IkmTally tally;
};
[[nodiscard]] std::vector<IkmGroup> ikmGroups(const ScoreReport& r, IkmGroup::Scope scope);
// The IKM's processed data table (`report --format ikm-csv`): one row per group (the office, each unit,
// each service) and unsur, with the unsur's code and name, its answers, NRR, weight, NRR tertimbang, and
// the group's IKM, converted score and mutu on every row (docs/reports.md).
[[nodiscard]] std::string ikmCsv(const ScoreReport& r);
// The e-Kinerja evidence export: one row per officer and period (docs/reports.md).
[[nodiscard]] std::string scoresCsv(const ScoreReport& r);
// A plain-text table for a terminal.
[[nodiscard]] std::string scoresTable(const ScoreReport& r);

} // namespace skm::central
