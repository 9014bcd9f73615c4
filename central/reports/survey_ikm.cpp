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

nlohmann::json ikmJson(const IkmTally& g, ikm::Weighting weighting)
{
    const ikm::Result r = ikm::compute(g.unsur, weighting);
    auto opt = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
    nlohmann::json unsur = nlohmann::json::array(), nrr = nlohmann::json::object(), weighted = nlohmann::json::object();
    for (size_t i = 0; i < ikm::kUnsurCount; ++i) {
        const std::string code = "U" + std::to_string(i + 1);
        unsur.push_back({{"code", code},
                         {"name", ikm::kUnsurNames[i]},
                         {"answers", g.unsur[i].count},
                         {"sum", g.unsur[i].sum},
                         {"nrr", opt(r.nrr[i])},
                         {"nrr_weighted", opt(r.weighted[i])}});
        nrr[code] = opt(r.nrr[i]);
        weighted[code] = opt(r.weighted[i]);
    }
    nlohmann::json out = {{"measure", kIkmName},
                          {"weighting", ikm::weightingName(weighting)},
                          {"weight", ikm::weightLabel(weighting, r.unsurUsed)},
                          {"responses", g.responses},
                          {"unsur", unsur},
                          {"nrr", nrr},
                          {"nrr_weighted", weighted}};
    out["ikm"] = opt(r.ikm);
    out["converted"] = opt(r.converted);
    out["mutu"] = r.mutu ? nlohmann::json(std::string(1, ikm::mutuLetter(*r.mutu))) : nlohmann::json(nullptr);
    out["mutu_label"] = r.mutu ? nlohmann::json(ikm::mutuLabel(*r.mutu)) : nlohmann::json(nullptr);
    return out;
}

int64_t incompleteResponses(sql::Connection& db, int64_t fromMs, int64_t toMs)
{
    return db.queryInt("SELECT count(*) FROM survey_responses WHERE status = 'incomplete' AND started_wall_ms >= $1 AND started_wall_ms < $2", {fromMs, toMs});
}

} // namespace skm::central
