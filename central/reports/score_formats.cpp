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

nlohmann::json perUnsur(const std::array<std::optional<double>, 9>& v)
{
    nlohmann::json n = nlohmann::json::object();
    for (size_t i = 0; i < v.size(); ++i) n["U" + std::to_string(i + 1)] = optNum(v[i]);
    return n;
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
            {"ikm_units", optNum(s.ikmUnits)},
            {"ikm_sample_size", s.ikmSampleSize},
            {"ikm_sample_sufficient", s.ikmSampleSufficient},
            {"nrr", perUnsur(s.nrr)},
            {"nrr_weighted", perUnsur(s.nrrWeighted)},
            {"session_level",
             {{"ratings", s.sessionRatings},
              {"faces", {{"4", s.sessionFaces[3]}, {"3", s.sessionFaces[2]}, {"2", s.sessionFaces[1]}, {"1", s.sessionFaces[0]}}},
              {"index", optNum(s.sessionIndex)},
              {"mutu", optChar(s.sessionMutu)}}}};
}

std::string csvField(const std::string& v)
{
    if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
    std::string out = "\"";
    for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string fixed(const std::optional<double>& v, int decimals)
{
    if (!v) return "";
    std::ostringstream o;
    o << std::fixed << std::setprecision(decimals) << *v;
    return o.str();
}
std::string fixed2(const std::optional<double>& v) { return fixed(v, 2); }

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
            {"measures",
             {{"index", std::string(kQuickIndexName) + ": rata-rata penilaian wajah (1-4) x 25; quick index: the faces' mean x 25"},
              {"ikm", std::string(kIkmName) + " Permen PANRB 14/2017, bobot " + ikm::weightLabel(r.weighting) + ": dari survei lengkap; from complete surveys"},
              {"ikm_weighting", ikm::weightingName(r.weighting)},
              {"session_level", "penilaian sesi: ketukan saat petugas bertugas tanpa layanan tercatat, terpisah dari penilaian per layanan; "
                                "session-level ratings ([officer] session_ratings), apart from the case ratings, never in `index`"}}},
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
    out << "period_from,period_to,nip,name,unit,ratings,faces_4,faces_3,faces_2,faces_1,quick_index,quick_index_mutu,cases_logged,cases_rated,share_rated,"
           "sample_size,sample_sufficient,suppressed,survey_responses,ikm_9_unsur,ikm_9_unsur_mutu,ikm_weighting,ikm_sample_size,ikm_sample_sufficient,"
           "integrity_flags,session_ratings,session_index,session_index_mutu\r\n";
    const std::string from = localDate(r.period.fromMs), to = localDate(r.period.toMs - 1);
    for (const auto& o : r.officers) {
        const Score& s = o.score;
        out << from << ',' << to << ',' << o.nip << ',' << csvField(o.name) << ',' << csvField(o.unit) << ',' << s.ratings << ',' << s.faces[3] << ','
            << s.faces[2] << ',' << s.faces[1] << ',' << s.faces[0] << ',' << fixed2(s.index) << ',' << (s.mutu ? std::string(1, *s.mutu) : "") << ','
            << s.casesLogged << ',' << s.casesRated << ',' << (s.shareRated ? fixed2(*s.shareRated * 100) : "") << ',' << s.sampleSize << ','
            << (s.sampleSufficient ? "yes" : "no") << ',' << s.suppressed << ',' << s.surveyResponses << ',' << fixed2(s.ikm) << ','
            << (s.ikmMutu ? std::string(1, *s.ikmMutu) : "") << ',' << ikm::weightLabel(r.weighting) << ',' << s.ikmSampleSize << ','
            << (s.ikmSampleSufficient ? "yes" : "no") << ',';
        std::string flags;
        for (const auto& f : o.signals.flags()) flags += (flags.empty() ? "" : ";") + f;
        out << flags << ',' << s.sessionRatings << ',' << fixed2(s.sessionIndex) << ',' << (s.sessionMutu ? std::string(1, *s.sessionMutu) : "") << "\r\n";
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
            << (s.sampleSufficient ? "yes" : "no") << std::setw(7) << s.suppressed << std::setw(8) << fixed2(s.ikm).c_str() << std::setw(3) << (s.ikmMutu ? std::string(1, *s.ikmMutu) : "-") << '\n';
    };
    auto header = [&](const char* title) {
        out << '\n' << std::left << std::setw(44) << title << std::right << std::setw(7) << "n" << std::setw(8) << "index" << std::setw(3) << "" << std::setw(7)
            << "cases" << std::setw(7) << "sample" << std::setw(5) << "ok" << std::setw(7) << "supp." << std::setw(8) << "IKM" << '\n';
    };
    out << "index: " << kQuickIndexName << " (the faces' mean x 25); IKM: " << kIkmName << ", weight " << ikm::weightLabel(r.weighting)
        << ", from complete surveys\n";
    header("office");
    line("(all)", r.office);
    const ikm::Result x = ikm::compute(r.office.surveyTally.unsur, r.weighting);
    if (x.converted) {
        out << '\n' << kIkmName << " of the office, " << r.office.surveyResponses << " complete responses, weight " << ikm::weightLabel(r.weighting, x.unsurUsed)
            << (r.office.casesLogged == 0 ? std::string(" (no cases logged: no sample to judge)")
                                          : " (sample " + std::to_string(r.office.ikmSampleSize) + " for " + std::to_string(r.office.casesLogged) +
                                                " cases: " + (r.office.ikmSampleSufficient ? "reached" : "not reached") + ")")
            << "\n"
            << std::left << std::setw(44) << "unsur" << std::right << std::setw(9) << "answers" << std::setw(9) << "NRR" << std::setw(13) << "tertimbang" << '\n';
        for (size_t i = 0; i < ikm::kUnsurCount; ++i) {
            out << std::left << std::setw(44) << ("U" + std::to_string(i + 1) + " " + ikm::kUnsurNames[i]).substr(0, 43) << std::right << std::setw(9)
                << r.office.surveyTally.unsur[i].count << std::setw(9) << fixed(x.nrr[i], ikm::kNrrDecimals) << std::setw(13)
                << fixed(x.weighted[i], ikm::kWeightedDecimals) << '\n';
        }
        out << std::left << std::setw(62) << "IKM = sum of NRR tertimbang" << std::right << std::setw(13) << fixed(x.ikm, ikm::kWeightedDecimals) << '\n'
            << std::left << std::setw(62) << "x 25" << std::right << std::setw(13) << fixed2(x.converted) << ' ' << ikm::mutuLetter(*x.mutu) << '\n';
    }
    header("officer (NIP, name)");
    for (const auto& o : r.officers) line(o.nip + " " + o.name, o.score);
    header("unit");
    for (const auto& [k, s] : r.units) line(k, s);
    header("service");
    for (const auto& [k, s] : r.services) line(k, s);
    header("counter (device/counter)");
    for (const auto& [k, s] : r.counters) line(k, s);
    if (r.office.sessionRatings > 0) {
        out << "\nsession-level ratings (a tap during an officer's session with no case; apart, never in the index above)\n";
        out << std::left << std::setw(44) << "officer (NIP, name)" << std::right << std::setw(7) << "n" << std::setw(8) << "index" << '\n';
        for (const auto& o : r.officers) {
            if (o.score.sessionRatings == 0) continue;
            out << std::left << std::setw(44) << (o.nip + " " + o.name).substr(0, 43) << std::right << std::setw(7) << o.score.sessionRatings << std::setw(8)
                << fixed2(o.score.sessionIndex).c_str() << std::setw(3) << (o.score.sessionMutu ? std::string(1, *o.score.sessionMutu) : "-") << '\n';
        }
    }
    out << "\nall time, beside the figures (skm-central report --format json lists them):\n"
        << "ingest conflicts: " << r.ingestConflicts << " (re-sent records that differed from what was stored: refused, both versions kept)\n"
        << "ratings with an implausible time: " << r.timeSuspectRatings << " (the device's clock: before 2020 or after the upload)\n";
    return out.str();
}

