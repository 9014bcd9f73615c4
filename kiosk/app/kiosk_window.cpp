#include "kiosk_window.hpp"

#include "sync_now.hpp"

#include "gl_images.hpp"
#include "watchdog.hpp"

#include <core/catalog.hpp>
#include <kiosk/maintenance/maintenance.hpp>
#include <kiosk/session/session.hpp>
#include <sync/http_sender.hpp>
#include <sync/provisioning.hpp>
#include <kiosk/roster/auth.hpp>
#include <sync/uploader.hpp>
#include <kiosk/roster/duty.hpp>
#include <kiosk/store/instance_lock.hpp>
#include <kiosk/store/rating_store.hpp>
#include <kiosk/ui/controller.hpp>
#include <kiosk/ui/draw_util.hpp>
#include <kiosk/ui/theme.hpp>
#include <kiosk/ui/widgets.hpp>

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_internal.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <spdlog/spdlog.h>
#include <stb_image_write.h>

#include <pthread.h>
#include <sys/statvfs.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <cstdlib>
#include <ctime>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace skm::app {

namespace {

std::atomic<bool> g_stop{false};

// Input and window events mark the loop awake; the keys the kiosk acts on itself are queued for it
// in the order pressed (Controller::pressKeys).
using KeyPress = ui::KeyPress;
using KeyAction = ui::KeyPress::Action;
std::string g_lastGlfwError; // GLFW's last error, for the one line that says why the window did not open

struct WindowState {
    bool wake = true;
    std::vector<KeyPress> keys;
};

WindowState& state(GLFWwindow* w) { return *static_cast<WindowState*>(glfwGetWindowUserPointer(w)); }

void onKey(GLFWwindow* w, int key, int, int action, int)
{
    state(w).wake = true;
    if (action != GLFW_PRESS) return;
    auto& keys = state(w).keys;
    if (key >= GLFW_KEY_1 && key <= GLFW_KEY_8) keys.push_back({KeyAction::Face, key - GLFW_KEY_1 + 1});
    // The numeric keypad (the citizens' 4-key keypad is one): marked, so that on the sign-in its digits
    // count as the public side (KP_0 and KP_9 rate nothing).
    if (key >= GLFW_KEY_KP_0 && key <= GLFW_KEY_KP_9) keys.push_back({KeyAction::Face, key - GLFW_KEY_KP_0, true});
    if (key == GLFW_KEY_S) keys.push_back({KeyAction::Survey});
    if (key == GLFW_KEY_BACKSPACE) keys.push_back({KeyAction::Back});
    if (key == GLFW_KEY_F2) keys.push_back({KeyAction::Officer});
    if (key == GLFW_KEY_F12) keys.push_back({KeyAction::Admin});
}
void onMouseButton(GLFWwindow* w, int, int, int) { state(w).wake = true; }
void onCursor(GLFWwindow* w, double, double) { state(w).wake = true; }
void onSize(GLFWwindow* w, int, int) { state(w).wake = true; }
void onRefresh(GLFWwindow* w) { state(w).wake = true; }

// Signals are taken by one thread with sigwait(), which then wakes the UI thread through GLFW's
// thread-safe glfwPostEmptyEvent(): no GLFW call from a signal handler.
class SignalWatcher {
public:
    SignalWatcher()
    {
        sigemptyset(&m_set);
        sigaddset(&m_set, SIGINT);
        sigaddset(&m_set, SIGTERM);
        sigaddset(&m_set, SIGUSR1); // used only to end this watcher
        pthread_sigmask(SIG_BLOCK, &m_set, nullptr);
        m_thread = std::thread([this] {
            int sig = 0;
            sigwait(&m_set, &sig);
            if (sig != SIGUSR1) spdlog::info("signal {} received, stopping", sig);
            g_stop = true;
            glfwPostEmptyEvent();
        });
    }
    ~SignalWatcher()
    {
        pthread_kill(m_thread.native_handle(), SIGUSR1);
        m_thread.join();
    }

private:
    sigset_t m_set{};
    std::thread m_thread;
};

bool writeScreenshot(const fs::path& file, int w, int h)
{
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

void writeFileAtomically(const fs::path& file, const std::string& text)
{
    const fs::path tmp = file.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << text;
    }
    std::error_code ec;
    fs::rename(tmp, file, ec);
}

// The touch targets of the last frame as JSON:
// {"screen": ..., "language": "id"|"en", "focus": name|null, "display": [w, h], "view": n (counts the views: a
// script waits for the touch guard after it changes), "void_presses": n, "targets": {name: [x0, y0, x1, y1]}}.
std::string uiMapJson(const ui::Controller& controller, int w, int h)
{
    const ui::Snapshot& state = controller.snapshot();
    nlohmann::json targets = nlohmann::json::object();
    for (const ui::Target& t : ui::lastTargets()) {
        targets[t.name] = {std::lround(t.rect.min.x), std::lround(t.rect.min.y), std::lround(t.rect.max.x), std::lround(t.rect.max.y)};
    }
    const ui::Target* focus = ui::focusedTarget();
    return nlohmann::json{{"screen", ui::screenName(state.screen)},
                          {"language", config::langCode(state.lang)},
                          {"focus", focus ? nlohmann::json(focus->name) : nlohmann::json(nullptr)},
                          {"display", {w, h}},
                          {"disk_full", state.noticeDiskFull},
                          {"unsaved_writes", state.pendingRetries},
                          {"view", controller.viewSerial()},
                          {"void_presses", controller.voidPresses()},
                          {"targets", targets}}
               .dump() +
           "\n";
}

struct GlfwSession {
    GlfwSession() : ok(glfwInit() == GLFW_TRUE) {}
    ~GlfwSession()
    {
        if (ok) glfwTerminate();
    }
    bool ok;
};

constexpr int kStoreRetrySeconds = 5; // out of service: how often to try the store again
// Left for maintenance: how long the notice stays before the process exits (and cage with it).
constexpr int kMaintenanceNoticeSeconds = 3;

} // namespace

