#pragma once
// The pieces the report's pages share (html_report.cpp, html_survey.cpp): the pages' texts, numbers in
// the page's language, the mutu badge, and the sections on the questionnaires. Inside skm-central only.

#include "html_report.hpp"

#include <optional>
#include <string>

namespace skm::central::html {

// A text of the pages in `lang` ("?" for an unknown key).
[[nodiscard]] const char* tr(Lang lang, const std::string& key);
// Two decimals (82,45 / 82.45), and a count (1.234 / 1,234), as the page's language writes them.
[[nodiscard]] std::string fmtNum(Lang lang, double v);
[[nodiscard]] std::string fmtCount(Lang lang, int64_t n);
// <span class="mutu A">A</span>, or "" without one.
[[nodiscard]] std::string mutuBadge(const std::optional<char>& m);
// A whole page: the header band (title, `headerRight`), the body, the stylesheet.
[[nodiscard]] std::string page(Lang lang, const std::string& title, const std::string& headerRight, const std::string& body);
// The header's links: the other language, the user, sign out.
[[nodiscard]] std::string headerLinks(Lang lang, const User& user, const std::string& here);
// The period chooser: a list of months, quarters, semesters and years (the one shown selected) and Show.
[[nodiscard]] std::string periodPicker(Lang lang, const Period& shown, const std::string& action);
// The Content-Security-Policy of a page whose only style is `css`: nothing from outside, no script.
[[nodiscard]] std::string styleOnlyPolicy(const char* css);
// The unsur with the lowest NRR (0-based), if any has answers.
[[nodiscard]] std::optional<size_t> weakestUnsur(const Score& s, ikm::Weighting weighting);

// The IKM as the regulation tabulates it: per unsur its code and name, answers, NRR (4 decimals), weight
// and NRR tertimbang (6 decimals), then their sum (the IKM) and × 25, under the chart of the NRR: what
// is printed adds up to what is printed (core/ikm.hpp). A <section>.
[[nodiscard]] std::string ikmSection(Lang lang, const Score& s, ikm::Weighting weighting);
// The respondents' profile per field: each option's count and share, for the group and per service.
[[nodiscard]] std::string profileSection(Lang lang, const SurveyPart& part);
// The suggestions written at the questionnaire's end, newest first.
[[nodiscard]] std::string saranSection(Lang lang, const SurveyPart& part);

} // namespace skm::central::html
