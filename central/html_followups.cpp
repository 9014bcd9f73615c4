// The follow-up plan's page (issue 19): a unit's items for a period with their status, a form per item
// to change its status and evidence, a form for a new item (the weakest unsur chosen first), and the
// population the unit counted. Every form carries the session's CSRF token.

#include "html_parts.hpp"

#include <core/ikm.hpp>

#include <ctime>
#include <sstream>

namespace skm::central::html {

namespace {

std::string hidden(const std::string& name, const std::string& value)
{
    return "<input type=\"hidden\" name=\"" + name + "\" value=\"" + escape(value) + "\">";
}

std::string statusSelect(Lang lang, const std::string& chosen)
{
    std::string o = "<select name=\"status\">";
    for (const auto& s : kFollowupStatuses) {
        o += "<option value=\"" + s + "\"" + (s == chosen ? " selected" : "") + ">" + followupStatusLabel(s, lang == Lang::En) + "</option>";
    }
    return o + "</select>";
}

std::string when(int64_t ms)
{
    const time_t t = static_cast<time_t>(ms / 1000);
    tm tm{};
    localtime_r(&t, &tm);
    char b[32];
    std::strftime(b, sizeof b, "%Y-%m-%d %H:%M", &tm);
    return b;
}

} // namespace

std::optional<size_t> weakestUnsur(const Score& s, ikm::Weighting weighting)
{
    const ikm::Result x = ikm::compute(s.surveyTally.unsur, weighting);
    std::optional<size_t> low;
    for (size_t i = 0; i < ikm::kUnsurCount; ++i) {
        if (x.nrr[i] && (!low || *x.nrr[i] < *x.nrr[*low])) low = i;
    }
    return low;
}

bool weakestWithoutFollowup(const Score& s, ikm::Weighting weighting, const std::vector<Followup>& items)
{
    const auto low = weakestUnsur(s, weighting);
    if (!low) return false;
    const std::string code = "U" + std::to_string(*low + 1);
    for (const Followup& f : items) {
        if (f.unsur == code && f.status != "batal") return false;
    }
    return true;
}

std::string followupPage(Lang lang, const User& user, const FollowupPage& p)
{
    const bool en = lang == Lang::En;
    const std::string base = "/report/unit/" + urlEncode(p.unit) + "/tindak-lanjut";
    std::ostringstream b;
    b << "<nav class=\"noprint\"><p><a href=\"/report/unit/" << urlEncode(p.unit) << "?period=" << urlEncode(p.period.label) << (en ? "&amp;lang=en" : "") << "\">"
      << escape(p.unit) << "</a></p></nav>";
    b << "<section>" << periodPicker(lang, p.period, base) << "</section>";
    if (!p.error.empty()) b << "<section><p class=\"error\" role=\"alert\">" << escape(p.error) << "</p></section>";
    const ikm::Result x = ikm::compute(p.score.surveyTally.unsur, p.weighting);
    b << "<section><h2>" << tr(lang, "followup") << " · " << escape(p.unit) << " · " << escape(periodTitle(lang, p.period)) << "</h2>";
    if (x.converted) {
        b << "<p>" << tr(lang, "ikm") << ": <b>" << fmtNum(lang, *x.converted) << "</b> " << mutuBadge(ikm::mutuLetter(*x.mutu)) << " <span class=\"note\">n="
          << fmtCount(lang, p.score.surveyResponses) << "</span></p>";
        const size_t low = *weakestUnsur(p.score, p.weighting);
        b << "<p>" << tr(lang, "weakest") << ": <b>U" << low + 1 << " " << escape(ikm::kUnsurNames[low]) << "</b> (NRR "
          << config::formatNumber(*x.nrr[low], ikm::kNrrDecimals, lang) << ")</p>";
        if (weakestWithoutFollowup(p.score, p.weighting, p.items)) b << "<p class=\"flag\">" << tr(lang, "weakest_no_followup") << "</p>";
    } else {
        b << "<p class=\"note\">" << tr(lang, "no_survey") << "</p>";
    }
    b << "</section>";

    b << "<section><h2>" << tr(lang, "followup_items") << "</h2>";
    if (p.items.empty()) b << "<p class=\"note\">" << tr(lang, "no_followup") << "</p>";
    for (const Followup& f : p.items) {
        const size_t u = static_cast<size_t>(f.unsur[1] - '1');
        b << "<div class=\"item\"><h3>" << escape(f.unsur) << " " << escape(ikm::kUnsurNames[u]) << " · <span class=\"status " << escape(f.status) << "\">"
          << followupStatusLabel(f.status, en) << "</span></h3><p>" << escape(f.action) << "</p><p class=\"note\">" << tr(lang, "responsible") << ": "
          << escape(f.responsible) << " · " << tr(lang, "due") << ": " << escape(f.dueDate) << " · " << tr(lang, "changed") << " " << escape(when(f.updatedAtMs)) << " ("
          << escape(f.updatedBy) << ", rev " << f.rev << ")</p>";
        if (!f.evidence.empty()) b << "<p><span class=\"note\">" << tr(lang, "evidence") << ":</span> " << escape(f.evidence) << "</p>";
        if (p.mayWrite) {
            b << "<form method=\"post\" action=\"" << base << (en ? "?lang=en" : "") << "\" class=\"inline\">" << hidden("csrf", p.csrf) << hidden("op", "update")
              << hidden("id", f.id) << hidden("rev", std::to_string(f.rev)) << hidden("period", p.period.label) << "<label>" << tr(lang, "status") << " "
              << statusSelect(lang, f.status) << "</label> <label>" << tr(lang, "evidence") << " <input name=\"evidence\" maxlength=\"2000\" value=\"" << escape(f.evidence)
              << "\"></label> <button class=\"primary\" type=\"submit\">" << tr(lang, "save") << "</button></form>";
        }
        b << "</div>";
    }
    b << "</section>";

    if (p.mayWrite) {
        const auto low = weakestUnsur(p.score, p.weighting);
        const std::string chosen = !p.draft.unsur.empty() ? p.draft.unsur : low ? "U" + std::to_string(*low + 1) : "";
        b << "<section><h2>" << tr(lang, "followup_new") << "</h2><form method=\"post\" action=\"" << base << (en ? "?lang=en" : "") << "\" class=\"stack\">"
          << hidden("csrf", p.csrf) << hidden("op", "add") << hidden("period", p.period.label) << "<label>" << tr(lang, "unsur") << " <select name=\"unsur\">";
        for (size_t i = 0; i < ikm::kUnsurCount; ++i) {
            const std::string code = "U" + std::to_string(i + 1);
            b << "<option value=\"" << code << "\"" << (code == chosen ? " selected" : "") << ">" << code << " " << escape(ikm::kUnsurNames[i]) << "</option>";
        }
        b << "</select></label><label>" << tr(lang, "action") << " <textarea name=\"action\" rows=\"3\" maxlength=\"1000\" required>" << escape(p.draft.action)
          << "</textarea></label><label>" << tr(lang, "responsible") << " <input name=\"responsible\" maxlength=\"200\" required value=\"" << escape(p.draft.responsible)
          << "\"></label><label>" << tr(lang, "due") << " <input name=\"due_date\" type=\"date\" required value=\"" << escape(p.draft.dueDate) << "\"></label><label>"
          << tr(lang, "status") << " " << statusSelect(lang, p.draft.status.empty() ? "rencana" : p.draft.status) << "</label><label>" << tr(lang, "evidence")
          << " <input name=\"evidence\" maxlength=\"2000\" value=\"" << escape(p.draft.evidence) << "\"></label><p><button class=\"primary\" type=\"submit\">"
          << tr(lang, "add") << "</button></p></form></section>";
    }

    b << "<section><h2>" << tr(lang, "population") << "</h2><p>";
    if (p.population) b << tr(lang, "population_entered") << ": <b>" << fmtCount(lang, *p.population) << "</b>";
    else b << tr(lang, "population_cases") << ": <b>" << fmtCount(lang, p.score.casesLogged) << "</b>";
    b << "</p>";
    if (p.mayWrite) {
        b << "<form method=\"post\" action=\"" << base << (en ? "?lang=en" : "") << "\" class=\"inline\">" << hidden("csrf", p.csrf) << hidden("op", "population")
          << hidden("period", p.period.label) << "<label>" << tr(lang, "population_set") << " <input name=\"population\" type=\"number\" min=\"0\" required value=\""
          << (p.population ? std::to_string(*p.population) : "") << "\"></label> <button class=\"primary\" type=\"submit\">" << tr(lang, "save") << "</button></form>";
    }
    b << "</section>";
    return page(lang, std::string(tr(lang, "followup")) + " · " + p.unit, headerLinks(lang, user, base + "?period=" + urlEncode(p.period.label)), b.str());
}

} // namespace skm::central::html