int64_t monotonicNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

int runKiosk(const RunOptions& o)
{
    // Start-up milestones for --startup-log (bench/startup_bench): name and CLOCK_MONOTONIC ns.
    std::vector<std::pair<const char*, int64_t>> milestones{{"main", o.startedMonoNs}};
    const config::KioskConfig& cfg = o.config;
    ui::FontPaths fonts;
    try {
        fonts = ui::findFonts(cfg.font, cfg.fontBold);
    } catch (const ui::FontError& e) {
        spdlog::critical("{}", e.what());
        return 1;
    }

    store::StoreOptions so;
    so.dataDir = o.dataDir;
    so.counter = cfg.counter;
    so.busyTimeoutMs = cfg.busyTimeoutMs;
    std::unique_ptr<store::InstanceLock> lock;
    std::unique_ptr<store::RatingStore> st;
    try {
        lock = std::make_unique<store::InstanceLock>(o.dataDir);
        so.instanceLock = lock.get(); // the kiosk alone may move a damaged database aside and salvage it
        so.deviceId = cfg.deviceId.empty() ? store::loadOrCreateDeviceId(o.dataDir) : cfg.deviceId;
        // From here on every line names the device (the journal of a fleet is read by device).
        spdlog::default_logger()->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ [" + so.deviceId + "] %v");
    } catch (const std::exception& e) {
        spdlog::critical("cannot start: {}", e.what());
        return 1;
    }
    // The store. If it cannot be opened (a full disk after a power cut, a failing card) the kiosk does
    // not exit into a restart loop behind a blank screen: it says so on the screen and tries again.
    std::string storeError;
    auto openStore = [&]() -> bool {
        try {
            st = std::make_unique<store::RatingStore>(so);
            return true;
        } catch (const std::exception& e) {
            storeError = e.what();
            return false;
        }
    };
    const bool storeOpened = openStore();
    milestones.emplace_back("store_open", monotonicNs());
    if (!storeOpened) spdlog::critical("cannot open the store: {}; the screen says so and it is tried again every {} s", storeError, kStoreRetrySeconds);
    config::Catalog catalog;
    try {
        const fs::path assets = config::findAssetsDir(cfg.assetsDir);
        catalog = config::Catalog::load(assets);
        // A translator's English file that lacks a key falls back to Indonesian; say so once.
        for (const std::string& key : catalog.missing(config::Lang::En, catalog.keys(config::Lang::Id))) {
            spdlog::warn("translation catalogue en: key '{}' is missing; Indonesian is shown", key);
        }
        spdlog::info("translation catalogues from {}", assets.string());
    } catch (const config::ConfigError& e) {
        spdlog::critical("translation catalogue: {}", e.what());
        return 2;
    }
    if (!std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY")) {
        spdlog::critical("no display: DISPLAY and WAYLAND_DISPLAY are unset. Run the kiosk under a display server "
                         "(cage on the device), or use install/run.sh, which starts Xvfb when there is none.");
        return 1;
    }
    if (!st && (!std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY"))) return 1;
    SignalWatcher signals;
    glfwSetErrorCallback([](int code, const char* text) {
        // After a failed glfwInit the signal watcher's wake-up (glfwPostEmptyEvent) reports this;
        // the line that matters was the one before.
        if (code == GLFW_NOT_INITIALIZED) return;
        g_lastGlfwError = text ? text : "";
        spdlog::error("GLFW error {}: {}", code, text);
    });
    GlfwSession glfw;
    if (!glfw.ok) {
        // One line naming the missing piece (docs/operations.md): under skm-kiosk.service the display
        // is cage's XWayland, which cage's package does not bring.
        spdlog::critical("cannot show the citizen's screen: no connection to the display {} ({}); under skm-kiosk.service that is cage's "
                         "XWayland: check `skm-kiosk session needs` (package xwayland)",
                         std::getenv("DISPLAY") ? std::getenv("DISPLAY") : "(DISPLAY unset)", g_lastGlfwError);
        return 1;
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
    GLFWwindow* window = glfwCreateWindow(width, height, "SKM Kiosk", monitor, nullptr);
    if (!window) {
        spdlog::critical("cannot show the citizen's screen: no {}x{} window with OpenGL 3.0 ({}); the OpenGL drivers are Mesa's "
                         "(package libgl1-mesa-dri): check `skm-kiosk session needs`",
                         width, height, g_lastGlfwError);
        return 1;
    }
    glfwMakeContextCurrent(window);
    glfwSwapInterval(1);
    milestones.emplace_back("window", monotonicNs());

    WindowState ws;
    glfwSetWindowUserPointer(window, &ws);
    // Ours first: ImGui's backend, installed next with install_callbacks=true, chains to them.
    glfwSetKeyCallback(window, onKey);
    glfwSetMouseButtonCallback(window, onMouseButton);
    glfwSetCursorPosCallback(window, onCursor);
    glfwSetWindowSizeCallback(window, onSize);
    glfwSetWindowRefreshCallback(window, onRefresh);
    if (monitor) glfwSetInputMode(window, GLFW_CURSOR, GLFW_CURSOR_HIDDEN);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr; // a kiosk keeps no window layout
    io.LogFilename = nullptr;
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 130");

    ui::Theme theme;
    // The panel's physical size: configured, else the monitor's own report when plausible, else assumed.
    auto metricsFor = [&](int w, int h) {
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
        return ui::metricsFor(static_cast<float>(w), static_cast<float>(h), static_cast<float>(cfg.diagonalInches), mm,
                              static_cast<float>(cfg.uiScale), cfg.largeText);
    };
    auto rebuildTheme = [&](const ui::Metrics& metrics) {
        theme = ui::loadTheme(io.Fonts, fonts, metrics);
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
                     metrics.largeText ? ", large text" : "", ui::capHeightPx(theme, theme.body) / metrics.pxPerMm, metrics.minTargetMm);
    };
    int exitCode = 0;
    try {
        glfwGetWindowSize(window, &width, &height);
        rebuildTheme(metricsFor(width, height));
    } catch (const ui::FontError& e) {
        spdlog::critical("{}", e.what());
        exitCode = 1;
    }

    // One full-screen notice frame (ui::drawNotice) on the warning background: the out-of-service
    // screen and the maintenance notice. Returns the window's size.
    auto presentNotice = [&](const std::string& headline, const std::string& cause, const std::string& next) -> std::pair<int, int> {
        int w = 0, h = 0, fbw = 0, fbh = 0;
        glfwGetWindowSize(window, &w, &h);
        glfwGetFramebufferSize(window, &fbw, &fbh);
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
        ui::drawNotice(theme, headline, cause, next);
        ImGui::Render();
        glViewport(0, 0, fbw, fbh);
        const ImVec4 bg = ImGui::ColorConvertU32ToFloat4(theme.warningBg);
        glClearColor(bg.x, bg.y, bg.z, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        return {w, h};
    };

    Watchdog watchdog;
    bool readySent = false;
    if (!st && exitCode == 0) {
        // Out of service: the notice, drawn until the store opens (checked every kStoreRetrySeconds).
        // The watchdog is fed from this loop as from the main one.
        auto nextTry = std::chrono::steady_clock::now() + std::chrono::seconds(kStoreRetrySeconds);
        const config::Lang lang = config::Lang::Id;
        bool firstFrame = true;
        while (!g_stop && !glfwWindowShouldClose(window)) {
            // Sleep until the next try or the next watchdog ping, whichever is first; draw after an event.
            const int64_t nowMs = store::SystemClock::instance().monoMs();
            const int64_t tryMs = std::chrono::duration_cast<std::chrono::milliseconds>(nextTry - std::chrono::steady_clock::now()).count();
            const int64_t dueMs = std::min(nowMs + std::max<int64_t>(tryMs, 0), watchdog.nextDueMs());
            if (!firstFrame) glfwWaitEventsTimeout(std::max<int64_t>(0, dueMs - nowMs) / 1000.0);
            watchdog.tick(store::SystemClock::instance().monoMs());
            if (std::chrono::steady_clock::now() >= nextTry) {
                nextTry = std::chrono::steady_clock::now() + std::chrono::seconds(kStoreRetrySeconds);
                if (openStore()) {
                    spdlog::info("the store opened; the kiosk takes ratings again");
                    break;
                }
            }
            if (!firstFrame && !ws.wake) continue;
            firstFrame = false;
            ws.wake = false;
            // "Full" from the file system itself (SQLite reports a full disk at open as an I/O error).
            struct statvfs fsInfo {};
            const bool full = statvfs(o.dataDir.c_str(), &fsInfo) == 0 && fsInfo.f_bavail * fsInfo.f_frsize < 64 * 1024;
            const auto [w, h] = presentNotice(catalog.text(lang, "notice.out_of_service"), catalog.text(lang, full ? "notice.disk_full" : "notice.store_fault"),
                                              catalog.text(lang, "notice.retrying"));
            glfwSwapBuffers(window);
            if (!readySent) {
                readySent = true; // the service is up, if out of service: a restart would not help
                watchdog.ready("device " + so.deviceId + ", out of service: " + storeError);
                session::clearStarts(o.dataDir); // the screen is up: no back-off for the next start
            }
            if (o.uiMap) {
                writeFileAtomically(*o.uiMap, nlohmann::json{{"screen", "out_of_service"}, {"error", storeError}, {"display", {w, h}}, {"targets", nlohmann::json::object()}}.dump() + "\n");
            }
        }
        if (!st) { // stopped while out of service
            ImGui_ImplOpenGL3_Shutdown();
            ImGui_ImplGlfw_Shutdown();
            ImGui::DestroyContext();
            glfwDestroyWindow(window);
            watchdog.stopping();
            spdlog::info("device {}: kiosk stopped (out of service)", so.deviceId);
            return 0;
        }
    }
    if (exitCode != 0 && !st) return exitCode;
    const store::OpenReport& rep = st->openReport();
    spdlog::info("device {}: store {} at schema {} (found {})", so.deviceId, st->dbPath().string(), rep.schemaVersion, rep.schemaFrom);
    if (rep.quarantinedTo) {
        spdlog::error("device {}: the database was corrupt ({}); it was moved to {} and a fresh one was created",
                      so.deviceId, rep.quarantineReason, rep.quarantinedTo->string());
        if (rep.salvageError.empty()) {
            spdlog::warn("device {}: salvaged {} ratings ({} rows in all) from the corrupt file, queued for upload; {} unreadable place(s) skipped",
                         so.deviceId, rep.salvagedRatings, [&] { int64_t n = 0; for (const auto& kv : rep.salvagedRows) n += kv.second; return n; }(),
                         rep.unreadableRanges);
        } else {
            spdlog::error("device {}: nothing could be salvaged: {}", so.deviceId, rep.salvageError);
        }
    }

    // Maintenance (kiosk/maintenance/): a marker of an earlier boot ended with that boot and is
    // cleared here (audited). One in force means this kiosk was not started by skm-kiosk.service,
    // whose ExecCondition skips the start: started by hand, it runs, and says so.
    {
        const maintenance::Settled m = maintenance::settleAtStart(*st, o.dataDir);
        const auto& marker = m.found.marker;
        if (m.found.state == maintenance::State::InForce) {
            spdlog::warn("maintenance is set in {} (since {} by {}): skm-kiosk.service does not start the kiosk until "
                         "`skm-kiosk maintenance end`; this kiosk was started by hand and runs anyway",
                         maintenance::markerPath(o.dataDir).string(), marker->since, marker->by);
        } else if (m.found.state == maintenance::State::EndedByReboot) {
            spdlog::info("the maintenance set {} by {} ended with the reboot{}", marker->since, marker->by, m.removed ? "; marker cleared" : "");
        } else if (m.found.state == maintenance::State::Unreadable) {
            spdlog::warn("an unreadable maintenance marker does not hold the kiosk ({}){}", m.found.problem, m.removed ? "; removed" : "");
        }
        if (!m.error.empty()) spdlog::error("maintenance marker: {}", m.error);
    }

    const store::Clock& clock = store::SystemClock::instance();
    ui::Controller controller(*st, ui::UiSettings::from(cfg), clock, catalog);
    // The survey definition: the central office's (DATA_DIR/survey.toml, delivered by sync) when there
    // is one that parses, else the built-in one; a new file is picked up at the next questionnaire.
    config::SurveySource surveySource(o.dataDir / "survey.toml");
    (void)surveySource.current();
    if (!surveySource.error().empty()) spdlog::error("survey definition refused, using the built-in one: {}", surveySource.error());
    spdlog::info("survey definition {} ({})", surveySource.current().version, surveySource.origin());
    controller.setSurveySource(&surveySource);
    std::unique_ptr<roster::Authenticator> auth;
    std::unique_ptr<roster::Duty> duty;
    try {
        roster::DutyPolicy policy;
        policy.caseExpiryMs = cfg.caseExpiryMinutes * 60'000LL;
        policy.sessionIdleMs = cfg.sessionIdleMinutes * 60'000LL;
        policy.endOfDayMinutes = cfg.endOfDay.empty() ? -1 : config::endOfDayMinutes(cfg.endOfDay);
        auth = std::make_unique<roster::Authenticator>(*st);
        duty = std::make_unique<roster::Duty>(*st, cfg.counter, policy);
        controller.attachOfficerDesk(*auth, *duty);
    } catch (const std::exception& e) {
        spdlog::error("the officer's desk is unavailable: {}", e.what());
    }
    // "Sync now" on the admin screen: the same code as skm-sync --once, with its own store connection,
    // on the controller's worker thread; glfwPostEmptyEvent (thread-safe) wakes the frame loop. That
    // connection is not the kiosk's: a damaged database is refused there (store::StoreDamaged, which
    // the admin screen names) and left for this kiosk to salvage at its next start.
    if (std::filesystem::exists(sync::provisioningPath(o.dataDir))) {
        controller.setSyncRunner(app::syncNowRunner(o.dataDir),
            [] { glfwPostEmptyEvent(); });
    }
    // "Export to USB" signs with the provisioning's key, read when the technician asks (a kiosk
    // provisioned while running exports without a restart).
    controller.setExportKey([dataDir = o.dataDir] {
        const sync::Provisioning p = sync::readProvisioning(sync::provisioningPath(dataDir));
        return store::ExportKey{p.deviceId, p.secret};
    });
    // Officers' photos (DATA_DIR/photos, delivered with the roster), drawn from GL textures.
    auto images = std::make_unique<GlImages>(); // its textures go before the GL context does (below)
    ui::setImageSource(images.get());
    controller.setPhotoLocator([dataDir = o.dataDir](const roster::Officer& officer) {
        const auto path = roster::photoPath(dataDir, officer);
        return path ? path->string() : std::string();
    });
    int framesOnScreen = 0;
    controller.onScreenChanged = [&](ui::ScreenId id) {
        framesOnScreen = 0;
        spdlog::debug("screen: {}", ui::screenName(id));
    };
    std::array<bool, std::size(ui::kAllScreens)> shotTaken{};
    std::string lastUiMap;
    std::vector<int64_t> frameMicros;

    int framesLeft = 3; // 1.86 sees a tap's release a frame late: draw a few frames after any event
    int framesDrawn = 0;
    int failures = 0;
    bool screenshotDone = !o.screenshot;
    spdlog::info("device {}: kiosk running ({}x{}{})", so.deviceId, width, height, monitor ? ", full-screen" : "");
    bool inFrame = false;
    bool leftForMaintenance = false;
    while (exitCode == 0 && !g_stop && !glfwWindowShouldClose(window)) {
        if (o.renderContinuously) framesLeft = std::max(framesLeft, 1);
        if (framesLeft > 0) {
            glfwPollEvents();
        } else {
            const int64_t deadline = std::min(controller.nextDeadlineMs(), watchdog.nextDueMs());
            const int64_t now = clock.monoMs();
            const double wait = deadline == std::numeric_limits<int64_t>::max() ? 3600.0 : std::max<int64_t>(0, deadline - now) / 1000.0;
            glfwWaitEventsTimeout(wait);
        }
        watchdog.tick(clock.monoMs()); // from this loop only: a frozen loop stops the pings
        try {
            if (ws.wake) {
                ws.wake = false;
                framesLeft = std::max(framesLeft, 3);
            }
            controller.pressKeys(ws.keys);
            if (!ws.keys.empty()) framesLeft = std::max(framesLeft, 3);
            ws.keys.clear();
            if (controller.quitRequested()) { // the technician left the kiosk: maintenance, then exit 0
                leftForMaintenance = true;
                break;
            }
            if (controller.drainBackground()) framesLeft = std::max(framesLeft, 3);
            if (controller.tick()) framesLeft = std::max(framesLeft, 3);
            if (framesLeft <= 0) continue;

            int w = 0, h = 0;
            glfwGetWindowSize(window, &w, &h);
            if (static_cast<float>(w) != theme.metrics.width || static_cast<float>(h) != theme.metrics.height) rebuildTheme(metricsFor(w, h));

            const auto frameStart = std::chrono::steady_clock::now();
            ImGui_ImplOpenGL3_NewFrame();
            ImGui_ImplGlfw_NewFrame();
            ImGui::NewFrame();
            inFrame = true;
            const ImU32 background = controller.background(theme); // of the screen this frame draws
            controller.drawFrame(theme);
            ImGui::Render();
            inFrame = false;
            int fbw = 0, fbh = 0;
            glfwGetFramebufferSize(window, &fbw, &fbh);
            glViewport(0, 0, fbw, fbh);
            const ImVec4 bg = ImGui::ColorConvertU32ToFloat4(background);
            glClearColor(bg.x, bg.y, bg.z, 1.0f);
            glClear(GL_COLOR_BUFFER_BIT);
            ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
            ++framesDrawn;
            ++framesOnScreen;
            if (!readySent) {
                readySent = true; // the first frame is on its way to the screen: the service is up
                watchdog.ready("device " + so.deviceId + ", " + so.counter);
                session::clearStarts(o.dataDir); // the screen is up: no back-off for the next start
            }
            // Shots are taken from the second frame on a screen: ImGui settles new windows in one frame.
            if (!screenshotDone && framesDrawn >= 2) {
                screenshotDone = true;
                if (writeScreenshot(*o.screenshot, fbw, fbh)) spdlog::info("screenshot saved to {}", o.screenshot->string());
                else spdlog::error("cannot write the screenshot {}", o.screenshot->string());
            }
            const size_t screenIndex = static_cast<size_t>(controller.screen());
            if (o.screenshotDir && framesOnScreen >= 2 && !shotTaken[screenIndex]) {
                shotTaken[screenIndex] = true;
                const fs::path file = *o.screenshotDir / (std::string(ui::screenName(controller.screen())) + "-" + std::to_string(w) + "x" + std::to_string(h) + ".png");
                if (writeScreenshot(file, fbw, fbh)) spdlog::info("screenshot saved to {}", file.string());
                else spdlog::error("cannot write the screenshot {}", file.string());
            }
            glfwSwapBuffers(window);
            // Kept only when asked for: months of frames would otherwise pile up in memory.
            if (o.frameLog) frameMicros.push_back(std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - frameStart).count());
            if (framesDrawn == 1 && o.startupLog) {
                glFinish(); // presented, not merely queued
                milestones.emplace_back("first_frame", monotonicNs());
                std::string lines;
                for (const auto& [name, ns] : milestones) lines += std::string(name) + " " + std::to_string(ns) + "\n";
                writeFileAtomically(*o.startupLog, lines);
            }
            if (o.uiMap) {
                std::string map = uiMapJson(controller, w, h);
                if (map != lastUiMap) {
                    writeFileAtomically(*o.uiMap, map);
                    lastUiMap = std::move(map);
                }
            }
            --framesLeft;
            failures = 0;
        } catch (const std::exception& e) {
            // A frame that throws is logged and dropped; a run of them ends the process so that the
            // service manager restarts it (ImHex's pattern).
            if (inFrame) {
                ImGui::ErrorCheckEndFrameRecover(nullptr);
                ImGui::EndFrame();
                inFrame = false;
            }
            spdlog::error("frame failed: {}", e.what());
            if (++failures >= 10) {
                spdlog::critical("10 frames in a row failed; exiting so that the kiosk is restarted");
                exitCode = 1;
            }
        }
    }

    if (leftForMaintenance) {
        // The marker first, so that a SIGTERM during the notice cannot undo it; then the notice for a
        // moment; then exit 0. Restart=always starts the unit again RestartSec later, its ExecCondition
        // (`skm-kiosk maintenance check`) exits 1 and the start is skipped, and systemd does not
        // restart a skipped unit: service_shall_restart() in systemd v252 src/core/service.c
        // (install/systemd/skm-kiosk.service and docs/operations.md give the lines).
        std::string failure;
        try {
            maintenance::write(o.dataDir, maintenance::makeMarker("technician", "left from the admin screen", false, clock.wallMs()));
            spdlog::info("maintenance set ({}): skm-kiosk.service will not start the kiosk until `skm-kiosk maintenance end --data-dir {}` "
                         "or a reboot",
                         maintenance::markerPath(o.dataDir).string(), o.dataDir.string());
        } catch (const std::exception& e) {
            failure = e.what();
            spdlog::critical("cannot set maintenance: {}; skm-kiosk.service will start the kiosk again", failure);
        }
        const config::Lang lang = config::Lang::Id;
        const std::string headline = catalog.text(lang, "notice.maintenance");
        const std::string cause = failure.empty() ? catalog.text(lang, "notice.maintenance_cause") : catalog.format(lang, "notice.maintenance_failed", {{"error", failure}});
        const std::string next = catalog.text(lang, failure.empty() ? "notice.maintenance_return" : "notice.maintenance_restart");
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(kMaintenanceNoticeSeconds);
        int framesLeft = 2; // ImGui settles a new window in one frame: the second is the one to show and shoot
        while (!g_stop && std::chrono::steady_clock::now() < until) {
            if (framesLeft <= 0) {
                const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()).count();
                glfwWaitEventsTimeout(std::max<int64_t>(0, std::min<int64_t>(left, watchdog.nextDueMs() - clock.monoMs())) / 1000.0);
            }
            watchdog.tick(clock.monoMs());
            ws.keys.clear(); // nothing acts any more
            if (ws.wake) framesLeft = std::max(framesLeft, 1);
            ws.wake = false;
            if (framesLeft <= 0) continue;
            const auto [w, h] = presentNotice(headline, cause, next);
            if (--framesLeft == 0) {
                if (o.screenshotDir) {
                    int fbw = 0, fbh = 0;
                    glfwGetFramebufferSize(window, &fbw, &fbh);
                    const fs::path file = *o.screenshotDir / ("maintenance-" + std::to_string(w) + "x" + std::to_string(h) + ".png");
                    if (writeScreenshot(file, fbw, fbh)) spdlog::info("screenshot saved to {}", file.string());
                }
                if (o.uiMap) {
                    writeFileAtomically(*o.uiMap, nlohmann::json{{"screen", "maintenance"},
                                                                 {"error", failure.empty() ? nlohmann::json(nullptr) : nlohmann::json(failure)},
                                                                 {"display", {w, h}},
                                                                 {"targets", nlohmann::json::object()}}
                                                          .dump() + "\n");
                }
            }
            glfwSwapBuffers(window);
        }
    }

    if (o.frameLog) {
        std::string lines;
        for (int64_t us : frameMicros) lines += std::to_string(us) + "\n";
        writeFileAtomically(*o.frameLog, lines);
    }
    ui::setImageSource(nullptr);
    images.reset();
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    watchdog.stopping();
    spdlog::info("device {}: kiosk stopped", so.deviceId);
    return exitCode;
}

} // namespace skm::app
