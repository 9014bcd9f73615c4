#pragma once
// A kiosk's provisioning: the central office's URL, the device id and its secret, written by
// `skm-central device add` and installed by `skm-kiosk provision FILE` as DATA_DIR/provision.json
// (mode 0600; the device id also goes to DATA_DIR/device-id).

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
};

class ProvisioningError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Reads and checks a provisioning file. Throws ProvisioningError naming the file and the problem.
[[nodiscard]] Provisioning readProvisioning(const std::filesystem::path& file);
// Installs `p` into `dataDir` (provision.json and device-id, each written atomically).
void installProvisioning(const Provisioning& p, const std::filesystem::path& dataDir);
[[nodiscard]] std::filesystem::path provisioningPath(const std::filesystem::path& dataDir);

} // namespace skm::sync
