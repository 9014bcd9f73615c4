#pragma once
// Where things go, as pure functions of the display size, the theme and the texts they must hold, so
// that the screens, the headless tests and the window tests agree. Sizes are multiples of the theme's
// font sizes and never smaller than its physical minimums (Theme::minTarget: 9 mm, 11 mm in large-text
// mode), so a layout that fits at 800x480 on a 7" panel fits everywhere.

#include "theme.hpp"

#include <imgui.h>

#include <array>
#include <string>
#include <vector>

namespace skm::ui {

// Every screen's outer margin (3.5 % of the shorter side, at least 8 px), and whether a display is
// portrait (taller than 1.1 x its width): the one rule the layouts and the staff's screens follow.
[[nodiscard]] float marginFor(ImVec2 display);
[[nodiscard]] bool isPortrait(ImVec2 display);

struct Rect {
    ImVec2 min;
    ImVec2 max;
    [[nodiscard]] ImVec2 center() const { return ImVec2((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f); }
    [[nodiscard]] float width() const { return max.x - min.x; }
    [[nodiscard]] float height() const { return max.y - min.y; }
};

// `text` broken into lines of at most `wrap` pixels in `font` (ImGui's word wrap; a word wider than
// the line is kept whole on its own line).
[[nodiscard]] std::vector<std::string> wrapLines(ImFont* font, const std::string& text, float wrap);
// The line height the screens draw wrapped text with.
[[nodiscard]] inline float lineHeight(const ImFont* font) { return font->FontSize * 1.15f; }
[[nodiscard]] float textWidth(ImFont* font, const std::string& text);

// A block of wrapped text: its font, its lines, and the height they take.
struct TextBlock {
    ImFont* font = nullptr;
    std::vector<std::string> lines;
    [[nodiscard]] float height() const { return font ? lines.size() * lineHeight(font) : 0.0f; }
};
// `text` wrapped at `wrap` in the first of `fonts` that needs at most `maxLines` lines (the last font
// otherwise: nothing is cut).
[[nodiscard]] TextBlock fitText(const std::string& text, float wrap, std::initializer_list<ImFont*> fonts, size_t maxLines);

// A panel too short for the roomy layouts at the physical text minimums (800x480 on 7", or large
// text on 10"): the screens then use their compact forms (docs/architecture.md, "Sizes in millimetres").
[[nodiscard]] bool shortPanel(ImVec2 display, const Theme& theme);

// The band at the top of the citizen's screens: the office's name (wrapped, never cut), the counter
// beside or under it, and the language button on the right. In its status form (a short panel's
// follow-up, comment and survey screens) a status line takes the office's place.
struct HeaderLayout {
    float margin = 0;
    float bottom = 0;
    Rect language;
    Rect speaker;        // the speaker button, left of the language button; zero-sized when not offered
    bool status = false;
    TextBlock office;    // or the status line
    ImVec2 officePos;
    bool showCounter = true;
    ImVec2 counterPos;   // the counter's name: under the office's, or on its line, right-aligned, when both fit
    Rect officerGesture; // a 3 s press: the officer's sign-in (the office's name); empty in the status form
    Rect adminGesture;   // a 5 s press: the technician's (the counter's name)
};
// `counter` empty: the counter is not shown in the header (the compact attract screen shows it in its footer).
// `speaker`: a square speaker button (speech.hpp) left of the language button.
[[nodiscard]] HeaderLayout layoutHeader(ImVec2 display, const Theme& theme, const std::string& office, const std::string& counter,
                                        const std::string& languageLabel, bool speaker = false);
// The status form: `status` (with room for an icon of one line's height before it) and the language
// button (none when `languageLabel` is empty: the screen puts it elsewhere), and the speaker button
// left of it, or at the right end without it (`speaker`).
[[nodiscard]] HeaderLayout layoutStatusHeader(ImVec2 display, const Theme& theme, const std::string& status, const std::string& languageLabel, bool icon,
                                              bool speaker = false);

// The bottom row of the attract and thanks screens: a hint on the left, "Isi survei lengkap" on the
// right (never overlapping: the hint wraps in the room the button leaves).
struct FooterLayout {
    Rect survey;          // zero-sized when the button is not offered
    TextBlock hint;
    ImVec2 hintPos;
    float top = 0;        // the footer's top edge
};
[[nodiscard]] FooterLayout layoutFooter(ImVec2 display, const Theme& theme, float margin, const std::string& hint, const std::string& surveyLabel,
                                        bool surveyOffered);

// Who serves the citizen, on the attract screen while an officer's session or case is open.
struct ServingTexts {
    std::string caption; // "Dilayani oleh" / "Petugas bertugas" / "Petugas sedang istirahat"
    std::string name;
    std::string detail;  // "Kartu Keluarga · Antrean A-012"
    bool photo = false;
    // The open case's QR code (the phone questionnaire, to answer later): its modules per side, quiet
    // zone included (0: none), and the caption under it.
    int qrModules = 0;
    std::string qrCaption;
};
struct ServingLayout {
    bool caption = true; // false on a short panel: the name and the detail only
    Rect panel;
    Rect photo;          // zero-sized without a photo
    TextBlock captionText;
    ImVec2 captionPos;
    TextBlock name;
    ImVec2 namePos;
    TextBlock detail;
    ImVec2 detailPos;
    Rect qr;             // zero-sized without a QR code (none asked for, or no room for it)
    TextBlock qrCaption;
    ImVec2 qrCaptionPos; // its top centre (qrCaptionAlign 0: under the code) or top right (1: before it)
    int qrCaptionAlign = 0;
};
// The side of a QR code of `modules` (quiet zone included) on this panel: a whole number of pixels per
// module, at least 2 and about 0.55 mm (a code of some 30 mm), which a phone's camera reads from 20 cm
// or so.
[[nodiscard]] float qrSide(const Theme& theme, int modules);

struct AttractLayout {
    HeaderLayout header;
    bool serving = false;
    bool combined = false;   // a short panel: the question (naming the officer) is the panel's headline
    bool fits = true;        // side by side: everything in the left column fits above the footer
    ServingLayout servingPanel;
    TextBlock question;
    float questionTop = 0;
    float questionCenterX = 0;
    std::array<Rect, 4> target{};       // index score-1: the whole touch target (face and label)
    std::array<ImVec2, 4> faceCenter{}; // index score-1
    std::array<ImVec2, 4> labelCenter{};
    float faceRadius = 0;
    FooterLayout footer;
};
// Stacked: who serves (if anyone), the question, the faces in a row: Sangat Baik (4) .. Tidak Baik (1)
// from left to right; on a portrait display, two by two. `combine`: the question goes into the serving
// panel in place of the officer's name (a short panel with a case open).
[[nodiscard]] AttractLayout layoutAttract(ImVec2 display, const Theme& theme, const HeaderLayout& header, const std::string& question,
                                          const ServingTexts* serving, const FooterLayout& footer, bool combine);
// Side by side (a landscape panel where the stacked faces come out small): who serves and the question
// in the left column, the faces two by two in the right. Less and less beside the name until it fits.
[[nodiscard]] AttractLayout layoutAttractSideBySide(ImVec2 display, const Theme& theme, const HeaderLayout& header, const std::string& question,
                                                    const ServingTexts& serving, const FooterLayout& footer, bool combine);

// The follow-up: "already saved", the question, the hint, the chips, and Lewati / Selesai with the
// countdown to the attract screen.
struct FollowUpLayout {
    HeaderLayout header;
    float savedTop = 0;
    TextBlock question;
    float questionTop = 0;
    TextBlock hint;
    float hintTop = 0;
    std::vector<Rect> chips;
    ImFont* chipFont = nullptr; // bold, or the narrower regular face when bold would need three lines
    Rect skip;
    Rect done;
    Rect speaker;       // `speaker`: the speaker button, in the bottom row left of Lewati (a short panel's place for it)
    ImVec2 countdownPos;
    float countdownWrap = 0;
};
[[nodiscard]] FollowUpLayout layoutFollowUp(ImVec2 display, const Theme& theme, const HeaderLayout& header, const std::string& question,
                                            const std::string& hint, const std::vector<std::string>& chipLabels, const std::string& skipLabel,
                                            const std::string& doneLabel, bool speaker = false);

struct CommentLayout {
    HeaderLayout header;
    float promptTop = 0;
    ImVec2 countdownPos; // left end of "returns in N s", on the character count's line
    Rect textBox;
    Rect skip;
    Rect send;
    ImVec2 counterPos;   // right end of the character count
    Rect keyboard;       // the on-screen keyboard's area; keys are laid out in it by the screen
    float keyHeight = 0;
};
[[nodiscard]] CommentLayout layoutComment(ImVec2 display, const Theme& theme, const HeaderLayout& header, size_t keyboardRows);

// One survey question: where we are, the question, the answers (a row of four on a wide display, two
// columns on a tall one; up to eight for profile questions), and back / skip / stop.
struct SurveyLayout {
    HeaderLayout header;
    float sectionTop = 0;
    TextBlock question;
    float questionTop = 0;
    float questionCenterX = 0;         // the question's lines are centred here (left column when side by side)
    std::vector<Rect> options;         // a slot per answer shown
    ImFont* answerFont = nullptr;      // bold, or regular when bold would need three lines
    bool faceAbove = false;            // each answer's face over its label (a narrow column), else on its left
    float faceRadius = 0;              // with faces: each answer's face, on its left
    // Too many answers for the panel (a long service catalogue on a small one): pages of `perPage`
    // answers, and the last slot is "more choices", which turns to the next page.
    size_t perPage = 0;                // 0: every answer is shown
    Rect back;
    Rect skip;
    Rect quit;
    Rect language; // in the bottom row when the header has none (a short panel)
    Rect speaker;  // the speaker button: in the bottom row beside the language button when the header has none
};
// The answers in one row if their labels fit, else in two columns (a short or narrow panel), else one.
// With a header that has no language button, the bottom row holds it: back, language, the speaker
// (if `speaker`), skip (if `skip`), stop.
[[nodiscard]] SurveyLayout layoutSurvey(ImVec2 display, const Theme& theme, const HeaderLayout& header, const std::string& question,
                                        const std::vector<std::string>& labels, bool withFaces, bool skip, bool speaker = false);
// The padding inside a survey answer, and the width its label may take.
[[nodiscard]] float answerPadding(const Theme& theme);

// A confirmation over the current screen: a question, a detail line, and two buttons (keep going on
// the left, the action on the right).
struct ConfirmLayout {
    Rect panel;
    TextBlock title;
    TextBlock detail;
    float titleTop = 0;
    float detailTop = 0;
    Rect cancel;
    Rect confirm;
};
[[nodiscard]] ConfirmLayout layoutConfirm(ImVec2 display, const Theme& theme, ImFont* titleFont, ImFont* bodyFont, const std::string& title,
                                          const std::string& detail, const std::string& noLabel, const std::string& yesLabel);

// How wide a button's label may be, inside a button `width` wide (touchButton wraps it there).
[[nodiscard]] inline float buttonTextWrap(float width, const ImFont* font) { return width - font->FontSize * 0.5f; }
// The square speaker button's side: as tall as the language button beside it.
[[nodiscard]] float speakerSide(const Theme& theme);
// The height of a button holding `lines` lines of `font`, at least the minimum touch target.
[[nodiscard]] float buttonHeight(const Theme& theme, ImFont* font, float lines = 1.0f);
// The width of a button labelled `label` in `font`, at least the minimum touch target.
[[nodiscard]] float buttonWidth(const Theme& theme, ImFont* font, const std::string& label);

} // namespace skm::ui
