#pragma once
// Where things go on the attract screen, as a pure function of the display size and the theme, so
// that the screen, the headless tests and the window tests agree on where each face is.

#include "theme.hpp"

#include <imgui.h>

#include <array>

namespace skm::ui {

struct Rect {
    ImVec2 min;
    ImVec2 max;
    [[nodiscard]] ImVec2 center() const { return ImVec2((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f); }
    [[nodiscard]] float width() const { return max.x - min.x; }
    [[nodiscard]] float height() const { return max.y - min.y; }
};

struct AttractLayout {
    float margin = 0;
    float headerBottom = 0;
    float questionTop = 0;
    float questionWrap = 0;
    std::array<Rect, 4> target{};      // index score-1: the whole touch target (face and label)
    std::array<ImVec2, 4> faceCenter{}; // index score-1
    std::array<ImVec2, 4> labelCenter{};
    float faceRadius = 0;
};

// Faces run Sangat Baik (4) .. Tidak Baik (1) from left to right; on a portrait display, two by two.
[[nodiscard]] AttractLayout layoutAttract(ImVec2 display, const Theme& theme, const char* question);

} // namespace skm::ui
