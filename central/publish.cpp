#include "publish.hpp"

#include <protocol.hpp>
#include <config/survey.hpp>
#include <roster/roster.hpp>

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
            if (std::string(name) == "roster.toml") (void)roster::parseRoster(text.str(), file.string());
            else (void)config::parseSurvey(text.str(), file.string()); // the kiosk's own check
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
    const nlohmann::json files(out.files);
    out.etag = "\"" + protocol::sha256Hex(files.dump()) + "\"";
    out.body = protocol::gzip(nlohmann::json{{"protocol", protocol::kVersion}, {"etag", out.etag}, {"files", files}}.dump());
    return out;
}

} // namespace skm::central
