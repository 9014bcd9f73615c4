#include "frame_loop.hpp"

#include <kiosk/ui/widgets.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <cmath>
#include <limits>

namespace fs = std::filesystem;

namespace skm::app {

namespace {

// The touch targets of the last frame as JSON:
// {"screen": ..., "language": "id"|"en", "focus": name|null, "display": [w, h], "view": n (counts the views: a
// script waits for the touch guard after it changes), "void_presses": n, "targets": {name: [x0, y0, x1, y1]},
// "texts": [the lines of text drawn, "[QR code]" for a QR code]}.
std::string uiMapJson(const ui::Controller& controller, int w, int h)
{
    const ui::Snapshot& state = controller.snapshot();
    nlohmann::json targets = nlohmann::json::object();
    for (const ui::Target& t : ui::lastTargets()) {
        targets[t.name] = {std::lround(t.rect.min.x), std::lround(t.rect.min.y), std::lround(t.rect.max.x), std::lround(t.rect.max.y)};
    }
    nlohmann::json texts = nlohmann::json::array();
    for (const ui::DrawnText& t : ui::lastTexts()) texts.push_back(t.text);
    const ui::Target* focus = ui::focusedTarget();
    return nlohmann::json{{"screen", ui::screenName(state.screen)},
                          {"language", config::langCode(state.lang)},
                          {"focus", focus ? nlohmann::json(focus->name) : nlohmann::json(nullptr)},
                          {"display", {w, h}},
                          {"disk_full", state.noticeDiskFull},
                          {"unsaved_writes", state.pendingRetries},
                          {"view", controller.viewSerial()},
                          {"void_presses", controller.voidPresses()},
                          {"targets", targets},
                          {"texts", texts}}
               .dump() +
           "\n";
}

} // namespace

FrameLoopEnd runFrameLoop(RunContext& run, ui::Controller& controller, const store::Clock& clock, Milestones& milestones)
{
    const RunOptions& o = run.options;
    KioskWindow& window = run.window;
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
    FrameLoopEnd end;
    while (end.exitCode == 0 && run.running()) {
        if (o.renderContinuously) framesLeft = std::max(framesLeft, 1);
        if (framesLeft > 0) {
            window.pollEvents();
        } else {
            const int64_t deadline = std::min(controller.nextDeadlineMs(), run.watchdog.nextDueMs());
            const int64_t now = clock.monoMs();
            window.waitEvents(deadline == std::numeric_limits<int64_t>::max() ? 3600.0 : std::max<int64_t>(0, deadline - now) / 1000.0);
        }
        run.watchdog.tick(clock.monoMs()); // from this loop only: a frozen loop stops the pings
        try {
            WindowInput& input = window.input();
            if (input.wake) {
                input.wake = false;
                framesLeft = std::max(framesLeft, 3);
            }
            controller.pressKeys(input.keys);
            if (!input.keys.empty()) framesLeft = std::max(framesLeft, 3);
            input.keys.clear();
            if (controller.quitRequested()) { // the technician left the kiosk: maintenance, then exit 0
                end.leftForMaintenance = true;
                break;
            }
            if (controller.drainBackground()) framesLeft = std::max(framesLeft, 3);
            if (controller.tick()) framesLeft = std::max(framesLeft, 3);
            if (framesLeft <= 0) continue;

            const auto frameStart = std::chrono::steady_clock::now();
            window.beginFrame();
            const ImU32 background = controller.background(window.theme()); // of the screen this frame draws
            controller.drawFrame(window.theme());
            window.endFrame(background);
            ++framesDrawn;
            ++framesOnScreen;
            run.ready("device " + run.deviceId + ", " + o.config.counter); // the first frame is on its way to the screen
            const auto [w, h] = window.size();
            // Shots are taken from the second frame on a screen: ImGui settles new windows in one frame.
            if (!screenshotDone && framesDrawn >= 2) {
                screenshotDone = true;
                if (window.screenshot(*o.screenshot)) spdlog::info("screenshot saved to {}", o.screenshot->string());
                else spdlog::error("cannot write the screenshot {}", o.screenshot->string());
            }
            const size_t screenIndex = static_cast<size_t>(controller.screen());
            if (o.screenshotDir && framesOnScreen >= 2 && !shotTaken[screenIndex]) {
                shotTaken[screenIndex] = true;
                const fs::path file = *o.screenshotDir / (std::string(ui::screenName(controller.screen())) + "-" + std::to_string(w) + "x" + std::to_string(h) + ".png");
                if (window.screenshot(file)) spdlog::info("screenshot saved to {}", file.string());
                else spdlog::error("cannot write the screenshot {}", file.string());
            }
            window.present();
            // Kept only when asked for: months of frames would otherwise pile up in memory.
            if (o.frameLog) frameMicros.push_back(std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - frameStart).count());
            if (framesDrawn == 1 && o.startupLog) {
                window.finish(); // presented, not merely queued
                milestones.emplace_back("first_frame", monotonicNs());
                std::string lines;
                for (const auto& [name, ns] : milestones) lines += std::string(name) + " " + std::to_string(ns) + "\n";
                writeFileAtomically(*o.startupLog, lines);
            }
            if (o.uiMap) {
                std::string map = uiMapJson(controller, w, h);
                if (map != lastUiMap) {
                    run.writeUiMap(map);
                    lastUiMap = std::move(map);
                }
            }
            --framesLeft;
            failures = 0;
        } catch (const std::exception& e) {
            // A frame that throws is logged and dropped; a run of them ends the process so that the
            // service manager restarts it (ImHex's pattern).
            window.abandonFrame();
            spdlog::error("frame failed: {}", e.what());
            if (++failures >= 10) {
                spdlog::critical("10 frames in a row failed; exiting so that the kiosk is restarted");
                end.exitCode = 1;
            }
        }
    }
    controller.onScreenChanged = nullptr;
    if (o.frameLog) {
        std::string lines;
        for (int64_t us : frameMicros) lines += std::to_string(us) + "\n";
        writeFileAtomically(*o.frameLog, lines);
    }
    return end;
}

} // namespace skm::app
