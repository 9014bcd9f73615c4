#pragma once
// Where things go, as pure functions of the display size and the theme, so that the screens, the
// headless tests and the window tests agree. Sizes follow the theme's scale (1.0 at 1280x800, where a
// 10" panel has about 60 px per cm: the faces, chips and action buttons are at least ~2 cm).

#include "theme.hpp"

#include <imgui.h>

#include <array>
#include <vector>

namespace skm::ui {

struct Rect {
    ImVec2 min;
    ImVec2 max;
    [[nodiscard]] ImVec2 center() const { return ImVec2((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f); }
    [[nodiscard]] float width() const { return max.x - min.x; }
    [[nodiscard]] float height() const { return max.y - min.y; }
};

// The band at the top of the citizen's screens: the office's name, the counter, the language button.
struct HeaderLayout {
    float margin = 0;
    float bottom = 0;
    Rect language;
    ImVec2 officePos;
    float counterRight = 0; // the counter's text ends here
};
[[nodiscard]] HeaderLayout layoutHeader(ImVec2 display, const Theme& theme);

struct AttractLayout {
    HeaderLayout header;
    float questionTop = 0;
    float questionWrap = 0;
    std::array<Rect, 4> target{};       // index score-1: the whole touch target (face and label)
    std::array<ImVec2, 4> faceCenter{}; // index score-1
    std::array<ImVec2, 4> labelCenter{};
    float faceRadius = 0;
};
// Faces run Sangat Baik (4) .. Tidak Baik (1) from left to right; on a portrait display, two by two.
[[nodiscard]] AttractLayout layoutAttract(ImVec2 display, const Theme& theme, const char* question);

struct FollowUpLayout {
    HeaderLayout header;
    float questionTop = 0;
    std::vector<Rect> chips;
    Rect skip;
};
[[nodiscard]] FollowUpLayout layoutFollowUp(ImVec2 display, const Theme& theme, size_t chipCount);

struct CommentLayout {
    HeaderLayout header;
    float promptTop = 0;
    Rect textBox;
    Rect skip;
    Rect send;
    ImVec2 counterPos; // right end of the character count
    Rect keyboard;     // the on-screen keyboard's area; keys are laid out in it by the screen
};
[[nodiscard]] CommentLayout layoutComment(ImVec2 display, const Theme& theme);

// One survey question: where the question starts, the answer buttons (a row of four on a wide
// display, two columns on a tall one; up to eight for profile questions), and the bottom row:
// back (left), skip (middle, profile questions), finish later (right).
struct SurveyLayout {
    HeaderLayout header;
    float sectionTop = 0;
    float questionTop = 0;
    float wrap = 0;
    std::vector<Rect> options;
    Rect back;
    Rect skip;
    Rect quit;
};
[[nodiscard]] SurveyLayout layoutSurvey(ImVec2 display, const Theme& theme, size_t optionCount, float questionHeight);

// The "Isi survei lengkap" button on the attract and thanks screens: bottom right, out of the faces' way.
[[nodiscard]] Rect surveyButtonRect(ImVec2 display, const Theme& theme);

} // namespace skm::ui
