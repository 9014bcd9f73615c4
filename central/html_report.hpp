#pragma once
// The HTML report skm-central serves (issue 7): an office overview, a page per unit and per officer,
// the month-by-month trend, the distribution over the four faces and the NRR per unsur as bars. The
// charts are SVG drawn here on the server; the page loads nothing from anywhere (no script, no font,
// no stylesheet but its own), reads on a phone and prints on paper. Indonesian, English by ?lang=en.

#include "accounts.hpp"
#include <central/reports/listings.hpp>
#include <central/reports/scores.hpp>

#include <core/catalog.hpp>

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
[[nodiscard]] std::string overviewPage(Lang lang, const User& user, const ScoreReport& r, const std::vector<TrendPoint>& trend);
[[nodiscard]] std::string unitPage(Lang lang, const User& user, const ScoreReport& r, const std::string& unit, const std::vector<TrendPoint>& trend);
[[nodiscard]] std::string officerPage(Lang lang, const User& user, const ScoreReport& r, const OfficerScore& o, const std::vector<TrendPoint>& trend,
                                      const nlohmann::json& comments);

// SVG charts (exposed for tests).
[[nodiscard]] std::string facesChart(Lang lang, const Score& s);
[[nodiscard]] std::string nrrChart(Lang lang, const Score& s);
[[nodiscard]] std::string trendChart(Lang lang, const std::vector<TrendPoint>& trend);

// %-encoding for a path segment or a query value.
[[nodiscard]] std::string urlEncode(const std::string& text);

} // namespace skm::central::html
