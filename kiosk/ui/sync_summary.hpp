#pragma once
// What one "Sync now" run did, as the technician's screen reads it (made from skm-sync's result by
// app::summarize, kiosk/app/sync_now.hpp; the UI does not include the sync library).

#include <cstdint>
#include <string>

namespace skm::ui {

// What one "sync now" run did (skm-sync's result, reduced to what the technician reads by
// app::summarize, kiosk/app/sync_now.hpp).
struct SyncSummary {
    bool ok = false;
    int64_t sent = 0;
    int64_t rejected = 0;
    int64_t pendingLeft = 0;
    std::string error; // as the sync code says it (English); the screen shows its kind in Indonesian first
    bool storeDamaged = false; // the database is damaged: the sync refused to open it and sent nothing
    // The kind of problem when not ok, as a catalogue key: "admin.problem_network", "_tls",
    // "_refused", "_busy" or "_other".
    std::string problemKey = "admin.problem_other";
    bool notProvisioned = false; // the device has no provisioning (yet): nothing was tried
};

// The catalogue key of a sync problem by its name in the sync's record (sync::Outcome::problemName:
// "network", "tls", "refused", "busy"; anything else is "admin.problem_other").
[[nodiscard]] std::string syncProblemKey(const std::string& problemName);

} // namespace skm::ui
