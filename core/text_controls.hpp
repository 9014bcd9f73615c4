#pragma once
// Characters that make a text show or store other than it reads, checked in one place for every text
// the central office takes from outside (records, a poster's unit, a phone's saran, alert settings and
// notes): the C0 controls (U+0000-U+001F), DEL, the C1 controls (U+0080-U+009F) and, where asked, the
// bidirectional controls and marks (U+200E/F, U+202A-E, U+2066-9), which can show a text reversed or
// spliced. Byte tests on UTF-8 that is already well-formed.

#include <cstddef>
#include <string>
#include <string_view>

namespace skm::text {

struct ControlRules {
    bool lineBreaks = false; // tab, LF and CR allowed
    bool bidi = true;        // the bidirectional controls and marks refused too
};

// 3 when a bidirectional control or mark starts at byte `i` of `s` (its UTF-8 length), else 0.
[[nodiscard]] size_t bidiControlAt(std::string_view s, size_t i) noexcept;
// Whether `s` holds a character the rules refuse.
[[nodiscard]] bool hasControl(std::string_view s, ControlRules rules = {}) noexcept;
// `s` as it may be shown (a citizen's comment in an alert): the bidirectional controls and marks
// dropped, every other control, line or paragraph separator (U+2028/9) a space.
[[nodiscard]] std::string readable(std::string_view s);

} // namespace skm::text
