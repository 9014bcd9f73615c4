#include "scores.hpp"

#include "office_report.hpp"
#include "survey_ikm.hpp"

#include <central/rollups/rollups.hpp>

#include <core/ikm.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>
#include <unordered_map>

namespace skm::central {

namespace {

// One group's running totals: its Score, the sum of its faces, its survey answers.
struct Acc {
    int64_t sum = 0;
    Score s;
    IkmTally survey;
};

void finish(Acc& a, ikm::Weighting weighting)
{
    Score& s = a.s;
    const ikm::Index x = ikm::quickIndex(ikm::Tally{s.ratings, a.sum});
    if (x.converted) {
        s.index = *x.converted;
        s.mutu = ikm::mutuLetter(*x.mutu);
    }
    int64_t sessionSum = 0;
    for (size_t i = 0; i < s.sessionFaces.size(); ++i) sessionSum += static_cast<int64_t>(i + 1) * s.sessionFaces[i];
    const ikm::Index sx = ikm::quickIndex(ikm::Tally{s.sessionRatings, sessionSum});
    if (sx.converted) {
        s.sessionIndex = *sx.converted;
        s.sessionMutu = ikm::mutuLetter(*sx.mutu);
    }
    if (s.casesLogged > 0) s.shareRated = std::round(10000.0 * static_cast<double>(s.casesRated) / static_cast<double>(s.casesLogged)) / 10000.0;
    s.sampleSize = ikm::sampleSize(s.casesLogged);
    s.sampleSufficient = s.casesLogged > 0 && s.ratings >= s.sampleSize;
    s.surveyResponses = a.survey.responses;
    s.surveyTally = a.survey;
    s.ikmSampleSize = s.sampleSize;
    s.ikmSampleSufficient = s.casesLogged > 0 && s.surveyResponses >= s.ikmSampleSize;
    const ikm::Result r = ikm::compute(a.survey.unsur, weighting);
    s.nrr = r.nrr;
    s.nrrWeighted = r.weighted;
    if (r.converted) {
        s.ikm = *r.converted;
        s.ikmMutu = ikm::mutuLetter(*r.mutu);
        s.ikmUnits = *r.ikm;
    }
}

// Every group a record can count in: the office, each officer, unit, service and counter.
struct Groups {
    const std::map<std::string, OfficerInfo>& officers;
    Acc office;
    std::map<std::string, Acc> byOfficer, byUnit, byService, byCounter;
    std::map<std::pair<std::string, std::string>, Acc> byUnitService;
    IkmTally surveysWithoutOfficer, surveysWithoutService;

