#include "notices.hpp"

#include <kiosk/maintenance/maintenance.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>

namespace skm::app {

namespace {

// The ui map of a notice: no touch targets.
std::string noticeMap(const char* screen, const std::string& error, std::pair<int, int> size)
{
    return nlohmann::json{{"screen", screen},
                          {"error", error.empty() ? nlohmann::json(nullptr) : nlohmann::json(error)},
                          {"display", {size.first, size.second}},
                          {"targets", nlohmann::json::object()}}
               .dump() +
           "\n";
}

} // namespace

bool waitForStore(RunContext& run, const config::Catalog& catalog, const std::function<bool()>& tryOpen, const std::string& error)
{
    const store::Clock& clock = store::SystemClock::instance();
    const config::Lang lang = config::Lang::Id;
    auto nextTry = std::chrono::steady_clock::now() + std::chrono::seconds(kStoreRetrySeconds);
    bool firstFrame = true;
    while (run.running()) {
        // Sleep until the next try or the next watchdog ping, whichever is first; draw after an event.
        const int64_t nowMs = clock.monoMs();
        const int64_t tryMs = std::chrono::duration_cast<std::chrono::milliseconds>(nextTry - std::chrono::steady_clock::now()).count();
        const int64_t dueMs = std::min(nowMs + std::max<int64_t>(tryMs, 0), run.watchdog.nextDueMs());
        if (!firstFrame) run.window.waitEvents(std::max<int64_t>(0, dueMs - nowMs) / 1000.0);
        run.watchdog.tick(clock.monoMs());
        if (std::chrono::steady_clock::now() >= nextTry) {
            nextTry = std::chrono::steady_clock::now() + std::chrono::seconds(kStoreRetrySeconds);
            if (tryOpen()) {
                spdlog::info("the store opened; the kiosk takes ratings again");
                // Keys pressed while it opened (a check or salvage can take seconds) were pressed at a
                // notice that takes none: taken from the queue here, never rated by the frame loop.
                run.window.pollEvents();
                run.window.input().keys.clear();
                return true;
            }
        }
        WindowInput& input = run.window.input();
        if (!firstFrame && !input.wake) continue;
        firstFrame = false;
        input.wake = false;
        input.keys.clear(); // nothing acts on this screen
        // "Full" from the file system itself (SQLite reports a full disk at open as an I/O error).
        struct statvfs fsInfo {};
        const bool full = statvfs(run.options.dataDir.c_str(), &fsInfo) == 0 && fsInfo.f_bavail * fsInfo.f_frsize < 64 * 1024;
        run.window.presentNotice(catalog.text(lang, "notice.out_of_service"), catalog.text(lang, full ? "notice.disk_full" : "notice.store_fault"),
                                 catalog.text(lang, "notice.retrying"));
        run.window.present();
        // The service is up, if out of service: a restart would not help.
        run.ready("device " + run.deviceId + ", out of service: " + error);
        run.writeUiMap(noticeMap("out_of_service", error, run.window.size()));
    }
    return false;
}

void leaveForMaintenance(RunContext& run, const config::Catalog& catalog, const store::Clock& clock)
{
    const auto& dataDir = run.options.dataDir;
    std::string failure;
    try {
        maintenance::write(dataDir, maintenance::makeMarker("technician", "left from the admin screen", false, clock.wallMs()));
        spdlog::info("maintenance set ({}): skm-kiosk.service will not start the kiosk until `skm-kiosk maintenance end --data-dir {}` "
                     "or a reboot",
                     maintenance::markerPath(dataDir).string(), dataDir.string());
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
    while (!run.stop && std::chrono::steady_clock::now() < until) {
        if (framesLeft <= 0) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()).count();
            run.window.waitEvents(std::max<int64_t>(0, std::min<int64_t>(left, run.watchdog.nextDueMs() - clock.monoMs())) / 1000.0);
        }
        run.watchdog.tick(clock.monoMs());
        WindowInput& input = run.window.input();
        input.keys.clear(); // nothing acts any more
        if (input.wake) framesLeft = std::max(framesLeft, 1);
        input.wake = false;
        if (framesLeft <= 0) continue;
        run.window.presentNotice(headline, cause, next);
        if (--framesLeft == 0) {
            const auto [w, h] = run.window.size();
            if (run.options.screenshotDir) {
                const auto file = *run.options.screenshotDir / ("maintenance-" + std::to_string(w) + "x" + std::to_string(h) + ".png");
                if (run.window.screenshot(file)) spdlog::info("screenshot saved to {}", file.string());
            }
            run.writeUiMap(noticeMap("maintenance", failure, {w, h}));
        }
        run.window.present();
    }
}

} // namespace skm::app
