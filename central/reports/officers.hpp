#pragma once
// What the reports take from the configuration the central office publishes: who the officers are
// (names and units from the rosters) and the office's survey definition (its unsur names, profile
// questions and IKM weighting).

#include <core/reasons.hpp>
#include <core/survey.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace skm::central {

struct OfficerInfo {
    std::string name;
    std::string unit;
};
// NIP -> name and unit, from the rosters published to the devices (publish/roster.toml and
// publish/devices/*/roster.toml).
[[nodiscard]] std::map<std::string, OfficerInfo> publishedOfficers(const std::filesystem::path& dataDir);
// The reasons of the published roster (publish/roster.toml), low and high, for their labels; empty when
// it has none (the built-in lists apply, config::defaultReasonsLow/High).
[[nodiscard]] std::vector<config::Reason> publishedReasons(const std::filesystem::path& dataDir);
// The office's survey definition: publish/survey.toml, else the built-in one (a device's own
// publish/devices/ID/survey.toml changes what that kiosk asks, not how the office weighs). A published
// file that does not parse throws config::SurveyError naming it: the office's figures are never
// computed with a weighting it did not choose.
[[nodiscard]] config::SurveyDefinition publishedSurvey(const std::filesystem::path& dataDir);

} // namespace skm::central
