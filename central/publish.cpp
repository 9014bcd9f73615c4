#include "publish.hpp"

#include <core/protocol.hpp>
#include <core/published_ikm.hpp>
#include <core/survey.hpp>
#include <core/roster.hpp>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace skm::central {

Published loadPublished(const fs::path& dataDir, const std::string& deviceId)
{
    Published out;
    const fs::path common = dataDir / "publish";
    const fs::path own = common / "devices" / deviceId;
    for (const char* name : protocol::kConfigFiles) {
        fs::path file = own / name;
        if (!fs::is_regular_file(file)) file = common / name;
        if (!fs::is_regular_file(file)) continue;
        std::ifstream in(file, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        if (!in && !in.eof()) {
            out.error = file.string() + ": cannot be read";
            return out;
        }
        try {
            if (std::string(name) == "roster.toml") {
                // The photos the kiosk's parser reads (and checks) are the ones served.
                const roster::PhotoSource read = roster::photosIn({own, common});
                (void)roster::parseRoster(text.str(), file.string(), [&](const std::string& path) {
                    std::optional<roster::PhotoData> d = read(path);
                    if (d && d->size <= roster::kMaxPhotoBytes) out.photos[path] = d->bytes;
                    return d;
                });
            } else if (std::string(name) == "ikm-line.toml") {
                (void)config::parsePublishedIkm(text.str(), file.string()); // the kiosk's own check
            } else {
                (void)config::parseSurvey(text.str(), file.string()); // the kiosk's own check
            }
        } catch (const toml::parse_error& e) {
            std::ostringstream why;
            why << file.string() << ":" << e.source().begin.line << ": " << e.description();
            out.error = why.str();
            return out;
        } catch (const std::exception& e) {
            out.error = e.what();
            return out;
        }
        out.files[name] = text.str();
    }
    // The photos by their hashes: the ETag covers every byte without packing anything.
    nlohmann::json photoHashes = nlohmann::json::object();
    for (const auto& [path, bytes] : out.photos) photoHashes[path] = protocol::sha256Hex(bytes);
    out.etag = "\"" + protocol::sha256Hex(nlohmann::json{{"files", out.files}, {"photos", photoHashes}}.dump()) + "\"";
    return out;
}

std::string packPublished(const Published& pub)
{
    nlohmann::json photos = nlohmann::json::object();
    for (const auto& [path, bytes] : pub.photos) photos[path] = protocol::base64Encode(bytes);
    return protocol::gzip(nlohmann::json{{"protocol", protocol::kVersion}, {"etag", pub.etag}, {"files", pub.files}, {"photos", std::move(photos)}}.dump());
}

} // namespace skm::central
