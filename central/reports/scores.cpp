#include "scores.hpp"

#include "office_report.hpp"
#include "survey_ikm.hpp"

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

void finish(Acc& a)
{
    Score& s = a.s;
    const ikm::Index x = ikm::quickIndex(ikm::Tally{s.ratings, a.sum});
    if (x.converted) {
        s.index = *x.converted;
        s.mutu = ikm::mutuLetter(*x.mutu);
    }
    if (s.casesLogged > 0) s.shareRated = std::round(10000.0 * static_cast<double>(s.casesRated) / static_cast<double>(s.casesLogged)) / 10000.0;
    s.sampleSize = ikm::sampleSize(s.casesLogged);
    s.sampleSufficient = s.casesLogged > 0 && s.ratings >= s.sampleSize;
    s.surveyResponses = a.survey.responses;
    s.surveyTally = a.survey;
    const ikm::Result r = ikm::compute(a.survey.unsur);
    for (size_t i = 0; i < s.nrr.size(); ++i) {
        if (r.nrr[i]) s.nrr[i] = ikm::round2(*r.nrr[i]);
    }
    if (r.converted) {
        s.ikm = *r.converted;
        s.ikmMutu = ikm::mutuLetter(*r.mutu);
    }
}

// Every group a record can count in: the office, each officer, unit, service and counter.
struct Groups {
    const std::map<std::string, OfficerInfo>& officers;
    Acc office;
    std::map<std::string, Acc> byOfficer, byUnit, byService, byCounter;
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
        return targets;
    }
};

// The period's ratings, read in one pass and counted by what they are scored under (a hash map is
// cheaper than SQL's GROUP BY, which sorts), with what the integrity signals need on the way.
struct RatingKey {
    std::string nip, service, counter; // counter: "DEVICE/COUNTER"
    int score;
    bool suppressed;
    std::string reasons; // the JSON array as uploaded
};
struct RatingPass {
    std::unordered_map<std::string, std::pair<RatingKey, int64_t>> groups;
    std::unordered_map<std::string, std::vector<int64_t>> officerTimes;         // counted ratings' tap times
    std::unordered_map<std::string, int64_t> withoutCase;                       // per NIP
    std::unordered_map<std::string, std::pair<std::string, int64_t>> topByCase; // case id -> (NIP, tap time) of a 4
    std::unordered_map<std::string, std::vector<SeqPoint>> deviceSeq;
};

RatingPass readRatings(sql::Connection& db, const Period& period)
{
    RatingPass p;
    std::string key;
    db.each("SELECT coalesce(officer_nip, ''), coalesce(service_code, ''), device_id, counter, score, suppressed, created_wall_ms,"
            " case_id, chain_seq, boot_id, created_mono_ms, coalesce(reasons, '') FROM ratings WHERE created_wall_ms >= $1 AND created_wall_ms < $2",
            {period.fromMs, period.toMs}, [&](const sql::Row& q) {
        key.clear();
        for (int col = 0; col < 4; ++col) {
            key += q.text(col);
            key += '\x1f';
        }
        key += static_cast<char>('0' + q.integer(4));
        key += q.integer(5) ? 's' : 'c';
        key += q.text(11);
        auto it = p.groups.find(key);
        if (it == p.groups.end()) {
            RatingKey k{q.text(0), q.text(1), q.text(2) + "/" + q.text(3), static_cast<int>(q.integer(4)), q.integer(5) != 0,
                        q.text(11)};
            it = p.groups.emplace(key, std::make_pair(std::move(k), int64_t{0})).first;
        }
        ++it->second.second;
        if (q.integer(5) == 0) {
            const int64_t when = q.integer(6);
            std::string n = q.text(0);
            if (!n.empty()) {
                p.officerTimes[n].push_back(when);
                if (q.isNull(7)) ++p.withoutCase[n];
                else if (q.integer(4) == 4) p.topByCase.emplace(q.text(7), std::make_pair(std::move(n), when));
            }
        }
        if (!q.isNull(8)) {
            p.deviceSeq[q.text(2)].push_back({q.integer(8), std::hash<std::string>{}(q.text(9)), q.integer(6), q.integer(10)});
        }
    });
    return p;
}

