#pragma once
// A rating row as JSON: the one field list used by the export file and the sync upload
// (docs/export-format.md and docs/sync-protocol.md describe it field by field).

#include <core/db.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace skm::store {

struct RatingJson {
    int64_t seq = 0;
    int64_t rev = 0; // the row's revision: it is marked sent only if still this one
    nlohmann::json json;
};

// Ratings matching `where` (an SQL condition on the ratings table, e.g. "upload_status = 'pending'"),
// in commit order, at most `limit` (-1: all). Throws SqliteError.
[[nodiscard]] std::vector<RatingJson> selectRatingsJson(Database& db, const std::string& where, int64_t limit = -1);

} // namespace skm::store
