#include "period.hpp"

#include <ctime>
#include <limits>
#include <regex>
#include <tuple>

namespace skm::central {

namespace {

bool validDate(int y, int m, int d)
{
    if (m < 1 || m > 12 || d < 1) return false;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

} // namespace

// Local midnight of a calendar day, in Unix ms (mktime normalises month and day overflow).
int64_t localMidnight(int year, int month, int day)
{
    std::tm t{};
    t.tm_year = year - 1900;
    t.tm_mon = month - 1;
    t.tm_mday = day;
    t.tm_isdst = -1;
    return static_cast<int64_t>(std::mktime(&t)) * 1000;
}

std::string localDate(int64_t ms)
{
    if (ms <= 0 || ms >= std::numeric_limits<int64_t>::max() - 1) return ""; // an open end
    const time_t s = static_cast<time_t>(ms / 1000);
    std::tm t{};
    localtime_r(&s, &t);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &t);
    return buf;
}

std::optional<std::pair<int64_t, int64_t>> localDay(const std::string& text)
{
    std::smatch m;
    if (!std::regex_match(text, m, std::regex(R"((\d{4})-(\d{2})-(\d{2}))"))) return std::nullopt;
    const int y = std::stoi(m[1]), mo = std::stoi(m[2]), d = std::stoi(m[3]);
    if (!validDate(y, mo, d)) return std::nullopt;
    return std::make_pair(localMidnight(y, mo, d), localMidnight(y, mo, d + 1));
}

std::optional<Period> parsePeriod(const std::string& text, std::string* error)
{
    std::smatch m;
    auto fail = [&](const std::string& why) -> std::optional<Period> {
        if (error) *error = why;
        return std::nullopt;
    };
    Period p;
    p.label = text;
    // The bare forms a person writes: 2026-11, 2026-Q4, 2026-S1, 2026, 2026-11-05.
    if (std::regex_match(text, std::regex(R"(\d{4}-\d{2})"))) return parsePeriod("month:" + text, error);
    if (std::regex_match(text, std::regex(R"(\d{4}-Q\d)"))) return parsePeriod("quarter:" + text, error);
    if (std::regex_match(text, std::regex(R"(\d{4}-S\d)"))) return parsePeriod("semester:" + text, error);
    if (std::regex_match(text, std::regex(R"(\d{4})"))) return parsePeriod("year:" + text, error);
    if (std::regex_match(text, std::regex(R"(\d{4}-\d{2}-\d{2})"))) return parsePeriod("day:" + text, error);
    if (text.rfind("day:", 0) == 0) {
        const auto d = localDay(text.substr(4));
        if (!d) return fail("no such day: " + text);
        std::tie(p.fromMs, p.toMs) = *d;
    } else if (std::regex_match(text, m, std::regex(R"(month:(\d{4})-(\d{2}))"))) {
        const int y = std::stoi(m[1]), mo = std::stoi(m[2]);
        if (mo < 1 || mo > 12) return fail("no such month: " + text);
        p.fromMs = localMidnight(y, mo, 1);
        p.toMs = localMidnight(y, mo + 1, 1);
    } else if (std::regex_match(text, m, std::regex(R"(quarter:(\d{4})-Q([1-4]))"))) {
        const int y = std::stoi(m[1]), q = std::stoi(m[2]);
        p.fromMs = localMidnight(y, 3 * (q - 1) + 1, 1);
        p.toMs = localMidnight(y, 3 * q + 1, 1);
    } else if (std::regex_match(text, m, std::regex(R"(semester:(\d{4})-S([12]))"))) {
        // The SKM's usual period: January-June, July-December.
        const int y = std::stoi(m[1]), h = std::stoi(m[2]);
        p.fromMs = localMidnight(y, 6 * (h - 1) + 1, 1);
        p.toMs = localMidnight(y, 6 * h + 1, 1);
    } else if (std::regex_match(text, m, std::regex(R"(year:(\d{4}))"))) {
        const int y = std::stoi(m[1]);
        p.fromMs = localMidnight(y, 1, 1);
        p.toMs = localMidnight(y + 1, 1, 1);
    } else if (const size_t dots = text.find(".."); dots != std::string::npos) {
        const auto first = localDay(text.substr(0, dots)), last = localDay(text.substr(dots + 2));
        if (!first || !last) return fail("no such day in " + text);
        p.fromMs = first->first;
        p.toMs = last->second;
        if (p.toMs <= p.fromMs) return fail("the range ends before it begins: " + text);
    } else {
        return fail("a period is day:YYYY-MM-DD, month:YYYY-MM, quarter:YYYY-Qn, semester:YYYY-S1 or -S2, year:YYYY (or the same without the prefix) "
                    "or YYYY-MM-DD..YYYY-MM-DD (got '" + text + "')");
    }
    return p;
}

} // namespace skm::central
