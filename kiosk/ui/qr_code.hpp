#pragma once
// A QR code (Debian's libqrencode, error correction M) drawn as squares by Dear ImGui: dark modules on
// a white square with the standard quiet zone of four modules, whatever the theme.

#include <imgui.h>

#include <cstdint>
#include <string>
#include <vector>

namespace skm::ui {

struct QrCode {
    int modules = 0;             // per side; 0: nothing to draw (empty text, or too long to encode)
    std::vector<uint8_t> dark;   // modules x modules, row by row
};

[[nodiscard]] QrCode makeQrCode(const std::string& text);
// Draws `code` (its quiet zone included) in the square at `topLeft` with side `side`, each module a whole
// number of pixels so that a phone's camera reads it from the panel.
void drawQrCode(ImDrawList* dl, const QrCode& code, ImVec2 topLeft, float side);

} // namespace skm::ui
