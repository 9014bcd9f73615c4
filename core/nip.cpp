#include "nip.hpp"

#include <cstdio>

namespace skm::roster {

namespace {
int number(std::string_view s)
{
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int daysIn(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

std::string ymd(int y, int m, int d)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return buf;
}
} // namespace

std::optional<NipInfo> parseNip(std::string_view nip, std::string* why)
{
    auto fail = [&](const std::string& reason) -> std::optional<NipInfo> {
        if (why) *why = reason;
        return std::nullopt;
    };
    if (nip.size() != 18) return fail("a NIP has 18 digits (this one has " + std::to_string(nip.size()) + " characters)");
    for (char c : nip) {
        if (c < '0' || c > '9') return fail("a NIP has digits only");
    }
    NipInfo n;
    n.birthYear = number(nip.substr(0, 4));
    n.birthMonth = number(nip.substr(4, 2));
    n.birthDay = number(nip.substr(6, 2));
    n.appointedYear = number(nip.substr(8, 4));
    n.appointedMonth = number(nip.substr(12, 2));
    n.gender = number(nip.substr(14, 1));
    n.sequence = number(nip.substr(15, 3));
    if (n.birthYear < 1900 || n.birthYear > 2100 || n.birthMonth < 1 || n.birthMonth > 12 || n.birthDay < 1 ||
        n.birthDay > daysIn(n.birthYear, n.birthMonth)) {
        return fail("the date of birth " + ymd(n.birthYear, n.birthMonth, n.birthDay) + " (digits 1-8) does not exist");
    }
    if (n.appointedMonth < 1 || n.appointedMonth > 12 || n.appointedYear < 1900 || n.appointedYear > 2100) {
        return fail("the appointment month " + std::to_string(n.appointedYear) + "-" + std::to_string(n.appointedMonth) + " (digits 9-14) does not exist");
    }
    // Civil servants are appointed at 18 at the earliest (UU ASN; PP 11/2017 on ASN management).
    const int ageMonths = (n.appointedYear - n.birthYear) * 12 + (n.appointedMonth - n.birthMonth);
    if (ageMonths < 18 * 12) {
        return fail("the appointment " + std::to_string(n.appointedYear) + "-" + std::to_string(n.appointedMonth) +
                    " is before the 18th birthday of someone born " + ymd(n.birthYear, n.birthMonth, n.birthDay));
    }
    if (n.gender != 1 && n.gender != 2) return fail("digit 15 is the gender code, 1 or 2 (found " + std::to_string(n.gender) + ")");
    if (n.sequence == 0) return fail("the sequence number (digits 16-18) starts at 001");
    return n;
}

} // namespace skm::roster
