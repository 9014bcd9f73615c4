#pragma once
// The central office's database: registered devices and their secrets, the nonces of recent requests
// (replay protection), and every rating received, de-duplicated on its id with the primary key inside
// the insert transaction. SQLite in WAL, synchronous=FULL. Thread-safe (one mutex: one writer).

#include <store/db.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace skm::central {

class CentralError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct ItemResult {
    std::string id;
    std::string status; // stored, duplicate, updated, rejected
    std::string reason; // rejected: why
};

class CentralStore {
public:
    // Opens (creating) DATA_DIR/central.db. Throws CentralError.
    explicit CentralStore(const std::filesystem::path& dataDir);

    // Registers a device. Throws CentralError if the id is taken or malformed.
    void addDevice(const std::string& id, const std::string& secretHex, int64_t nowMs);
    [[nodiscard]] std::optional<std::string> deviceSecret(const std::string& id);
    // Records a request's nonce; false if the device already used it (a replay). Forgets nonces older
    // than twice the clock window.
    [[nodiscard]] bool recordNonce(const std::string& deviceId, const std::string& nonce, int64_t nowSeconds);
    // Stores the ratings of one upload in one transaction and answers each one.
    [[nodiscard]] std::vector<ItemResult> ingest(const std::string& deviceId, const nlohmann::json& ratings, int64_t nowMs);
    // {"ratings_total": N, "devices": {ID: {"ratings": n, "suppressed": s}}}
    [[nodiscard]] nlohmann::json report();

private:
    std::mutex m_mutex;
    store::Database m_db;
};

// Why a rating object cannot be stored, or "" if it can. `deviceId` is the authenticated device.
[[nodiscard]] std::string validateRating(const nlohmann::json& r, const std::string& deviceId);

} // namespace skm::central
