// The report's IKM table, respondents' profile and compiled suggestions (issue 19), shared by the
// report pages and the laporan SKM.

#include "html_parts.hpp"

#include <core/ikm.hpp>

#include <algorithm>
#include <sstream>

namespace skm::central::html {

// The IKM as the regulation tabulates it: per unsur its code and name, answers, NRR (4 decimals) and
// NRR tertimbang (6 decimals), then their sum (the IKM) and × 25: what is printed adds up to what is
// printed (core/ikm.hpp). Under the chart of the NRR.
std::string ikmSection(Lang lang, const Score& s, ikm::Weighting weighting)
{
    const ikm::Result x = ikm::compute(s.surveyTally.unsur, weighting);
    std::ostringstream o;
    o << "<section><h2>" << tr(lang, "nrr") << "</h2>";
    if (!x.converted) return o.str() + "<p class=\"note\">" + tr(lang, "no_survey") + "</p></section>";
    o << nrrChart(lang, s) << "<div class=\"scroll\"><table class=\"ikm\"><thead><tr><th>" << tr(lang, "code") << "</th><th>" << tr(lang, "unsur") << "</th><th class=\"n\">"
      << tr(lang, "answers") << "</th><th class=\"n\">" << tr(lang, "nrr_col") << "</th><th class=\"n\">" << tr(lang, "weight") << "</th><th class=\"n\">" << tr(lang, "nrr_weighted") << "</th></tr></thead><tbody>";
    const std::string weight = ikm::weightLabel(weighting, x.unsurUsed);
    const std::string weightShown = weighting == ikm::Weighting::Exact ? weight : config::formatNumber(*x.weight, 3, lang);
    for (size_t i = 0; i < ikm::kUnsurCount; ++i) {
        o << "<tr><td>U" << i + 1 << "</td><td>" << escape(ikm::kUnsurNames[i]) << "</td><td class=\"n\">" << fmtCount(lang, s.surveyTally.unsur[i].count)
          << "</td><td class=\"n\">" << (x.nrr[i] ? config::formatNumber(*x.nrr[i], ikm::kNrrDecimals, lang) : "–") << "</td><td class=\"n\">"
          << (x.nrr[i] ? weightShown : "–") << "</td><td class=\"n\">" << (x.weighted[i] ? config::formatNumber(*x.weighted[i], ikm::kWeightedDecimals, lang) : "–")
          << "</td></tr>";
    }
    o << "</tbody><tfoot><tr><th colspan=\"5\">" << tr(lang, "ikm_sum") << "</th><td class=\"n\">" << config::formatNumber(*x.ikm, ikm::kWeightedDecimals, lang)
      << "</td></tr><tr><th colspan=\"5\">" << tr(lang, "ikm_converted") << "</th><td class=\"n\">" << fmtNum(lang, *x.converted) << " "
      << mutuBadge(ikm::mutuLetter(*x.mutu)) << "</td></tr></tfoot></table></div><p class=\"note\">" << tr(lang, "ikm") << ", " << tr(lang, "weight") << " " << weightShown
      << ", n=" << fmtCount(lang, s.surveyResponses) << ". " << tr(lang, "index_note") << "</p></section>";
    return o.str();
}

// The respondents' profile: per field, each option's count and share, for the whole group and per
// service (columns), so that a unit head reads who answered.
std::string profileSection(Lang lang, const SurveyPart& part)
{
    if (!part.survey || !part.details) return "";
    const SurveyDetails& d = *part.details;
    std::ostringstream o;
    o << "<section><h2>" << tr(lang, "profile") << "</h2>";
    if (d.office.responses == 0) return o.str() + "<p class=\"note\">" + tr(lang, "no_survey") + "</p></section>";
    auto cell = [&](const ProfileCounts& p, const std::string& field, const std::string& option) {
        const auto f = p.fields.find(field);
        const auto it = f != p.fields.end() ? f->second.find(option) : std::map<std::string, int64_t>::const_iterator{};
        const int64_t n = f != p.fields.end() && it != f->second.end() ? it->second : 0;
        return "<td class=\"n\">" + fmtCount(lang, n) + " <span class=\"note\">(" + fmtNum(lang, p.responses > 0 ? 100.0 * static_cast<double>(n) / static_cast<double>(p.responses) : 0.0) +
               " %)</span></td>";
    };
    for (const std::string& field : d.fieldCodes) {
        const auto f = d.office.fields.find(field);
        if (f == d.office.fields.end()) continue;
        o << "<h3>" << escape(profileFieldLabel(*part.survey, field, lang)) << "</h3><div class=\"scroll\"><table><thead><tr><th></th><th class=\"n\">" << tr(lang, "all")
          << " <span class=\"note\">n=" << fmtCount(lang, d.office.responses) << "</span></th>";
        for (const auto& [service, p] : d.byService) o << "<th class=\"n\">" << escape(service) << " <span class=\"note\">n=" << fmtCount(lang, p.responses) << "</span></th>";
        o << "</tr></thead><tbody>";
        // The definition's options in its order, then any older code answered, then "no answer".
        std::vector<std::string> options;
        for (const auto& q : part.survey->profile) {
            if (q.code != field) continue;
            for (const auto& opt : q.options) options.push_back(opt.code);
        }
        for (const auto& [option, n] : f->second) {
            if (!option.empty() && std::find(options.begin(), options.end(), option) == options.end()) options.push_back(option);
        }
        if (f->second.count("")) options.push_back("");
        for (const std::string& option : options) {
            o << "<tr><td>" << escape(profileOptionLabel(*part.survey, field, option, lang)) << "</td>" << cell(d.office, field, option);
            for (const auto& [service, p] : d.byService) o << cell(p, field, option);
            o << "</tr>";
        }
        o << "</tbody></table></div>";
    }
    return o.str() + "</section>";
}

// The suggestions written at the questionnaire's end, newest first: when, the unit, the service.
std::string saranSection(Lang lang, const SurveyPart& part)
{
    if (!part.details) return "";
    const SurveyDetails& d = *part.details;
    std::ostringstream o;
    o << "<section><h2>" << tr(lang, "saran") << "</h2>";
    if (d.saran.empty()) return o.str() + "<p class=\"note\">" + tr(lang, "no_saran") + "</p></section>";
    o << "<p class=\"note\">" << fmtCount(lang, static_cast<int64_t>(d.saran.size())) << " " << tr(lang, "saran_shown") << " " << fmtCount(lang, d.saranTotal)
      << "</p><div class=\"scroll\"><table><thead><tr><th>" << tr(lang, "date") << "</th><th>" << tr(lang, "unit") << "</th><th>" << tr(lang, "service")
      << "</th><th>" << tr(lang, "saran") << "</th></tr></thead><tbody>";
    for (const Saran& s : d.saran) {
        o << "<tr><td class=\"note\">" << escape(localDate(s.atMs)) << "</td><td>" << escape(s.unit) << "</td><td>" << escape(s.service) << "</td><td>" << escape(s.text)
          << "</td></tr>";
    }
    return o.str() + "</tbody></table></div></section>";
}

} // namespace skm::central::html
