#include "officers.hpp"

#include <core/roster.hpp>

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

namespace skm::central {

std::map<std::string, OfficerInfo> publishedOfficers(const std::filesystem::path& dataDir)
{
    std::map<std::string, OfficerInfo> out;
    std::vector<std::filesystem::path> files = {dataDir / "publish" / "roster.toml"};
    std::error_code ec;
    for (const auto& d : std::filesystem::directory_iterator(dataDir / "publish" / "devices", ec)) files.push_back(d.path() / "roster.toml");
    for (const auto& f : files) {
        if (!std::filesystem::is_regular_file(f)) continue;
        try {
            // Names and units only: the photos are not read (a page view never decodes images).
            for (const auto& o : roster::loadRosterFile(f.string(), nullptr).officers) out.emplace(o.nip, OfficerInfo{o.name, o.unit});
        } catch (const std::exception& e) {
            spdlog::warn("officers from {} not used: {}", f.string(), e.what());
        }
    }
    return out;
}

std::vector<config::Reason> publishedReasons(const std::filesystem::path& dataDir)
{
    const std::filesystem::path file = dataDir / "publish" / "roster.toml";
    if (!std::filesystem::is_regular_file(file)) return {};
    try {
        const roster::Roster r = roster::loadRosterFile(file.string(), nullptr);
        std::vector<config::Reason> out = r.reasonsLow;
        out.insert(out.end(), r.reasonsHigh.begin(), r.reasonsHigh.end());
        return out;
    } catch (const std::exception& e) {
        spdlog::warn("reasons from {} not used: {}", file.string(), e.what());
        return {};
    }
}

config::SurveyDefinition publishedSurvey(const std::filesystem::path& dataDir)
{
    const std::filesystem::path file = dataDir / "publish" / "survey.toml";
    if (!std::filesystem::is_regular_file(file)) return config::defaultSurvey();
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return config::parseSurvey(text.str(), file.string());
}

} // namespace skm::central