std::vector<IkmGroup> ikmGroups(const ScoreReport& r, IkmGroup::Scope scope)
{
    const auto& groups = scope == IkmGroup::Scope::Unit ? r.units : r.services;
    const IkmTally& without = scope == IkmGroup::Scope::Unit ? r.surveysWithoutOfficer : r.surveysWithoutService;
    const char* withoutName = scope == IkmGroup::Scope::Unit ? "(tanpa petugas)" : "(tidak diketahui)";
    std::vector<IkmGroup> out;
    for (const auto& [name, s] : groups) {
        if (s.surveyResponses > 0 && name != withoutName) out.push_back({scope, name, s.surveyTally});
    }
    IkmTally all = without;
    // A real group of that name (a unit called so) shares the line, as it always did.
    if (const auto named = groups.find(withoutName); named != groups.end()) all.merge(named->second.surveyTally);
    if (all.responses > 0) out.push_back({scope, withoutName, all});
    return out;
}

nlohmann::json surveyIkmJson(const ScoreReport& r, int64_t incomplete)
{
    nlohmann::json out = {{"complete_responses", r.office.surveyResponses},
                          {"incomplete_responses", incomplete},
                          {"sample_size", r.office.ikmSampleSize},
                          {"sample_population", r.office.casesLogged},
                          {"sample_sufficient", r.office.ikmSampleSufficient},
                          {"overall", ikmJson(r.office.surveyTally, r.weighting)}};
    for (const auto scope : {IkmGroup::Scope::Unit, IkmGroup::Scope::Service}) {
        nlohmann::json j = nlohmann::json::object();
        for (const IkmGroup& g : ikmGroups(r, scope)) j[g.name] = ikmJson(g.tally, r.weighting);
        out[scope == IkmGroup::Scope::Unit ? "by_unit" : "by_service"] = std::move(j);
    }
    return out;
}

