#pragma once
// `skm-kiosk status`: the queue's counts and the store's health, read without disturbing a running kiosk.

#include <filesystem>
#include <nlohmann/json.hpp>

namespace skm::app {

// The status of the store in `dataDir` as one JSON object (keys documented in the README).
[[nodiscard]] nlohmann::json statusJson(const std::filesystem::path& dataDir);
// Prints the status (JSON or text) to stdout. Returns the exit status: 0, or 1 if the store is unreadable.
int runStatus(const std::filesystem::path& dataDir, bool json);

} // namespace skm::app
