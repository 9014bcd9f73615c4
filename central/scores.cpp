#include "scores.hpp"

#include "central_store.hpp"

#include <ikm/ikm.hpp>
#include <roster/roster.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <unordered_map>
#include <ctime>
#include <iomanip>
#include <limits>
#include <regex>
#include <set>
#include <sstream>

namespace skm::central {

namespace {

// Local midnight of a calendar day, in Unix ms (mktime normalises month and day overflow).
int64_t localMidnight(int year, int month, int day)
{
    std::tm t{};
    t.tm_year = year - 1900;
    t.tm_mon = month - 1;
    t.tm_mday = day;
    t.tm_isdst = -1;
    return static_cast<int64_t>(std::mktime(&t)) * 1000;
}


bool validDate(int y, int m, int d)
{
    if (m < 1 || m > 12 || d < 1) return false;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

struct Acc {
    int64_t sum = 0;
    Score s;
    std::array<ikm::Tally, ikm::kUnsurCount> unsur{};
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
    const ikm::Result r = ikm::compute(a.unsur);
    for (size_t i = 0; i < s.nrr.size(); ++i) {
        if (r.nrr[i]) s.nrr[i] = ikm::round2(*r.nrr[i]);
    }
    if (r.converted) {
        s.ikm = *r.converted;
        s.ikmMutu = ikm::mutuLetter(*r.mutu);
    }
}

nlohmann::json optNum(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }
nlohmann::json optChar(const std::optional<char>& v) { return v ? nlohmann::json(std::string(1, *v)) : nlohmann::json(nullptr); }

nlohmann::json reasonsJson(const std::map<std::string, int64_t>& counts)
{
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [code, n] : topReasons(counts)) out.push_back({{"code", code}, {"count", n}});
    return out;
}

nlohmann::json scoreJson(const Score& s)
{
    return {{"reasons_low", reasonsJson(s.reasonsLow)},
            {"reasons_high", reasonsJson(s.reasonsHigh)},
            {"ratings", s.ratings},
            {"faces", {{"4", s.faces[3]}, {"3", s.faces[2]}, {"2", s.faces[1]}, {"1", s.faces[0]}}},
            {"index", optNum(s.index)},
            {"mutu", optChar(s.mutu)},
            {"suppressed", s.suppressed},
            {"counter_level", s.counterLevel},
            {"cases_logged", s.casesLogged},
            {"cases_rated", s.casesRated},
            {"share_rated", optNum(s.shareRated)},
            {"sample_size", s.sampleSize},
            {"sample_sufficient", s.sampleSufficient},
            {"survey_responses", s.surveyResponses},
            {"ikm", optNum(s.ikm)},
            {"ikm_mutu", optChar(s.ikmMutu)},
            {"nrr", [&] {
                 nlohmann::json n = nlohmann::json::object();
                 for (size_t i = 0; i < s.nrr.size(); ++i) n["U" + std::to_string(i + 1)] = optNum(s.nrr[i]);
                 return n;
             }()}};
}

std::string csvField(const std::string& v)
{
    if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
    std::string out = "\"";
    for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string fixed2(const std::optional<double>& v)
{
    if (!v) return "";
    std::ostringstream o;
    o << std::fixed << std::setprecision(2) << *v;
    return o.str();
}

} // namespace

std::string localDate(int64_t ms)
{
    if (ms <= 0 || ms >= std::numeric_limits<int64_t>::max() - 1) return ""; // an open end
    const time_t s = static_cast<time_t>(ms / 1000);
    std::tm t{};
    localtime_r(&s, &t);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &t);
    return buf;
}

std::optional<std::pair<int64_t, int64_t>> localDay(const std::string& text)
{
    std::smatch m;
    if (!std::regex_match(text, m, std::regex(R"((\d{4})-(\d{2})-(\d{2}))"))) return std::nullopt;
    const int y = std::stoi(m[1]), mo = std::stoi(m[2]), d = std::stoi(m[3]);
    if (!validDate(y, mo, d)) return std::nullopt;
    return std::make_pair(localMidnight(y, mo, d), localMidnight(y, mo, d + 1));
}

std::optional<Period> parsePeriod(const std::string& text, std::string* error)
{
    std::smatch m;
    auto fail = [&](const std::string& why) -> std::optional<Period> {
        if (error) *error = why;
        return std::nullopt;
    };
    Period p;
    p.label = text;
    if (text.rfind("day:", 0) == 0) {
        const auto d = localDay(text.substr(4));
        if (!d) return fail("no such day: " + text);
        std::tie(p.fromMs, p.toMs) = *d;
    } else if (std::regex_match(text, m, std::regex(R"(month:(\d{4})-(\d{2}))"))) {
        const int y = std::stoi(m[1]), mo = std::stoi(m[2]);
        if (mo < 1 || mo > 12) return fail("no such month: " + text);
        p.fromMs = localMidnight(y, mo, 1);
        p.toMs = localMidnight(y, mo + 1, 1);
    } else if (std::regex_match(text, m, std::regex(R"(quarter:(\d{4})-Q([1-4]))"))) {
        const int y = std::stoi(m[1]), q = std::stoi(m[2]);
        p.fromMs = localMidnight(y, 3 * (q - 1) + 1, 1);
        p.toMs = localMidnight(y, 3 * q + 1, 1);
    } else if (std::regex_match(text, m, std::regex(R"(year:(\d{4}))"))) {
        const int y = std::stoi(m[1]);
        p.fromMs = localMidnight(y, 1, 1);
        p.toMs = localMidnight(y + 1, 1, 1);
    } else if (const size_t dots = text.find(".."); dots != std::string::npos) {
        const auto first = localDay(text.substr(0, dots)), last = localDay(text.substr(dots + 2));
        if (!first || !last) return fail("no such day in " + text);
        p.fromMs = first->first;
        p.toMs = last->second;
        if (p.toMs <= p.fromMs) return fail("the range ends before it begins: " + text);
    } else {
        return fail("a period is day:YYYY-MM-DD, month:YYYY-MM, quarter:YYYY-Qn, year:YYYY or YYYY-MM-DD..YYYY-MM-DD (got '" + text + "')");
    }
    return p;
}

std::map<std::string, OfficerInfo> publishedOfficers(const std::filesystem::path& dataDir)
{
    std::map<std::string, OfficerInfo> out;
    std::vector<std::filesystem::path> files = {dataDir / "publish" / "roster.toml"};
    std::error_code ec;
    for (const auto& d : std::filesystem::directory_iterator(dataDir / "publish" / "devices", ec)) files.push_back(d.path() / "roster.toml");
    for (const auto& f : files) {
        if (!std::filesystem::is_regular_file(f)) continue;
        try {
            // Names and units only: the photos are not read (a page view never decodes images).
            for (const auto& o : roster::loadRosterFile(f.string(), nullptr).officers) out.emplace(o.nip, OfficerInfo{o.name, o.unit});
        } catch (const std::exception& e) {
            spdlog::warn("officers from {} not used: {}", f.string(), e.what());
        }
    }
    return out;
}

ScoreReport computeScores(store::Database& db, const Period& period, const std::map<std::string, OfficerInfo>& officers)
{
    ScoreReport r;
    r.period = period;
    std::map<std::string, Acc> byOfficer, byUnit, byService, byCounter;
    Acc office;
    for (const auto& [nip, info] : officers) (void)byOfficer[nip];
    auto unitOf = [&](const std::string& nip) {
        const auto it = officers.find(nip);
        return it != officers.end() ? it->second.unit : std::string("(unit tidak diketahui)");
    };

    // Ratings: one pass over the period's rows, counted by what they are scored under in a hash map
    // (cheaper than SQL's GROUP BY, which sorts), then spread over the groups.
    struct RatingKey {
        std::string nip, service, counter;
        int score;
        bool suppressed;
        std::string reasons; // the JSON array as uploaded
    };
    std::unordered_map<std::string, std::pair<RatingKey, int64_t>> ratingGroups;
    std::unordered_map<std::string, std::vector<int64_t>> officerTimes;              // counted ratings' tap times
    std::unordered_map<std::string, int64_t> withoutCase;
    std::unordered_map<std::string, std::pair<std::string, int64_t>> topByCase;      // case id -> (NIP, tap time) of a 4
    struct SeqPoint {
        int64_t seq;
        size_t boot;
        int64_t wall, mono;
    };
    std::unordered_map<std::string, std::vector<SeqPoint>> deviceSeq;
    std::unordered_map<std::string, int64_t> fastTop;
    {
        store::Statement q(db, "SELECT coalesce(officer_nip, ''), coalesce(service_code, ''), device_id, counter, score, suppressed, created_wall_ms,"
                               " case_id, chain_seq, boot_id, created_mono_ms, coalesce(reasons, '') FROM ratings WHERE created_wall_ms >= ?1 AND created_wall_ms < ?2");
        q.bind(1, period.fromMs);
        q.bind(2, period.toMs);
        std::string key;
        while (q.next()) {
            key.clear();
            for (int col = 0; col < 4; ++col) {
                key += q.columnText(col);
                key += '\x1f';
            }
            key += static_cast<char>('0' + q.columnInt(4));
            key += q.columnInt(5) ? 's' : 'c';
            key += q.columnText(11);
            auto it = ratingGroups.find(key);
            if (it == ratingGroups.end()) {
                RatingKey k{q.columnText(0), q.columnText(1), q.columnText(2) + "/" + q.columnText(3), static_cast<int>(q.columnInt(4)), q.columnInt(5) != 0,
                            q.columnText(11)};
                it = ratingGroups.emplace(key, std::make_pair(std::move(k), int64_t{0})).first;
            }
            ++it->second.second;
            // What the integrity signals need, gathered in the same pass.
            if (q.columnInt(5) == 0) {
                const int64_t when = q.columnInt(6);
                std::string n = q.columnText(0);
                if (!n.empty()) {
                    officerTimes[n].push_back(when);
                    if (q.columnIsNull(7)) ++withoutCase[n];
                    else if (q.columnInt(4) == 4) topByCase.emplace(q.columnText(7), std::make_pair(std::move(n), when));
                }
            }
            if (!q.columnIsNull(8)) {
                deviceSeq[q.columnText(2)].push_back({q.columnInt(8), std::hash<std::string>{}(q.columnText(9)), q.columnInt(6), q.columnInt(10)});
            }
        }
    }
    for (const auto& [unused, group] : ratingGroups) {
        const RatingKey& k = group.first;
        const int64_t n = group.second;
        const std::string& nip = k.nip;
        const int score = k.score;
        const bool suppressed = k.suppressed;
        if (score < 1 || score > 4) continue;
        std::vector<Acc*> targets = {&office, &byCounter[k.counter]};
        if (!nip.empty()) {
            targets.push_back(&byOfficer[nip]);
            targets.push_back(&byUnit[unitOf(nip)]);
        }
        if (!k.service.empty()) targets.push_back(&byService[k.service]);
        std::vector<std::string> reasons;
        if (!suppressed && !k.reasons.empty()) {
            const nlohmann::json codes = nlohmann::json::parse(k.reasons, nullptr, false);
            if (codes.is_array()) {
                for (const auto& c : codes) {
                    if (c.is_string()) reasons.push_back(c.get<std::string>());
                }
            }
        }
        for (Acc* a : targets) {
            if (suppressed) {
                a->s.suppressed += n;
                continue;
            }
            a->s.ratings += n;
            a->s.faces[static_cast<size_t>(score - 1)] += n;
            a->sum += n * score;
            for (const auto& code : reasons) (score <= 2 ? a->s.reasonsLow : a->s.reasonsHigh)[code] += n;
        }
        if (nip.empty() && !suppressed) {
            office.s.counterLevel += n;
            byCounter[k.counter].s.counterLevel += n;
        }
    }

    // Cases logged and rated: the same way.
    struct CaseKey {
        std::string nip, service, counter;
        bool rated;
    };
    std::unordered_map<std::string, std::pair<CaseKey, int64_t>> caseGroups;
    {
        // A case opened just before the period still counts for a fast 4 at its start: look a minute back.
        store::Statement c(db, "SELECT nip, service_code, device_id, counter, status, id, opened_wall_ms, opened_wall_ms >= ?1 FROM cases"
                               " WHERE opened_wall_ms >= ?1 - 60000 AND opened_wall_ms < ?2");
        c.bind(1, period.fromMs);
        c.bind(2, period.toMs);
        std::string key;
        while (c.next()) {
            if (!topByCase.empty()) {
                if (const auto t = topByCase.find(c.columnText(5)); t != topByCase.end()) {
                    const int64_t after = t->second.second - c.columnInt(6);
                    if (after >= 0 && after < 2000) ++fastTop[t->second.first];
                }
            }
            if (c.columnInt(7) == 0) continue; // before the period: only for the check above
            key.clear();
            for (int col = 0; col < 5; ++col) {
                key += c.columnText(col);
                key += '\x1f';
            }
            auto it = caseGroups.find(key);
            if (it == caseGroups.end()) {
                CaseKey k{c.columnText(0), c.columnText(1), c.columnText(2) + "/" + c.columnText(3), c.columnText(4) == "rated"};
                it = caseGroups.emplace(key, std::make_pair(std::move(k), int64_t{0})).first;
            }
            ++it->second.second;
        }
    }
    for (const auto& [unused, group] : caseGroups) {
        const CaseKey& k = group.first;
        const int64_t n = group.second;
        for (Acc* a : {&office, &byCounter[k.counter], &byOfficer[k.nip], &byUnit[unitOf(k.nip)], &byService[k.service]}) {
            a->s.casesLogged += n;
            if (k.rated) a->s.casesRated += n;
        }
    }

    // Complete survey responses.
    store::Statement sv(db, "SELECT coalesce(officer_nip, ''), coalesce(service_code, ''), device_id || '/' || counter, body FROM survey_responses"
                            " WHERE status = 'complete' AND started_wall_ms >= ?1 AND started_wall_ms < ?2");
    sv.bind(1, period.fromMs);
    sv.bind(2, period.toMs);
    while (sv.next()) {
        const nlohmann::json body = nlohmann::json::parse(sv.columnText(3), nullptr, false);
        if (!body.is_object() || !body.contains("answers") || !body["answers"].is_object()) continue;
        const std::string nip = sv.columnText(0), service = sv.columnText(1);
        std::vector<Acc*> targets = {&office, &byCounter[sv.columnText(2)]};
        if (!nip.empty()) {
            targets.push_back(&byOfficer[nip]);
            targets.push_back(&byUnit[unitOf(nip)]);
        }
        if (!service.empty()) targets.push_back(&byService[service]);
        for (Acc* a : targets) {
            ++a->s.surveyResponses;
            for (int i = 0; i < ikm::kUnsurCount; ++i) {
                const auto v = body["answers"].find("U" + std::to_string(i + 1));
                if (v != body["answers"].end() && v->is_number_integer()) a->unsur[static_cast<size_t>(i)].add(v->get<int>());
            }
        }
    }

    finish(office);
    r.office = office.s;
    for (auto& [nip, a] : byOfficer) {
        finish(a);
        const auto it = officers.find(nip);
        r.officers.push_back({nip, it != officers.end() ? it->second.name : "", unitOf(nip), a.s, {}});
    }
    // Devices: clock jumps along the chain, counter-level taps, the chain check.
    for (auto& [device, points] : deviceSeq) {
        std::sort(points.begin(), points.end(), [](const SeqPoint& a, const SeqPoint& b) { return a.seq < b.seq; });
        DeviceSignals& d = r.devices[device];
        for (size_t i = 1; i < points.size(); ++i) {
            const SeqPoint &a = points[i - 1], &b = points[i];
            if (a.boot == b.boot && std::llabs((b.wall - a.wall) - (b.mono - a.mono)) > 60'000) ++d.clockJumps;
        }
    }
    for (const auto& [counter, a] : byCounter) {
        const std::string device = counter.substr(0, counter.find('/'));
        r.devices[device].counterLevel += a.s.counterLevel;
    }
    std::set<std::string> troubled;
    for (auto& [device, d] : r.devices) {
        store::Statement chain(db, "SELECT count(*) FROM ratings r WHERE r.device_id = ?1 AND r.chain_seq > 1 AND NOT EXISTS"
                                   " (SELECT 1 FROM ratings p WHERE p.device_id = ?1 AND p.chain_seq = r.chain_seq - 1 AND p.hash = r.prev_hash)");
        chain.bind(1, std::string_view(device));
        if (chain.next() && chain.columnInt(0) > 0) {
            d.chainBreaks = chain.columnInt(0); // gaps and breaks together here; `report` JSON tells them apart
            troubled.insert(device);
        }
    }
    std::unordered_map<std::string, std::set<std::string>> officerDevices;
    for (const auto& [unused, group] : ratingGroups) {
        if (group.first.nip.empty()) continue;
        const std::string device = group.first.counter.substr(0, group.first.counter.find('/'));
        if (troubled.count(device)) officerDevices[group.first.nip].insert(device);
    }
    for (OfficerScore& o : r.officers) {
        OfficerSignals& g = o.signals;
        g.fastTopAfterCase = fastTop.count(o.nip) ? fastTop[o.nip] : 0;
        g.withoutCase = withoutCase.count(o.nip) ? withoutCase[o.nip] : 0;
        if (auto t = officerTimes.find(o.nip); t != officerTimes.end()) {
            std::vector<int64_t>& times = t->second;
            std::sort(times.begin(), times.end());
            int64_t run = 1, best = 1;
            for (size_t i = 2; i < times.size(); ++i) {
                const int64_t gap = times[i] - times[i - 1], previous = times[i - 1] - times[i - 2];
                run = std::llabs(gap - previous) <= 1000 && gap < 10 * 60'000 ? run + 1 : 1;
                best = std::max(best, run);
            }
            g.longestEqualRun = times.size() >= 3 ? best + 1 : 0; // a run of k equal gaps spans k + 1 ratings
        }
        if (auto d = officerDevices.find(o.nip); d != officerDevices.end()) g.devicesWithChainProblems.assign(d->second.begin(), d->second.end());
    }
    std::sort(r.officers.begin(), r.officers.end(), [](const OfficerScore& a, const OfficerScore& b) {
        return std::tie(a.unit, a.name, a.nip) < std::tie(b.unit, b.name, b.nip);
    });
    for (const auto& [from, to] : {std::pair{&byUnit, &r.units}, std::pair{&byService, &r.services}, std::pair{&byCounter, &r.counters}}) {
        for (auto& [k, a] : *from) {
            finish(a);
            (*to)[k] = a.s;
        }
    }
    r.ingestConflicts = ingestConflictCount(db);
    r.timeSuspectRatings = timeSuspectCount(db);
    return r;
}

std::vector<std::string> OfficerSignals::flags() const
{
    std::vector<std::string> f;
    if (fastTopAfterCase >= 3) f.push_back("fast_top_after_case");
    if (longestEqualRun >= 6) f.push_back("identical_intervals");
    if (withoutCase > 0) f.push_back("ratings_without_case");
    if (!devicesWithChainProblems.empty()) f.push_back("device_chain");
    return f;
}

nlohmann::json scoresJson(const ScoreReport& r)
{
    nlohmann::json officers = nlohmann::json::array();
    for (const auto& o : r.officers) {
        nlohmann::json j = scoreJson(o.score);
        j["nip"] = o.nip;
        j["name"] = o.name;
        j["unit"] = o.unit;
        j["signals"] = {{"fast_top_after_case", o.signals.fastTopAfterCase},
                        {"longest_identical_interval_run", o.signals.longestEqualRun},
                        {"ratings_without_case", o.signals.withoutCase},
                        {"devices_with_chain_problems", o.signals.devicesWithChainProblems},
                        {"flags", o.signals.flags()}};
        officers.push_back(std::move(j));
    }
    auto group = [](const std::map<std::string, Score>& m) {
        nlohmann::json j = nlohmann::json::object();
        for (const auto& [k, s] : m) j[k] = scoreJson(s);
        return j;
    };
    return {{"period", {{"label", r.period.label}, {"from", localDate(r.period.fromMs)}, {"to", localDate(r.period.toMs - 1)}}},
            {"office", scoreJson(r.office)},
            {"officers", officers},
            {"units", group(r.units)},
            {"services", group(r.services)},
            {"counters", group(r.counters)},
            {"devices", [&] {
                 nlohmann::json d = nlohmann::json::object();
                 for (const auto& [k, v] : r.devices) {
                     d[k] = {{"clock_jumps", v.clockJumps}, {"counter_level", v.counterLevel}, {"chain_problems", v.chainBreaks}};
                 }
                 return d;
             }()},
            {"ingest_conflicts", r.ingestConflicts},
            {"time_suspect_ratings", r.timeSuspectRatings}};
}

std::string scoresCsv(const ScoreReport& r)
{
    std::ostringstream out;
    out << "period_from,period_to,nip,name,unit,ratings,faces_4,faces_3,faces_2,faces_1,index,mutu,cases_logged,cases_rated,share_rated,"
           "sample_size,sample_sufficient,suppressed,survey_responses,ikm,ikm_mutu,integrity_flags\r\n";
    const std::string from = localDate(r.period.fromMs), to = localDate(r.period.toMs - 1);
    for (const auto& o : r.officers) {
        const Score& s = o.score;
        out << from << ',' << to << ',' << o.nip << ',' << csvField(o.name) << ',' << csvField(o.unit) << ',' << s.ratings << ',' << s.faces[3] << ','
            << s.faces[2] << ',' << s.faces[1] << ',' << s.faces[0] << ',' << fixed2(s.index) << ',' << (s.mutu ? std::string(1, *s.mutu) : "") << ','
            << s.casesLogged << ',' << s.casesRated << ',' << (s.shareRated ? fixed2(*s.shareRated * 100) : "") << ',' << s.sampleSize << ','
            << (s.sampleSufficient ? "yes" : "no") << ',' << s.suppressed << ',' << s.surveyResponses << ',' << fixed2(s.ikm) << ','
            << (s.ikmMutu ? std::string(1, *s.ikmMutu) : "") << ',';
        std::string flags;
        for (const auto& f : o.signals.flags()) flags += (flags.empty() ? "" : ";") + f;
        out << flags << "\r\n";
    }
    return out.str();
}

std::string scoresTable(const ScoreReport& r)
{
    std::ostringstream out;
    out << "Period " << r.period.label << " (" << localDate(r.period.fromMs) << " to " << localDate(r.period.toMs - 1) << ")\n";
    auto line = [&](const std::string& who, const Score& s) {
        out << std::left << std::setw(44) << who.substr(0, 43) << std::right << std::setw(7) << s.ratings << std::setw(8) << fixed2(s.index).c_str()
            << std::setw(3) << (s.mutu ? std::string(1, *s.mutu) : "-") << std::setw(7) << s.casesLogged << std::setw(7) << s.sampleSize << std::setw(5)
            << (s.sampleSufficient ? "yes" : "no") << std::setw(7) << s.suppressed << std::setw(8) << fixed2(s.ikm).c_str() << '\n';
    };
    auto header = [&](const char* title) {
        out << '\n' << std::left << std::setw(44) << title << std::right << std::setw(7) << "n" << std::setw(8) << "index" << std::setw(3) << "" << std::setw(7)
            << "cases" << std::setw(7) << "sample" << std::setw(5) << "ok" << std::setw(7) << "supp." << std::setw(8) << "IKM" << '\n';
    };
    header("office");
    line("(all)", r.office);
    header("officer (NIP, name)");
    for (const auto& o : r.officers) line(o.nip + " " + o.name, o.score);
    header("unit");
    for (const auto& [k, s] : r.units) line(k, s);
    header("service");
    for (const auto& [k, s] : r.services) line(k, s);
    header("counter (device/counter)");
    for (const auto& [k, s] : r.counters) line(k, s);
    out << "\nall time, beside the figures (skm-central report --format json lists them):\n"
        << "ingest conflicts: " << r.ingestConflicts << " (re-sent records that differed from what was stored: refused, both versions kept)\n"
        << "ratings with an implausible time: " << r.timeSuspectRatings << " (the device's clock: before 2020 or after the upload)\n";
    return out.str();
}

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

std::vector<TrendPoint> monthlyTrend(store::Database& db, const Period& period, const std::vector<std::string>& nips, int months)
{
    const time_t start = static_cast<time_t>(period.fromMs / 1000);
    std::tm t{};
    localtime_r(&start, &t);
    std::vector<TrendPoint> out;
    std::string inList;
    for (const auto& n : nips) {
        // Only well-formed NIPs (digits) go into the statement's text; anything else cannot be an officer's.
        if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos) continue;
        inList += (inList.empty() ? "'" : ",'") + n + "'";
    }
    if (!nips.empty() && inList.empty()) inList = "''";
    for (int k = months - 1; k >= 0; --k) {
        const int64_t from = localMidnight(t.tm_year + 1900, t.tm_mon + 1 - k, 1);
        const int64_t to = localMidnight(t.tm_year + 1900, t.tm_mon + 2 - k, 1);
        std::string sql = "SELECT count(*), coalesce(sum(score), 0) FROM ratings WHERE created_wall_ms >= ?1 AND created_wall_ms < ?2 AND suppressed = 0";
        if (!nips.empty()) sql += " AND officer_nip IN (" + inList + ")";
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

} // namespace skm::central
