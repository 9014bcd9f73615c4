#pragma once
// The kiosk's window: GLFW, the OpenGL 3 context, Dear ImGui's context and backends, and the theme
// fitted to the panel, owned together. open() makes them in order or says in one line which piece of
// the device is missing; the destructor takes them down in the reverse order, once, whichever way the
// kiosk ends. Everything here runs on the UI thread.

#include <kiosk/config/config.hpp>
#include <kiosk/ui/controller.hpp>
#include <kiosk/ui/theme.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

struct GLFWwindow;

namespace skm::app {

// What the window's callbacks collect between frames: whether anything happened (input, a resize, a
// wake-up from another thread), and the keys the kiosk acts on itself, in the order pressed.
struct WindowInput {
    bool wake = true;
    std::vector<ui::KeyPress> keys;
};

class KioskWindow {
public:
    // Opens a `cfg.width` x `cfg.height` window, or a full-screen one on the primary monitor, with the
    // theme for its panel. nullptr after one critical line naming what is missing (the display, the
    // OpenGL drivers, a font).
    [[nodiscard]] static std::unique_ptr<KioskWindow> open(const config::KioskConfig& cfg, const ui::FontPaths& fonts);
    ~KioskWindow();
    KioskWindow(const KioskWindow&) = delete;
    KioskWindow& operator=(const KioskWindow&) = delete;

    [[nodiscard]] WindowInput& input() noexcept { return m_input; }
    [[nodiscard]] bool closeRequested() const;
    [[nodiscard]] bool fullscreen() const noexcept { return m_fullscreen; }
    [[nodiscard]] std::pair<int, int> size() const;
    [[nodiscard]] const ui::Theme& theme() const noexcept { return m_theme; }

    // Waits for an event at most `seconds`, or takes the events waiting and returns.
    void waitEvents(double seconds);
    void pollEvents();
    // Another thread's wake-up (thread-safe).
    static void wakeFromAnyThread();

    // One frame: begin (the theme refitted first if the window changed size), the caller draws with
    // ImGui, end (rendered over `background`). Between them a throw is recovered by abandonFrame().
    void beginFrame();
    void endFrame(unsigned int background);
    void abandonFrame();
    // A whole frame of ui::drawNotice on the warning background (out of service, maintenance).
    void presentNotice(const std::string& headline, const std::string& cause, const std::string& next);
    // The frame drawn, as a PNG (written whole or not at all); false if it could not be written.
    [[nodiscard]] bool screenshot(const std::filesystem::path& file) const;
    void present();
    // Waits until the frame is on the screen (for the start-up milestone).
    void finish();

private:
    KioskWindow(const config::KioskConfig& cfg, const ui::FontPaths& fonts) : m_cfg(cfg), m_fonts(fonts) {}
    void fitTheme(int width, int height);

    config::KioskConfig m_cfg;
    ui::FontPaths m_fonts;
    bool m_glfw = false;
    bool m_imgui = false;
    GLFWwindow* m_window = nullptr;
    bool m_fullscreen = false;
    WindowInput m_input;
    ui::Theme m_theme;
    bool m_inFrame = false;
};

} // namespace skm::app
