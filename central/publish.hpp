#pragma once
// The configuration the central office publishes to its devices: files in DATA_DIR/publish/
// (roster.toml: officers, services and reason lists; survey.toml: the survey definition), with
// DATA_DIR/publish/devices/ID/ overriding them for one device, and the officers' photos the roster
// names (looked up the same way: DATA_DIR/publish/devices/ID/PATH, else DATA_DIR/publish/PATH).
// Checked before it is served, by the kiosk's own parser: a roster (or a photo) that skm-kiosk would
// refuse is not published; the devices keep what they have.

#include <filesystem>
#include <map>
#include <string>

namespace skm::central {

struct Published {
    std::map<std::string, std::string> files;  // name -> content
    std::map<std::string, std::string> photos; // path as the roster writes it -> bytes (checked; roster::kMaxPhotosBytes in all)
    std::string etag;  // quoted: "\"<hex sha-256 of {"files": {...}, "photos": {path: hex sha-256 of the bytes}}>\""
    std::string error; // set when a file is refused (then nothing is served)
};

// The configuration for `deviceId` as it stands now: read, checked, its ETag computed. Cheap enough
// for every request when nothing changed (the photos' decoding is remembered by roster::photoProblem).
[[nodiscard]] Published loadPublished(const std::filesystem::path& dataDir, const std::string& deviceId);
// The body of a 200 answer: gzip JSON {"protocol", "etag", "files": {...}, "photos": {path: base64}}.
// Made only for a device that lacks this configuration (a 304 costs no packing).
[[nodiscard]] std::string packPublished(const Published& pub);

} // namespace skm::central
