#include "faces.hpp"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <numbers>

namespace skm::ui {

namespace {
constexpr float kPi = std::numbers::pi_v<float>;

// Fill colours from the ColorBrewer PuOr/BrBG families: they keep distinct lightness for the
// common colour-vision deficiencies; the shapes carry the meaning regardless.
const FaceStyle kFaces[4] = {
    {IM_COL32(0xB2, 0x18, 0x2B, 0xFF), IM_COL32(0xFF, 0xFF, 0xFF, 0xFF)},
    {IM_COL32(0xF4, 0xA5, 0x82, 0xFF), IM_COL32(0x3D, 0x1A, 0x0C, 0xFF)},
    {IM_COL32(0x92, 0xC5, 0xDE, 0xFF), IM_COL32(0x0B, 0x2A, 0x3C, 0xFF)},
    {IM_COL32(0x21, 0x66, 0xAC, 0xFF), IM_COL32(0xFF, 0xFF, 0xFF, 0xFF)},
};

ImVec2 at(ImVec2 c, float r, float dx, float dy) { return ImVec2(c.x + dx * r, c.y + dy * r); }
} // namespace

const FaceStyle& faceStyle(int score)
{
    if (score < 1) score = 1;
    if (score > 4) score = 4;
    return kFaces[score - 1];
}

const char* faceKey(int score)
{
    switch (score) {
    case 1: return "face.1";
    case 2: return "face.2";
    case 3: return "face.3";
    default: return "face.4";
    }
}

void drawFace(ImDrawList* dl, ImVec2 c, float r, int score, bool pressed)
{
    const FaceStyle& s = faceStyle(score);
    if (pressed) r *= 0.94f;
    const float stroke = std::max(2.0f, r * 0.085f);
    const int segments = 64;

    dl->AddCircleFilled(c, r, s.fill, segments);
    dl->AddCircle(c, r, s.ink, segments, stroke * 0.6f);

    const ImVec2 eyeL = at(c, r, -0.34f, -0.22f);
    const ImVec2 eyeR = at(c, r, 0.34f, -0.22f);
    const float eyeR_ = r * 0.09f;

    switch (score) {
    case 4: {
        // Laughing: closed "^ ^" eyes and a wide open grin (a filled half-disc).
        for (ImVec2 e : {eyeL, eyeR}) {
            dl->PathArcTo(ImVec2(e.x, e.y + r * 0.06f), r * 0.13f, kPi * 1.1f, kPi * 1.9f, 16);
            dl->PathStroke(s.ink, 0, stroke);
        }
        const ImVec2 m = at(c, r, 0.0f, 0.12f);
        dl->PathArcTo(m, r * 0.5f, 0.0f, kPi, 32);
        dl->PathFillConvex(s.ink);
        break;
    }
    case 3: {
        // Smiling: round eyes and a gentle curved smile.
        dl->AddCircleFilled(eyeL, eyeR_, s.ink, 16);
        dl->AddCircleFilled(eyeR, eyeR_, s.ink, 16);
        dl->PathArcTo(at(c, r, 0.0f, 0.02f), r * 0.45f, kPi * 0.2f, kPi * 0.8f, 24);
        dl->PathStroke(s.ink, 0, stroke);
        break;
    }
    case 2: {
        // Displeased: round eyes and a shallow frown, no brows.
        dl->AddCircleFilled(eyeL, eyeR_, s.ink, 16);
        dl->AddCircleFilled(eyeR, eyeR_, s.ink, 16);
        dl->PathArcTo(at(c, r, 0.0f, 1.25f), r * 0.95f, kPi * 1.36f, kPi * 1.64f, 24);
        dl->PathStroke(s.ink, 0, stroke);
        break;
    }
    default: {
        // Unhappy: slanted brows, round eyes and a deep frown.
        dl->AddCircleFilled(eyeL, eyeR_, s.ink, 16);
        dl->AddCircleFilled(eyeR, eyeR_, s.ink, 16);
        dl->AddLine(at(c, r, -0.52f, -0.48f), at(c, r, -0.18f, -0.36f), s.ink, stroke);
        dl->AddLine(at(c, r, 0.52f, -0.48f), at(c, r, 0.18f, -0.36f), s.ink, stroke);
        dl->PathArcTo(at(c, r, 0.0f, 0.72f), r * 0.42f, kPi * 1.2f, kPi * 1.8f, 24);
        dl->PathStroke(s.ink, 0, stroke);
        break;
    }
    }
}

} // namespace skm::ui
