#include "status.hpp"

#include <kiosk/maintenance/maintenance.hpp>
#include <kiosk/store/rating_store.hpp>

#include <fstream>
#include <iostream>

namespace skm::app {

nlohmann::json statusJson(const std::filesystem::path& dataDir)
{
    const store::StoreStatus s = store::readStatus(dataDir);
    nlohmann::json j;
    std::string deviceId;
    std::ifstream idFile(dataDir / "device-id");
    if (idFile) std::getline(idFile, deviceId);
    j["device_id"] = deviceId.empty() ? nlohmann::json(nullptr) : nlohmann::json(deviceId);
    j["data_dir"] = dataDir.string();
    j["db_path"] = s.dbPath.string();
    j["db_exists"] = s.exists;
    j["db_bytes"] = s.dbBytes;
    j["schema_version"] = s.schemaVersion;
    j["latest_schema_version"] = s.latestSchemaVersion;
    j["ratings_total"] = s.counts.total;
    j["pending"] = s.counts.pending;
    j["sent"] = s.counts.sent;
    j["rejected"] = s.counts.rejected;
    j["suppressed"] = s.counts.suppressed;
    j["last_rating_at"] = s.lastRatingWallMs ? nlohmann::json(store::isoUtc(*s.lastRatingWallMs)) : nlohmann::json(nullptr);
    nlohmann::json events = nlohmann::json::array();
    for (const auto& e : s.events) {
        nlohmann::json detail = nlohmann::json::parse(e.detail, nullptr, false);
        events.push_back({{"at", store::isoUtc(e.atWallMs)}, {"kind", e.kind}, {"detail", detail.is_discarded() ? nlohmann::json(e.detail) : detail}});
    }
    j["store_events"] = events;
    {
        nlohmann::json last = s.lastSyncJson.empty() ? nlohmann::json(nullptr) : nlohmann::json::parse(s.lastSyncJson, nullptr, false);
        if (last.is_object() && last.contains("at_ms")) last["at"] = store::isoUtc(last["at_ms"].get<int64_t>());
        j["last_sync"] = last.is_discarded() ? nlohmann::json(nullptr) : last;
    }
    j["officer_on_duty"] = s.officerOnDuty ? nlohmann::json(*s.officerOnDuty) : nlohmann::json(nullptr);
    j["officer_state"] = s.officerOnDuty ? nlohmann::json(s.officerState) : nlohmann::json(nullptr);
    if (s.openCase) {
        j["open_case"] = {{"id", s.openCase->id}, {"nip", s.openCase->nip.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.openCase->nip)}, {"service", s.openCase->serviceCode},
                          {"ticket", s.openCase->ticket ? nlohmann::json(*s.openCase->ticket) : nlohmann::json(nullptr)}};
    } else {
        j["open_case"] = nullptr;
    }
    j["surveys"] = {{"complete", s.surveys.complete},   {"incomplete", s.surveys.incomplete}, {"in_progress", s.surveys.inProgress},
                    {"pending", s.surveys.pending}, {"rejected", s.surveys.rejected}};
    // null unless maintenance holds the kiosk now (a marker of an earlier boot no longer does).
    const maintenance::Reading m = maintenance::read(dataDir);
    j["maintenance"] = m.state == maintenance::State::InForce ? maintenance::toJson(*m.marker) : nlohmann::json(nullptr);
    j["error"] = s.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.error);
    return j;
}

int runStatus(const std::filesystem::path& dataDir, bool json)
{
    const nlohmann::json j = statusJson(dataDir);
    if (json) {
        std::cout << j.dump() << std::endl;
    } else {
        std::cout << "data dir        " << j["data_dir"].get<std::string>() << '\n'
                  << "database        " << j["db_path"].get<std::string>() << (j["db_exists"].get<bool>() ? "" : " (not created yet)") << '\n'
                  << "device id       " << (j["device_id"].is_null() ? "(none yet)" : j["device_id"].get<std::string>()) << '\n'
                  << "schema version  " << j["schema_version"] << " (this binary: " << j["latest_schema_version"] << ")\n"
                  << "ratings total   " << j["ratings_total"] << '\n'
                  << "  pending       " << j["pending"] << '\n'
                  << "  sent          " << j["sent"] << '\n'
                  << "  rejected      " << j["rejected"] << '\n'
                  << "  suppressed    " << j["suppressed"] << '\n';
        std::cout << "officer on duty " << (j["officer_on_duty"].is_null() ? "(none)" : j["officer_on_duty"].get<std::string>() + " (" + j["officer_state"].get<std::string>() + ")") << '\n'
                  << "open case       " << (j["open_case"].is_null() ? "(none)" : j["open_case"]["id"].get<std::string>() + " " + j["open_case"]["service"].get<std::string>()) << '\n';
        if (j["maintenance"].is_null()) {
            std::cout << "maintenance     no\n";
        } else {
            const nlohmann::json& m = j["maintenance"];
            std::cout << "maintenance     since " << m["since"].get<std::string>() << " by " << m["by"].get<std::string>()
                      << (m["reason"].get<std::string>().empty() ? "" : " (" + m["reason"].get<std::string>() + ")")
                      << (m["keep_after_reboot"].get<bool>() ? ", kept after reboots" : ", until the next reboot")
                      << ": the unit does not start the kiosk; end it with `skm-kiosk maintenance end`\n";
        }
        for (const auto& e : j["store_events"]) std::cout << "event           " << e["at"].get<std::string>() << ' ' << e["kind"].get<std::string>() << ' ' << e["detail"].dump() << '\n';
        if (!j["error"].is_null()) std::cout << "error           " << j["error"].get<std::string>() << '\n';
    }
    return j["error"].is_null() ? 0 : 1;
}

} // namespace skm::app
