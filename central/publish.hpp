#pragma once
// The configuration the central office publishes to its devices: files in DATA_DIR/publish/
// (roster.toml: officers, services and reason lists; survey.toml: the survey definition), with
// DATA_DIR/publish/devices/ID/ overriding them for one device. Checked before it is served: a
// roster that skm-kiosk would refuse is not published; the devices keep what they have.

#include <filesystem>
#include <map>
#include <string>

namespace skm::central {

struct Published {
    std::map<std::string, std::string> files; // name -> content
    std::string etag;  // quoted: "\"<hex sha-256 of the configuration>\""
    std::string body;  // gzip JSON {"protocol", "etag", "files": {...}}
    std::string error; // set when a file is refused (then nothing is served)
};

// The configuration for `deviceId` as it stands now.
[[nodiscard]] Published loadPublished(const std::filesystem::path& dataDir, const std::string& deviceId);

} // namespace skm::central
