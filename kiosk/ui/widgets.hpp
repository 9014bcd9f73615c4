#pragma once
// Touch widgets shared by the screens. Every widget records its rectangle under a stable name
// ("face.3", "reason.cepat", "key.a", "comment.send", ...) so that tests, headless or under Xvfb, can
// find and press it the way a citizen would.

#include "layout.hpp"
#include "theme.hpp"

#include <imgui.h>

#include <string>
#include <vector>

namespace skm::ui {

struct Target {
    std::string name;
    Rect rect;
    bool focused = false;   // has the keyboard focus
    bool focusable = true;  // Tab reaches it (a pad's keys are not: the keyboard types them itself)
};

// A line of text drawn in a frame, where it lies (tests check that no two overlap, that none leaves
// the display, and that none straddles a touch target's edge).
struct DrawnText {
    std::string text;
    Rect rect;
};
// The text lines of the last complete frame (drawLines, drawText, touchButton labels), and the QR
// codes (as "[QR code]").
const std::vector<DrawnText>& lastTexts();
void recordText(const std::string& text, const Rect& rect);

// The targets drawn in the current frame (cleared by the controller at the start of each frame).
std::vector<Target>& frameTargets();
// The targets of the last complete frame, for tests and --ui-map.
const std::vector<Target>& lastTargets();
void beginTargetFrame();
void endTargetFrame();
[[nodiscard]] const Target* findTarget(const std::string& name);
// Tab (Shift+Tab) and the arrow keys move the keyboard focus to the next (previous) target of this
// frame, in drawing order; Enter presses the focused one. The kiosk keeps its own focus because
// ImGui 1.86's keyboard nav tabs only between text inputs. Call at the end of a screen's draw.
// `firstFocus`: where the first Tab goes when nothing has the focus (else the first target drawn).
void cycleFocusOnTab(const std::string& firstFocus = {});
void clearKeyboardFocus();
void setKeyboardFocus(const std::string& name);
[[nodiscard]] bool tabPressed();
// The target with the keyboard focus in the last frame, or nullptr.
[[nodiscard]] const Target* focusedTarget();

struct ButtonStyle {
    ImU32 fill;
    ImU32 fillPressed;
    ImU32 border;
    ImU32 text;
};
[[nodiscard]] ButtonStyle primaryButton(const Theme& t);
[[nodiscard]] ButtonStyle secondaryButton(const Theme& t);
[[nodiscard]] ButtonStyle chipButton(const Theme& t);

// A button filling `r` with `label` centred (wrapped if needed). Returns true when tapped (released
// over it). `name` is its target name and ImGui id.
bool touchButton(const std::string& name, const Rect& r, const char* label, ImFont* font, const ButtonStyle& style, bool focusable = true);

// Whether the pointer press of this frame may act (the controller's TouchGate decides, each frame
// before the screen draws). A void press neither presses nor highlights anything; Enter on the
// keyboard focus still works.
void setPointerLive(bool live);

// Whether a widget has the keyboard (Tab/arrow) focus, so Enter belongs to that widget.
[[nodiscard]] bool focusedByKeyboard();

// An invisible touch area with a target name; `held` tells whether it is pressed right now.
// Enter presses it when it has the keyboard focus.
bool touchArea(const std::string& name, const Rect& r, bool* held = nullptr, bool focusable = true);

} // namespace skm::ui
