#include "roster_cli.hpp"

#include <core/pin.hpp>
#include <kiosk/roster/roster_store.hpp>
#include <sync/provisioning.hpp>
#include <kiosk/store/export.hpp>
#include <kiosk/store/rating_store.hpp>

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

namespace skm::app {

std::unique_ptr<store::RatingStore> openCliStore(const std::filesystem::path& dataDir, const std::string& counter, const std::string& deviceId)
{
    store::StoreOptions o;
    o.dataDir = dataDir;
    o.deviceId = deviceId.empty() ? store::loadOrCreateDeviceId(dataDir) : deviceId;
    o.counter = counter;
    return std::make_unique<store::RatingStore>(o);
}

int runRosterImport(const std::filesystem::path& dataDir, const std::string& file, const std::string& counter, const std::string& deviceId)
{
    roster::Roster r;
    try {
        r = roster::loadRosterFile(file); // with its photos, relative to the file's directory, all checked
    } catch (const roster::RosterError& e) {
        std::cerr << "skm-kiosk: roster refused, nothing changed: " << e.what() << '\n';
        return 2;
    }
    try {
        auto st = openCliStore(dataDir, counter, deviceId);
        roster::replaceRoster(st->database(), r, st->clock().wallMs()); // copies the photos into DATA_DIR/photos/
        nlohmann::json detail = {
            {"version", r.version}, {"officers", r.officers.size()}, {"services", r.services.size()}, {"photos", r.photos.size()}, {"file", file}};
        (void)st->recordAudit("roster_imported", std::nullopt, detail.dump());
    } catch (const std::exception& e) {
        std::cerr << "skm-kiosk: cannot import the roster into " << dataDir.string() << ": " << e.what() << '\n';
        return 1;
    }
    std::cout << "roster " << r.version << " imported: " << r.officers.size() << " officers, " << r.services.size() << " services";
    if (!r.photos.empty()) std::cout << ", " << r.photos.size() << (r.photos.size() == 1 ? " photo" : " photos");
    if (!r.reasonsLow.empty() || !r.reasonsHigh.empty()) std::cout << ", reason lists";
    std::cout << '\n';
    return 0;
}

std::string describeExport(const store::ExportResult& r)
{
    auto n = [&](const char* kind, const char* one, const char* many) {
        const int64_t c = r.count(kind);
        return std::to_string(c) + " " + (c == 1 ? one : many);
    };
    return n("ratings", "rating", "ratings") + ", " + n("surveys", "survey response", "survey responses") + ", " + n("cases", "case", "cases") + ", " +
           n("sessions", "officer session", "officer sessions") + ", " + n("audit", "audit event", "audit events");
}

int runExport(const std::filesystem::path& dataDir, const std::string& dir, const std::string& counter, const std::string& deviceId)
{
    sync::Provisioning p;
    try {
        p = sync::readProvisioning(sync::provisioningPath(dataDir));
    } catch (const std::exception& e) {
        std::cerr << "skm-kiosk: nothing exported: this kiosk is not provisioned (" << e.what()
                  << "). An export is signed with the device's secret, so that the central office can tell it from a forged file; run "
                     "skm-kiosk provision FILE --data-dir "
                  << dataDir.string() << " first\n";
        return 2;
    }
    try {
        auto st = openCliStore(dataDir, counter, deviceId);
        const store::ExportResult r = store::exportUnsent(*st, dir, {p.deviceId, p.secret});
        std::cout << "exported to " << r.file.string() << ": " << describeExport(r) << " (signed as device " << p.deviceId
                  << "); nothing is marked as sent: a later sync still delivers them, and the central office counts each once\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "skm-kiosk: export failed, nothing exported: " << e.what() << '\n';
        return 1;
    }
}

int runProvision(const std::filesystem::path& dataDir, const std::string& file)
{
    sync::Provisioning p;
    try {
        p = sync::readProvisioning(file);
    } catch (const std::exception& e) {
        std::cerr << "skm-kiosk: provisioning refused, nothing changed: " << e.what() << '\n';
        return 2;
    }
    try {
        sync::installProvisioning(p, dataDir);
        auto st = openCliStore(dataDir, "", p.deviceId);
        const int64_t adopted = sync::adoptDeviceId(st->database(), p.deviceId);
        (void)st->recordAudit("provisioned", std::nullopt,
                              nlohmann::json{{"device_id", p.deviceId}, {"central_url", p.centralUrl}, {"rows_adopted", adopted}}.dump());
        if (adopted > 0) std::cout << adopted << " records made before provisioning will be uploaded as " << p.deviceId << '\n';
    } catch (const std::exception& e) {
        std::cerr << "skm-kiosk: cannot install the provisioning into " << dataDir.string() << ": " << e.what() << '\n';
        return 1;
    }
    std::cout << "provisioned as device " << p.deviceId << " for " << p.centralUrl << '\n';
    return 0;
}

int runHashPin()
{
    std::string pin;
    std::getline(std::cin, pin);
    if (!pin.empty() && pin.back() == '\r') pin.pop_back();
    if (const std::string problem = roster::pinProblem(pin); !problem.empty()) {
        std::cerr << "skm-kiosk: " << problem << '\n';
        return 2;
    }
    std::cout << roster::hashPin(pin) << '\n';
    return 0;
}

} // namespace skm::app
