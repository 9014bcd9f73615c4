#pragma once
// What the complete questionnaires say beside the IKM (issue 19): the respondents' profile, counted per
// field and option, for the office, each unit and each service; and the suggestions (saran) they wrote,
// compiled newest first (rekap saran). Read from the responses' bodies in one pass over the period.

#include "officers.hpp"
#include "period.hpp"

#include <core/sql.hpp>
#include <core/survey.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace skm::central {

// One group's respondents: how many, and per profile field (code), per option (code), how many chose
// it. A field skipped is counted under "" (no answer).
struct ProfileCounts {
    int64_t responses = 0;
    std::map<std::string, std::map<std::string, int64_t>> fields;
    void add(const nlohmann::json& profile, const std::vector<std::string>& codes);
};

struct Saran {
    int64_t atMs = 0;
    std::string unit;    // the officer's unit, "(tanpa petugas)" with no officer
    std::string service; // its code, "" with none
    std::string language;
    std::string text;
};

struct SurveyDetails {
    std::vector<std::string> fieldCodes; // the office's profile questions, in order (then any others answered)
    ProfileCounts office;
    std::map<std::string, ProfileCounts> byUnit, byService;
    // How many answered each unsur (U1..U9) with 1, 2, 3 and 4: the processed data table of the laporan.
    std::array<std::array<int64_t, 4>, 9> answers{};
    std::vector<Saran> saran; // newest first, at most the limit asked for
    int64_t saranTotal = 0;
};

// The complete responses begun in `period`; only those of `unit`'s officers when it is not empty.
// `survey` gives the profile's fields (answers to others are counted under their own code).
[[nodiscard]] SurveyDetails readSurveyDetails(sql::Connection& db, const Period& period, const std::map<std::string, OfficerInfo>& officers,
                                              const config::SurveyDefinition& survey, const std::string& unit = "", size_t saranLimit = 200);

// {"responses", "fields": {code: {option: count}}}
[[nodiscard]] nlohmann::json profileJson(const ProfileCounts& p);
// {"profile": {"office": …, "by_unit": {…}, "by_service": {…}}, "saran_total", "saran": [{"at", "unit", "service", "language", "text"}]}
[[nodiscard]] nlohmann::json surveyDetailsJson(const SurveyDetails& d);
// The label of a profile option in `lang` ("Perempuan"); an option the definition no longer has reads
// as its code with "(kode lama)" / "(old code)"; no answer as "tidak menjawab" / "no answer".
[[nodiscard]] std::string profileOptionLabel(const config::SurveyDefinition& survey, const std::string& field, const std::string& option, config::Lang lang);
[[nodiscard]] std::string profileFieldLabel(const config::SurveyDefinition& survey, const std::string& field, config::Lang lang);

} // namespace skm::central
