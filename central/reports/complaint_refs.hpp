#pragma once
// The rating behind a complaint's reference code (core/complaint_ref.hpp): a citizen quotes
// "SKM-7K3Q-9XM2" to SP4N-LAPOR! or to the office, and the office finds the rating it came from
// (skm-central complaint-ref CODE). The code is a hash of the rating's id, so the search recomputes
// it for every low rating with a reason (about a second a million): nothing extra is stored anywhere.

#include "officers.hpp"

#include <core/sql.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace skm::central {

// The ratings (score 1-2, with reasons) whose reference is `code` (already normalised:
// complaint::normalizeReference), newest first: id, at (local time), device, counter, officer_nip,
// officer_name, unit, service, case, score, reasons, comment, suppressed. Usually one; more only when
// two ratings' 40-bit codes collide. Reads `db` only.
[[nodiscard]] nlohmann::json findComplaintRatings(sql::Connection& db, const std::string& code, const std::map<std::string, OfficerInfo>& officers);

} // namespace skm::central
