#include "imgui_driver.hpp"

namespace skm::test {

ImGuiDriver::ImGuiDriver(ImVec2 display) : m_ctx(ImGui::CreateContext())
{
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.LogFilename = nullptr;
    io.DisplaySize = display;
    io.DeltaTime = 1.0f / 60.0f;
    const float scale = ui::scaleFor(display.x, display.y, 1.0f);
    m_theme = ui::loadTheme(io.Fonts, ui::findFonts("", ""), scale);
    ImGui::GetStyle().ScaleAllSizes(scale);
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h); // no renderer: the texture is built and never uploaded
}

ImGuiDriver::~ImGuiDriver() { ImGui::DestroyContext(m_ctx); }

void ImGuiDriver::frame(const std::function<void()>& body)
{
    ImGui::NewFrame();
    body();
    ImGui::Render();
}

void ImGuiDriver::tap(ImVec2 p, const std::function<void()>& body)
{
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = p;
    io.MouseDown[0] = false;
    frame(body); // hover
    io.MouseDown[0] = true;
    frame(body); // press
    io.MouseDown[0] = false;
    frame(body); // release: the click is reported here
    frame(body); // settle
}

} // namespace skm::test
