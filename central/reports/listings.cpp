#include "listings.hpp"

#include <central/rollups/rollups.hpp>

#include <core/ikm.hpp>

#include <algorithm>
#include <ctime>
#include <limits>

namespace skm::central {

std::vector<std::pair<std::string, int64_t>> topReasons(const std::map<std::string, int64_t>& counts, size_t limit)
{
    std::vector<std::pair<std::string, int64_t>> v(counts.begin(), counts.end());
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
    if (v.size() > limit) v.resize(limit);
    return v;
}

nlohmann::json listComments(sql::Connection& db, const Period& period, const std::map<std::string, OfficerInfo>& officers, const CommentFilter& filter)
{
    // The search is a substring in any case (each engine's lower() on both sides): LIKE with its
    // wildcards escaped, the same on both engines.
    std::string pattern = "%";
    for (const char ch : filter.search) {
        if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
        pattern += ch;
    }
    pattern += '%';
    nlohmann::json out = nlohmann::json::array();
    db.each("SELECT id, device_id, counter, coalesce(officer_nip, ''), coalesce(service_code, ''), score, coalesce(reasons, ''), comment,"
            " created_wall_ms FROM ratings WHERE comment IS NOT NULL AND comment <> '' AND suppressed = 0"
            " AND created_wall_ms >= $1 AND created_wall_ms < $2"
            " AND ($3 = '' OR officer_nip = $3) AND lower(comment) LIKE lower($4) ESCAPE '\\'"
            " ORDER BY created_wall_ms DESC, id DESC", // the same order on both engines
            {period.fromMs, period.toMs, filter.officerNip, pattern}, [&](const sql::Row& q) {
        if (out.size() >= filter.limit) return;
        const std::string nip = q.text(3);
        const auto it = officers.find(nip);
        const std::string unit = nip.empty() ? "" : it != officers.end() ? it->second.unit : "(unit tidak diketahui)";
        if (!filter.unit.empty() && unit != filter.unit) return;
        const nlohmann::json reasons = nlohmann::json::parse(q.text(6).empty() ? "null" : q.text(6), nullptr, false);
        const time_t sec = static_cast<time_t>(q.integer(8) / 1000);
        std::tm t{};
        localtime_r(&sec, &t);
        char when[32];
        std::strftime(when, sizeof when, "%Y-%m-%d %H:%M", &t);
        out.push_back({{"id", q.text(0)}, {"at", when}, {"device", q.text(1)}, {"counter", q.text(2)},
                       {"officer_nip", nip.empty() ? nlohmann::json(nullptr) : nlohmann::json(nip)},
                       {"officer_name", it != officers.end() ? nlohmann::json(it->second.name) : nlohmann::json(nullptr)},
                       {"unit", unit.empty() ? nlohmann::json(nullptr) : nlohmann::json(unit)},
                       {"service", q.text(4).empty() ? nlohmann::json(nullptr) : nlohmann::json(q.text(4))}, {"score", q.integer(5)},
                       {"reasons", reasons.is_discarded() ? nlohmann::json(nullptr) : reasons}, {"comment", q.text(7)}});
    });
    return out;
}

namespace {
// `officers`: nullptr for everyone.
std::vector<TrendPoint> trend(sql::Connection& db, const Period& period, const std::vector<std::string>* officers, int months)
{
    // The months ending with the period's last (a semester's chart ends in June or December); an
    // open-ended period's, with this month.
    const int64_t lastMs = period.toMs == std::numeric_limits<int64_t>::max() ? static_cast<int64_t>(std::time(nullptr)) * 1000 : period.toMs - 1;
    const time_t start = static_cast<time_t>(lastMs / 1000);
    std::tm t{};
    localtime_r(&start, &t);
    std::vector<TrendPoint> out;
    std::vector<std::string> nips; // only well-formed NIPs: anything else cannot be an officer's
    if (officers) {
        for (const auto& n : *officers) {
            if (!n.empty() && n.find_first_not_of("0123456789") == std::string::npos) nips.push_back(n);
        }
    }
    for (int k = months - 1; k >= 0; --k) {
        const int64_t from = localMidnight(t.tm_year + 1900, t.tm_mon + 1 - k, 1);
        const int64_t to = localMidnight(t.tm_year + 1900, t.tm_mon + 2 - k, 1);
        const rollup::FaceTotal q = rollup::faceTotal(db, from, to, officers ? &nips : nullptr); // counted ratings, from the daily rollups
        TrendPoint p;
        p.label = localDate(from).substr(0, 7);
        p.ratings = q.ratings;
        const ikm::Index x = ikm::quickIndex(ikm::Tally{p.ratings, q.sum});
        p.index = x.converted;
        out.push_back(p);
    }
    return out;
}
} // namespace

std::vector<TrendPoint> monthlyTrend(sql::Connection& db, const Period& period, const std::vector<std::string>& nips, int months)
{
    return trend(db, period, &nips, months);
}

std::vector<TrendPoint> monthlyTrendAll(sql::Connection& db, const Period& period, int months) { return trend(db, period, nullptr, months); }

} // namespace skm::central
