// The public pages (issue 19): /publik, each unit's IKM, mutu and respondents per semester and year,
// the trend over the years before, and the follow-up summary; /publik/layar, this month's results in
// large type for a waiting-room screen, refreshing itself without script. No personal data: no officer
// names or NIPs, no comments, no suggestions, no one responsible for a follow-up.

#include "html_parts.hpp"

#include <core/ikm.hpp>

#include <sstream>

namespace skm::central::html {

namespace {

const char* kLayarStyle = R"css(
* { box-sizing: border-box; }
body { margin: 0; font-family: "Noto Sans", "DejaVu Sans", sans-serif; background: #0f2742; color: #fff; }
main { padding: 3vh 4vw; }
h1 { font-size: 5vh; margin: 0 0 1vh; }
.sub { font-size: 2.8vh; color: #c9d6e3; margin: 0 0 3vh; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(36vw, 1fr)); gap: 2.5vh 2.5vw; }
.unit { background: #173a61; border-radius: 1.5vh; padding: 2.5vh 2vw; }
.unit h2 { font-size: 3.6vh; margin: 0 0 1.5vh; font-weight: 600; }
.big { font-size: 11vh; font-weight: 700; line-height: 1; }
.mutu { display: inline-block; font-size: 5vh; font-weight: 700; border-radius: 1vh; padding: 0.5vh 1.5vh; margin-left: 1.5vw; vertical-align: middle; }
.mutu.A { background: #1f6f43; } .mutu.B { background: #2f7bbf; } .mutu.C { background: #c77c12; } .mutu.D { background: #b0182b; }
.label { font-size: 3vh; color: #c9d6e3; margin-top: 1vh; }
.none { font-size: 3.4vh; color: #c9d6e3; }
footer { margin-top: 3vh; font-size: 2.2vh; color: #9fb3c8; }
)css";

std::string ikmCell(Lang lang, const Score& s)
{
    if (!s.ikm) return "<td class=\"n\">–</td><td></td><td class=\"n\">" + fmtCount(lang, s.surveyResponses) + "</td>";
    return "<td class=\"n\"><b>" + fmtNum(lang, *s.ikm) + "</b></td><td>" + mutuBadge(s.ikmMutu) + " " +
           (lang == Lang::En ? ikm::mutuLabelEn(static_cast<ikm::Mutu>(*s.ikmMutu - 'A')) : ikm::mutuLabel(static_cast<ikm::Mutu>(*s.ikmMutu - 'A'))) +
           "</td><td class=\"n\">" + fmtCount(lang, s.surveyResponses) + "</td>";
}

} // namespace

std::string publicPage(Lang lang, const PublicPage& p)
{
    const bool en = lang == Lang::En;
    std::ostringstream b;
    b << "<section><form class=\"period\" method=\"get\" action=\"/publik\"><label>" << tr(lang, "pick_year") << " <select name=\"tahun\">";
    for (int y : p.years) b << "<option value=\"" << y << "\"" << (y == p.year ? " selected" : "") << ">" << y << "</option>";
    b << "</select></label>" << (en ? "<input type=\"hidden\" name=\"lang\" value=\"en\">" : "") << "<button class=\"primary\" type=\"submit\">" << tr(lang, "show")
      << "</button></form><p class=\"note\">" << tr(lang, "publik_note") << " " << tr(lang, "weight") << " " << escape(p.weight) << ".</p></section>";
    b << "<section><h2>" << tr(lang, "publik_results") << " " << p.year << "</h2><div class=\"scroll\"><table><thead><tr><th>" << tr(lang, "unit") << "</th><th>"
      << tr(lang, "period") << "</th><th class=\"n\">IKM</th><th>" << tr(lang, "mutu") << "</th><th class=\"n\">" << tr(lang, "respondents") << "</th></tr></thead><tbody>";
    for (const PublicUnit& u : p.units) {
        const std::pair<const char*, const Score*> rows[] = {{"semester_1", &u.s1}, {"semester_2", &u.s2}, {"pick_year", &u.year}};
        bool first = true;
        for (const auto& [label, score] : rows) {
            b << "<tr>" << (first ? "<td rowspan=\"3\"><b>" + escape(u.name) + "</b></td>" : "") << "<td>" << tr(lang, label) << (std::string(label) == "pick_year" ? " " + std::to_string(p.year) : "")
              << "</td>" << ikmCell(lang, *score) << "</tr>";
            first = false;
        }
    }
    b << "</tbody></table></div></section>";
    b << "<section><h2>" << tr(lang, "publik_trend") << "</h2><div class=\"scroll\"><table><thead><tr><th>" << tr(lang, "unit") << "</th>";
    for (int y : p.trendYears) b << "<th class=\"n\">" << y << "</th>";
    b << "</tr></thead><tbody>";
    for (const PublicUnit& u : p.units) {
        b << "<tr><td>" << escape(u.name) << "</td>";
        for (const Score& s : u.trend) b << "<td class=\"n\">" << (s.ikm ? fmtNum(lang, *s.ikm) + " " + mutuBadge(s.ikmMutu) : std::string("–")) << "</td>";
        b << "</tr>";
    }
    b << "</tbody></table></div></section>";
    b << "<section><h2>" << tr(lang, "followup") << " " << p.year << "</h2>";
    bool any = false;
    for (const PublicUnit& u : p.units) {
        if (u.followups.empty()) continue;
        any = true;
        b << "<h3>" << escape(u.name) << "</h3><div class=\"scroll\"><table><thead><tr><th>" << tr(lang, "unsur") << "</th><th>" << tr(lang, "action") << "</th><th>"
          << tr(lang, "due") << "</th><th>" << tr(lang, "status") << "</th></tr></thead><tbody>";
        for (const Followup& f : u.followups) {
            b << "<tr><td>" << escape(f.unsur) << " " << escape(ikm::kUnsurNames[static_cast<size_t>(f.unsur[1] - '1')]) << "</td><td>" << escape(f.action) << "</td><td>"
              << escape(f.dueDate) << "</td><td><span class=\"status " << escape(f.status) << "\">" << followupStatusLabel(f.status, en) << "</span></td></tr>";
        }
        b << "</tbody></table></div>";
    }
    if (!any) b << "<p class=\"note\">" << tr(lang, "no_followup") << "</p>";
    b << "</section>";
    const std::string other = std::string("/publik?tahun=") + std::to_string(p.year) + (en ? "" : "&amp;lang=en");
    return page(lang, std::string(tr(lang, "publik_title")) + " · " + p.office, "<a href=\"" + other + "\">" + tr(lang, "language") + "</a>", b.str());
}

std::string waitingRoomPage(const PublicScreen& p)
{
    const Lang lang = Lang::Id;
    std::ostringstream b;
    b << "<!DOCTYPE html>\n<html lang=\"id\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"" << p.refreshSeconds
      << "\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" << escape(tr(lang, "publik_title")) << "</title><style>" << kLayarStyle
      << "</style></head><body><main><h1>" << tr(lang, "layar_title") << "</h1><p class=\"sub\">" << escape(p.office) << " · " << escape(p.monthTitle) << "</p><div class=\"grid\">";
    for (const PublicUnit& u : p.units) {
        b << "<div class=\"unit\"><h2>" << escape(u.name) << "</h2>";
        if (u.month.ikm) {
            b << "<div><span class=\"big\">" << fmtNum(lang, *u.month.ikm) << "</span><span class=\"mutu " << *u.month.ikmMutu << "\">" << *u.month.ikmMutu << "</span></div><div class=\"label\">"
              << ikm::mutuLabel(static_cast<ikm::Mutu>(*u.month.ikmMutu - 'A')) << " · " << fmtCount(lang, u.month.surveyResponses) << " " << tr(lang, "respondents_lower") << "</div>";
        } else {
            b << "<p class=\"none\">" << tr(lang, "layar_none") << "</p>";
        }
        b << "</div>";
    }
    b << "</div><footer>IKM (9 unsur), " << tr(lang, "weight") << " " << escape(p.weight) << ". " << tr(lang, "layar_footer") << "</footer></main></body></html>\n";
    return b.str();
}

std::string waitingRoomPolicy()
{
    return styleOnlyPolicy(kLayarStyle);
}

} // namespace skm::central::html
