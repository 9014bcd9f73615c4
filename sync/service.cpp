#include "service.hpp"

#include "provisioning.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace skm::sync {

int64_t ServiceOptions::runDeadlineMs() const { return std::clamp(intervalMs * 4 / 5, int64_t{10'000}, int64_t{300'000}); }

int64_t runService(const std::filesystem::path& dataDir, const Sender& send, const ServiceOptions& o)
{
    const auto stopped = [&] { return o.stop && o.stop->load(); };
    const auto mono = [&] {
        return o.monoNowMs ? o.monoNowMs()
                           : std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
    };
    const auto sleep = [&](int64_t ms) {
        if (o.sleep) return o.sleep(ms);
        for (const int64_t step : waitSteps(ms, o.stop != nullptr)) {
            if (stopped()) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(step));
        }
    };
    spdlog::info("syncing every {} s (run deadline {} s) until stopped", o.intervalMs / 1000, o.runDeadlineMs() / 1000);
    int64_t runs = 0;
    while (!stopped() && (o.maxRuns == 0 || runs < o.maxRuns)) {
        const int64_t started = mono();
        ++runs;
        Provisioning p;
        try {
            p = readProvisioning(provisioningPath(dataDir));
        } catch (const std::exception& e) {
            spdlog::warn("not provisioned ({}); trying again in {} s", e.what(), o.intervalMs / 1000);
            p.deviceId.clear();
        }
        if (!p.deviceId.empty()) {
            SyncOptions so;
            so.deadlineMs = o.runDeadlineMs();
            so.cancel = o.stop;
            so.maxSendBytesPerSecond = o.maxSendBytesPerSecond;
            if (o.sleep) so.sleep = o.sleep; // a test's clock drives the run's backoff too
            if (o.monoNowMs) so.monoNowMs = o.monoNowMs;
            const SyncResult r = syncDataDir(dataDir, p, send, so);
            if (r.sent > 0 || r.eventsSent > 0 || r.rejected > 0 || !r.ok()) {
                spdlog::log(r.ok() ? spdlog::level::info : spdlog::level::warn, "sent {}, rejected {}, pending {}; events sent {}, pending {}; {} requests{}",
                            r.sent, r.rejected, r.pendingLeft, r.eventsSent, r.eventsPendingLeft, r.requests,
                            r.ok() ? "" : std::string("; ") + r.outcome.kindName() + ": " + r.error());
            } else {
                spdlog::debug("nothing pending; configuration {}", r.config.label());
            }
            if (o.onRun) o.onRun(r);
        }
        if (o.maxRuns != 0 && runs >= o.maxRuns) break;
        // The next run starts one interval after this one started (at once if this one took longer).
        sleep(std::max<int64_t>(0, started + o.intervalMs - mono()));
    }
    return runs;
}

} // namespace skm::sync
