#pragma once
// The central office's database: registered devices and their secrets, the nonces of recent requests
// (replay protection), and every rating received, de-duplicated on its id with the primary key inside
// the insert transaction. SQLite in WAL, synchronous=FULL. Thread-safe (one mutex: one writer).
//
// History is append-only (docs/sync-protocol.md, "Answers"): a record re-sent with its id changes
// only in the ways the kiosk itself changes it (a comment after the tap, a case closing, a session's
// break and end); anything else is a `conflict`: the stored record stays, and the refused version is
// kept beside it in `ingest_conflicts` for the office. central.db holds every device's secret: it
// (and its -wal and -shm) is created 0600, a new data directory 0750, whatever the caller's umask.

#include <store/db.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
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
    std::string status; // stored, duplicate, updated, conflict, rejected
    std::string reason; // rejected: why; conflict: which fields differ
};

// Per kind of record in an upload ("ratings", "sessions", "cases", "audit"): one answer per item, in order.
using UploadResults = std::map<std::string, std::vector<ItemResult>>;

// The record kinds that travel beside the ratings (defined in central_store.cpp).
struct RecordKind;

// The schema version this skm-central writes (central.db's user_version).
[[nodiscard]] int latestCentralSchema();

// Why `id` cannot be a device id, or "" if it can: 1 to 64 of A-Z, a-z, 0-9, '.', '_' and '-', not
// starting with '.' or '-' (a device id names a directory, publish/devices/ID/, and travels in a header).
[[nodiscard]] std::string deviceIdProblem(const std::string& id);

// A rating's created_wall_ms is implausible (the device's clock was wrong) before this instant
// (2020-01-01T00:00:00Z, before any kiosk of this product) or later than its arrival plus the
// protocol's clock window. Such a rating is stored with time_suspect = 1 and counted in the report.
inline constexpr int64_t kEarliestPlausibleWallMs = 1'577'836'800'000;

// The re-sent versions refused as conflicts (rows of ingest_conflicts), and the ratings stored with an
// implausible time, over all time: one count each for `report`, the scores and the HTML report.
[[nodiscard]] int64_t ingestConflictCount(store::Database& db);
[[nodiscard]] int64_t timeSuspectCount(store::Database& db);

class CentralStore {
public:
    // Opens (creating) DATA_DIR/central.db. A data directory it creates is 0750; central.db, -wal and
    // -shm are made 0600 (also when found otherwise). Throws CentralError.
    explicit CentralStore(const std::filesystem::path& dataDir);

    // Registers a device. Throws CentralError if the id is taken or malformed (deviceIdProblem).
    void addDevice(const std::string& id, const std::string& secretHex, int64_t nowMs);
    [[nodiscard]] std::optional<std::string> deviceSecret(const std::string& id);
    // Records a request's nonce; false if the device already used it (a replay). Forgets nonces older
    // than twice the clock window.
    [[nodiscard]] bool recordNonce(const std::string& deviceId, const std::string& nonce, int64_t nowSeconds);
    // Stores one upload (its "ratings", "sessions", "cases", "audit" and "surveys" arrays, each
    // optional) in one transaction and answers each item: stored, duplicate, updated (an allowed
    // change), conflict (a change history does not allow: nothing changes, the offered version is
    // recorded in ingest_conflicts) or rejected (invalid, with the reason).
    [[nodiscard]] UploadResults ingest(const std::string& deviceId, const nlohmann::json& body, int64_t nowMs);
    // {"ratings_total": N, "sessions_total", "cases_total", "audit_total", "ingest_conflicts_total",
    //  "time_suspect_total", "ingest_conflicts": [the newest 50: {device, kind, id, fields, first_received_at_ms,
    //  last_received_at_ms, times, stored, offered}],
    //  "devices": {ID: {"ratings": n, "suppressed": s, "cases": c, "sessions": t, "audit": a,
    //                   "ingest_conflicts": k, "time_suspect": w, "chain": CHAIN}}}
    // CHAIN: {"checked", "linked", "gaps": [...], "breaks": [...], "restarts"} (docs/sync-protocol.md).
    [[nodiscard]] nlohmann::json report();
    // IKM (Permen PANRB 14/2017) from the complete survey responses started in [fromMs, toMs): overall,
    // per unit (the officer's, from the published roster) and per service, with NRR per unsur.
    [[nodiscard]] nlohmann::json surveyReport(int64_t fromMs, int64_t toMs);
    // The chain verification of one device's ratings (the CHAIN object above).
    [[nodiscard]] nlohmann::json verifyChain(const std::string& deviceId);
    // Writes a consistent copy of central.db to `out` (SQLite VACUUM INTO), created 0600: it holds every
    // device secret. Throws CentralError if `out` exists or cannot be written.
    void backupTo(const std::filesystem::path& out);

    // Direct access for tests and the command line (one thread).
    [[nodiscard]] store::Database& database() noexcept { return m_db; }
    // Runs `f` on the database under the store's lock (the HTTP handlers' way in).
    template <class F>
    auto withDatabase(F&& f)
    {
        std::lock_guard lock(m_mutex);
        return f(m_db);
    }

private:
    std::vector<ItemResult> ingestRatings(const std::string& deviceId, const nlohmann::json& ratings, int64_t nowMs);
    std::vector<ItemResult> ingestRecords(const RecordKind& kind, const std::string& deviceId, const nlohmann::json& items, int64_t nowMs);
    // Records the refused version of a record (once per distinct version; a repeat counts up `times`).
    void recordConflict(const std::string& deviceId, const std::string& kind, const std::string& id, const nlohmann::json& fields,
                        const std::string& stored, const std::string& offered, int64_t nowMs);
    nlohmann::json verifyChainLocked(const std::string& deviceId);

    std::mutex m_mutex;
    std::filesystem::path m_dataDir;
    store::Database m_db;
};

// `skm-central restore`: checks `backup` (integrity_check, a schema this binary knows) and makes it
// DATA_DIR/central.db; an existing one is refused unless `force` (then kept as central.db.before-restore).
// Returns the process exit status, having said why on stderr.
int restoreBackup(const std::filesystem::path& backup, const std::filesystem::path& dataDir, bool force);

// Why a rating object cannot be stored, or "" if it can. `deviceId` is the authenticated device.
[[nodiscard]] std::string validateRating(const nlohmann::json& r, const std::string& deviceId);

} // namespace skm::central
