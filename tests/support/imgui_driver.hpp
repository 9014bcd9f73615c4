#pragma once
// Drives Dear ImGui 1.86 without a window or renderer: a context with a built font atlas, a fixed
// display size, and taps made of frames (1.86 has no input-event queue: set io.MousePos and
// io.MouseDown[0] across frames - hover, press, release - and draw one more frame after).

#include <ui/theme.hpp>

#include <imgui.h>

#include <functional>

namespace skm::test {

class ImGuiDriver {
public:
    explicit ImGuiDriver(ImVec2 display);
    ~ImGuiDriver();
    ImGuiDriver(const ImGuiDriver&) = delete;
    ImGuiDriver& operator=(const ImGuiDriver&) = delete;

    [[nodiscard]] const ui::Theme& theme() const { return m_theme; }
    // One frame: NewFrame, `body`, Render.
    void frame(const std::function<void()>& body);
    // A tap at `p`: hover, press, release, and one frame after, each running `body`.
    void tap(ImVec2 p, const std::function<void()>& body);

private:
    ImGuiContext* m_ctx;
    ui::Theme m_theme;
};

} // namespace skm::test
