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

void IkmTally::merge(const IkmTally& other)
{
    responses += other.responses;
    for (size_t i = 0; i < unsur.size(); ++i) {
        unsur[i].count += other.unsur[i].count;
        unsur[i].sum += other.unsur[i].sum;
    }
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

int64_t incompleteResponses(sql::Connection& db, int64_t fromMs, int64_t toMs)
{
    return db.queryInt("SELECT count(*) FROM survey_responses WHERE status = 'incomplete' AND started_wall_ms >= $1 AND started_wall_ms < $2", {fromMs, toMs});
}

} // namespace skm::central
