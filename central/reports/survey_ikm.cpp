#include "survey_ikm.hpp"

#include <cmath>

namespace skm::central {

bool IkmTally::add(const nlohmann::json& body)
{
    if (!body.is_object()) return false;
    const auto answers = body.find("answers");
    if (answers == body.end() || !answers->is_object()) return false;
    ++responses;
    for (int i = 0; i < ikm::kUnsurCount; ++i) {
        const auto a = answers->find("U" + std::to_string(i + 1));
        if (a != answers->end() && a->is_number_integer()) unsur[static_cast<size_t>(i)].add(a->get<int>());
    }
    return true;
}

nlohmann::json ikmJson(const IkmTally& g)
{
    const ikm::Result r = ikm::compute(g.unsur);
    nlohmann::json nrr = nlohmann::json::object();
    for (int i = 0; i < ikm::kUnsurCount; ++i) {
        nrr["U" + std::to_string(i + 1)] = r.nrr[static_cast<size_t>(i)] ? nlohmann::json(ikm::round2(*r.nrr[static_cast<size_t>(i)])) : nlohmann::json(nullptr);
    }
    nlohmann::json out = {{"responses", g.responses}, {"nrr", nrr}};
    out["ikm"] = r.ikm ? nlohmann::json(std::round(*r.ikm * 10000) / 10000) : nlohmann::json(nullptr);
    out["converted"] = r.converted ? nlohmann::json(*r.converted) : nlohmann::json(nullptr);
    out["mutu"] = r.mutu ? nlohmann::json(std::string(1, ikm::mutuLetter(*r.mutu))) : nlohmann::json(nullptr);
    out["mutu_label"] = r.mutu ? nlohmann::json(ikm::mutuLabel(*r.mutu)) : nlohmann::json(nullptr);
    return out;
}

nlohmann::json surveyIkmReport(store::Database& db, const std::map<std::string, OfficerInfo>& officers, int64_t fromMs, int64_t toMs)
{
    IkmTally overall;
    std::map<std::string, IkmTally> byUnit, byService;
    store::Statement q(db, "SELECT body, officer_nip, service_code FROM survey_responses WHERE status = 'complete' AND started_wall_ms >= ?1 AND started_wall_ms < ?2");
    q.bind(1, fromMs);
    q.bind(2, toMs);
    while (q.next()) {
        const nlohmann::json body = nlohmann::json::parse(q.columnText(0), nullptr, false);
        IkmTally one;
        if (!one.add(body)) continue;
        const std::string nip = q.columnIsNull(1) ? "" : q.columnText(1);
        const auto officer = officers.find(nip);
        const std::string unit = nip.empty() ? "(tanpa petugas)" : officer != officers.end() ? officer->second.unit : "(unit tidak diketahui)";
        const std::string service = q.columnIsNull(2) ? "(tidak diketahui)" : q.columnText(2);
        for (IkmTally* g : {&overall, &byUnit[unit], &byService[service]}) (void)g->add(body);
    }
    store::Statement n(db, "SELECT coalesce(sum(status = 'incomplete'), 0) FROM survey_responses WHERE started_wall_ms >= ?1 AND started_wall_ms < ?2");
    n.bind(1, fromMs);
    n.bind(2, toMs);
    (void)n.next();
    nlohmann::json out = {{"complete_responses", overall.responses}, {"incomplete_responses", n.columnInt(0)}, {"overall", ikmJson(overall)}};
    nlohmann::json u = nlohmann::json::object(), sv = nlohmann::json::object();
    for (const auto& [k, g] : byUnit) u[k] = ikmJson(g);
    for (const auto& [k, g] : byService) sv[k] = ikmJson(g);
    out["by_unit"] = u;
    out["by_service"] = sv;
    return out;
}

} // namespace skm::central
