#include "imgui_driver.hpp"

namespace skm::test {

ImGuiDriver::ImGuiDriver(ImVec2 display, float diagonalInches, bool largeText) : m_ctx(ImGui::CreateContext())
{
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.LogFilename = nullptr;
    io.DisplaySize = display;
    io.DeltaTime = 1.0f / 60.0f;
    // The key indices the GLFW backend uses (GLFW_KEY_*), so screens see keys as in the real window.
    io.KeyMap[ImGuiKey_Tab] = 258;
    io.KeyMap[ImGuiKey_LeftArrow] = 263;
    io.KeyMap[ImGuiKey_RightArrow] = 262;
    io.KeyMap[ImGuiKey_UpArrow] = 265;
    io.KeyMap[ImGuiKey_DownArrow] = 264;
    io.KeyMap[ImGuiKey_Backspace] = 259;
    io.KeyMap[ImGuiKey_Space] = 32;
    io.KeyMap[ImGuiKey_Enter] = 257;
    io.KeyMap[ImGuiKey_Escape] = 256;
    io.KeyMap[ImGuiKey_KeyPadEnter] = 335;
    const ui::Metrics metrics = ui::metricsFor(display.x, display.y, diagonalInches, ImVec2(0, 0), 1.0f, largeText);
    m_theme = ui::loadTheme(io.Fonts, ui::findFonts("", ""), metrics);
    ImGui::GetStyle().ScaleAllSizes(metrics.scale);
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

void ImGuiDriver::key(ImGuiKey key, const std::function<void()>& body)
{
    ImGuiIO& io = ImGui::GetIO();
    const int index = io.KeyMap[key];
    io.KeysDown[index] = true;
    frame(body);
    io.KeysDown[index] = false;
    frame(body);
}

void ImGuiDriver::type(const std::string& chars, const std::function<void()>& body)
{
    ImGuiIO& io = ImGui::GetIO();
    for (char c : chars) io.AddInputCharacter(static_cast<unsigned>(c));
    frame(body);
}

void ImGuiDriver::hold(ImVec2 p, const std::function<void()>& body)
{
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = p;
    io.MouseDown[0] = true;
    frame(body);
}

} // namespace skm::test
