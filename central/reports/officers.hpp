#pragma once
// Who the officers are, for the reports: names and units from the rosters the central office publishes.

#include <filesystem>
#include <map>
#include <string>

namespace skm::central {

struct OfficerInfo {
    std::string name;
    std::string unit;
};
// NIP -> name and unit, from the rosters published to the devices (publish/roster.toml and
// publish/devices/*/roster.toml).
[[nodiscard]] std::map<std::string, OfficerInfo> publishedOfficers(const std::filesystem::path& dataDir);

} // namespace skm::central
