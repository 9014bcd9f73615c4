#pragma once
// `skm-kiosk roster import FILE`, `skm-kiosk export DIR`, `skm-kiosk provision FILE`, `skm-kiosk hash-pin`,
// and the store that these commands (and `maintenance`) open.

#include <filesystem>
#include <memory>
#include <string>

namespace skm::store {
class RatingStore;
}

namespace skm::app {

// The store in DATA_DIR, opened (and migrated) as the kiosk opens it, for a command's work and its
// audit events; the device id is `deviceId` (the configuration's), else DATA_DIR/device-id. Throws
// what RatingStore's constructor throws.
[[nodiscard]] std::unique_ptr<store::RatingStore> openCliStore(const std::filesystem::path& dataDir, const std::string& counter, const std::string& deviceId);

// Validates FILE whole (with the officers' photos it names) and replaces the roster in DATA_DIR's
// store, the photos copied into DATA_DIR/photos/. Prints what it did.
// Returns 0, 2 for a refused file (the message names the entry; the roster in force stays), 1 when
// the store cannot be opened or written.
int runRosterImport(const std::filesystem::path& dataDir, const std::string& file, const std::string& counter, const std::string& deviceId);
// Exports everything unsent of DATA_DIR's store (ratings, survey responses, cases, officer sessions,
// audit events) to a file in `dir`, signed with the provisioning's secret. Returns 0, 2 when the kiosk
// is not provisioned, or 1 with a message (no stick, a full stick, a damaged database).
int runExport(const std::filesystem::path& dataDir, const std::string& dir, const std::string& counter, const std::string& deviceId);
// Installs a provisioning file from `skm-central device add` into DATA_DIR. Returns 0, or 2 for a bad file.
int runProvision(const std::filesystem::path& dataDir, const std::string& file);
// Reads a PIN from stdin (one line) and prints its Argon2id hash for a roster or configuration file.
int runHashPin();

} // namespace skm::app
