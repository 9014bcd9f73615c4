// The laporan's figures, gathered from one read snapshot (laporan.hpp): the unit's (or the office's)
// scores for the period and the earlier periods of its kind, its services, the questionnaires'
// profile, answers and suggestions, the office's template and questionnaire.

#include "laporan.hpp"

#include "html_report.hpp"

#include <central/reports/officers.hpp>

#include <core/roster.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace skm::central::laporan {

namespace {

// The score of `unit` ("" the office) in `r`; nullopt when the unit has none and is not in the roster.
const Score* scoreOf(const ScoreReport& r, const std::string& unit)
{
    if (unit.empty()) return &r.office;
    const auto it = r.units.find(unit);
    return it != r.units.end() ? &it->second : nullptr;
}

} // namespace

Input gather(sql::Connection& db, const std::filesystem::path& dataDir, const std::string& unit, const Period& period, std::optional<int64_t> population,
             int64_t nowMs, const config::SurveyDefinition& survey)
{
    Input in;
    in.unit = unit;
    in.period = period;
    in.population = population;
    in.weighting = survey.weighting;
    in.survey = &survey;
    in.text = loadTemplate(dataDir);
    in.writtenMs = nowMs;
    const auto officers = publishedOfficers(dataDir);
    if (!unit.empty()) {
        bool known = false;
        std::string units;
        for (const auto& [nip, o] : officers) {
            known = known || o.unit == unit;
            if (units.find(o.unit) == std::string::npos) units += (units.empty() ? "" : "; ") + o.unit;
        }
        if (!known) throw std::runtime_error("no unit '" + unit + "' in the published roster (units: " + (units.empty() ? "none" : units) + ")");
    }
    ChainChecks chains(db);
    const ScoreReport r = computeScores(db, period, officers, chains, survey.weighting);
    if (const Score* s = scoreOf(r, unit)) in.score = *s;
    if (unit.empty()) in.services = r.services;
    else {
        for (const auto& [k, s] : r.unitServices) {
            if (k.first == unit) in.services[k.second] = s;
        }
    }
    in.details = readSurveyDetails(db, period, officers, survey, unit, 1000);
    if (!in.population && !unit.empty()) in.population = enteredPopulation(db, unit, period.label);
    in.followups = listFollowups(db, unit, period.label);
    if (const auto before = earlierPeriods(period, 1); !before.empty()) in.previousFollowups = listFollowups(db, unit, before.front().label);
    for (const Period& p : earlierPeriods(period, 3)) {
        const ScoreReport e = computeScores(db, p, officers, chains, survey.weighting);
        const Score* s = scoreOf(e, unit);
        in.earlier.push_back({periodName(p), s ? *s : Score{}});
    }
    try {
        const std::filesystem::path roster = dataDir / "publish" / "roster.toml";
        if (std::filesystem::is_regular_file(roster)) {
            for (const auto& s : roster::loadRosterFile(roster.string(), nullptr).services) in.serviceNames[s.code] = s.nameId;
        }
    } catch (const std::exception& e) {
        spdlog::warn("service names not read: {}", e.what());
    }
    return in;
}

config::PublishedIkm publishedIkm(sql::Connection& db, const std::filesystem::path& dataDir, const std::string& unit, const Period& period,
                                  const config::SurveyDefinition& survey)
{
    const auto officers = publishedOfficers(dataDir);
    if (!unit.empty() && std::none_of(officers.begin(), officers.end(), [&](const auto& o) { return o.second.unit == unit; })) {
        throw std::runtime_error("no unit '" + unit + "' in the published roster");
    }
    const ScoreReport r = computeScores(db, period, officers, survey.weighting);
    const Score* s = scoreOf(r, unit);
    if (!s || !s->ikm) throw std::runtime_error("no complete questionnaire for " + (unit.empty() ? std::string("the office") : unit) + " in " + periodName(period));
    config::PublishedIkm p;
    p.unit = unit.empty() ? loadTemplate(dataDir).office : unit;
    p.periodId = periodName(period);
    Period en = period;
    p.periodEn = html::periodTitle(config::Lang::En, en);
    p.ikm = *s->ikm;
    p.mutu = *s->ikmMutu;
    p.respondents = s->surveyResponses;
    return p;
}

} // namespace skm::central::laporan
