#pragma once
// The scores written out: JSON (`skm-central report`), the e-Kinerja CSV and a table for a terminal.

#include "scores.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace skm::central {

[[nodiscard]] nlohmann::json scoresJson(const ScoreReport& r);
// The e-Kinerja evidence export: one row per officer and period (docs/reports.md).
[[nodiscard]] std::string scoresCsv(const ScoreReport& r);
// A plain-text table for a terminal.
[[nodiscard]] std::string scoresTable(const ScoreReport& r);

} // namespace skm::central
