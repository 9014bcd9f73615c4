#pragma once
// The SKM survey definition (config/survey.toml, docs/survey.md): the nine unsur of Permen PANRB
// 14/2017 with their questions and four answer labels in Indonesian and English, and the respondent
// profile questions with their options. Parsed whole or refused whole, naming the entry.

#include "catalog.hpp"

#include <array>
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

struct SurveyDefinition {
    std::string version;
    std::array<SurveyUnsur, 9> unsur;
    std::vector<SurveyProfileItem> profile; // 0..8
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

} // namespace skm::config
