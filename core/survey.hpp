#pragma once
// The SKM survey definition (config/survey.toml, docs/survey.md): the nine unsur of Permen PANRB
// 14/2017 with their questions and four answer labels in Indonesian and English, and the respondent
// profile questions with their options. Parsed whole or refused whole, naming the entry.

#include "catalog.hpp"
#include "ikm.hpp"

#include <array>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace skm::config {

struct Text {
    std::string id;
    std::string en;
    [[nodiscard]] const std::string& in(Lang lang) const { return lang == Lang::En ? en : id; }
};

struct SurveyUnsur {
    std::string code; // U1..U9
    Text name;
    Text question;
    std::array<Text, 4> answers; // the labels of 1, 2, 3, 4
};

struct SurveyOption {
    std::string code;
    Text label;
};

struct SurveyProfileItem {
    std::string code; // e.g. jenis_kelamin
    Text question;
    std::vector<SurveyOption> options; // 2..8
};

// The free-text suggestion ("Saran") at the end of the questionnaire, on the on-screen keyboard;
// always optional. Stored as the response's "saran".
struct SurveySaran {
    Text question;
    Text hint;
    int maxChars = 500;
};

struct SurveyDefinition {
    std::string version;
    // [ikm] weighting: how the office weighs the unsur, "exact" (1/9, the default) or "0.111" (the
    // regulation's printed weight). The kiosk's admin line and every report of the office use it.
    ikm::Weighting weighting = ikm::Weighting::Exact;
    std::array<SurveyUnsur, 9> unsur;
    std::vector<SurveyProfileItem> profile; // 0..8
    std::optional<SurveySaran> saran;       // [saran]; absent: no suggestion step
};

// A definition that cannot be used. what() reads "FILE:LINE: ENTRY: problem".
class SurveyError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Parses and checks a definition (TOML text; `name` stands for the file in messages). Throws SurveyError.
[[nodiscard]] SurveyDefinition parseSurvey(const std::string& text, const std::string& name);
// The definition built into the binary (config/survey.toml of the source tree).
[[nodiscard]] const SurveyDefinition& defaultSurvey();
[[nodiscard]] const std::string& defaultSurveyText();

// The definition in force on a kiosk: DATA_DIR/survey.toml when there is one (the central office's,
// written by sync), else the built-in one. current() notices a changed file and parses it again; a
// file that does not parse leaves the previous definition in force, and error() says why.
class SurveySource {
public:
    explicit SurveySource(std::filesystem::path file);
    [[nodiscard]] const SurveyDefinition& current();
    [[nodiscard]] const std::string& error() const noexcept { return m_error; }
    [[nodiscard]] const std::string& origin() const noexcept { return m_origin; } // the file, or "built-in"

private:
    std::filesystem::path m_file;
    std::filesystem::file_time_type m_seen{};
    bool m_haveFile = false;
    SurveyDefinition m_definition;
    std::string m_error;
    std::string m_origin = "built-in";
};

} // namespace skm::config
