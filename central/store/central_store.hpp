#pragma once
// The central office's store: it ingests and nothing else. Registered devices and their secrets, the
// nonces of recent requests (replay protection), and every record received, de-duplicated on its id
// by INSERT ... ON CONFLICT on the primary key inside the upload's transaction (the checks and change
// rules: records.hpp; the schema: schema.hpp, pg_schema.hpp). One SQL text for both engines
// (core/sql.hpp): SQLite's central.db in WAL, synchronous=FULL, foreign keys on (one office), or a
// PostgreSQL database that any number of skm-central processes share (a region, issue 18): a record
// another replica is storing at the same instant waits on its key, then reads as a duplicate. Thread-
// safe (one mutex: one writing connection per process). Reports never come here: they read through
// openReader() (central/reports/).
//
// History is append-only (docs/sync-protocol.md, "Answers"): a record re-sent with its id changes
// only in the ways the kiosk itself changes it (a comment after the tap, a case closing, a session's
// break and end); anything else is a `conflict`: the stored record stays, and the refused version is
// kept beside it in `ingest_conflicts` for the office. central.db holds every device's secret: it
// (and its -wal and -shm) is created 0600, a new data directory 0750, whatever the caller's umask.

#include <core/db.hpp>
#include <core/sql.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <memory>
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

struct RecordKind; // records.hpp

// A rating's created_wall_ms is implausible (the device's clock was wrong) before this instant
// (2020-01-01T00:00:00Z, before any kiosk of this product) or later than its arrival plus the
// protocol's clock window. Such a rating is stored with time_suspect = 1 and counted in the report.
inline constexpr int64_t kEarliestPlausibleWallMs = 1'577'836'800'000;

// Where the central office keeps its records: SQLite's DATA_DIR/central.db, or a PostgreSQL database.
struct StoreLocation {
    std::filesystem::path dataDir; // the published configuration lives here on both engines
    std::string databaseUrl;       // postgresql://USER@HOST/DB; "" for SQLite in dataDir
    std::string reportDatabaseUrl; // PostgreSQL: where reports read (a hot standby); "" for databaseUrl
    [[nodiscard]] bool postgres() const noexcept { return !databaseUrl.empty(); }
    // For messages: the URL without its password, or DATA_DIR/central.db.
    [[nodiscard]] std::string name() const;
};

class CentralStore {
public:
    // Opens (creating) DATA_DIR/central.db. A data directory it creates is 0750; central.db, -wal and
    // -shm are made 0600 (also when found otherwise). Throws CentralError.
    explicit CentralStore(const std::filesystem::path& dataDir) : CentralStore(StoreLocation{dataDir, "", ""}) {}
    // The same on either engine: on PostgreSQL, connects and migrates the schema (pg_schema.hpp).
    // Throws CentralError (a database that cannot be reached, a newer schema).
    explicit CentralStore(const StoreLocation& where);

    // Registers a device. Throws CentralError if the id is taken or malformed (deviceIdProblem).
    void addDevice(const std::string& id, const std::string& secretHex, int64_t nowMs);
    [[nodiscard]] std::optional<std::string> deviceSecret(const std::string& id);
    // The secret of the office's poster device (kPosterDevice), registered with a new one the first time.
    [[nodiscard]] std::string posterSecret(int64_t nowMs);
    // Records a request's nonce; false if the device already used it (a replay). Forgets nonces older
    // than twice the clock window.
    [[nodiscard]] bool recordNonce(const std::string& deviceId, const std::string& nonce, int64_t nowSeconds);
    // Stores one upload (its "ratings", "sessions", "cases", "audit" and "surveys" arrays, each
    // optional) in one transaction and answers each item: stored, duplicate, updated (an allowed
    // change), conflict (a change history does not allow: nothing changes, the offered version is
    // recorded in ingest_conflicts) or rejected (invalid, with the reason).
    [[nodiscard]] UploadResults ingest(const std::string& deviceId, const nlohmann::json& body, int64_t nowMs);
    // Writes a consistent copy of central.db to `out` (SQLite VACUUM INTO), created 0600: it holds every
    // device secret. Throws CentralError if `out` exists or cannot be written, and on PostgreSQL, whose
    // backups are pg_dump's and the server's (docs/operations.md).
    void backupTo(const std::filesystem::path& out);

    // A new connection for a report, of its own: on SQLite read-only to central.db (in WAL it reads a
    // consistent snapshot while uploads go on); on PostgreSQL to the report database (a hot standby) or
    // the database itself (MVCC: readers never wait for writers). It never takes the store's lock
    // (central/reports/ read through nothing else). Throws CentralError.
    [[nodiscard]] std::unique_ptr<sql::Connection> openReader() const;
    // A new read-write connection of its own to the same records (SQLite: central.db, waiting up to 5 s
    // for the write lock; PostgreSQL: the database itself, never a standby): for work beside the uploads
    // that must not take the store's lock (the alert engine). Throws CentralError.
    [[nodiscard]] std::unique_ptr<sql::Connection> openWriter() const;
    // Runs `f(sql::Connection&)` on a new reader inside one read-only snapshot transaction: a report sees
    // one moment of the data however long it computes.
    template <class F>
    auto readSnapshot(F&& f) const
    {
        const std::unique_ptr<sql::Connection> db = openReader();
        sql::Transaction snapshot(*db, sql::Transaction::Mode::ReadSnapshot);
        return f(*db); // read only: the transaction ends (rolled back) with the scope
    }
    [[nodiscard]] const std::filesystem::path& dataDir() const noexcept { return m_where.dataDir; }
    [[nodiscard]] const StoreLocation& location() const noexcept { return m_where; }
    [[nodiscard]] sql::Engine engine() const noexcept { return m_db->engine(); }

    // Direct access for tests and the command line (one thread).
    [[nodiscard]] sql::Connection& connection() noexcept { return *m_db; }
    // The SQLite database underneath (tests that write central.db's rows by hand, and VACUUM INTO);
    // throws CentralError on PostgreSQL.
    [[nodiscard]] store::Database& database();
    // Runs `f` on the database under the store's lock: the web accounts (users, sign-in sessions and
    // links, accounts.hpp) write there, between uploads.
    template <class F>
    auto withDatabase(F&& f)
    {
        std::lock_guard lock(m_mutex);
        return f(*m_db);
    }

private:
    std::vector<ItemResult> ingestRatings(const std::string& deviceId, const nlohmann::json& ratings, int64_t nowMs);
    std::vector<ItemResult> ingestRecords(const RecordKind& kind, const std::string& deviceId, const nlohmann::json& items, int64_t nowMs);
    // Records the refused version of a record (once per distinct version; a repeat counts up `times`).
    void recordConflict(const std::string& deviceId, const std::string& kind, const std::string& id, const nlohmann::json& fields,
                        const std::string& stored, const std::string& offered, int64_t nowMs);

    std::mutex m_mutex;
    StoreLocation m_where;
    std::unique_ptr<sql::Connection> m_db;
};

// `skm-central restore`: checks `backup` (integrity_check, a schema this binary knows) and makes it
// DATA_DIR/central.db; an existing one is refused unless `force` (then kept as central.db.before-restore).
// Returns the process exit status, having said why on stderr.
int restoreBackup(const std::filesystem::path& backup, const std::filesystem::path& dataDir, bool force);

} // namespace skm::central