void countRatings(Groups& g, const RatingPass& ratings)
{
    for (const auto& [unused, group] : ratings.groups) {
        const RatingKey& k = group.first;
        const int64_t n = group.second;
        if (k.score < 1 || k.score > 4) continue;
        std::vector<std::string> reasons;
        if (!k.suppressed && !k.reasons.empty()) {
            const nlohmann::json codes = nlohmann::json::parse(k.reasons, nullptr, false);
            if (codes.is_array()) {
                for (const auto& c : codes) {
                    if (c.is_string()) reasons.push_back(c.get<std::string>());
                }
            }
        }
        for (Acc* a : g.of(k.nip, k.service, k.counter)) {
            if (k.suppressed) {
                a->s.suppressed += n;
                continue;
            }
            a->s.ratings += n;
            a->s.faces[static_cast<size_t>(k.score - 1)] += n;
            a->sum += n * k.score;
            for (const auto& code : reasons) (k.score <= 2 ? a->s.reasonsLow : a->s.reasonsHigh)[code] += n;
        }
        if (k.nip.empty() && !k.suppressed) {
            g.office.s.counterLevel += n;
            g.byCounter[k.counter].s.counterLevel += n;
        }
    }
}

// The period's cases, logged and rated, counted the same way; returns the fast 4s per officer (a 4
// tapped within 2 s of its case being opened; a case opened a minute before the period still counts).
std::unordered_map<std::string, int64_t> countCases(Groups& g, sql::Connection& db, const Period& period, const RatingPass& ratings)
{
    struct CaseKey {
        std::string nip, service, counter;
        bool rated;
    };
    std::unordered_map<std::string, std::pair<CaseKey, int64_t>> groups;
    std::unordered_map<std::string, int64_t> fastTop;
    std::string key;
    db.each("SELECT nip, service_code, device_id, counter, status, id, opened_wall_ms FROM cases WHERE opened_wall_ms >= $1 AND opened_wall_ms < $2",
            {period.fromMs - 60000, period.toMs}, [&](const sql::Row& c) {
        if (!ratings.topByCase.empty()) {
            if (const auto t = ratings.topByCase.find(c.text(5)); t != ratings.topByCase.end()) {
                const int64_t after = t->second.second - c.integer(6);
                if (after >= 0 && after < 2000) ++fastTop[t->second.first];
            }
        }
        if (c.integer(6) < period.fromMs) return; // before the period: only for the check above
        key.clear();
        for (int col = 0; col < 5; ++col) {
            key += c.text(col);
            key += '\x1f';
        }
        auto it = groups.find(key);
        if (it == groups.end()) {
            CaseKey k{c.text(0), c.text(1), c.text(2) + "/" + c.text(3), c.text(4) == "rated"};
            it = groups.emplace(key, std::make_pair(std::move(k), int64_t{0})).first;
        }
        ++it->second.second;
    });
    for (const auto& [unused, group] : groups) {
        const CaseKey& k = group.first;
        const int64_t n = group.second;
        for (Acc* a : {&g.office, &g.byCounter[k.counter], &g.byOfficer[k.nip], &g.byUnit[g.unitOf(k.nip)], &g.byService[k.service]}) {
            a->s.casesLogged += n;
            if (k.rated) a->s.casesRated += n;
        }
    }
    return fastTop;
}

// The period's complete survey responses, into each group's IKM.
void countSurveys(Groups& g, sql::Connection& db, const Period& period)
{
    db.each("SELECT coalesce(officer_nip, ''), coalesce(service_code, ''), device_id || '/' || counter, body FROM survey_responses"
            " WHERE status = 'complete' AND started_wall_ms >= $1 AND started_wall_ms < $2",
            {period.fromMs, period.toMs}, [&](const sql::Row& sv) {
        const nlohmann::json body = nlohmann::json::parse(sv.text(3), nullptr, false);
        IkmTally probe;
        if (!probe.add(body)) return;
        for (Acc* a : g.of(sv.text(0), sv.text(1), sv.text(2))) (void)a->survey.add(body);
        if (sv.text(0).empty()) (void)g.surveysWithoutOfficer.add(body);
        if (sv.text(1).empty()) (void)g.surveysWithoutService.add(body);
    });
}

