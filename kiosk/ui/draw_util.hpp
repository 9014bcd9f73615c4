#pragma once
// Small drawing helpers shared by the screens.

#include <imgui.h>

#include <string>

namespace skm::ui {

// Begins an undecorated, transparent window covering the whole display (the frame is cleared to the
// screen's Screen::background()). Always pair with endFullscreen().
void beginFullscreen(const char* id);
void endFullscreen();

// Draws `text` word-wrapped at `wrap` pixels, each line centred on `centerX`, from `top` down.
// Returns the height used.
float drawCenteredWrapped(ImDrawList* dl, ImFont* font, const char* text, float centerX, float top, float wrap, ImU32 color);

struct Theme;
struct TextBlock;
enum class Align { Left, Center, Right };
// Draws the lines of `block` from `pos` down (Left: pos is the left edge; Center: the centre;
// Right: the right edge). Returns the height used.
float drawLines(ImDrawList* dl, const TextBlock& block, ImVec2 pos, Align align, ImU32 color);
// A full-screen warning: a headline in the warning colour, its cause, and what happens next (the
// "not saved" notice, and the window's out-of-service screen before the store opens).
void drawNotice(const Theme& t, const std::string& headline, const std::string& cause, const std::string& next);

// One line of `text` at `pos` (its top-left), recorded for the layout tests.
void drawText(ImDrawList* dl, ImFont* font, ImVec2 pos, ImU32 color, const std::string& text);

// `text` cut to fit `maxWidth` pixels in `font`, with "…" where it was cut.
[[nodiscard]] std::string fitWithEllipsis(ImFont* font, const std::string& text, float maxWidth);

} // namespace skm::ui
