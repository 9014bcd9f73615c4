#include "text_controls.hpp"

namespace skm::text {

size_t bidiControlAt(std::string_view s, size_t i) noexcept
{
    if (i + 2 >= s.size() || static_cast<unsigned char>(s[i]) != 0xe2) return 0;
    const auto b = static_cast<unsigned char>(s[i + 1]), d = static_cast<unsigned char>(s[i + 2]);
    const bool bidi = (b == 0x80 && (d == 0x8e || d == 0x8f || (d >= 0xaa && d <= 0xae))) || (b == 0x81 && d >= 0xa6 && d <= 0xa9);
    return bidi ? 3 : 0;
}

bool hasControl(std::string_view s, ControlRules rules) noexcept
{
    for (size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7f) {
            if (rules.lineBreaks && (c == '\t' || c == '\n' || c == '\r')) continue;
            return true;
        }
        if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 && static_cast<unsigned char>(s[i + 1]) <= 0x9f) return true;
        if (rules.bidi && bidiControlAt(s, i)) return true;
    }
    return false;
}

std::string readable(std::string_view s)
{
    std::string out;
    for (size_t i = 0; i < s.size();) {
        if (const size_t n = bidiControlAt(s, i)) {
            i += n;
            continue;
        }
        const auto c = static_cast<unsigned char>(s[i]);
        if (s.compare(i, 3, "\xE2\x80\xA8") == 0 || s.compare(i, 3, "\xE2\x80\xA9") == 0) {
            out += ' ';
            i += 3;
        } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 && static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
            out += ' '; // a C1 control
            i += 2;
        } else {
            out += (c < 0x20 || c == 0x7f) ? ' ' : s[i];
            ++i;
        }
    }
    return out;
}

} // namespace skm::text
