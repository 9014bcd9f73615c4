#include "survey_details.hpp"

#include <algorithm>

namespace skm::central {

void ProfileCounts::add(const nlohmann::json& profile, const std::vector<std::string>& codes)
{
    ++responses;
    for (const std::string& code : codes) {
        const auto it = profile.is_object() ? profile.find(code) : profile.end();
        fields[code][it != profile.end() && it->is_string() ? it->get<std::string>() : std::string()] += 1;
    }
}

SurveyDetails readSurveyDetails(sql::Connection& db, const Period& period, const std::map<std::string, OfficerInfo>& officers,
                                const config::SurveyDefinition& survey, const std::string& unit, size_t saranLimit)
{
    SurveyDetails d;
    for (const auto& p : survey.profile) d.fieldCodes.push_back(p.code);
    struct Row {
        int64_t at;
        std::string nip, service, language;
        nlohmann::json body;
    };
    std::vector<Row> rows;
    db.each("SELECT coalesce(officer_nip, ''), coalesce(service_code, ''), started_wall_ms, body FROM survey_responses"
            " WHERE status = 'complete' AND coalesce(channel, 'kiosk') <> 'poster' AND started_wall_ms >= $1 AND started_wall_ms < $2"
            " ORDER BY started_wall_ms DESC, id DESC",
            {period.fromMs, period.toMs}, [&](const sql::Row& r) {
                Row row{r.integer(2), r.text(0), r.text(1), "", nlohmann::json::parse(r.text(3), nullptr, false)};
                if (row.body.is_object() && row.body.contains("language") && row.body["language"].is_string()) row.language = row.body["language"];
                // A field the definition no longer asks, answered in an older version, is counted too.
                if (row.body.is_object() && row.body.contains("profile") && row.body["profile"].is_object()) {
                    for (const auto& [k, v] : row.body["profile"].items()) {
                        if (std::find(d.fieldCodes.begin(), d.fieldCodes.end(), k) == d.fieldCodes.end()) d.fieldCodes.push_back(k);
                    }
                }
                rows.push_back(std::move(row));
            });
    auto unitOf = [&](const std::string& nip) -> std::string {
        if (nip.empty()) return "(tanpa petugas)";
        const auto it = officers.find(nip);
        return it != officers.end() ? it->second.unit : "(unit tidak diketahui)";
    };
    for (const Row& row : rows) {
        const std::string u = unitOf(row.nip);
        if (!unit.empty() && u != unit) continue;
        const nlohmann::json profile = row.body.is_object() ? row.body.value("profile", nlohmann::json::object()) : nlohmann::json::object();
        d.office.add(profile, d.fieldCodes);
        if (row.body.is_object() && row.body.contains("answers") && row.body["answers"].is_object()) {
            for (size_t i = 0; i < 9; ++i) {
                const auto a = row.body["answers"].find("U" + std::to_string(i + 1));
                if (a != row.body["answers"].end() && a->is_number_integer() && a->get<int>() >= 1 && a->get<int>() <= 4) ++d.answers[i][static_cast<size_t>(a->get<int>() - 1)];
            }
        }
        d.byUnit[u].add(profile, d.fieldCodes);
        d.byService[row.service.empty() ? "(tidak diketahui)" : row.service].add(profile, d.fieldCodes);
        const auto saran = row.body.is_object() ? row.body.find("saran") : row.body.end();
        if (saran != row.body.end() && saran->is_string() && !saran->get_ref<const std::string&>().empty()) {
            ++d.saranTotal;
            if (d.saran.size() < saranLimit) d.saran.push_back({row.at, u, row.service, row.language, saran->get<std::string>()});
        }
    }
    return d;
}

nlohmann::json profileJson(const ProfileCounts& p)
{
    nlohmann::json fields = nlohmann::json::object();
    for (const auto& [code, options] : p.fields) {
        nlohmann::json o = nlohmann::json::object();
        for (const auto& [option, n] : options) o[option.empty() ? "(tidak menjawab)" : option] = n;
        fields[code] = o;
    }
    return {{"responses", p.responses}, {"fields", fields}};
}

nlohmann::json surveyDetailsJson(const SurveyDetails& d)
{
    nlohmann::json byUnit = nlohmann::json::object(), byService = nlohmann::json::object(), saran = nlohmann::json::array();
    for (const auto& [k, p] : d.byUnit) byUnit[k] = profileJson(p);
    for (const auto& [k, p] : d.byService) byService[k] = profileJson(p);
    for (const Saran& s : d.saran) {
        saran.push_back({{"at", localDate(s.atMs)}, {"unit", s.unit}, {"service", s.service.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.service)},
                         {"language", s.language}, {"text", s.text}});
    }
    return {{"profile", {{"office", profileJson(d.office)}, {"by_unit", byUnit}, {"by_service", byService}}}, {"saran_total", d.saranTotal}, {"saran", saran}};
}

std::string profileFieldLabel(const config::SurveyDefinition& survey, const std::string& field, config::Lang lang)
{
    for (const auto& p : survey.profile) {
        if (p.code == field) return p.question.in(lang);
    }
    return field;
}

std::string profileOptionLabel(const config::SurveyDefinition& survey, const std::string& field, const std::string& option, config::Lang lang)
{
    if (option.empty()) return lang == config::Lang::En ? "no answer" : "tidak menjawab";
    for (const auto& p : survey.profile) {
        if (p.code != field) continue;
        for (const auto& o : p.options) {
            if (o.code == option) return o.label.in(lang);
        }
    }
    return option + (lang == config::Lang::En ? " (old code)" : " (kode lama)");
}

} // namespace skm::central
