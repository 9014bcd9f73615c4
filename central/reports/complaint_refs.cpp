#include "complaint_refs.hpp"

#include <core/complaint_ref.hpp>

#include <ctime>

namespace skm::central {

nlohmann::json findComplaintRatings(sql::Connection& db, const std::string& code, const std::map<std::string, OfficerInfo>& officers)
{
    nlohmann::json out = nlohmann::json::array();
    // Only a low score with a reason can have shown a hand-off (the kiosk offers it after one).
    db.each("SELECT id, created_wall_ms, device_id, counter, coalesce(officer_nip, ''), coalesce(service_code, ''), coalesce(case_id, ''), score,"
            " coalesce(reasons, ''), coalesce(comment, ''), suppressed FROM ratings WHERE score <= 2 AND reasons IS NOT NULL AND reasons <> ''"
            " ORDER BY created_wall_ms DESC, id DESC",
            {}, [&](const sql::Row& q) {
        const std::string id = q.text(0);
        if (complaint::referenceFor(id) != code) return;
        const std::string nip = q.text(4);
        const auto it = officers.find(nip);
        const time_t sec = static_cast<time_t>(q.integer(1) / 1000);
        std::tm t{};
        localtime_r(&sec, &t);
        char when[32];
        std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &t);
        const nlohmann::json reasons = nlohmann::json::parse(q.text(8), nullptr, false);
        auto orNull = [](const std::string& v) { return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v); };
        out.push_back({{"reference", code}, {"id", id}, {"at", when}, {"device", q.text(2)}, {"counter", q.text(3)}, {"officer_nip", orNull(nip)},
                       {"officer_name", it != officers.end() ? nlohmann::json(it->second.name) : nlohmann::json(nullptr)},
                       {"unit", it != officers.end() ? nlohmann::json(it->second.unit) : nlohmann::json(nullptr)}, {"service", orNull(q.text(5))},
                       {"case", orNull(q.text(6))}, {"score", q.integer(7)}, {"reasons", reasons.is_discarded() ? nlohmann::json(nullptr) : reasons},
                       {"comment", orNull(q.text(9))}, {"suppressed", q.integer(10) != 0}});
    });
    return out;
}

} // namespace skm::central
