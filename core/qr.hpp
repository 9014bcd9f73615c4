#pragma once
// A QR code's modules (Debian's libqrencode, error correction M, 8-bit mode): what the kiosk draws on
// its screen (kiosk/ui/qr_code.hpp) and the central office prints on a unit's poster
// (central/poster.hpp). No quiet zone here: whoever draws it leaves the standard four modules.

#include <cstdint>
#include <string>
#include <vector>

namespace skm::qr {

struct Matrix {
    int modules = 0;             // per side; 0: nothing (empty text, or too long to encode)
    std::vector<uint8_t> dark;   // modules x modules, row by row, 1 for a dark module
    [[nodiscard]] bool at(int x, int y) const { return dark[static_cast<size_t>(y * modules + x)] != 0; }
};

[[nodiscard]] Matrix encode(const std::string& text);

} // namespace skm::qr