std::string ikmCsv(const ScoreReport& r)
{
    std::ostringstream out;
    out << "period_from,period_to,scope,name,responses,unsur_code,unsur_name,answers,answer_sum,nrr,weight,nrr_weighted,ikm,ikm_converted,ikm_mutu\r\n";
    const std::string from = localDate(r.period.fromMs), to = localDate(r.period.toMs - 1);
    auto rows = [&](const char* scope, const std::string& name, const IkmTally& t) {
        const ikm::Result x = ikm::compute(t.unsur, r.weighting);
        for (size_t i = 0; i < ikm::kUnsurCount; ++i) {
            out << from << ',' << to << ',' << scope << ',' << csvField(name) << ',' << t.responses << ",U" << i + 1 << ',' << csvField(ikm::kUnsurNames[i]) << ','
                << t.unsur[i].count << ',' << t.unsur[i].sum << ',' << fixed(x.nrr[i], ikm::kNrrDecimals) << ','
                << (x.weight ? ikm::weightLabel(r.weighting, x.unsurUsed) : "") << ',' << fixed(x.weighted[i], ikm::kWeightedDecimals) << ','
                << fixed(x.ikm, ikm::kWeightedDecimals) << ',' << fixed2(x.converted) << ',' << (x.mutu ? std::string(1, ikm::mutuLetter(*x.mutu)) : "") << "\r\n";
        }
    };
    rows("office", "", r.office.surveyTally);
    for (const auto scope : {IkmGroup::Scope::Unit, IkmGroup::Scope::Service}) {
        for (const IkmGroup& g : ikmGroups(r, scope)) rows(scope == IkmGroup::Scope::Unit ? "unit" : "service", g.name, g.tally);
    }
    return out.str();
}

} // namespace skm::central
