#pragma once
// A kiosk's provisioning: the central office's URL, the device id and its secret, written by
// `skm-central device add` and installed by `skm-kiosk provision FILE` as DATA_DIR/provision.json
// (mode 0600; the device id also goes to DATA_DIR/device-id).

#include <core/db.hpp>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace skm::sync {

struct Provisioning {
    std::string centralUrl;
    std::string deviceId;
    std::string secret; // hex, 32 bytes
    std::string caPem;     // https: the CA to verify the central office with (empty: the system's CAs)
    std::string pinnedKey; // optional libcurl public-key pin ("sha256//BASE64")
    int64_t maxUploadBytesPerSecond = 0; // upload speed cap for this site's link (0: none)
};

class ProvisioningError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Reads and checks a provisioning file. Throws ProvisioningError naming the file and the problem.
[[nodiscard]] Provisioning readProvisioning(const std::filesystem::path& file);
// Installs `p` into `dataDir` (provision.json and device-id, each written atomically).
void installProvisioning(const Provisioning& p, const std::filesystem::path& dataDir);
// Gives the rows not yet delivered (pending ratings, sessions, audit events) the provisioned device
// id, in one transaction: what was recorded before provisioning (a demo, a first day without the
// network) is uploaded as this device's, not refused. Returns how many rows changed.
int64_t adoptDeviceId(store::Database& db, const std::string& deviceId);
// Writes `text` to `file` through a temporary file, fsync and rename. Throws ProvisioningError.
void writeAtomically(const std::filesystem::path& file, const std::string& text, unsigned mode);
[[nodiscard]] std::filesystem::path provisioningPath(const std::filesystem::path& dataDir);

} // namespace skm::sync
