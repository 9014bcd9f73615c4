// How the report's pages name and choose a period (issue 19): its title in the page's language, and
// the chooser — a list, not a field to type "month:2026-11" into.

#include "html_parts.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <regex>
#include <sstream>
#include <vector>

namespace skm::central::html {

// "Semester I Tahun 2026" / "Semester 1, 2026", "Triwulan IV Tahun 2026" / "Q4 2026", "November 2026",
// "Tahun 2026" / "2026"; a range as its label.
std::string periodTitle(Lang lang, const Period& p)
{
    static const char* monthsId[] = {"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"};
    static const char* monthsEn[] = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"};
    static const char* roman[] = {"", "I", "II", "III", "IV"};
    std::smatch m;
    const bool en = lang == Lang::En;
    if (std::regex_match(p.label, m, std::regex(R"(semester:(\d{4})-S([12]))"))) return en ? "Semester " + m[2].str() + ", " + m[1].str() : std::string("Semester ") + roman[std::stoi(m[2])] + " Tahun " + m[1].str();
    if (std::regex_match(p.label, m, std::regex(R"(quarter:(\d{4})-Q([1-4]))"))) return en ? "Q" + m[2].str() + " " + m[1].str() : std::string("Triwulan ") + roman[std::stoi(m[2])] + " Tahun " + m[1].str();
    if (std::regex_match(p.label, m, std::regex(R"(month:(\d{4})-(\d{2}))"))) {
        const int mo = std::stoi(m[2]);
        return std::string(mo >= 1 && mo <= 12 ? (en ? monthsEn : monthsId)[mo - 1] : "?") + " " + m[1].str();
    }
    if (std::regex_match(p.label, m, std::regex(R"(year:(\d{4}))"))) return en ? m[1].str() : "Tahun " + m[1].str();
    return p.label;
}

// The period is chosen, not typed: the last 24 months, 8 quarters, 6 semesters and 5 years (and the
// period shown, whatever it is), in one list; "Tampilkan" shows it.
std::string periodPicker(Lang lang, const Period& shown, const std::string& action)
{
    const time_t now = std::time(nullptr);
    tm t{};
    localtime_r(&now, &t);
    const int year = t.tm_year + 1900, month = t.tm_mon + 1;
    std::vector<std::pair<const char*, std::vector<std::string>>> groups = {{"pick_month", {}}, {"pick_quarter", {}}, {"pick_semester", {}}, {"pick_year", {}}};
    for (int k = 0; k < 24; ++k) {
        const int idx = year * 12 + (month - 1) - k;
        char b[24];
        std::snprintf(b, sizeof b, "month:%04d-%02d", idx / 12, idx % 12 + 1);
        groups[0].second.push_back(b);
    }
    for (int k = 0; k < 8; ++k) {
        const int idx = year * 4 + (month - 1) / 3 - k;
        groups[1].second.push_back("quarter:" + std::to_string(idx / 4) + "-Q" + std::to_string(idx % 4 + 1));
    }
    for (int k = 0; k < 6; ++k) {
        const int idx = year * 2 + (month - 1) / 6 - k;
        groups[2].second.push_back("semester:" + std::to_string(idx / 2) + "-S" + std::to_string(idx % 2 + 1));
    }
    for (int k = 0; k < 5; ++k) groups[3].second.push_back("year:" + std::to_string(year - k));
    bool listed = false;
    for (const auto& [key, labels] : groups) listed = listed || std::find(labels.begin(), labels.end(), shown.label) != labels.end();
    std::ostringstream o;
    o << "<form class=\"period\" method=\"get\" action=\"" << action << "\"><label>" << tr(lang, "period") << " <select name=\"period\">";
    if (!listed) o << "<option value=\"" << escape(shown.label) << "\" selected>" << escape(periodTitle(lang, shown)) << "</option>";
    for (const auto& [key, labels] : groups) {
        o << "<optgroup label=\"" << tr(lang, key) << "\">";
        for (const std::string& l : labels) {
            Period p;
            p.label = l;
            o << "<option value=\"" << l << "\"" << (l == shown.label ? " selected" : "") << ">" << escape(periodTitle(lang, p)) << "</option>";
        }
        o << "</optgroup>";
    }
    o << "</select></label>";
    if (lang == Lang::En) o << "<input type=\"hidden\" name=\"lang\" value=\"en\">";
    o << "<button class=\"primary\" type=\"submit\">" << tr(lang, "show") << "</button></form>";
    return o.str();
}

} // namespace skm::central::html
