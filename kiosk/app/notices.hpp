#pragma once
// The two full-screen notices the kiosk shows instead of its screens, each with its own small loop
// that keeps the watchdog fed: out of service (the store cannot be opened: a full disk after a power
// cut, a failing card; tried again every kStoreRetrySeconds instead of a restart loop behind a blank
// screen) and left for maintenance (the marker written, the notice for a moment, then exit 0).

#include "run_context.hpp"

#include <core/catalog.hpp>
#include <core/clock.hpp>

#include <functional>
#include <string>

namespace skm::app {

inline constexpr int kStoreRetrySeconds = 5;
// Left for maintenance: how long the notice stays before the process exits (and cage with it).
inline constexpr int kMaintenanceNoticeSeconds = 3;

// Shows the out-of-service notice until `tryOpen` (called every kStoreRetrySeconds) returns true, or
// the kiosk is stopped. `error` is why the store did not open (for the log, READY's status and the
// ui map); `tryOpen` updates it. Returns whether the store opened.
[[nodiscard]] bool waitForStore(RunContext& run, const config::Catalog& catalog, const std::function<bool()>& tryOpen, const std::string& error);

// The technician left the kiosk: writes the maintenance marker first (a SIGTERM during the notice
// cannot undo it), then shows the notice for kMaintenanceNoticeSeconds. The caller then exits 0:
// Restart=always starts the unit again RestartSec later, its ExecCondition (`skm-kiosk maintenance
// check`) exits 1 and the start is skipped, and systemd does not restart a skipped unit
// (service_shall_restart() in systemd v252 src/core/service.c; install/systemd/skm-kiosk.service and
// docs/operations.md give the lines).
void leaveForMaintenance(RunContext& run, const config::Catalog& catalog, const store::Clock& clock);

} // namespace skm::app
