#pragma once
// The laporan SKM (issue 19): the periodic report a unit writes for Permen PANRB 14/2017, in the
// structure units use — BAB I Pendahuluan (from the office's template), BAB II Pengumpulan Data
// (method, period, population and sample against Krejcie–Morgan, respondents' profile), BAB III Hasil
// (IKM, NRR and NRR tertimbang per unsur, IKM per service, mutu), BAB IV Analisis (weakest and strongest
// unsur, the follow-up plan, the trend against earlier periods), and the Lampiran (the questionnaire
// as asked, the processed data table, the compiled suggestions). Bahasa Indonesia, Indonesian number
// format (82,45), one HTML document printed to PDF by headless Chromium.

#include <central/followups.hpp>
#include <central/reports/period.hpp>
#include <central/store/central_store.hpp>
#include <central/reports/scores.hpp>
#include <central/reports/survey_details.hpp>

#include <core/published_ikm.hpp>
#include <core/sql.hpp>
#include <core/survey.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace skm::central::laporan {

// The parts a unit writes in its own words (config/laporan.toml, or the office's DATA_DIR/laporan.toml).
struct Signer {
    std::string title, name, nip;
};
struct Template {
    std::string office, place;
    Signer signer;
    std::map<std::string, Signer> units; // a unit's own signer, by its name
    std::string background, aims, method;
    std::vector<std::string> legalBasis;
};

class TemplateError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};
// Parsed whole or refused whole, naming the entry ("laporan.toml:12: bab1: 'latar_belakang' is missing").
[[nodiscard]] Template parseTemplate(const std::string& text, const std::string& name);
[[nodiscard]] const std::string& defaultTemplateText();
// DATA_DIR/laporan.toml when there is one, else the built-in template. Throws TemplateError.
[[nodiscard]] Template loadTemplate(const std::filesystem::path& dataDir);

// "Semester I Tahun 2026", "Triwulan IV Tahun 2026", "Bulan November 2026", "Tahun 2026", or the range's dates.
[[nodiscard]] std::string periodName(const Period& p);

// One earlier period's figures, for the trend.
struct Earlier {
    std::string name;
    Score score;
};

struct Input {
    std::string unit;                                 // "" for the whole office
    Period period;
    Score score;                                      // the unit's (or the office's)
    ikm::Weighting weighting = ikm::Weighting::Exact;
    std::map<std::string, Score> services;            // the unit's services (code -> figures)
    std::map<std::string, std::string> serviceNames;  // code -> name, from the published roster
    std::optional<int64_t> population;                // entered for the period; else the cases logged
    SurveyDetails details;                            // profile, answers per value, suggestions
    std::vector<Earlier> earlier;                     // the periods before, oldest first
    std::vector<Followup> followups;                  // this period's follow-up plan
    std::vector<Followup> previousFollowups;          // the period before's, with their status now
    const config::SurveyDefinition* survey = nullptr; // the questionnaire as asked
    Template text;
    int64_t writtenMs = 0;                            // the report's date
};

// The earlier periods of the same kind as `p` (the semesters before a semester, ...), oldest first;
// none for a range of days.
[[nodiscard]] std::vector<Period> earlierPeriods(const Period& p, int count);

// The figures of `unit` ("" the whole office) for `period` from `db` (a read snapshot), with the office's
// template (DATA_DIR/laporan.toml or built in) and questionnaire (`survey`, which must outlive the
// result). Throws TemplateError for a bad template, std::runtime_error for a unit the roster does not know.
// The population is `population` when given, else the one the unit entered for the period (the web
// report's follow-up page), else the cases logged.
[[nodiscard]] Input gather(sql::Connection& db, const std::filesystem::path& dataDir, const std::string& unit, const Period& period,
                           std::optional<int64_t> population, int64_t nowMs, const config::SurveyDefinition& survey);

// The IKM line the kiosks' attract screens show (core/published_ikm.hpp): `unit`'s ("" the office's)
// IKM for `period`. Throws std::runtime_error when the unit is unknown or has no complete questionnaire.
[[nodiscard]] config::PublishedIkm publishedIkm(sql::Connection& db, const std::filesystem::path& dataDir, const std::string& unit, const Period& period,
                                                const config::SurveyDefinition& survey);

// The laporan as one HTML document (A4, print stylesheet, no script, nothing loaded from anywhere).
[[nodiscard]] std::string html(const Input& in);

// Prints `htmlText` to `pdfPath` with headless Chromium (Debian's chromium). Throws std::runtime_error
// with the reason (no chromium, a timeout, no PDF written).
void printPdf(const std::string& htmlText, const std::filesystem::path& pdfPath);
// The same PDF's bytes (the web report's download), printed in a private scratch directory.
[[nodiscard]] std::string pdfOf(const std::string& htmlText);

// `skm-central laporan` and `skm-central publish-ikm`: their options, and the commands (exit status 0,
// 2 for a bad period, unit or template, with the reason on standard error).
struct CommandOptions {
    std::string unit, period, format, out;
    int64_t population = -1; // < 0: not given
    std::string device;      // publish-ikm: one kiosk's
    bool withdraw = false;
};
int runLaporan(CentralStore& store, const std::filesystem::path& dataDir, const CommandOptions& o, int64_t nowMs);
int runPublishIkm(CentralStore& store, const std::filesystem::path& dataDir, const CommandOptions& o);

} // namespace skm::central::laporan
