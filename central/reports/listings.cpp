#include "listings.hpp"

#include <core/ikm.hpp>

#include <algorithm>
#include <ctime>

namespace skm::central {

std::vector<std::pair<std::string, int64_t>> topReasons(const std::map<std::string, int64_t>& counts, size_t limit)
{
    std::vector<std::pair<std::string, int64_t>> v(counts.begin(), counts.end());
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
    if (v.size() > limit) v.resize(limit);
    return v;
}

nlohmann::json listComments(store::Database& db, const Period& period, const std::map<std::string, OfficerInfo>& officers, const CommentFilter& filter)
{
    store::Statement q(db, "SELECT id, device_id, counter, coalesce(officer_nip, ''), coalesce(service_code, ''), score, coalesce(reasons, ''), comment,"
                           " created_wall_ms FROM ratings WHERE comment IS NOT NULL AND comment <> '' AND suppressed = 0"
                           " AND created_wall_ms >= ?1 AND created_wall_ms < ?2"
                           " AND (?3 = '' OR officer_nip = ?3) AND (?4 = '' OR instr(lower(comment), lower(?4)) > 0)"
                           " ORDER BY created_wall_ms DESC");
    q.bind(1, period.fromMs);
    q.bind(2, period.toMs);
    q.bind(3, std::string_view(filter.officerNip));
    q.bind(4, std::string_view(filter.search));
    nlohmann::json out = nlohmann::json::array();
    while (q.next() && out.size() < filter.limit) {
        const std::string nip = q.columnText(3);
        const auto it = officers.find(nip);
        const std::string unit = nip.empty() ? "" : it != officers.end() ? it->second.unit : "(unit tidak diketahui)";
        if (!filter.unit.empty() && unit != filter.unit) continue;
        const nlohmann::json reasons = nlohmann::json::parse(q.columnText(6).empty() ? "null" : q.columnText(6), nullptr, false);
        const time_t sec = static_cast<time_t>(q.columnInt(8) / 1000);
        std::tm t{};
        localtime_r(&sec, &t);
        char when[32];
        std::strftime(when, sizeof when, "%Y-%m-%d %H:%M", &t);
        out.push_back({{"id", q.columnText(0)}, {"at", when}, {"device", q.columnText(1)}, {"counter", q.columnText(2)},
                       {"officer_nip", nip.empty() ? nlohmann::json(nullptr) : nlohmann::json(nip)},
                       {"officer_name", it != officers.end() ? nlohmann::json(it->second.name) : nlohmann::json(nullptr)},
                       {"unit", unit.empty() ? nlohmann::json(nullptr) : nlohmann::json(unit)},
                       {"service", q.columnText(4).empty() ? nlohmann::json(nullptr) : nlohmann::json(q.columnText(4))}, {"score", q.columnInt(5)},
                       {"reasons", reasons.is_discarded() ? nlohmann::json(nullptr) : reasons}, {"comment", q.columnText(7)}});
    }
    return out;
}

namespace {
// `officers`: nullptr for everyone.
std::vector<TrendPoint> trend(store::Database& db, const Period& period, const std::vector<std::string>* officers, int months)
{
    const time_t start = static_cast<time_t>(period.fromMs / 1000);
    std::tm t{};
    localtime_r(&start, &t);
    std::vector<TrendPoint> out;
    std::string inList;
    const std::vector<std::string> none;
    const std::vector<std::string>& nips = officers ? *officers : none;
    for (const auto& n : nips) {
        // Only well-formed NIPs (digits) go into the statement's text; anything else cannot be an officer's.
        if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos) continue;
        inList += (inList.empty() ? "'" : ",'") + n + "'";
    }
    if (officers && inList.empty()) inList = "''"; // nobody (or only malformed NIPs): no ratings
    for (int k = months - 1; k >= 0; --k) {
        const int64_t from = localMidnight(t.tm_year + 1900, t.tm_mon + 1 - k, 1);
        const int64_t to = localMidnight(t.tm_year + 1900, t.tm_mon + 2 - k, 1);
        std::string sql = "SELECT count(*), coalesce(sum(score), 0) FROM ratings WHERE created_wall_ms >= ?1 AND created_wall_ms < ?2 AND suppressed = 0";
        if (officers) sql += " AND officer_nip IN (" + inList + ")";
        store::Statement q(db, sql);
        q.bind(1, from);
        q.bind(2, to);
        (void)q.next();
        TrendPoint p;
        p.label = localDate(from).substr(0, 7);
        p.ratings = q.columnInt(0);
        const ikm::Index x = ikm::quickIndex(ikm::Tally{p.ratings, q.columnInt(1)});
        p.index = x.converted;
        out.push_back(p);
    }
    return out;
}
} // namespace

std::vector<TrendPoint> monthlyTrend(store::Database& db, const Period& period, const std::vector<std::string>& nips, int months)
{
    return trend(db, period, &nips, months);
}

std::vector<TrendPoint> monthlyTrendAll(store::Database& db, const Period& period, int months) { return trend(db, period, nullptr, months); }

} // namespace skm::central
