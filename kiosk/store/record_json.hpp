#pragma once
// The rows bound for the central office, of every kind, as the JSON items an upload carries
// (docs/sync-protocol.md): ratings, officer sessions with their events, cases, audit events and
// finished survey responses. One field list per kind, used by the upload (sync/outbox.cpp) and by the
// USB export (export.cpp), so that a record reaches the central office the same by either way, and a
// record that arrives by both is a duplicate there.

#include <core/db.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace skm::store {

struct UnsentKind {
    const char* key;   // the array in an upload body, and a record's kind in an export file
    const char* table; // the kiosk's table
};
// In the order an upload and an export carry them.
inline constexpr std::array<UnsentKind, 5> kUnsentKinds = {{
    {"ratings", "ratings"},
    {"sessions", "officer_sessions"},
    {"cases", "cases"},
    {"audit", "audit_events"},
    {"surveys", "survey_responses"}, // finished ones only (complete or incomplete)
}};

struct RecordJson {
    std::string id;
    int64_t rev = 0;                      // the row's revision when read (audit events have none: 0)
    std::string uploadStatus;             // pending or rejected
    std::optional<std::string> lastError; // a rejected row's reason
    nlohmann::json json;                  // the item as uploaded
};

enum class Unsent {
    Pending,            // what an upload sends
    PendingAndRejected, // what an export carries: everything the central office has not accepted
};

// The rows of kUnsentKinds[kind] that are `which`, oldest first, at most `limit` (-1: all). Survey
// responses still in progress are never selected. Throws SqliteError.
[[nodiscard]] std::vector<RecordJson> selectRecordsJson(Database& db, size_t kind, Unsent which, int64_t limit = -1);

// How many rows of the kinds beside the ratings (kUnsentKinds[1..]) have upload_status `status`
// ("pending" or "rejected"), counted as selectRecordsJson selects them (survey responses still in
// progress are not counted): the one count behind skm-sync's events_pending_left and the admin
// screen's line. Throws SqliteError.
[[nodiscard]] int64_t countRecords(Database& db, const std::string& status);

} // namespace skm::store
