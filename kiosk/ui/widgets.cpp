#include "widgets.hpp"

#include "draw_util.hpp"


namespace skm::ui {

namespace {
std::vector<Target> g_current;
std::vector<Target> g_last;
std::vector<DrawnText> g_textsCurrent;
std::vector<DrawnText> g_textsLast;
std::string g_focused; // the target with the keyboard focus (our own: ImGui 1.86's nav tabs only text inputs)
bool g_pointerLive = true;
} // namespace

std::vector<Target>& frameTargets() { return g_current; }
const std::vector<Target>& lastTargets() { return g_last; }
void beginTargetFrame()
{
    g_current.clear();
    g_textsCurrent.clear();
}
void endTargetFrame()
{
    g_last = g_current;
    g_textsLast = g_textsCurrent;
}
const std::vector<DrawnText>& lastTexts() { return g_textsLast; }
void recordText(const std::string& text, const Rect& rect) { g_textsCurrent.push_back({text, rect}); }

const Target* findTarget(const std::string& name)
{
    for (const Target& t : g_last) {
        if (t.name == name) return &t;
    }
    return nullptr;
}

void cycleFocusOnTab(const std::string& firstFocus)
{
    std::vector<Target> targets;
    for (const Target& t : frameTargets()) {
        if (t.focusable) targets.push_back(t);
    }
    if (targets.empty()) return;
    auto pressed = [](ImGuiKey k) { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(k), true); };
    const bool shift = ImGui::GetIO().KeyShift;
    int step = 0;
    if (pressed(ImGuiKey_Tab)) step = shift ? -1 : 1;
    if (pressed(ImGuiKey_RightArrow) || pressed(ImGuiKey_DownArrow)) step = 1;
    if (pressed(ImGuiKey_LeftArrow) || pressed(ImGuiKey_UpArrow)) step = -1;
    if (step == 0) return;
    const size_t n = targets.size();
    size_t at = n; // nothing focused: forward goes to the first, backward to the last
    for (size_t i = 0; i < n; ++i) {
        if (targets[i].name == g_focused) at = i;
    }
    if (at == n && step > 0 && !firstFocus.empty()) {
        for (const Target& t : targets) {
            if (t.name == firstFocus) {
                g_focused = firstFocus;
                return;
            }
        }
    }
    const size_t next = at == n ? (step > 0 ? 0 : n - 1) : (at + n + static_cast<size_t>(step + static_cast<int>(n))) % n;
    g_focused = targets[next].name;
}

bool tabPressed() { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Tab), true); }

const Target* focusedTarget()
{
    for (const Target& t : g_last) {
        if (t.focused) return &t;
    }
    return nullptr;
}

ButtonStyle primaryButton(const Theme& t) { return {t.accent, t.accentPressed, t.accentPressed, IM_COL32_WHITE}; }
ButtonStyle secondaryButton(const Theme& t) { return {t.surface, t.surfacePressed, t.border, t.text}; }
ButtonStyle chipButton(const Theme& t) { return {t.surface, t.surfacePressed, t.border, t.text}; }

bool focusedByKeyboard() { return !g_focused.empty(); }

void setPointerLive(bool live) { g_pointerLive = live; }

void clearKeyboardFocus() { g_focused.clear(); }

void setKeyboardFocus(const std::string& name) { g_focused = name; }

bool touchArea(const std::string& name, const Rect& r, bool* held, bool focusable)
{
    ImGui::SetCursorScreenPos(r.min);
    // ImGui reports a click on release inside the button that took the press; a void press (one that
    // began before this view, or while it was unarmed) is swallowed here.
    bool clicked = ImGui::InvisibleButton(name.c_str(), ImVec2(std::max(1.0f, r.width()), std::max(1.0f, r.height()))) && g_pointerLive;
    const bool focused = !g_focused.empty() && name == g_focused;
    if (focused && (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter), false))) {
        clicked = true; // Enter presses the focused button
    }
    if (held) *held = g_pointerLive && ImGui::IsItemActive() && ImGui::IsItemHovered();
    frameTargets().push_back({name, r, focused, focusable});
    return clicked;
}

bool touchButton(const std::string& name, const Rect& r, const char* label, ImFont* font, const ButtonStyle& style, bool focusable)
{
    bool held = false;
    const bool clicked = touchArea(name, r, &held, focusable);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float rounding = std::min(r.height(), r.width()) * 0.18f;
    dl->AddRectFilled(r.min, r.max, held ? style.fillPressed : style.fill, rounding);
    dl->AddRect(r.min, r.max, style.border, rounding, 0, std::max(1.5f, font->FontSize * 0.07f));
    if (!g_focused.empty() && name == g_focused) { // the keyboard focus ring
        const float w = std::max(3.0f, font->FontSize * 0.12f);
        dl->AddRect(ImVec2(r.min.x - w, r.min.y - w), ImVec2(r.max.x + w, r.max.y + w), IM_COL32(0xE0, 0x8A, 0x00, 0xFF), rounding + w, 0, w);
    }
    const float wrap = buttonTextWrap(r.width(), font);
    const ImVec2 size = font->CalcTextSizeA(font->FontSize, FLT_MAX, wrap, label);
    drawCenteredWrapped(dl, font, label, r.center().x, r.center().y - size.y * 0.5f, wrap, style.text);
    return clicked;
}

} // namespace skm::ui
