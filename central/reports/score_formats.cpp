#include "score_formats.hpp"

#include "listings.hpp"
#include "period.hpp"

#include <iomanip>
#include <sstream>

namespace skm::central {

namespace {

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
                     d[k] = {{"clock_jumps", v.clockJumps}, {"counter_level", v.counterLevel}, {"chain_problems", v.chainProblems()}};
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

nlohmann::json surveyIkmJson(const ScoreReport& r, int64_t incomplete)
{
    nlohmann::json out = {{"complete_responses", r.office.surveyResponses}, {"incomplete_responses", incomplete}, {"overall", ikmJson(r.office.surveyTally)}};
    auto listed = [](const std::map<std::string, Score>& groups, const IkmTally& without, const char* withoutName) {
        nlohmann::json j = nlohmann::json::object();
        for (const auto& [name, s] : groups) {
            if (s.surveyResponses > 0) j[name] = ikmJson(s.surveyTally);
        }
        if (without.responses > 0) {
            // A real group of that name (a unit called so) shares the line, as it always did.
            IkmTally all = without;
            if (const auto named = groups.find(withoutName); named != groups.end()) all.merge(named->second.surveyTally);
            j[withoutName] = ikmJson(all);
        }
        return j;
    };
    out["by_unit"] = listed(r.units, r.surveysWithoutOfficer, "(tanpa petugas)");
    out["by_service"] = listed(r.services, r.surveysWithoutService, "(tidak diketahui)");
    return out;
}

} // namespace skm::central
