#include "provisioning.hpp"

#include <core/protocol.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace fs = std::filesystem;

namespace skm::sync {

void writeAtomically(const fs::path& file, const std::string& text, unsigned mode)
{
    const fs::path tmp = file.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) throw ProvisioningError("cannot write " + tmp.string());
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) throw ProvisioningError("cannot write " + tmp.string());
    std::error_code ec;
    fs::rename(tmp, file, ec);
    if (ec) throw ProvisioningError("cannot write " + file.string() + ": " + ec.message());
}

fs::path provisioningPath(const fs::path& dataDir) { return dataDir / "provision.json"; }

Provisioning readProvisioning(const fs::path& file)
{
    std::ifstream in(file);
    if (!in) throw ProvisioningError(file.string() + ": cannot read the provisioning file");
    std::ostringstream buf;
    buf << in.rdbuf();
    const nlohmann::json j = nlohmann::json::parse(buf.str(), nullptr, false);
    auto bad = [&](const std::string& why) { return ProvisioningError(file.string() + ": " + why); };
    if (j.is_discarded() || !j.is_object()) throw bad("not JSON");
    if (j.value("protocol", 0) != protocol::kVersion) throw bad("protocol must be " + std::to_string(protocol::kVersion));
    Provisioning p;
    p.centralUrl = j.value("central_url", "");
    p.deviceId = j.value("device_id", "");
    p.secret = j.value("secret", "");
    if (p.centralUrl.size() > 2048 || !std::regex_match(p.centralUrl, std::regex(R"(https?://[^\s/]+/?)"))) throw bad("central_url must be http(s)://HOST[:PORT]");
    if (p.deviceId.empty() || p.deviceId.size() > 64) throw bad("device_id must be 1-64 characters");
    if (!std::regex_match(p.secret, std::regex("[0-9a-f]{64}"))) throw bad("secret must be 64 hex digits");
    if (p.centralUrl.back() == '/') p.centralUrl.pop_back();
    p.caPem = j.value("ca_pem", "");
    p.pinnedKey = j.value("pinned_key", "");
    if (!p.caPem.empty() && p.caPem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) throw bad("ca_pem must be a PEM certificate");
    if (!p.pinnedKey.empty() && p.pinnedKey.rfind("sha256//", 0) != 0) throw bad("pinned_key must be sha256//BASE64");
    if (j.contains("max_upload_bytes_per_second")) {
        const auto& v = j["max_upload_bytes_per_second"];
        if (!v.is_number_integer() || v.get<int64_t>() < 0) throw bad("max_upload_bytes_per_second must be a whole number >= 0");
        p.maxUploadBytesPerSecond = v.get<int64_t>();
    }
    return p;
}

void installProvisioning(const Provisioning& p, const fs::path& dataDir)
{
    std::error_code ec;
    fs::create_directories(dataDir, ec);
    nlohmann::json j = {{"protocol", protocol::kVersion}, {"central_url", p.centralUrl}, {"device_id", p.deviceId}, {"secret", p.secret}};
    if (!p.caPem.empty()) j["ca_pem"] = p.caPem;
    if (!p.pinnedKey.empty()) j["pinned_key"] = p.pinnedKey;
    if (p.maxUploadBytesPerSecond > 0) j["max_upload_bytes_per_second"] = p.maxUploadBytesPerSecond;
    writeAtomically(provisioningPath(dataDir), j.dump(2) + "\n", 0600);
    writeAtomically(dataDir / "device-id", p.deviceId + "\n", 0644);
}

int64_t adoptDeviceId(store::Database& db, const std::string& deviceId)
{
    store::Transaction tx(db);
    std::string message;
    if (int rc = tx.begin(&message); rc != SQLITE_OK) throw store::SqliteError(rc, "cannot adopt the device id: " + message);
    int64_t changed = 0;
    for (const char* table : {"ratings", "officer_sessions", "audit_events"}) {
        store::Statement st(db, std::string("UPDATE ") + table + " SET device_id = ?1 WHERE upload_status = 'pending' AND device_id <> ?1");
        st.bind(1, std::string_view(deviceId));
        (void)st.next();
        changed += sqlite3_changes(db.handle());
    }
    if (int rc = tx.commit(&message); rc != SQLITE_OK) throw store::SqliteError(rc, "cannot adopt the device id: " + message);
    return changed;
}

} // namespace skm::sync
