#pragma once
// The HTML report skm-central serves (issue 7): an office overview, a page per unit and per officer,
// the month-by-month trend, the distribution over the four faces and the NRR per unsur as bars. The
// charts are SVG drawn here on the server; the page loads nothing from anywhere (no script, no font,
// no stylesheet but its own), reads on a phone and prints on paper. Indonesian, English by ?lang=en.

#include "accounts.hpp"
#include <central/reports/listings.hpp>
#include <central/reports/scores.hpp>
#include <central/reports/survey_details.hpp>
#include <central/followups.hpp>

#include <core/catalog.hpp>
#include <core/reasons.hpp>
#include <core/survey.hpp>

#include <map>

#include <string>
#include <vector>

namespace skm::central::html {

// The catalogue's language: every number a person reads on a page is written as it writes them
// (config::formatNumber, config::formatCount); attributes and SVG coordinates keep a decimal point.
using Lang = config::Lang;

[[nodiscard]] std::string escape(const std::string& text);
// The Content-Security-Policy every page is sent with: nothing from outside, no script, only the
// page's own stylesheet (by its SHA-256), no <base>, forms only to this server, no framing.
[[nodiscard]] std::string contentSecurityPolicy();
// The sign-in form; `failed`: after a wrong password; `waitSeconds` > 0: the throttle's wait instead.
[[nodiscard]] std::string loginPage(Lang lang, const std::string& next, bool failed, int64_t waitSeconds = 0);
[[nodiscard]] std::string errorPage(Lang lang, int status, const std::string& message);

// The phone questionnaire (html_phone.cpp): its page frame, its policy (its own stylesheet's hash),
// and the form with what was chosen so far and why it was not accepted.
struct PhoneForm {
    const config::SurveyDefinition* survey = nullptr;
    std::string action;                         // the form's own URL
    std::map<std::string, std::string> values;  // U1..U9, profile codes, "saran"
    std::string error;
};
[[nodiscard]] std::string phonePolicy();
[[nodiscard]] std::string phonePage(Lang lang, const std::string& title, const std::string& subtitle, const std::string& languageLink, const std::string& body);
[[nodiscard]] std::string phoneSurveyForm(Lang lang, const PhoneForm& form);
// What the questionnaires say beside the IKM, for the overview and unit pages: the respondents'
// profile (per field and option, for the group and per service) and the compiled suggestions. Left
// out when not given.
struct SurveyPart {
    const config::SurveyDefinition* survey = nullptr;
    const SurveyDetails* details = nullptr;
    const std::vector<Followup>* followups = nullptr; // the unit page: the period's follow-up items
    const std::vector<config::Reason>* reasons = nullptr; // the published roster's reasons (labels); else the built-in ones
    std::optional<int64_t> population;                     // the unit page: the population the unit entered for the period
};
[[nodiscard]] std::string overviewPage(Lang lang, const User& user, const ScoreReport& r, const std::vector<TrendPoint>& trend, const SurveyPart& survey = {});
[[nodiscard]] std::string unitPage(Lang lang, const User& user, const ScoreReport& r, const std::string& unit, const std::vector<TrendPoint>& trend,
                                   const SurveyPart& survey = {});
[[nodiscard]] std::string officerPage(Lang lang, const User& user, const ScoreReport& r, const OfficerScore& o, const std::vector<TrendPoint>& trend,
                                      const nlohmann::json& comments, const SurveyPart& extras = {});

// "Semester I Tahun 2026" / "Semester 1, 2026", "November 2026", "Tahun 2026" / "2026".
[[nodiscard]] std::string periodTitle(Lang lang, const Period& p);

// A unit's follow-up plan for a period (/report/unit/UNIT/tindak-lanjut).
struct FollowupPage {
    std::string unit;
    Period period;
    Score score;                                      // the unit's, for its IKM and weakest unsur
    ikm::Weighting weighting = ikm::Weighting::Exact;
    std::vector<Followup> items;
    std::optional<int64_t> population;                // entered for the period
    bool mayWrite = false;
    std::string csrf;                                 // the session's form token
    std::string error;                                // a refused form's reason, shown at the top
    Followup draft;                                   // a refused new item's fields, to fill the form again
};
[[nodiscard]] std::string followupPage(Lang lang, const User& user, const FollowupPage& p);
// Whether the weakest unsur of `s` has no follow-up item (other than one given up) among `items`.
[[nodiscard]] bool weakestWithoutFollowup(const Score& s, ikm::Weighting weighting, const std::vector<Followup>& items);

// The public pages (no sign-in, no personal data).
struct PublicUnit {
    std::string name;
    Score s1, s2, year;            // the year's semesters and the year
    std::vector<Score> trend;      // the years of PublicPage::trendYears
    std::vector<Followup> followups; // the year's items (semesters and the year), without who is responsible
    Score month;                   // this month's, for the waiting-room screen
};
struct PublicPage {
    std::string office;
    std::string weight;            // the IKM's weight as the page writes it: "1/9", "0,111"
    int year = 0;
    std::vector<int> years;        // the years to choose from, newest first
    std::vector<int> trendYears;   // oldest first, ending with `year`
    std::vector<PublicUnit> units;
};
[[nodiscard]] std::string publicPage(Lang lang, const PublicPage& p);
struct PublicScreen {
    std::string office, monthTitle;
    std::string weight;
    int refreshSeconds = 300;
    std::vector<PublicUnit> units;
};
// A whole page of its own (large type, dark, for a screen across a room), refreshing itself by a meta
// refresh every `refreshSeconds`: no script.
[[nodiscard]] std::string waitingRoomPage(const PublicScreen& p);
// Its Content-Security-Policy: the same as the report's, for its own stylesheet.
[[nodiscard]] std::string waitingRoomPolicy();

// SVG charts (exposed for tests).
[[nodiscard]] std::string facesChart(Lang lang, const Score& s);
[[nodiscard]] std::string nrrChart(Lang lang, const Score& s);
[[nodiscard]] std::string trendChart(Lang lang, const std::vector<TrendPoint>& trend);

// %-encoding for a path segment or a query value.
[[nodiscard]] std::string urlEncode(const std::string& text);

} // namespace skm::central::html
