#pragma once
// `skm-kiosk roster import FILE`, `skm-kiosk export DIR` and `skm-kiosk hash-pin`.

#include <filesystem>
#include <string>

namespace skm::app {

// Validates FILE whole (with the officers' photos it names) and replaces the roster in DATA_DIR's
// store, the photos copied into DATA_DIR/photos/. Prints what it did.
// Returns 0, 2 for a refused file (the message names the entry; the roster in force stays), 1 when
// the store cannot be opened or written.
int runRosterImport(const std::filesystem::path& dataDir, const std::string& file, const std::string& counter, const std::string& deviceId);
// Exports the unsent ratings of DATA_DIR's store to a file in `dir`. Returns 0, or 1 with a message.
int runExport(const std::filesystem::path& dataDir, const std::string& dir, const std::string& counter, const std::string& deviceId);
// Installs a provisioning file from `skm-central device add` into DATA_DIR. Returns 0, or 2 for a bad file.
int runProvision(const std::filesystem::path& dataDir, const std::string& file);
// Reads a PIN from stdin (one line) and prints its Argon2id hash for a roster or configuration file.
int runHashPin();

} // namespace skm::app
