#pragma once
// Drives Dear ImGui 1.86 without a window or renderer: a context with a built font atlas, a fixed
// display size, and taps made of frames (1.86 has no input-event queue: set io.MousePos and
// io.MouseDown[0] across frames - hover, press, release - and draw one more frame after).

#include <kiosk/ui/theme.hpp>

#include <imgui.h>

#include <functional>
#include <string>

namespace skm::test {

class ImGuiDriver {
public:
    // `diagonalInches` 0: the panel assumed for this resolution (ui::assumedDiagonalInches).
    explicit ImGuiDriver(ImVec2 display, float diagonalInches = 0, bool largeText = false);
    ~ImGuiDriver();
    ImGuiDriver(const ImGuiDriver&) = delete;
    ImGuiDriver& operator=(const ImGuiDriver&) = delete;

    [[nodiscard]] const ui::Theme& theme() const { return m_theme; }
    // One frame: NewFrame, `body`, Render.
    void frame(const std::function<void()>& body);
    // A tap at `p`: hover, press, release, and one frame after, each running `body`.
    void tap(ImVec2 p, const std::function<void()>& body);
    // A key press and release (an ImGuiKey_* mapped like the GLFW backend maps it), a frame each.
    void key(ImGuiKey key, const std::function<void()>& body);
    // Characters typed on a keyboard (or by a badge scanner): one frame with all of them.
    void type(const std::string& chars, const std::function<void()>& body);
    // Holds the pointer down at `p` for one frame (a long press is several, with time passing between).
    void hold(ImVec2 p, const std::function<void()>& body);

private:
    ImGuiContext* m_ctx;
    ui::Theme m_theme;
};

} // namespace skm::test
