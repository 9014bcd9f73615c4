#pragma once
// `skm-kiosk maintenance start|end|check`: the technician's shell side of "Keluar dari kiosk"
// (the marker itself: kiosk/maintenance/maintenance.hpp; the whole story: docs/operations.md).

#include <filesystem>
#include <string>

namespace skm::app {

// `maintenance check` exit statuses. ExecCondition= skips the start for 1..254 without failing the
// unit, and fails it for 255 (systemd.service(5)); 2 stays the usage error of every command.
inline constexpr int kMaintenanceNone = 0;    // start the kiosk
inline constexpr int kMaintenanceInForce = 1; // do not start it

// The person running the command: $SUDO_USER under sudo, else the effective user's name.
[[nodiscard]] std::string shellUser();

// Sets maintenance in DATA_DIR (which must exist) and records the audit event `maintenance_started`.
// Returns 0 (also when it was already set), or 1 with a message when the marker cannot be written.
int runMaintenanceStart(const std::filesystem::path& dataDir, const std::string& by, const std::string& reason, bool keepAfterReboot,
                        const std::string& counter, const std::string& deviceId);
// Ends maintenance in DATA_DIR and records `maintenance_ended`. Returns 0 (also when none was set),
// or 1 when the marker cannot be removed. An audit event that cannot be recorded is a warning only:
// the kiosk must be able to come back.
int runMaintenanceEnd(const std::filesystem::path& dataDir, const std::string& by, const std::string& counter, const std::string& deviceId);
// Reads DATA_DIR's marker, touching nothing: kMaintenanceInForce with a message on stdout (the
// journal) when it holds the kiosk, else kMaintenanceNone. With `tty`, the notice is also written to
// the terminal on standard input (in skm-kiosk.service: tty1, the kiosk's own screen).
int runMaintenanceCheck(const std::filesystem::path& dataDir, bool tty);

} // namespace skm::app
