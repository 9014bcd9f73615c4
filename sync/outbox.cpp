#include "outbox.hpp"

#include <kiosk/store/record_json.hpp>

#include <map>
#include <string_view>

namespace skm::sync {

static_assert([] {
    for (size_t k = 0; k < kOutboxKinds.size(); ++k) {
        if (std::string_view(kOutboxKinds[k].key) != store::kUnsentKinds[k].key || std::string_view(kOutboxKinds[k].table) != store::kUnsentKinds[k].table) return false;
    }
    return kOutboxKinds.size() == store::kUnsentKinds.size();
}(), "the outbox carries the store's unsent kinds, in the same order");

size_t OutboxBatch::size() const
{
    size_t n = 0;
    for (const auto& v : items) n += v.size();
    return n;
}

std::pair<OutboxBatch, OutboxBatch> OutboxBatch::halves() const
{
    std::pair<OutboxBatch, OutboxBatch> out;
    for (size_t k = 0; k < items.size(); ++k) {
        const auto& v = items[k];
        const size_t half = v.size() / 2;
        out.first.items[k].assign(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(half));
        out.second.items[k].assign(v.begin() + static_cast<std::ptrdiff_t>(half), v.end());
    }
    // Every kind with one item would go to the second half; move the first such to the first half so
    // that neither half is empty.
    if (out.first.size() == 0) {
        for (size_t k = 0; k < items.size(); ++k) {
            if (!out.second.items[k].empty()) {
                out.first.items[k].push_back(out.second.items[k].front());
                out.second.items[k].erase(out.second.items[k].begin());
                break;
            }
        }
    }
    return out;
}

OutboxBatch selectPending(store::Database& db, int64_t perKind)
{
    OutboxBatch b;
    for (size_t k = 0; k < kOutboxKinds.size(); ++k) {
        for (store::RecordJson& r : store::selectRecordsJson(db, k, store::Unsent::Pending, perKind)) {
            b.items[k].push_back({std::move(r.id), r.rev, std::move(r.json)});
        }
    }
    return b;
}

MarkCounts markAnswers(store::Database& db, const OutboxBatch& batch, const nlohmann::json& response, const std::string& batchId, int64_t nowMs)
{
    MarkCounts counts;
    store::Transaction tx(db);
    std::string message;
    if (int rc = tx.begin(&message); rc != SQLITE_OK) throw store::SqliteError(rc, "cannot start marking: " + message);
    for (size_t k = 0; k < kOutboxKinds.size(); ++k) {
        const OutboxKind& kind = kOutboxKinds[k];
        const auto it = response.find(kind.answers);
        if (batch.items[k].empty() || it == response.end() || !it->is_array()) continue;
        const bool isRating = k == 0;
        const std::string table = kind.table;
        const std::string revCheck = k == 3 ? "" : " AND rev = ?4";
        store::Statement sent(db, isRating ? "UPDATE ratings SET upload_status = 'sent', sent_at_ms = ?2, batch_id = ?3, attempts = attempts + 1, last_error = NULL"
                                             " WHERE id = ?1 AND upload_status = 'pending' AND rev = ?4"
                                           : "UPDATE " + table + " SET upload_status = 'sent', last_error = NULL WHERE id = ?1 AND upload_status = 'pending'" + revCheck);
        store::Statement rejected(db, isRating ? "UPDATE ratings SET upload_status = 'rejected', last_error = ?2, batch_id = ?3, attempts = attempts + 1"
                                                 " WHERE id = ?1 AND upload_status = 'pending' AND rev = ?4"
                                               : "UPDATE " + table + " SET upload_status = 'rejected', last_error = ?2 WHERE id = ?1 AND upload_status = 'pending'" + revCheck);
        std::map<std::string, int64_t> revs;
        for (const OutboxItem& item : batch.items[k]) revs[item.id] = item.rev;
        for (const nlohmann::json& r : *it) {
            if (!r.is_object() || !r.contains("id") || !r["id"].is_string()) continue;
            const auto rev = revs.find(r["id"].get<std::string>());
            if (rev == revs.end()) continue; // not an item of this batch
            const std::string status = r.value("status", "");
            store::Statement* st = nullptr;
            std::string second;
            if (status == "stored" || status == "duplicate" || status == "updated") {
                st = &sent;
            } else if (status == "rejected") {
                st = &rejected; // kept, with the reason, shown on the admin screen; never deleted
                second = r.value("reason", "rejected by the central office");
            } else if (status == "conflict") {
                // Final: the office keeps the version it has and this one beside it; sending it again
                // would change nothing. Kept as rejected with the reason, like a refusal.
                st = &rejected;
                second = "conflict: " + r.value("reason", "the central office holds another version of this record");
            } else {
                continue; // a status this kiosk does not know: left pending, tried again
            }
            ++counts.answered;
            st->reset();
            st->bind(1, std::string_view(rev->first));
            if (st == &sent && isRating) st->bind(2, nowMs);
            else if (st == &rejected) st->bind(2, std::string_view(second));
            if (isRating) st->bind(3, std::string_view(batchId));
            if (k != 3) st->bind(4, rev->second);
            (void)st->next();
            const int64_t changed = sqlite3_changes(db.handle());
            int64_t& target = st == &sent ? (isRating ? counts.ratingsSent : counts.eventsSent) : (isRating ? counts.ratingsRejected : counts.eventsRejected);
            target += changed;
            if (changed > 0 && status == "conflict") counts.conflicts.push_back({kind.key, rev->first, second});
        }
    }
    if (int rc = tx.commit(&message); rc != SQLITE_OK) throw store::SqliteError(rc, "marking did not commit: " + message);
    return counts;
}

int64_t pendingEvents(store::Database& db) { return store::countRecords(db, "pending"); }

} // namespace skm::sync