// Devices: clock jumps along the chain, counter-level taps, the chain check. Returns the devices
// whose chain has gaps or breaks.
std::set<std::string> deviceSignals(ScoreReport& r, ChainChecks& chains, const RatingPass& ratings, const Groups& g)
{
    for (const auto& [device, points] : ratings.deviceSeq) r.devices[device].clockJumps = clockJumps(points);
    for (const auto& [counter, a] : g.byCounter) r.devices[counter.substr(0, counter.find('/'))].counterLevel += a.s.counterLevel;
    std::set<std::string> troubled;
    for (auto& [device, d] : r.devices) {
        addChainSignals(d, chains.of(device));
        if (d.chainProblems() > 0) troubled.insert(device);
    }
    return troubled;
}

void officerSignals(ScoreReport& r, const RatingPass& ratings, const std::unordered_map<std::string, int64_t>& fastTop, const std::set<std::string>& troubled)
{
    std::unordered_map<std::string, std::set<std::string>> officerDevices;
    for (const auto& [unused, group] : ratings.groups) {
        if (group.first.nip.empty()) continue;
        const std::string device = group.first.counter.substr(0, group.first.counter.find('/'));
        if (troubled.count(device)) officerDevices[group.first.nip].insert(device);
    }
    for (OfficerScore& o : r.officers) {
        OfficerSignals& s = o.signals;
        if (auto f = fastTop.find(o.nip); f != fastTop.end()) s.fastTopAfterCase = f->second;
        if (auto w = ratings.withoutCase.find(o.nip); w != ratings.withoutCase.end()) s.withoutCase = w->second;
        if (auto t = ratings.officerTimes.find(o.nip); t != ratings.officerTimes.end()) s.longestEqualRun = longestEqualRun(t->second);
        if (auto d = officerDevices.find(o.nip); d != officerDevices.end()) s.devicesWithChainProblems.assign(d->second.begin(), d->second.end());
    }
}

} // namespace

ScoreReport computeScores(sql::Connection& db, const Period& period, const std::map<std::string, OfficerInfo>& officers)
{
    ChainChecks chains(db);
    return computeScores(db, period, officers, chains);
}

ScoreReport computeScores(sql::Connection& db, const Period& period, const std::map<std::string, OfficerInfo>& officers, ChainChecks& chains)
{
    ScoreReport r;
    r.period = period;
    Groups g(officers);
    const RatingPass ratings = readRatings(db, period);
    countRatings(g, ratings);
    const auto fastTop = countCases(g, db, period, ratings);
    countSurveys(g, db, period);

    finish(g.office);
    r.office = g.office.s;
    for (auto& [nip, a] : g.byOfficer) {
        finish(a);
        const auto it = officers.find(nip);
        r.officers.push_back({nip, it != officers.end() ? it->second.name : "", g.unitOf(nip), a.s, {}});
    }
    r.surveysWithoutOfficer = g.surveysWithoutOfficer;
    r.surveysWithoutService = g.surveysWithoutService;
    const std::set<std::string> troubled = deviceSignals(r, chains, ratings, g);
    officerSignals(r, ratings, fastTop, troubled);
    std::sort(r.officers.begin(), r.officers.end(), [](const OfficerScore& a, const OfficerScore& b) {
        return std::tie(a.unit, a.name, a.nip) < std::tie(b.unit, b.name, b.nip);
    });
    for (const auto& [from, to] : {std::pair{&g.byUnit, &r.units}, std::pair{&g.byService, &r.services}, std::pair{&g.byCounter, &r.counters}}) {
        for (auto& [k, a] : *from) {
            finish(a);
            (*to)[k] = a.s;
        }
    }
    r.ingestConflicts = ingestConflictCount(db);
    r.timeSuspectRatings = timeSuspectCount(db);
    return r;
}

} // namespace skm::central
