// Pieces of the officer's screens: the digit pad and the keyboard reader.

#include "common.hpp"

#include "../layout.hpp"
#include "../widgets.hpp"

namespace skm::ui {

Intent drawDigitPad(const Snapshot& s, const Theme& t, const Rect& area, const std::string& okLabel, const std::string& okCommand)
{
    Intent intent;
    const float gap = t.body->FontSize * 0.35f;
    const float w = (area.width() - 2 * gap) / 3, h = (area.height() - 3 * gap) / 4;
    static const char* keys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "backspace", "0", "ok"};
    for (int i = 0; i < 12; ++i) {
        const std::string key = keys[i];
        if (key == "ok" && okLabel.empty()) continue;
        const float x = area.min.x + (i % 3) * (w + gap), y = area.min.y + (i / 3) * (h + gap);
        const Rect r{ImVec2(x, y), ImVec2(x + w, y + h)};
        const std::string label = key == "backspace" ? s.t("comment.backspace") : key == "ok" ? okLabel : key;
        const ButtonStyle style = key == "ok" ? primaryButton(t) : key == "backspace" ? secondaryButton(t) : chipButton(t);
        if (touchButton("pad." + key, r, label.c_str(), t.title, style)) {
            if (key == "backspace") intent = Intent::of(Intent::Kind::Backspace);
            else if (key == "ok") intent = Intent::command(okCommand);
            else intent = Intent::of(Intent::Kind::Type, key);
        }
    }
    return intent;
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
