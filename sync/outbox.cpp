#include "outbox.hpp"

#include <store/rating_json.hpp>

#include <map>

namespace skm::sync {

namespace {

nlohmann::json textOrNull(const store::Statement& st, int col) { return st.columnIsNull(col) ? nlohmann::json(nullptr) : nlohmann::json(st.columnText(col)); }
nlohmann::json intOrNull(const store::Statement& st, int col) { return st.columnIsNull(col) ? nlohmann::json(nullptr) : nlohmann::json(st.columnInt(col)); }
nlohmann::json jsonText(const store::Statement& st, int col)
{
    nlohmann::json j = nlohmann::json::parse(st.columnText(col), nullptr, false);
    return j.is_discarded() ? nlohmann::json::object() : j;
}

std::vector<OutboxItem> ratings(store::Database& db, int64_t limit)
{
    std::vector<OutboxItem> out;
    for (store::RatingJson& r : store::selectRatingsJson(db, "upload_status = 'pending'", limit)) {
        r.json.erase("upload_status");
        r.json.erase("last_error");
        out.push_back({r.json["id"].get<std::string>(), r.rev, std::move(r.json)});
    }
    return out;
}

std::vector<OutboxItem> sessions(store::Database& db, int64_t limit)
{
    std::vector<OutboxItem> out;
    store::Statement st(db, "SELECT id, rev, nip, counter, boot_id, started_wall_ms, started_mono_ms, state, ended_wall_ms, end_reason"
                            " FROM officer_sessions WHERE upload_status = 'pending' ORDER BY started_wall_ms, id LIMIT ?1");
    store::Statement ev(db, "SELECT kind, at_wall_ms, at_mono_ms, detail FROM session_events WHERE session_id = ?1 ORDER BY seq");
    st.bind(1, limit);
    while (st.next()) {
        nlohmann::json events = nlohmann::json::array();
        ev.reset();
        ev.bind(1, std::string_view(st.columnText(0)));
        while (ev.next()) events.push_back({{"kind", ev.columnText(0)}, {"at_wall_ms", ev.columnInt(1)}, {"at_mono_ms", ev.columnInt(2)}, {"detail", jsonText(ev, 3)}});
        out.push_back({st.columnText(0), st.columnInt(1),
                       {{"id", st.columnText(0)}, {"nip", st.columnText(2)}, {"counter", st.columnText(3)}, {"boot_id", st.columnText(4)},
                        {"started_wall_ms", st.columnInt(5)}, {"started_mono_ms", st.columnInt(6)}, {"state", st.columnText(7)},
                        {"ended_wall_ms", intOrNull(st, 8)}, {"end_reason", textOrNull(st, 9)}, {"events", events}}});
    }
    return out;
}

std::vector<OutboxItem> cases(store::Database& db, int64_t limit)
{
    std::vector<OutboxItem> out;
    store::Statement st(db, "SELECT id, rev, session_id, nip, counter, service_code, ticket, boot_id, opened_wall_ms, opened_mono_ms, status,"
                            " close_reason, rating_id, closed_wall_ms FROM cases WHERE upload_status = 'pending' ORDER BY opened_wall_ms, id LIMIT ?1");
    st.bind(1, limit);
    while (st.next()) {
        out.push_back({st.columnText(0), st.columnInt(1),
                       {{"id", st.columnText(0)}, {"session_id", st.columnText(2)}, {"nip", st.columnText(3)}, {"counter", st.columnText(4)},
                        {"service_code", st.columnText(5)}, {"ticket", textOrNull(st, 6)}, {"boot_id", st.columnText(7)},
                        {"opened_wall_ms", st.columnInt(8)}, {"opened_mono_ms", st.columnInt(9)}, {"status", st.columnText(10)},
                        {"close_reason", textOrNull(st, 11)}, {"rating_id", textOrNull(st, 12)}, {"closed_wall_ms", intOrNull(st, 13)}}});
    }
    return out;
}

std::vector<OutboxItem> audit(store::Database& db, int64_t limit)
{
    std::vector<OutboxItem> out;
    store::Statement st(db, "SELECT id, at_wall_ms, at_mono_ms, boot_id, kind, nip, detail FROM audit_events WHERE upload_status = 'pending' ORDER BY seq LIMIT ?1");
    st.bind(1, limit);
    while (st.next()) {
        out.push_back({st.columnText(0), 0,
                       {{"id", st.columnText(0)}, {"at_wall_ms", st.columnInt(1)}, {"at_mono_ms", st.columnInt(2)}, {"boot_id", st.columnText(3)},
                        {"kind", st.columnText(4)}, {"nip", textOrNull(st, 5)}, {"detail", jsonText(st, 6)}}});
    }
    return out;
}

std::vector<OutboxItem> surveys(store::Database& db, int64_t limit)
{
    std::vector<OutboxItem> out;
    store::Statement st(db, "SELECT id, rev, survey_version, counter, boot_id, started_wall_ms, started_mono_ms, language, service_code, officer_nip,"
                            " case_id, status, finished_wall_ms FROM survey_responses"
                            " WHERE upload_status = 'pending' AND status <> 'in_progress' ORDER BY started_wall_ms, id LIMIT ?1");
    store::Statement ans(db, "SELECT item, value FROM survey_answers WHERE response_id = ?1 ORDER BY item");
    st.bind(1, limit);
    while (st.next()) {
        nlohmann::json answers = nlohmann::json::object(), profile = nlohmann::json::object();
        ans.reset();
        ans.bind(1, std::string_view(st.columnText(0)));
        while (ans.next()) {
            const std::string item = ans.columnText(0), value = ans.columnText(1);
            const bool unsur = item.size() == 2 && item[0] == 'U' && item[1] >= '1' && item[1] <= '9';
            if (unsur) answers[item] = std::stoi(value);
            else profile[item] = value;
        }
        out.push_back({st.columnText(0), st.columnInt(1),
                       {{"id", st.columnText(0)}, {"survey_version", st.columnText(2)}, {"counter", st.columnText(3)}, {"boot_id", st.columnText(4)},
                        {"started_wall_ms", st.columnInt(5)}, {"started_mono_ms", st.columnInt(6)}, {"language", st.columnText(7)},
                        {"service_code", textOrNull(st, 8)}, {"officer_nip", textOrNull(st, 9)}, {"case_id", textOrNull(st, 10)},
                        {"status", st.columnText(11)}, {"finished_wall_ms", intOrNull(st, 12)}, {"answers", answers}, {"profile", profile}}});
    }
    return out;
}

} // namespace

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
    b.items[0] = ratings(db, perKind);
    b.items[1] = sessions(db, perKind);
    b.items[2] = cases(db, perKind);
    b.items[3] = audit(db, perKind);
    b.items[4] = surveys(db, perKind);
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

int64_t pendingEvents(store::Database& db)
{
    return db.queryInt("SELECT (SELECT count(*) FROM officer_sessions WHERE upload_status = 'pending') + (SELECT count(*) FROM cases WHERE upload_status = 'pending')"
                       " + (SELECT count(*) FROM audit_events WHERE upload_status = 'pending')"
                       " + (SELECT count(*) FROM survey_responses WHERE upload_status = 'pending' AND status <> 'in_progress')");
}

} // namespace skm::sync
