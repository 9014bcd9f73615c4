#include "sync_now.hpp"

#include <sync/http_sender.hpp>
#include <sync/provisioning.hpp>

#include <spdlog/spdlog.h>

namespace skm::app {

ui::SyncSummary summarize(const sync::SyncResult& r)
{
    // A retry with no problem is a run that went well while more records arrived: done, N left.
    const bool wrong = r.outcome.wrong();
    ui::SyncSummary s;
    s.ok = !wrong;
    s.sent = r.sent;
    s.rejected = r.rejected;
    s.pendingLeft = r.pendingLeft;
    s.error = wrong ? r.error() : "";
    s.storeDamaged = r.outcome.problem == sync::Outcome::Problem::Damaged;
    s.problemKey = wrong ? ui::syncProblemKey(r.outcome.problemName()) : "";
    return s;
}

ui::BackgroundSync::Runner syncNowRunner(std::filesystem::path dataDir, sync::Sender send)
{
    if (!send) send = [](const sync::HttpRequest& req) { return sync::curlSend(req); };
    return [dataDir = std::move(dataDir), send = std::move(send)](const std::atomic<bool>& cancel) -> ui::SyncSummary {
        sync::Provisioning p;
        try {
            p = sync::readProvisioning(sync::provisioningPath(dataDir));
        } catch (const std::exception& e) {
            // Read at each run, not at start: a kiosk provisioned while it runs syncs without a restart.
            sync::SyncResult r;
            r.outcome = sync::Outcome::error(sync::Outcome::Problem::Other, std::string("not provisioned: ") + e.what());
            ui::SyncSummary s = summarize(r);
            s.notProvisioned = true;
            return s;
        }
        sync::SyncOptions options;
        options.deadlineMs = 60'000;
        options.cancel = &cancel;
        const sync::SyncResult r = sync::syncDataDir(dataDir, p, send, options);
        spdlog::info("sync now: {}: sent {}, rejected {}, left {}{}", r.outcome.kindName(), r.sent, r.rejected, r.pendingLeft, r.ok() ? "" : "; " + r.error());
        return summarize(r);
    };
}

} // namespace skm::app
