#pragma once
// skm-sync as a long-lived service (issue 21): one sync run every interval while the process lives,
// besides the nightly timer's run, which stays. Each run is syncOnce's, with its exactly-once rules
// unchanged (the rating rows are the outbox; the central office de-duplicates), so a run of the
// service and one of the timer (or the technician's "sync now") may overlap without harm. When nothing
// is pending a run is one conditional configuration request (304 Not Modified, a few hundred bytes):
// the roster still arrives within an interval of being published.

#include "uploader.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>

namespace skm::sync {

struct ServiceOptions {
    int64_t intervalMs = 5 * 60'000; // from the start of one run to the start of the next
    // Each run's deadline: its retries stop in time for the next run (at least 10 s, at most 5 min).
    [[nodiscard]] int64_t runDeadlineMs() const;
    const std::atomic<bool>* stop = nullptr; // set by SIGTERM: the run in progress is cancelled, the loop ends
    std::function<void(int64_t ms)> sleep;   // empty: really sleep (in steps, watching `stop`); set: also each run's backoff
    std::function<int64_t()> monoNowMs;      // empty: steady_clock; set: also each run's deadline
    std::function<void(const SyncResult&)> onRun; // sees each run's result (the log line is written anyway)
    int64_t maxRuns = 0;                     // tests: stop after this many runs (0: never)
    int64_t maxSendBytesPerSecond = 0;
};

// Runs until `stop` (or maxRuns). Reads the provisioning anew before each run, so that a kiosk
// provisioned again syncs to its new office without a restart; an unprovisioned or damaged kiosk is
// logged and tried again at the next interval. Returns the number of runs.
int64_t runService(const std::filesystem::path& dataDir, const Sender& send, const ServiceOptions& options);

} // namespace skm::sync
