// Pieces of the officer's screens: the digit pad, the ticket pad and the keyboard reader.

#include "common.hpp"

#include "../layout.hpp"
#include "../widgets.hpp"

#include <algorithm>

namespace skm::ui {

namespace {

// The erase key's sign (an arrow-shaped tag with a cross), so a pad's narrow key needs no word.
void drawEraseSign(ImDrawList* dl, ImVec2 c, float h, ImU32 color)
{
    const float w = h * 1.5f, x0 = c.x - w * 0.5f, y0 = c.y - h * 0.5f;
    const ImVec2 tag[5] = {ImVec2(x0, c.y), ImVec2(x0 + h * 0.45f, y0), ImVec2(x0 + w, y0), ImVec2(x0 + w, y0 + h), ImVec2(x0 + h * 0.45f, y0 + h)};
    const float stroke = std::max(1.5f, h * 0.09f);
    dl->AddPolyline(tag, 5, color, ImDrawFlags_Closed, stroke);
    const float cx = x0 + h * 0.45f + (w - h * 0.45f) * 0.5f, k = h * 0.2f;
    dl->AddLine(ImVec2(cx - k, c.y - k), ImVec2(cx + k, c.y + k), color, stroke);
    dl->AddLine(ImVec2(cx - k, c.y + k), ImVec2(cx + k, c.y - k), color, stroke);
}

// Draws `keys` (row by row, `cols` to a row) in `area`. A key is its label's text; "backspace" and
// "ok" are the special ones. Returns Type(key), Backspace or Command(okCommand).
Intent drawKeyGrid(const Theme& t, const Rect& area, const std::vector<std::string>& keys, int cols, const std::string& okLabel,
                   Command okCommand)
{
    Intent intent;
    const int rows = static_cast<int>((keys.size() + static_cast<size_t>(cols) - 1) / static_cast<size_t>(cols));
    const float gap = t.staff->FontSize * 0.35f;
    const float w = (area.width() - (cols - 1) * gap) / cols, h = (area.height() - (rows - 1) * gap) / rows;
    for (size_t i = 0; i < keys.size(); ++i) {
        const std::string& key = keys[i];
        if (key.empty() || (key == "ok" && okLabel.empty())) continue;
        const float x = area.min.x + static_cast<float>(i % static_cast<size_t>(cols)) * (w + gap);
        const float y = area.min.y + static_cast<float>(i / static_cast<size_t>(cols)) * (h + gap);
        const Rect r{ImVec2(x, y), ImVec2(x + w, y + h)};
        const std::string label = key == "backspace" ? std::string() : key == "ok" ? okLabel : key;
        const ButtonStyle style = key == "ok" ? primaryButton(t) : key == "backspace" ? secondaryButton(t) : chipButton(t);
        ImFont* font = key == "ok" ? t.staffBold : t.title;
        // Not on Tab's way: a keyboard types digits itself, and Tab goes on to what matters.
        const bool pressed = touchButton("pad." + key, r, label.c_str(), font, style, false);
        if (key == "backspace") drawEraseSign(ImGui::GetWindowDrawList(), r.center(), std::min(r.height() * 0.4f, t.title->FontSize * 0.8f), style.text);
        if (pressed) {
            if (key == "backspace") intent = Intent::of(Intent::Kind::Backspace);
            else if (key == "ok") intent = Intent::of(okCommand);
            else intent = Intent::of(Intent::Kind::Type, key);
        }
    }
    return intent;
}

} // namespace

Intent drawDigitPad(const Snapshot& s, const Theme& t, const Rect& area, const std::string& okLabel, Command okCommand)
{
    static const std::vector<std::string> keys = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "backspace", "0", "ok"};
    (void)s;
    return drawKeyGrid(t, area, keys, 3, okLabel, okCommand);
}

Intent drawTicketPad(const Snapshot& s, const Theme& t, const Rect& area)
{
    // Queue tickets read like "A-012" or "B17": the prefixes first, then the digits as on a phone.
    static const std::vector<std::string> keys = {"A", "B", "C", "D", "E", "F", "1", "2", "3", "4", "5", "-", "6", "7", "8", "9", "0", "backspace"};
    (void)s;
    return drawKeyGrid(t, area, keys, 6, "", {});
}

KeyboardInput readKeyboard()
{
    KeyboardInput k;
    const ImGuiIO& io = ImGui::GetIO();
    for (ImWchar c : io.InputQueueCharacters) {
        if (c >= 32 && c < 127) k.chars += static_cast<char>(c);
    }
    auto pressed = [](ImGuiKey key) { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(key), true); };
    k.backspaces = pressed(ImGuiKey_Backspace) ? 1 : 0;
    k.enter = pressed(ImGuiKey_Enter) || pressed(ImGuiKey_KeyPadEnter);
    k.escape = pressed(ImGuiKey_Escape);
    k.tab = tabPressed();
    return k;
}

} // namespace skm::ui
