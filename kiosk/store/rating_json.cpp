#include "rating_json.hpp"

namespace skm::store {

namespace {
nlohmann::json textOrNull(const Statement& st, int col) { return st.columnIsNull(col) ? nlohmann::json(nullptr) : nlohmann::json(st.columnText(col)); }
} // namespace

std::vector<RatingJson> selectRatingsJson(Database& db, const std::string& where, int64_t limit)
{
    std::vector<RatingJson> out;
    Statement st(db, "SELECT seq, id, score, created_wall_ms, created_mono_ms, boot_id, device_id, counter, officer_nip, case_id,"
                     " service_code, reasons, comment, suppressed, language, scope, upload_status, last_error, prev_hash, rev FROM ratings WHERE " +
                         where + " ORDER BY seq LIMIT ?1");
    st.bind(1, limit);
    while (st.next()) {
        RatingJson r;
        r.seq = st.columnInt(0);
        r.rev = st.columnInt(19);
        r.json = {
            {"id", st.columnText(1)}, {"score", st.columnInt(2)}, {"created_wall_ms", st.columnInt(3)}, {"created_mono_ms", st.columnInt(4)},
            {"boot_id", st.columnText(5)}, {"device_id", st.columnText(6)}, {"counter", st.columnText(7)}, {"officer_nip", textOrNull(st, 8)},
            {"case_id", textOrNull(st, 9)}, {"service_code", textOrNull(st, 10)},
            {"reasons", st.columnIsNull(11) ? nlohmann::json(nullptr) : nlohmann::json::parse(st.columnText(11), nullptr, false)},
            {"comment", textOrNull(st, 12)}, {"suppressed", st.columnInt(13) != 0}, {"language", st.columnText(14)},
            {"scope", st.columnText(15)}, {"chain_seq", r.seq}, {"prev_hash", textOrNull(st, 18)},
            {"upload_status", st.columnText(16)}, {"last_error", textOrNull(st, 17)},
        };
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace skm::store
