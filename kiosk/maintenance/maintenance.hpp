#pragma once
// Maintenance: the technician has taken the kiosk off the counter. One small file, DATA_DIR/maintenance,
// says so; skm-kiosk.service's ExecCondition (`skm-kiosk maintenance check`) reads it and skips the
// start while it is in force, so Restart=always does not bring the kiosk back (docs/operations.md).
// No GUI dependency: the app, the CLI and the tests link it.
//
// The marker is a JSON object {"since", "by", "reason", "boot_id", "keep_after_reboot"}, written
// whole or not at all (temp file, fsync, rename, fsync of the directory), mode 0640, and
// owned by the data directory's owner even when root writes it (so the unit's skm user can read it).
//
// It ends with `skm-kiosk maintenance end`, or by a reboot: a marker whose boot_id is not the current
// boot's is no longer in force (a kiosk is firmware: a forgotten maintenance must not leave a counter
// dark until a technician comes back), unless it was set with keep_after_reboot.

#include <kiosk/store/rating_store.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace skm::maintenance {

struct Marker {
    std::string since;            // UTC, ISO 8601 ("2026-11-29T18:01:02.345Z")
    std::string by;               // who: "technician" (the admin screen), or the shell user
    std::string reason;           // free text, may be empty
    std::string bootId;           // the boot it was set in (/proc/sys/kernel/random/boot_id)
    bool keepAfterReboot = false; // in force across reboots too, until `maintenance end`
};

enum class State {
    None,          // no marker: the kiosk starts
    InForce,       // the unit does not start the kiosk
    EndedByReboot, // a marker from an earlier boot: no longer in force; the kiosk clears it at start
    Unreadable,    // a marker that cannot be read or parsed: not in force (fail open, logged)
};

struct Reading {
    State state = State::None;
    std::optional<Marker> marker; // set for InForce and EndedByReboot
    std::string problem;          // why, for Unreadable
};

// DATA_DIR/maintenance.
[[nodiscard]] std::filesystem::path markerPath(const std::filesystem::path& dataDir);

// A marker set now (wall-clock `wallMs`) in the current boot.
[[nodiscard]] Marker makeMarker(std::string by, std::string reason, bool keepAfterReboot, int64_t wallMs);

// Reads the marker of `dataDir` and judges it against `currentBootId`. Never throws; touches nothing.
// A boot id that is not the kernel's (store::bootId()'s "proc-" fallback) never ends a marker.
[[nodiscard]] Reading read(const std::filesystem::path& dataDir, const std::string& currentBootId = store::bootId());

// Writes the marker atomically (see above). `dataDir` must exist. Throws std::runtime_error with the
// path and the system's reason.
void write(const std::filesystem::path& dataDir, const Marker& marker);

// Removes the marker. Returns false if there was none. Throws std::runtime_error if it cannot.
bool clear(const std::filesystem::path& dataDir);

// {"since", "by", "reason", "keep_after_reboot"}: the marker as `status --json` and audit details show it.
[[nodiscard]] nlohmann::json toJson(const Marker& marker);

// At the kiosk's start, with its store open: a marker that is no longer in force (from an earlier
// boot, or unreadable) is removed and the audit event `maintenance_ended` says why ("by": "reboot" or
// "start"). A marker in force is left as it is (the kiosk was started by hand, not by the unit).
// Never throws; what it found and did is returned for the log.
struct Settled {
    Reading found;
    bool removed = false;
    std::string error; // the marker could not be removed
};
[[nodiscard]] Settled settleAtStart(store::RatingStore& store, const std::filesystem::path& dataDir);

} // namespace skm::maintenance