    explicit Groups(const std::map<std::string, OfficerInfo>& o) : officers(o)
    {
        for (const auto& [nip, info] : officers) (void)byOfficer[nip];
    }
    std::string unitOf(const std::string& nip) const
    {
        const auto it = officers.find(nip);
        return it != officers.end() ? it->second.unit : std::string("(unit tidak diketahui)");
    }
    // The groups a record of `nip` (may be ""), `service` (may be "") at `counter` counts in.
    std::vector<Acc*> of(const std::string& nip, const std::string& service, const std::string& counter)
    {
        std::vector<Acc*> targets = {&office, &byCounter[counter]};
        if (!nip.empty()) {
            targets.push_back(&byOfficer[nip]);
            targets.push_back(&byUnit[unitOf(nip)]);
        }
        if (!service.empty()) targets.push_back(&byService[service]);
        if (!nip.empty() && !service.empty()) targets.push_back(&byUnitService[{unitOf(nip), service}]);
        return targets;
    }
};

// The period's figures (central/rollups/rollups.hpp: whole days from the daily rollups, grouped by the
// engine; part-days from the records) into every group they count in, with the officers' signals'
// counts on the way.
struct OfficerCounts {
    int64_t withoutCase = 0, fastTop = 0, longestRun = 0;
    std::set<std::string> ratedOn; // devices the officer was rated on
};

std::unordered_map<std::string, OfficerCounts> count(Groups& g, const rollup::Slice& period)
{
    std::unordered_map<std::string, OfficerCounts> officers;
    for (const auto& [k, f] : period.groups) {
        const std::string counter = k.device + "/" + k.counter;
        int64_t counted = 0, sum = 0;
        for (size_t i = 0; i < f.faces.size(); ++i) {
            counted += f.faces[i];
            sum += static_cast<int64_t>(i + 1) * f.faces[i];
        }
        IkmTally surveys;
        surveys.unsur = f.unsur;
        surveys.responses = f.surveys;
        for (Acc* a : g.of(k.nip, k.service, counter)) {
            a->s.suppressed += f.suppressed;
            a->s.ratings += counted;
            for (size_t i = 0; i < f.faces.size(); ++i) a->s.faces[i] += f.faces[i];
            for (size_t i = 0; i < f.sessionFaces.size(); ++i) {
                a->s.sessionFaces[i] += f.sessionFaces[i];
                a->s.sessionRatings += f.sessionFaces[i];
            }
            a->sum += sum;
            a->s.casesLogged += f.casesLogged;
            a->s.casesRated += f.casesRated;
            a->survey.merge(surveys);
        }
        if (k.nip.empty()) {
            g.office.s.counterLevel += counted;
            g.byCounter[counter].s.counterLevel += counted;
            g.surveysWithoutOfficer.merge(surveys);
        } else {
            OfficerCounts& o = officers[k.nip];
            o.withoutCase += f.withoutCase;
            o.fastTop += f.fastTop;
            if (counted + f.suppressed > 0) o.ratedOn.insert(k.device);
        }
        if (k.service.empty()) g.surveysWithoutService.merge(surveys);
    }
    for (const auto& [kc, n] : period.reasons) {
        const auto& [k, code] = kc;
        for (Acc* a : g.of(k.nip, k.service, k.device + "/" + k.counter)) {
            if (n[0] > 0) a->s.reasonsLow[code] += n[0];
            if (n[1] > 0) a->s.reasonsHigh[code] += n[1];
        }
    }
    for (const auto& [deviceNip, run] : period.runs) {
        OfficerCounts& o = officers[deviceNip.second];
        o.longestRun = std::max(o.longestRun, run);
    }
    return officers;
}

// Devices: clock jumps, counter-level taps, the chain check. Returns the devices whose chain has gaps
// or breaks.
std::set<std::string> deviceSignals(ScoreReport& r, ChainChecks& chains, const rollup::Slice& period, const Groups& g)
{
    for (const auto& [device, d] : period.devices) r.devices[device].clockJumps = d.clockJumps;
    for (const auto& [counter, a] : g.byCounter) r.devices[counter.substr(0, counter.find('/'))].counterLevel += a.s.counterLevel;
    std::set<std::string> troubled;
    for (auto& [device, d] : r.devices) {
        addChainSignals(d, chains.of(device));
        if (d.chainProblems() > 0) troubled.insert(device);
    }
    return troubled;
}

void officerSignals(ScoreReport& r, const std::unordered_map<std::string, OfficerCounts>& counts, const std::set<std::string>& troubled)
{
    for (OfficerScore& o : r.officers) {
        const auto c = counts.find(o.nip);
        if (c == counts.end()) continue;
        OfficerSignals& s = o.signals;
        s.fastTopAfterCase = c->second.fastTop;
        s.withoutCase = c->second.withoutCase;
        s.longestEqualRun = c->second.longestRun;
        for (const std::string& device : c->second.ratedOn) {
            if (troubled.count(device)) s.devicesWithChainProblems.push_back(device);
        }
    }
}

} // namespace

ScoreReport computeScores(sql::Connection& db, const Period& period, const std::map<std::string, OfficerInfo>& officers, ikm::Weighting weighting)
{
    ChainChecks chains(db);
    return computeScores(db, period, officers, chains, weighting);
}

ScoreReport computeScores(sql::Connection& db, const Period& period, const std::map<std::string, OfficerInfo>& officers, ChainChecks& chains,
                          ikm::Weighting weighting)
{
    ScoreReport r;
    r.period = period;
    r.weighting = weighting;
    Groups g(officers);
    const rollup::Slice figures = rollup::readPeriod(db, period.fromMs, period.toMs);
    const auto counts = count(g, figures);

    finish(g.office, weighting);
    r.office = g.office.s;
    for (auto& [nip, a] : g.byOfficer) {
        finish(a, weighting);
        const auto it = officers.find(nip);
        r.officers.push_back({nip, it != officers.end() ? it->second.name : "", g.unitOf(nip), a.s, {}});
    }
    r.surveysWithoutOfficer = g.surveysWithoutOfficer;
    r.surveysWithoutService = g.surveysWithoutService;
    const std::set<std::string> troubled = deviceSignals(r, chains, figures, g);
    officerSignals(r, counts, troubled);
    std::sort(r.officers.begin(), r.officers.end(), [](const OfficerScore& a, const OfficerScore& b) {
        return std::tie(a.unit, a.name, a.nip) < std::tie(b.unit, b.name, b.nip);
    });
    for (const auto& [from, to] : {std::pair{&g.byUnit, &r.units}, std::pair{&g.byService, &r.services}, std::pair{&g.byCounter, &r.counters}}) {
        for (auto& [k, a] : *from) {
            finish(a, weighting);
            (*to)[k] = a.s;
        }
    }
    for (auto& [k, a] : g.byUnitService) {
        finish(a, weighting);
        r.unitServices[k] = a.s;
    }
    r.ingestConflicts = ingestConflictCount(db);
    r.timeSuspectRatings = timeSuspectCount(db);
    return r;
}

} // namespace skm::central
