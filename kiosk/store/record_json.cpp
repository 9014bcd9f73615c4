#include "record_json.hpp"

#include "rating_json.hpp"
#include "survey_store.hpp"

#include <core/protocol.hpp>

#include <string_view>

namespace skm::store {

static_assert(std::size(protocol::kItemKinds) == kUnsentKinds.size());
static_assert([] {
    for (size_t k = 0; k < kUnsentKinds.size(); ++k) {
        if (std::string_view(kUnsentKinds[k].key) != protocol::kItemKinds[k]) return false;
    }
    return true;
}(), "the kinds of record the store selects are the protocol's, in its order");

namespace {

nlohmann::json textOrNull(const Statement& st, int col) { return st.columnIsNull(col) ? nlohmann::json(nullptr) : nlohmann::json(st.columnText(col)); }
nlohmann::json intOrNull(const Statement& st, int col) { return st.columnIsNull(col) ? nlohmann::json(nullptr) : nlohmann::json(st.columnInt(col)); }
nlohmann::json jsonText(const Statement& st, int col)
{
    nlohmann::json j = nlohmann::json::parse(st.columnText(col), nullptr, false);
    return j.is_discarded() ? nlohmann::json::object() : j;
}
std::optional<std::string> optText(const Statement& st, int col) { return st.columnIsNull(col) ? std::nullopt : std::optional<std::string>(st.columnText(col)); }

std::string statusIn(Unsent which)
{
    return which == Unsent::Pending ? "upload_status = 'pending'" : "upload_status IN ('pending', 'rejected')";
}

std::vector<RecordJson> ratings(Database& db, Unsent which, int64_t limit)
{
    std::vector<RecordJson> out;
    for (RatingJson& r : selectRatingsJson(db, statusIn(which), limit)) {
        RecordJson rec;
        rec.id = r.json["id"].get<std::string>();
        rec.rev = r.rev;
        rec.uploadStatus = r.json["upload_status"].get<std::string>();
        if (r.json["last_error"].is_string()) rec.lastError = r.json["last_error"].get<std::string>();
        r.json.erase("upload_status");
        r.json.erase("last_error");
        rec.json = std::move(r.json);
        out.push_back(std::move(rec));
    }
    return out;
}

std::vector<RecordJson> sessions(Database& db, Unsent which, int64_t limit)
{
    std::vector<RecordJson> out;
    Statement st(db, "SELECT id, rev, nip, counter, boot_id, started_wall_ms, started_mono_ms, state, ended_wall_ms, end_reason, upload_status, last_error"
                     " FROM officer_sessions WHERE " + statusIn(which) + " ORDER BY started_wall_ms, id LIMIT ?1");
    Statement ev(db, "SELECT kind, at_wall_ms, at_mono_ms, detail FROM session_events WHERE session_id = ?1 ORDER BY seq");
    st.bind(1, limit);
    while (st.next()) {
        nlohmann::json events = nlohmann::json::array();
        ev.reset();
        ev.bind(1, std::string_view(st.columnText(0)));
        while (ev.next()) events.push_back({{"kind", ev.columnText(0)}, {"at_wall_ms", ev.columnInt(1)}, {"at_mono_ms", ev.columnInt(2)}, {"detail", jsonText(ev, 3)}});
        out.push_back({st.columnText(0), st.columnInt(1), st.columnText(10), optText(st, 11),
                       {{"id", st.columnText(0)}, {"nip", st.columnText(2)}, {"counter", st.columnText(3)}, {"boot_id", st.columnText(4)},
                        {"started_wall_ms", st.columnInt(5)}, {"started_mono_ms", st.columnInt(6)}, {"state", st.columnText(7)},
                        {"ended_wall_ms", intOrNull(st, 8)}, {"end_reason", textOrNull(st, 9)}, {"events", events}}});
    }
    return out;
}

std::vector<RecordJson> cases(Database& db, Unsent which, int64_t limit)
{
    std::vector<RecordJson> out;
    Statement st(db, "SELECT id, rev, session_id, nip, counter, service_code, ticket, boot_id, opened_wall_ms, opened_mono_ms, status,"
                     " close_reason, rating_id, closed_wall_ms, upload_status, last_error, source FROM cases WHERE " + statusIn(which) +
                         " ORDER BY opened_wall_ms, id LIMIT ?1");
    st.bind(1, limit);
    while (st.next()) {
        out.push_back({st.columnText(0), st.columnInt(1), st.columnText(14), optText(st, 15),
                       {{"id", st.columnText(0)}, {"session_id", textOrNull(st, 2)}, {"nip", textOrNull(st, 3)}, {"counter", st.columnText(4)},
                        {"service_code", st.columnText(5)}, {"ticket", textOrNull(st, 6)}, {"boot_id", st.columnText(7)},
                        {"opened_wall_ms", st.columnInt(8)}, {"opened_mono_ms", st.columnInt(9)}, {"status", st.columnText(10)},
                        {"close_reason", textOrNull(st, 11)}, {"rating_id", textOrNull(st, 12)}, {"closed_wall_ms", intOrNull(st, 13)},
                        {"source", st.columnText(16)}}});
    }
    return out;
}

std::vector<RecordJson> audit(Database& db, Unsent which, int64_t limit)
{
    std::vector<RecordJson> out;
    Statement st(db, "SELECT id, at_wall_ms, at_mono_ms, boot_id, kind, nip, detail, upload_status, last_error FROM audit_events WHERE " + statusIn(which) +
                         " ORDER BY seq LIMIT ?1");
    st.bind(1, limit);
    while (st.next()) {
        out.push_back({st.columnText(0), 0, st.columnText(7), optText(st, 8),
                       {{"id", st.columnText(0)}, {"at_wall_ms", st.columnInt(1)}, {"at_mono_ms", st.columnInt(2)}, {"boot_id", st.columnText(3)},
                        {"kind", st.columnText(4)}, {"nip", textOrNull(st, 5)}, {"detail", jsonText(st, 6)}}});
    }
    return out;
}

std::vector<RecordJson> surveys(Database& db, Unsent which, int64_t limit)
{
    std::vector<RecordJson> out;
    Statement st(db, "SELECT id, rev, survey_version, counter, boot_id, started_wall_ms, started_mono_ms, language, service_code, officer_nip,"
                     " case_id, status, finished_wall_ms, upload_status, last_error FROM survey_responses"
                     " WHERE " + statusIn(which) + " AND " + kSurveyClosed + " ORDER BY started_wall_ms, id LIMIT ?1");
    Statement ans(db, "SELECT item, value FROM survey_answers WHERE response_id = ?1 ORDER BY item");
    st.bind(1, limit);
    while (st.next()) {
        nlohmann::json answers = nlohmann::json::object(), profile = nlohmann::json::object(), saran = nullptr;
        ans.reset();
        ans.bind(1, std::string_view(st.columnText(0)));
        while (ans.next()) {
            const std::string item = ans.columnText(0), value = ans.columnText(1);
            const bool unsur = item.size() == 2 && item[0] == 'U' && item[1] >= '1' && item[1] <= '9';
            if (unsur) answers[item] = std::stoi(value);
            else if (item == "saran") saran = value; // the free-text suggestion
            else profile[item] = value;
        }
        out.push_back({st.columnText(0), st.columnInt(1), st.columnText(13), optText(st, 14),
                       {{"id", st.columnText(0)}, {"survey_version", st.columnText(2)}, {"counter", st.columnText(3)}, {"boot_id", st.columnText(4)},
                        {"started_wall_ms", st.columnInt(5)}, {"started_mono_ms", st.columnInt(6)}, {"language", st.columnText(7)},
                        {"service_code", textOrNull(st, 8)}, {"officer_nip", textOrNull(st, 9)}, {"case_id", textOrNull(st, 10)},
                        {"status", st.columnText(11)}, {"finished_wall_ms", intOrNull(st, 12)}, {"answers", answers}, {"profile", profile}}});
        if (!saran.is_null()) out.back().json["saran"] = saran; // absent when none: what older central offices accept
    }
    return out;
}

} // namespace

std::vector<RecordJson> selectRecordsJson(Database& db, size_t kind, Unsent which, int64_t limit)
{
    switch (kind) {
    case 0: return ratings(db, which, limit);
    case 1: return sessions(db, which, limit);
    case 2: return cases(db, which, limit);
    case 3: return audit(db, which, limit);
    case 4: return surveys(db, which, limit);
    default: return {};
    }
}

int64_t countRecords(Database& db, const std::string& status)
{
    Statement st(db, "SELECT (SELECT count(*) FROM officer_sessions WHERE upload_status = ?1) + (SELECT count(*) FROM cases WHERE upload_status = ?1)"
                     " + (SELECT count(*) FROM audit_events WHERE upload_status = ?1)"
                     " + (SELECT count(*) FROM survey_responses WHERE upload_status = ?1 AND " + kSurveyClosed + ")");
    st.bind(1, std::string_view(status));
    (void)st.next();
    return st.columnInt(0);
}

} // namespace skm::store
