#pragma once
// The four SKM faces, drawn as vectors so they stay sharp at any size. They differ in shape as well as
// colour (eyes, brows and mouth), so that a colour-blind citizen tells them apart.

#include <imgui.h>

namespace skm::ui {

struct FaceStyle {
    ImU32 fill;
    ImU32 ink;
};

// score 1..4 (Tidak Baik .. Sangat Baik).
[[nodiscard]] const FaceStyle& faceStyle(int score);
// The catalogue key of face `score`'s label ("face.1" .. "face.4").
[[nodiscard]] const char* faceKey(int score);

// Draws face `score` centred at `c` with radius `r`; `pressed` draws it pushed in.
void drawFace(ImDrawList* dl, ImVec2 c, float r, int score, bool pressed);

} // namespace skm::ui
