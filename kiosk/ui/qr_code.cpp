#include "qr_code.hpp"

#include "widgets.hpp"

#include <cmath>

namespace skm::ui {

void drawQrCode(ImDrawList* dl, const QrCode& code, ImVec2 topLeft, float side)
{
    if (code.modules == 0) return;
    const int total = code.modules + 8; // a quiet zone of four modules on each side
    const float module = std::floor(side / static_cast<float>(total));
    if (module < 1) return;
    const float drawn = module * static_cast<float>(total);
    const ImVec2 at(std::round(topLeft.x + (side - drawn) * 0.5f), std::round(topLeft.y + (side - drawn) * 0.5f));
    dl->AddRectFilled(at, ImVec2(at.x + drawn, at.y + drawn), IM_COL32_WHITE);
    recordText("[QR code]", Rect{at, ImVec2(at.x + drawn, at.y + drawn)}); // nothing may overlap it either
    for (int y = 0; y < code.modules; ++y) {
        for (int x = 0; x < code.modules; ++x) {
            if (!code.dark[static_cast<size_t>(y * code.modules + x)]) continue;
            const ImVec2 a(at.x + module * static_cast<float>(x + 4), at.y + module * static_cast<float>(y + 4));
            dl->AddRectFilled(a, ImVec2(a.x + module, a.y + module), IM_COL32_BLACK);
        }
    }
}

} // namespace skm::ui
