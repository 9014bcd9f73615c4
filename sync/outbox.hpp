#pragma once
// The upload outbox: the rows of the kiosk's store that the central office has not acknowledged, of
// every kind that travels (ratings, officer sessions with their events, cases, audit events, finished
// survey responses), as the JSON items of an upload (docs/sync-protocol.md; the field lists are
// store/record_json.hpp's, which the USB export uses too), and the marking of the server's answers.

#include <core/db.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <string>
#include <vector>

namespace skm::sync {

struct OutboxKind {
    const char* key;      // the array in the request body
    const char* answers;  // the array of answers in the response
    const char* table;
};
inline constexpr std::array<OutboxKind, 5> kOutboxKinds = {{
    {"ratings", "results", "ratings"},
    {"sessions", "sessions", "officer_sessions"},
    {"cases", "cases", "cases"},
    {"audit", "audit", "audit_events"},
    {"surveys", "surveys", "survey_responses"}, // finished ones only (complete or incomplete)
}};

struct OutboxItem {
    std::string id;
    int64_t rev = 0;     // the row's revision when read: it is marked only if still this one
    nlohmann::json json; // the item as uploaded
};

// One request's worth: items[k] are of kOutboxKinds[k].
struct OutboxBatch {
    std::array<std::vector<OutboxItem>, kOutboxKinds.size()> items;
    [[nodiscard]] size_t size() const;
    // Two batches of about half each (every kind split in halves).
    [[nodiscard]] std::pair<OutboxBatch, OutboxBatch> halves() const;
};

// The pending rows, oldest first, at most `perKind` of each kind.
[[nodiscard]] OutboxBatch selectPending(store::Database& db, int64_t perKind);

// A record the central office already holds in another version that it will not replace (history is
// append-only there): the answer `conflict`, final for this version of the record.
struct MarkedConflict {
    std::string kind;   // kOutboxKinds[k].key
    std::string id;
    std::string reason; // the central office's: which fields differ
};

struct MarkCounts {
    int64_t ratingsSent = 0, ratingsRejected = 0, eventsSent = 0, eventsRejected = 0; // rejected includes conflicts
    int64_t answered = 0; // answers that named an item of the batch, marked or not
    std::vector<MarkedConflict> conflicts; // the rows marked rejected for a conflict
};

// Marks the answers to `batch` (the response's arrays by kOutboxKinds[k].answers) in one transaction:
// stored/duplicate/updated -> sent; rejected -> rejected with the reason, conflict -> rejected with
// "conflict: " and the reason (kept, never deleted, not sent again unless the row changes); an
// unknown status leaves the row pending. A row changed since it was read (its rev moved on) stays
// pending, so the change goes up next time.
MarkCounts markAnswers(store::Database& db, const OutboxBatch& batch, const nlohmann::json& response, const std::string& batchId, int64_t nowMs);

// Pending rows of the kinds other than ratings.
[[nodiscard]] int64_t pendingEvents(store::Database& db);

} // namespace skm::sync
