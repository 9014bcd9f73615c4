#include "html_report.hpp"
#include "html_parts.hpp"

#include <core/catalog.hpp>
#include <core/reasons.hpp>
#include <core/ikm.hpp>

#include <core/protocol.hpp>

#include <sodium.h>

#include <cstdio>
#include <cstring>
#include <algorithm>
#include <ctime>
#include <map>
#include <regex>
#include <sstream>

namespace skm::central::html {

// What a person reads, as the page's language writes it (82,45 and 1.234; 82.45 and 1,234).
std::string fmtNum(Lang lang, double v) { return config::formatNumber(v, 2, lang); }
std::string fmtCount(Lang lang, int64_t n) { return config::formatCount(n, lang); }

std::string mutuBadge(const std::optional<char>& m)
{
    if (!m) return "";
    return std::string("<span class=\"mutu ") + *m + "\">" + *m + "</span>";
}

namespace {

// SVG coordinates and sizes: machine-readable, always with a decimal point.
std::string coord(double v)
{
    char b[32];
    std::snprintf(b, sizeof b, "%.2f", v);
    return b;
}

const char* kStyle = R"css(
:root { --ink: #1e2832; --muted: #5b6770; --line: #d5dbe0; --bg: #f5f7fa; --card: #fff; --accent: #1f4e8c; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "Noto Sans", "DejaVu Sans", sans-serif; color: var(--ink); background: var(--bg); line-height: 1.45; }
header { background: var(--accent); color: #fff; padding: 0.8rem 1.2rem; display: flex; flex-wrap: wrap; gap: 0.6rem 1.2rem; align-items: center; }
header h1 { font-size: 1.25rem; margin: 0; flex: 1 1 auto; }
header a, header button { color: #fff; font: inherit; }
header form { margin: 0; }
header button { background: none; border: 1px solid #fff8; border-radius: 6px; padding: 0.2rem 0.7rem; cursor: pointer; }
main { max-width: 1100px; margin: 0 auto; padding: 1rem; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.2rem; margin: 0 0 1rem; }
h2 { font-size: 1.1rem; margin: 0 0 0.6rem; }
h3 { font-size: 1rem; margin: 0.9rem 0 0.3rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 0.6rem; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 0.6rem 0.8rem; }
.card .k { color: var(--muted); font-size: 0.85rem; }
.card .v { font-size: 1.5rem; font-weight: 700; }
.mutu { display: inline-block; min-width: 1.6em; text-align: center; border-radius: 4px; font-weight: 700; color: #fff; padding: 0 0.25em; }
.mutu.A { background: #1f6f43; } .mutu.B { background: #2f7bbf; } .mutu.C { background: #c77c12; } .mutu.D { background: #b0182b; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
.flag { color: #9a3412; font-size: 0.85rem; }
.note { color: var(--muted); font-size: 0.85rem; }
svg { width: 100%; height: auto; display: block; }
svg.chart { max-width: 760px; }
form.period { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: center; }
input, select, textarea, button.primary { font: inherit; padding: 0.4rem 0.6rem; border: 1px solid var(--line); border-radius: 6px; }
form.stack label { display: block; margin: 0 0 0.6rem; }
form.stack textarea, form.stack input:not([type=date]), form.stack select { display: block; width: 100%; margin-top: 0.2rem; }
form.inline { display: flex; flex-wrap: wrap; gap: 0.4rem 0.8rem; align-items: center; margin: 0.4rem 0; }
.item { border-top: 1px solid var(--line); padding: 0.6rem 0; }
.item h3 { margin: 0 0 0.3rem; }
.status { font-weight: 600; } .status.selesai { color: #1f6f43; } .status.batal { color: var(--muted); text-decoration: line-through; }
button.primary { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
.login { max-width: 360px; margin: 3rem auto; }
.login label { display: block; margin: 0.6rem 0 0.2rem; }
.login input { width: 100%; }
.error { color: #b0182b; }
@media (max-width: 600px) { main { padding: 0.5rem; } section { padding: 0.8rem; } .card .v { font-size: 1.25rem; } }
@media print {
  header, form.period, nav, .noprint { display: none !important; }
  body { background: #fff; font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  section { border: none; border-top: 1px solid #999; border-radius: 0; page-break-inside: avoid; padding: 0.5rem 0; }
  a { color: inherit; text-decoration: none; }
}
)css";

} // namespace

std::string styleOnlyPolicy(const char* css)
{
    // The one stylesheet by its hash: an injected <style> or style attribute is not applied, and no
    // <base> can send the page's links elsewhere.
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(css), std::strlen(css));
    const std::string hash = protocol::base64Encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
    return "default-src 'none'; style-src 'sha256-" + hash + "'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
}

std::string page(Lang lang, const std::string& title, const std::string& headerRight, const std::string& body)
{
    std::ostringstream o;
    o << "<!DOCTYPE html>\n<html lang=\"" << (lang == Lang::En ? "en" : "id") << "\"><head><meta charset=\"utf-8\">"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" << escape(title) << "</title><style>" << kStyle
      << "</style></head><body><header><h1>" << escape(title) << "</h1>" << headerRight << "</header><main>" << body << "</main></body></html>\n";
    return o.str();
}

std::string langQuery(Lang lang) { return lang == Lang::En ? "&amp;lang=en" : ""; }

std::string headerLinks(Lang lang, const User& user, const std::string& here)
{
    std::ostringstream o;
    const std::string other = here + (here.find('?') == std::string::npos ? "?" : "&amp;") + (lang == Lang::En ? "lang=id" : "lang=en");
    o << "<a href=\"/report/alerts" << (lang == Lang::En ? "?lang=en" : "") << "\">" << (lang == Lang::En ? "Alerts" : "Peringatan") << "</a>";
    o << "<a href=\"" << other << "\">" << tr(lang, "language") << "</a><span>" << escape(user.name) << "</span>"
      << "<form method=\"post\" action=\"/logout\"><button type=\"submit\">" << tr(lang, "sign_out") << "</button></form>";
    return o.str();
}

namespace {

std::string cards(Lang lang, const Score& s)
{
    std::ostringstream o;
    auto card = [&](const std::string& k, const std::string& v) { o << "<div class=\"card\"><div class=\"k\">" << k << "</div><div class=\"v\">" << v << "</div></div>"; };
    o << "<div class=\"cards\">";
    card(tr(lang, "index"), s.index ? fmtNum(lang, *s.index) + " " + mutuBadge(s.mutu) : std::string("–"));
    card(tr(lang, "ratings"), fmtCount(lang, s.ratings));
    card(tr(lang, "ikm"), s.ikm ? fmtNum(lang, *s.ikm) + " " + mutuBadge(s.ikmMutu) + " <span class=\"note\">n=" + fmtCount(lang, s.surveyResponses) + "</span>"
                                : std::string("–"));
    card(tr(lang, "cases"), fmtCount(lang, s.casesLogged) + (s.shareRated ? " <span class=\"note\">" + fmtNum(lang, *s.shareRated * 100) + " % " + tr(lang, "rated") + "</span>" : ""));
    // No verdict without data: with no case logged there is no population to judge a sample by.
    card(tr(lang, "sample"), s.casesLogged == 0 ? std::string("<span class=\"note\">") + tr(lang, "no_population") + "</span>"
                                                : fmtCount(lang, s.sampleSize) + " <span class=\"note\">" + tr(lang, s.sampleSufficient ? "enough" : "short") + "</span>");
    card(tr(lang, "ikm_sample"), s.casesLogged == 0 ? std::string("<span class=\"note\">") + tr(lang, "no_population") + "</span>"
                                                    : fmtCount(lang, s.surveyResponses) + " <span class=\"note\">" + tr(lang, "of_minimum") + " " +
                                                          fmtCount(lang, s.ikmSampleSize) + ": " + tr(lang, s.ikmSampleSufficient ? "enough" : "short") + "</span>");
    card(tr(lang, "suppressed"), fmtCount(lang, s.suppressed));
    // Session-level ratings (an office's [officer] session_ratings): their own figure, apart from the index.
    if (s.sessionRatings > 0) {
        card(tr(lang, "session_level"), (s.sessionIndex ? fmtNum(lang, *s.sessionIndex) + " " + mutuBadge(s.sessionMutu) : std::string("–")) +
                                            " <span class=\"note\">n=" + fmtCount(lang, s.sessionRatings) + "</span>");
    }
    o << "</div>";
    return o.str();
}

// A reason's label in the page's language: the published roster's list, else the built-in ones; a code
// no list knows is shown as it is.
std::string reasonLabel(Lang lang, const std::string& code, const std::vector<config::Reason>* published)
{
    for (const auto* list : {published, &config::defaultReasonsLow(), &config::defaultReasonsHigh()}) {
        if (!list) continue;
        for (const config::Reason& r : *list) {
            if (r.code == code) return lang == Lang::En ? r.labelEn : r.labelId;
        }
    }
    return code;
}

std::string reasonsBlock(Lang lang, const Score& s, const std::vector<config::Reason>* labels)
{
    std::ostringstream o;
    for (const char* kind : {"reasons_low", "reasons_high"}) {
        const auto top = topReasons(std::string(kind) == "reasons_low" ? s.reasonsLow : s.reasonsHigh);
        o << "<h2>" << tr(lang, kind) << "</h2>";
        if (top.empty()) {
            o << "<p class=\"note\">" << tr(lang, "none") << "</p>";
            continue;
        }
        o << "<table><tbody>";
        for (const auto& [code, n] : top) {
            o << "<tr><td>" << escape(reasonLabel(lang, code, labels)) << "</td><td class=\"n\">" << fmtCount(lang, n) << "</td></tr>";
        }
        o << "</tbody></table>";
    }
    return o.str();
}

std::string officerRow(Lang lang, const OfficerScore& o)
{
    std::ostringstream r;
    r << "<tr><td><a href=\"/report/officer/" << urlEncode(o.nip) << "?" << (lang == Lang::En ? "lang=en&amp;" : "") << "period=PERIOD\">" << escape(o.name.empty() ? o.nip : o.name)
      << "</a><br><span class=\"note\">" << escape(o.nip) << "</span></td><td>" << escape(o.unit) << "</td><td class=\"n\">" << fmtCount(lang, o.score.ratings) << "</td><td class=\"n\">"
      << (o.score.index ? fmtNum(lang, *o.score.index) : "–") << " " << mutuBadge(o.score.mutu) << "</td><td class=\"n\">" << fmtCount(lang, o.score.casesLogged)
      << "</td><td class=\"n\">" << (o.score.casesLogged == 0 ? std::string("–") : fmtCount(lang, o.score.sampleSize) + " " + (o.score.sampleSufficient ? "✓" : ""))
      << "</td><td>";
    for (const auto& f : o.signals.flags()) r << "<div class=\"flag\">" << escape(tr(lang, f)) << "</div>";
    r << "</td></tr>";
    return r.str();
}

std::string officersTable(Lang lang, const ScoreReport& rep, const std::vector<const OfficerScore*>& list)
{
    std::ostringstream o;
    o << "<div class=\"scroll\"><table><thead><tr><th>" << tr(lang, "name") << "</th><th>" << tr(lang, "unit") << "</th><th>" << tr(lang, "ratings")
      << "</th><th>" << tr(lang, "index") << "</th><th>" << tr(lang, "cases") << "</th><th>" << tr(lang, "sample") << "</th><th>" << tr(lang, "signals")
      << "</th></tr></thead><tbody>";
    std::string rows;
    for (const OfficerScore* s : list) rows += officerRow(lang, *s);
    // The period goes into every link.
    for (size_t at; (at = rows.find("PERIOD")) != std::string::npos;) rows.replace(at, 6, urlEncode(rep.period.label));
    o << rows << "</tbody></table></div>";
    return o.str();
}

} // namespace

std::string escape(const std::string& text)
{
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string urlEncode(const std::string& text)
{
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ':') out += static_cast<char>(c);
        else {
            char b[4];
            std::snprintf(b, sizeof b, "%%%02X", c);
            out += b;
        }
    }
    return out;
}

std::string facesChart(Lang lang, const Score& s)
{
    static const char* colors[4] = {"#b0182b", "#f3a683", "#8fc3de", "#1f5fa6"}; // 1..4, as the kiosk's faces
    const int64_t total = s.faces[0] + s.faces[1] + s.faces[2] + s.faces[3];
    std::ostringstream o;
    o << "<svg class=\"chart faces\" viewBox=\"0 0 600 170\" role=\"img\" aria-label=\"" << tr(lang, "faces") << "\">";
    for (int i = 0; i < 4; ++i) {
        const int face = 4 - i;
        const int64_t n = s.faces[static_cast<size_t>(face - 1)];
        const double share = total > 0 ? static_cast<double>(n) / static_cast<double>(total) : 0.0;
        const int y = 10 + i * 40;
        o << "<text x=\"0\" y=\"" << y + 20 << "\" font-size=\"15\">" << tr(lang, "face." + std::to_string(face)) << "</text>"
          << "<rect x=\"130\" y=\"" << y << "\" width=\"300\" height=\"28\" fill=\"#eef1f4\"/>"
          << "<rect class=\"bar\" x=\"130\" y=\"" << y << "\" width=\"" << coord(300 * share) << "\" height=\"28\" fill=\"" << colors[face - 1] << "\"/>"
          << "<text x=\"440\" y=\"" << y + 20 << "\" font-size=\"15\">" << fmtCount(lang, n) << " (" << fmtNum(lang, 100 * share) << "%)</text>";
    }
    o << "</svg>";
    return o.str();
}

std::string nrrChart(Lang lang, const Score& s)
{
    std::ostringstream o;
    o << "<svg class=\"chart nrr\" viewBox=\"0 0 600 " << 9 * 30 + 30 << "\" role=\"img\" aria-label=\"" << tr(lang, "nrr") << "\">";
    for (int i = 0; i < 9; ++i) {
        const int y = 6 + i * 30;
        const auto& v = s.nrr[static_cast<size_t>(i)];
        const double w = v ? 300.0 * (*v - 1.0) / 3.0 : 0.0; // the scale runs 1 to 4
        std::string name = ikm::kUnsurNames[static_cast<size_t>(i)];
        if (name.size() > 30) name = name.substr(0, name.rfind(' ', 29)) + "…";
        o << "<text x=\"0\" y=\"" << y + 16 << "\" font-size=\"13\">U" << i + 1 << " " << escape(name) << "</text>"
          << "<rect x=\"250\" y=\"" << y << "\" width=\"300\" height=\"20\" fill=\"#eef1f4\"/>"
          << "<rect class=\"bar\" x=\"250\" y=\"" << y << "\" width=\"" << coord(w) << "\" height=\"20\" fill=\"#1f4e8c\"/>"
          << "<text x=\"556\" y=\"" << y + 16 << "\" font-size=\"13\">" << (v ? config::formatNumber(*v, ikm::kNrrDecimals, lang) : "–") << "</text>";
    }
    o << "<text x=\"250\" y=\"" << 9 * 30 + 24 << "\" font-size=\"12\" fill=\"#5b6770\">1</text><text x=\"542\" y=\"" << 9 * 30 + 24
      << "\" font-size=\"12\" fill=\"#5b6770\">4</text></svg>";
    return o.str();
}

std::string trendChart(Lang lang, const std::vector<TrendPoint>& trend)
{
    std::ostringstream o;
    const int n = static_cast<int>(trend.size());
    o << "<svg class=\"chart trend\" viewBox=\"0 0 600 230\" role=\"img\" aria-label=\"" << tr(lang, "trend") << "\">"
      << "<line x1=\"30\" y1=\"190\" x2=\"600\" y2=\"190\" stroke=\"#5b6770\"/>";
    for (int g : {25, 50, 75, 100}) {
        const double y = 190 - 170.0 * (g - 25) / 75.0;
        o << "<line x1=\"30\" y1=\"" << coord(y) << "\" x2=\"600\" y2=\"" << coord(y) << "\" stroke=\"#e1e6ea\"/><text x=\"0\" y=\"" << coord(y + 4)
          << "\" font-size=\"11\" fill=\"#5b6770\">" << fmtCount(lang, g) << "</text>";
    }
    const double slot = n > 0 ? 570.0 / n : 570.0;
    for (int i = 0; i < n; ++i) {
        const TrendPoint& p = trend[static_cast<size_t>(i)];
        const double x = 30 + i * slot + slot * 0.2, w = slot * 0.6;
        if (p.index) {
            const double h = 170.0 * (*p.index - 25) / 75.0;
            o << "<rect class=\"bar\" x=\"" << coord(x) << "\" y=\"" << coord(190 - h) << "\" width=\"" << coord(w) << "\" height=\"" << coord(std::max(h, 1.0))
              << "\" fill=\"#2f7bbf\"/><text x=\"" << coord(x + w / 2) << "\" y=\"" << coord(186 - h) << "\" font-size=\"12\" text-anchor=\"middle\">"
              << fmtNum(lang, *p.index) << "</text>";
        }
        o << "<text x=\"" << coord(x + w / 2) << "\" y=\"206\" font-size=\"12\" text-anchor=\"middle\">" << p.label << "</text><text x=\"" << coord(x + w / 2)
          << "\" y=\"222\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5b6770\">n=" << fmtCount(lang, p.ratings) << "</text>";
    }
    o << "</svg>";
    return o.str();
}

std::string contentSecurityPolicy()
{
    static const std::string policy = styleOnlyPolicy(kStyle);
    return policy;
}

std::string loginPage(Lang lang, const std::string& next, bool failed, int64_t waitSeconds)
{
    std::ostringstream b;
    b << "<section class=\"login\"><h2>" << tr(lang, "sign_in") << "</h2>";
    if (waitSeconds > 0) b << "<p class=\"error\">" << tr(lang, "wait") << " " << fmtCount(lang, waitSeconds) << " " << tr(lang, "seconds") << ".</p>";
    else if (failed) b << "<p class=\"error\">" << tr(lang, "wrong") << "</p>";
    b << "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"next\" value=\"" << escape(next) << "\">"
      << "<label for=\"u\">" << tr(lang, "user") << "</label><input id=\"u\" name=\"username\" autocomplete=\"username\" required>"
      << "<label for=\"p\">" << tr(lang, "password") << "</label><input id=\"p\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>"
      << "<p><button class=\"primary\" type=\"submit\">" << tr(lang, "sign_in") << "</button></p></form></section>";
    return page(lang, tr(lang, "title"), std::string("<a href=\"/login?lang=") + (lang == Lang::En ? "id" : "en") + "\">" + tr(lang, "language") + "</a>", b.str());
}

std::string errorPage(Lang lang, int status, const std::string& message)
{
    return page(lang, tr(lang, "title"), "",
                "<section><h2>" + std::to_string(status) + "</h2><p>" + escape(message) + "</p><p><a href=\"/report" + (lang == Lang::En ? "?lang=en" : "") +
                    "\">" + tr(lang, "back") + "</a></p></section>");
}

std::string overviewPage(Lang lang, const User& user, const ScoreReport& r, const std::vector<TrendPoint>& trend, const SurveyPart& survey)
{
    std::ostringstream b;
    b << "<section>" << periodPicker(lang, r.period, "/report") << "</section>";
    b << "<section><h2>" << tr(lang, "office") << " · " << escape(r.period.label) << "</h2>" << cards(lang, r.office);
    if (r.ingestConflicts > 0) b << "<p class=\"flag\">" << fmtCount(lang, r.ingestConflicts) << " " << tr(lang, "ingest_conflicts") << "</p>";
    if (r.timeSuspectRatings > 0) b << "<p class=\"flag\">" << fmtCount(lang, r.timeSuspectRatings) << " " << tr(lang, "time_suspect") << "</p>";
    b << "</section>";
    b << "<section><h2>" << tr(lang, "trend") << "</h2>" << trendChart(lang, trend) << "</section>";
    b << "<section><h2>" << tr(lang, "faces") << "</h2>" << facesChart(lang, r.office) << "<p class=\"note\">" << tr(lang, "counter_level") << ": "
      << fmtCount(lang, r.office.counterLevel) << "</p></section>";
    b << ikmSection(lang, r.office, r.weighting);
    b << "<p class=\"noprint\"><a href=\"/report/unit/-/laporan?period=" << urlEncode(r.period.label) << langQuery(lang) << "\">" << tr(lang, "laporan") << "</a></p>";
    b << profileSection(lang, survey);
    b << "<section><h2>" << tr(lang, "units") << "</h2><div class=\"scroll\"><table><thead><tr><th>" << tr(lang, "unit") << "</th><th>" << tr(lang, "ratings")
      << "</th><th>" << tr(lang, "index") << "</th><th>" << tr(lang, "ikm") << "</th><th>" << tr(lang, "cases") << "</th></tr></thead><tbody>";
    for (const auto& [unit, s] : r.units) {
        b << "<tr><td><a href=\"/report/unit/" << urlEncode(unit) << "?period=" << urlEncode(r.period.label) << langQuery(lang) << "\">" << escape(unit)
          << "</a></td><td class=\"n\">" << fmtCount(lang, s.ratings) << "</td><td class=\"n\">" << (s.index ? fmtNum(lang, *s.index) : "–") << " "
          << mutuBadge(s.mutu) << "</td><td class=\"n\">" << (s.ikm ? fmtNum(lang, *s.ikm) : "–") << "</td><td class=\"n\">" << fmtCount(lang, s.casesLogged)
          << "</td></tr>";
    }
    b << "</tbody></table></div></section>";
    std::vector<const OfficerScore*> all;
    for (const auto& o : r.officers) all.push_back(&o);
    b << "<section><h2>" << tr(lang, "officers") << "</h2>" << officersTable(lang, r, all) << "<p class=\"note\">" << tr(lang, "signals_note") << "</p></section>";
    b << "<section>" << reasonsBlock(lang, r.office, survey.reasons) << "</section>";
    b << saranSection(lang, survey);
    return page(lang, std::string(tr(lang, "title")) + " · " + tr(lang, "office"), headerLinks(lang, user, "/report?period=" + urlEncode(r.period.label)), b.str());
}

std::string unitPage(Lang lang, const User& user, const ScoreReport& r, const std::string& unit, const std::vector<TrendPoint>& trend, const SurveyPart& survey)
{
    const auto it = r.units.find(unit);
    const Score s = it != r.units.end() ? it->second : Score{};
    std::ostringstream b;
    if (user.isAdmin()) b << "<nav class=\"noprint\"><p><a href=\"/report?period=" << urlEncode(r.period.label) << langQuery(lang) << "\">" << tr(lang, "back") << "</a></p></nav>";
    b << "<section>" << periodPicker(lang, r.period, "/report/unit/" + urlEncode(unit)) << "</section>";
    b << "<section><h2>" << escape(unit) << " · " << escape(r.period.label) << "</h2>" << cards(lang, s);
    if (survey.population) {
        // The population the unit counted for the period judges the IKM's sample (as in its laporan).
        const int64_t need = ikm::sampleSize(*survey.population);
        b << "<p class=\"note\">" << tr(lang, "population_entered") << ": " << fmtCount(lang, *survey.population) << " · " << tr(lang, "ikm_sample") << ": "
          << fmtCount(lang, s.surveyResponses) << " " << tr(lang, "of_minimum") << " " << fmtCount(lang, need) << ": " << tr(lang, s.surveyResponses >= need ? "enough" : "short")
          << "</p>";
    }
    b << "</section>";
    b << "<section><h2>" << tr(lang, "trend") << "</h2>" << trendChart(lang, trend) << "</section>";
    b << "<section><h2>" << tr(lang, "faces") << "</h2>" << facesChart(lang, s) << "</section>";
    b << ikmSection(lang, s, r.weighting);
    if (survey.followups) {
        // The follow-up plan: how many items, the flag when the weakest unsur has none, the page, the laporan.
        const std::string q = "?period=" + urlEncode(r.period.label) + langQuery(lang);
        std::map<std::string, int64_t> byStatus;
        for (const Followup& f : *survey.followups) ++byStatus[f.status];
        b << "<section><h2>" << tr(lang, "followup") << "</h2><p>";
        if (survey.followups->empty()) b << tr(lang, "no_followup");
        for (const auto& st : kFollowupStatuses) {
            if (byStatus.count(st)) b << fmtCount(lang, byStatus[st]) << " " << followupStatusLabel(st, lang == Lang::En) << ". ";
        }
        b << "</p>";
        if (weakestWithoutFollowup(s, r.weighting, *survey.followups)) b << "<p class=\"flag\">" << tr(lang, "weakest_no_followup") << "</p>";
        b << "<p class=\"noprint\"><a href=\"/report/unit/" << urlEncode(unit) << "/tindak-lanjut" << q << "\">" << tr(lang, "followup") << "</a> · <a href=\"/report/unit/"
          << urlEncode(unit) << "/laporan" << q << "\">" << tr(lang, "laporan") << "</a></p></section>";
    }
    b << profileSection(lang, survey);
    std::vector<const OfficerScore*> mine;
    for (const auto& o : r.officers) {
        if (o.unit == unit) mine.push_back(&o);
    }
    b << "<section><h2>" << tr(lang, "officers") << "</h2>" << officersTable(lang, r, mine) << "<p class=\"note\">" << tr(lang, "signals_note") << "</p></section>";
    b << "<section>" << reasonsBlock(lang, s, survey.reasons) << "</section>";
    b << saranSection(lang, survey);
    return page(lang, std::string(tr(lang, "title")) + " · " + unit, headerLinks(lang, user, "/report/unit/" + urlEncode(unit) + "?period=" + urlEncode(r.period.label)),
                b.str());
}

std::string officerPage(Lang lang, const User& user, const ScoreReport& r, const OfficerScore& o, const std::vector<TrendPoint>& trend, const nlohmann::json& comments,
                        const SurveyPart& extras)
{
    std::ostringstream b;
    b << "<nav class=\"noprint\"><p><a href=\"/report/unit/" << urlEncode(o.unit) << "?period=" << urlEncode(r.period.label) << langQuery(lang) << "\">"
      << escape(o.unit) << "</a></p></nav>";
    b << "<section>" << periodPicker(lang, r.period, "/report/officer/" + urlEncode(o.nip)) << "</section>";
    b << "<section><h2>" << escape(o.name) << " · " << tr(lang, "nip") << " " << escape(o.nip) << " · " << escape(r.period.label) << "</h2>" << cards(lang, o.score) << "</section>";
    b << "<section><h2>" << tr(lang, "signals") << "</h2>";
    const auto flags = o.signals.flags();
    if (flags.empty()) b << "<p>" << tr(lang, "no_signals") << "</p>";
    for (const auto& f : flags) b << "<div class=\"flag\">" << escape(tr(lang, f)) << "</div>";
    b << "<p class=\"note\">" << tr(lang, "signals_note") << "</p></section>";
    b << "<section><h2>" << tr(lang, "trend") << "</h2>" << trendChart(lang, trend) << "</section>";
    b << "<section><h2>" << tr(lang, "faces") << "</h2>" << facesChart(lang, o.score) << "</section>";
    b << ikmSection(lang, o.score, r.weighting);
    b << "<section>" << reasonsBlock(lang, o.score, extras.reasons) << "</section>";
    b << "<section><h2>" << tr(lang, "comments") << "</h2>";
    if (comments.empty()) b << "<p class=\"note\">" << tr(lang, "no_comments") << "</p>";
    else {
        b << "<table><tbody>";
        for (const auto& c : comments) {
            b << "<tr><td class=\"note\">" << escape(c.value("at", "")) << "</td><td class=\"n\">" << fmtCount(lang, c.value("score", int64_t{0})) << "</td><td>" << escape(c.value("comment", ""))
              << "</td></tr>";
        }
        b << "</tbody></table>";
    }
    b << "</section>";
    return page(lang, std::string(tr(lang, "title")) + " · " + o.name, headerLinks(lang, user, "/report/officer/" + urlEncode(o.nip) + "?period=" + urlEncode(r.period.label)), b.str());
}

} // namespace skm::central::html
