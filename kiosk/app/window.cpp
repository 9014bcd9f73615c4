#include "window.hpp"

#include <kiosk/ui/draw_util.hpp>

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <imgui_internal.h>
#include <spdlog/spdlog.h>
#include <stb_image_write.h>

#include <cstdlib>
#include <mutex>

namespace fs = std::filesystem;

namespace skm::app {

namespace {

std::string g_lastGlfwError; // GLFW's last error, for the one line that says why the window did not open
// Whether GLFW is initialised, under the lock another thread's wake-up takes: a signal or a finished
// "sync now" that arrives while the window is being opened or closed wakes nothing, instead of calling
// glfwPostEmptyEvent around glfwInit or glfwTerminate.
std::mutex g_wakeMutex;
bool g_glfwLive = false;

WindowInput& inputOf(GLFWwindow* w) { return *static_cast<WindowInput*>(glfwGetWindowUserPointer(w)); }

void onKey(GLFWwindow* w, int key, int, int action, int)
{
    using A = ui::KeyPress::Action;
    inputOf(w).wake = true;
    if (action != GLFW_PRESS) return;
    auto& keys = inputOf(w).keys;
    if (key >= GLFW_KEY_1 && key <= GLFW_KEY_8) keys.push_back({A::Face, key - GLFW_KEY_1 + 1});
    // The numeric keypad (the citizens' 4-key keypad is one): marked, so that on the sign-in its digits
    // count as the public side (KP_0 and KP_9 rate nothing).
    if (key >= GLFW_KEY_KP_0 && key <= GLFW_KEY_KP_9) keys.push_back({A::Face, key - GLFW_KEY_KP_0, true});
    if (key == GLFW_KEY_S) keys.push_back({A::Survey});
    if (key == GLFW_KEY_BACKSPACE) keys.push_back({A::Back});
    if (key == GLFW_KEY_F2) keys.push_back({A::Officer});
    if (key == GLFW_KEY_F12) keys.push_back({A::Admin});
}
void onMouseButton(GLFWwindow* w, int, int, int) { inputOf(w).wake = true; }
void onCursor(GLFWwindow* w, double, double) { inputOf(w).wake = true; }
void onSize(GLFWwindow* w, int, int) { inputOf(w).wake = true; }
void onRefresh(GLFWwindow* w) { inputOf(w).wake = true; }

} // namespace

std::unique_ptr<KioskWindow> KioskWindow::open(const config::KioskConfig& cfg, const ui::FontPaths& fonts)
{
    glfwSetErrorCallback([](int code, const char* text) {
        // After a failed glfwInit the signal watcher's wake-up (glfwPostEmptyEvent) reports this;
        // the line that matters was the one before.
        if (code == GLFW_NOT_INITIALIZED) return;
        g_lastGlfwError = text ? text : "";
        spdlog::error("GLFW error {}: {}", code, text);
    });
    std::unique_ptr<KioskWindow> w(new KioskWindow(cfg, fonts));
    {
        std::lock_guard lock(g_wakeMutex);
        w->m_glfw = glfwInit() == GLFW_TRUE;
        g_glfwLive = w->m_glfw;
    }
    if (!w->m_glfw) {
        // One line naming the missing piece (docs/operations.md): under skm-kiosk.service the display
        // is cage's XWayland, which cage's package does not bring.
        spdlog::critical("cannot show the citizen's screen: no connection to the display {} ({}); under skm-kiosk.service that is cage's "
                         "XWayland: check `skm-kiosk session needs` (package xwayland)",
                         std::getenv("DISPLAY") ? std::getenv("DISPLAY") : "(DISPLAY unset)", g_lastGlfwError);
        return nullptr;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    GLFWmonitor* monitor = cfg.fullscreen ? glfwGetPrimaryMonitor() : nullptr;
    int width = cfg.width, height = cfg.height;
    if (monitor) {
        const GLFWvidmode* mode = glfwGetVideoMode(monitor);
        width = mode->width;
        height = mode->height;
    }
    w->m_window = glfwCreateWindow(width, height, "SKM Kiosk", monitor, nullptr);
    if (!w->m_window) {
        spdlog::critical("cannot show the citizen's screen: no {}x{} window with OpenGL 3.0 ({}); the OpenGL drivers are Mesa's "
                         "(package libgl1-mesa-dri): check `skm-kiosk session needs`",
                         width, height, g_lastGlfwError);
        return nullptr;
    }
    w->m_fullscreen = monitor != nullptr;
    glfwMakeContextCurrent(w->m_window);
    glfwSwapInterval(1);
    glfwSetWindowUserPointer(w->m_window, &w->m_input);
    // Ours first: ImGui's backend, installed next with install_callbacks=true, chains to them.
    glfwSetKeyCallback(w->m_window, onKey);
    glfwSetMouseButtonCallback(w->m_window, onMouseButton);
    glfwSetCursorPosCallback(w->m_window, onCursor);
    glfwSetWindowSizeCallback(w->m_window, onSize);
    glfwSetWindowRefreshCallback(w->m_window, onRefresh);
    if (monitor) glfwSetInputMode(w->m_window, GLFW_CURSOR, GLFW_CURSOR_HIDDEN);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    w->m_imgui = true;
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr; // a kiosk keeps no window layout
    io.LogFilename = nullptr;
    ImGui_ImplGlfw_InitForOpenGL(w->m_window, true);
    ImGui_ImplOpenGL3_Init("#version 130");
    try {
        const auto [ww, wh] = w->size();
        w->fitTheme(ww, wh);
    } catch (const ui::FontError& e) {
        spdlog::critical("{}", e.what());
        return nullptr;
    }
    return w;
}

KioskWindow::~KioskWindow()
{
    if (m_inFrame) abandonFrame();
    if (m_imgui) {
        ImGui_ImplOpenGL3_Shutdown();
        ImGui_ImplGlfw_Shutdown();
        ImGui::DestroyContext();
    }
    if (m_window) glfwDestroyWindow(m_window);
    if (m_glfw) {
        std::lock_guard lock(g_wakeMutex);
        g_glfwLive = false;
        glfwTerminate();
    }
}

bool KioskWindow::closeRequested() const { return glfwWindowShouldClose(m_window); }

std::pair<int, int> KioskWindow::size() const
{
    int w = 0, h = 0;
    glfwGetWindowSize(m_window, &w, &h);
    return {w, h};
}

void KioskWindow::waitEvents(double seconds) { glfwWaitEventsTimeout(seconds); }
void KioskWindow::pollEvents() { glfwPollEvents(); }
void KioskWindow::wakeFromAnyThread()
{
    std::lock_guard lock(g_wakeMutex);
    if (g_glfwLive) glfwPostEmptyEvent();
}

void KioskWindow::fitTheme(int w, int h)
{
    // The panel's physical size: configured, else the monitor's own report when plausible, else assumed.
    int mmW = 0, mmH = 0;
    ImVec2 mm(0, 0);
    if (GLFWmonitor* m = glfwGetPrimaryMonitor()) {
        glfwGetMonitorPhysicalSize(m, &mmW, &mmH);
        // The monitor's pixels per mm, applied to the window: a window larger than the primary
        // monitor (cage spanning two outputs) is not the monitor's millimetres stretched.
        const GLFWvidmode* mode = glfwGetVideoMode(m);
        if (mode && mode->width > 0 && mode->height > 0) {
            mm = ImVec2(static_cast<float>(mmW) * static_cast<float>(w) / static_cast<float>(mode->width),
                        static_cast<float>(mmH) * static_cast<float>(h) / static_cast<float>(mode->height));
        }
    }
    const ui::Metrics metrics = ui::metricsFor(static_cast<float>(w), static_cast<float>(h), static_cast<float>(m_cfg.diagonalInches), mm,
                                               static_cast<float>(m_cfg.uiScale), m_cfg.largeText);
    m_theme = ui::loadTheme(ImGui::GetIO().Fonts, m_fonts, metrics);
    ImGui::GetStyle() = ImGuiStyle();
    ImGui::GetStyle().ScaleAllSizes(metrics.scale);
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    if (metrics.largeTextRefused) {
        spdlog::warn("display.large_text is set, but a {}x{} panel of {:.1f}\" has room for fewer than ten lines of 5 mm text: the "
                     "normal 4 mm text is used",
                     metrics.width, metrics.height, metrics.diagonalInches);
    }
    spdlog::info("display {}x{} px, {:.1f}\" ({}), {:.2f} px/mm, scale {:.2f}{}: text cap height {:.1f} mm, touch targets at least {:.0f} mm",
                 metrics.width, metrics.height, metrics.diagonalInches, metrics.diagonalSource, metrics.pxPerMm, metrics.scale,
                 metrics.largeText ? ", large text" : "", ui::capHeightPx(m_theme, m_theme.body) / metrics.pxPerMm, metrics.minTargetMm);
}

void KioskWindow::beginFrame()
{
    const auto [w, h] = size();
    if (static_cast<float>(w) != m_theme.metrics.width || static_cast<float>(h) != m_theme.metrics.height) fitTheme(w, h);
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    m_inFrame = true;
}

void KioskWindow::endFrame(unsigned int background)
{
    ImGui::Render();
    m_inFrame = false;
    int fbw = 0, fbh = 0;
    glfwGetFramebufferSize(m_window, &fbw, &fbh);
    glViewport(0, 0, fbw, fbh);
    const ImVec4 bg = ImGui::ColorConvertU32ToFloat4(background);
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

void KioskWindow::abandonFrame()
{
    if (!m_inFrame) return;
    ImGui::ErrorCheckEndFrameRecover(nullptr);
    ImGui::EndFrame();
    m_inFrame = false;
}

void KioskWindow::presentNotice(const std::string& headline, const std::string& cause, const std::string& next)
{
    beginFrame();
    ui::drawNotice(m_theme, headline, cause, next);
    endFrame(m_theme.warningBg);
}

bool KioskWindow::screenshot(const fs::path& file) const
{
    int w = 0, h = 0;
    glfwGetFramebufferSize(m_window, &w, &h);
    std::vector<unsigned char> pixels(static_cast<size_t>(w) * h * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    for (size_t i = 3; i < pixels.size(); i += 4) pixels[i] = 0xFF;
    stbi_flip_vertically_on_write(1);
    std::error_code ec;
    if (file.has_parent_path()) fs::create_directories(file.parent_path(), ec);
    const fs::path tmp = file.string() + ".tmp";
    if (!stbi_write_png(tmp.c_str(), w, h, 4, pixels.data(), w * 4)) return false;
    fs::rename(tmp, file, ec); // whole file or none, for scripts that wait for it
    return !ec;
}

void KioskWindow::present() { glfwSwapBuffers(m_window); }

void KioskWindow::finish() { glFinish(); }

} // namespace skm::app
