#pragma once
// The rating store: the kiosk's one SQLite writer connection, its schema, and the durable queue of
// ratings (the upload outbox). No GUI dependency; the app, the CLI tools and the tests link it.
//
// Promise: when commit() returns ok, the rating is in the database file under WAL with
// synchronous=FULL and survives a power cut or kill -9. When it returns an error, nothing of it is
// in the file, the store stays usable, and the same PendingRating may be committed again later
// without risk of a duplicate (commit is idempotent on the rating's id).
//
// A RatingStore belongs to one thread (the UI thread in the app).

#include <core/clock.hpp>
#include <core/db.hpp>
#include <core/uuid.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace skm::store {

// A start-up failure the kiosk cannot work around (newer schema, pragmas not accepted, no access).
class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The database is damaged and this opener does not hold the kiosk's instance lock, so it refused to
// open it and left the file as it was: only the kiosk moves a damaged file aside and salvages it.
class StoreDamaged : public StoreError {
public:
    using StoreError::StoreError;
};

class InstanceLock;

struct StoreOptions {
    std::filesystem::path dataDir;     // created if missing
    std::string dbFileName = "skm.db";
    std::string deviceId;              // required
    std::string counter;               // the counter (loket) this kiosk stands at
    int busyTimeoutMs = 5000;
    std::optional<int64_t> maxPageCount; // caps the file size; used to simulate a full disk
    std::string vfs;                     // SQLite VFS name; empty for the default (tests inject faults)
    const Clock* clock = nullptr;        // nullptr: SystemClock; must outlive the store
    // The kiosk's instance lock on dataDir, held by the caller for the store's life. Only with it does
    // the store move a damaged file aside and salvage it; without it (skm-sync, "sync now", the
    // command-line tools) a damaged file is refused with StoreDamaged and left alone, because the kiosk's
    // own open connection would go on writing into the file renamed under it.
    const InstanceLock* instanceLock = nullptr;
};

// What happened while opening, for the log and the technician.
struct OpenReport {
    int schemaFrom = 0;                 // user_version found (0 for a new file)
    int schemaVersion = 0;              // user_version now
    std::optional<std::filesystem::path> quarantinedTo; // where a corrupt file was moved
    std::string quarantineReason;
    // What was salvaged from the quarantined file into the fresh one (store/salvage.hpp): rows per
    // table, all queued for upload again; the places that could not be read.
    std::map<std::string, int64_t> salvagedRows;
    int64_t salvagedRatings = 0;
    int64_t unreadableRanges = 0;
    bool rosterRestored = false; // the roster, PIN lock-outs and meta came back whole (else: by the next sync)
    std::string salvageError;
};

// A tap, stamped with its id and times, not yet (or not surely) on disk.
struct PendingRating {
    std::string id;
    int score = 0;
    int64_t wallMs = 0;
    int64_t monoMs = 0;
    // With caseId: the rating is for that officer's case (scope 'case'); without: a session-level rating
    // (scope 'session', an office's [officer] session_ratings). Without an officer: scope 'counter'.
    std::optional<std::string> officerNip;
    std::optional<std::string> caseId;      // commit() also closes the case as rated, in the same transaction; a
                                            // counter-level case (a queue system's, nobody on duty) has no officer
    std::optional<std::string> serviceCode;
    bool suppressed = false;     // pressed sooner than the response interval after the previous rating
    std::string language = "id"; // the language the citizen saw
    std::optional<std::string> reasonsJson; // normally set later by update(); bulk imports may set it here
    std::optional<std::string> comment;
};

// A follow-up to a committed rating: the reasons chosen or the comment typed. Applying one is
// idempotent (the same update twice leaves the same row).
struct RatingUpdate {
    enum class Field { Reasons, Comment };
    std::string id;          // the rating's id
    Field field = Field::Reasons;
    std::string value;       // Reasons: a JSON array of codes; Comment: the text
    std::string language;    // the language at the time of the update
};

struct CommitResult {
    bool ok = false;
    bool alreadyStored = false; // a retry found the rating already committed
    bool notFound = false;      // update(): no rating with that id
    int sqliteCode = 0;         // extended result code on failure
    bool diskFull = false;      // SQLITE_FULL: the caller should say so and retry later
    std::string error;          // a message for a person, empty when ok
};

// The CommitResult of a write that failed with SQLite result `rc` (disk full said as such).
[[nodiscard]] CommitResult commitFailure(int rc, const std::string& message);

struct Counts {
    int64_t total = 0;
    int64_t pending = 0;
    int64_t sent = 0;
    int64_t rejected = 0;
    int64_t suppressed = 0;
};

struct StoreEvent {
    int64_t atWallMs = 0;
    std::string kind;
    std::string detail; // JSON text
};

// The pragmas every connection must run with; applyPragmas() sets them and reads each one back.
struct PragmaSettings {
    int busyTimeoutMs = 5000;
    std::optional<int64_t> maxPageCount;
};
// Throws StoreError naming the pragma if SQLite does not report the value that was asked for.
void applyPragmas(Database& db, const PragmaSettings& settings);

class RatingStore {
public:
    // Opens (creating, migrating, or, for the holder of the instance lock, quarantining a corrupt file
    // and salvaging it). Throws StoreError; StoreDamaged for a damaged file it may not quarantine.
    explicit RatingStore(const StoreOptions& options);
    RatingStore(const RatingStore&) = delete;
    RatingStore& operator=(const RatingStore&) = delete;

    [[nodiscard]] const OpenReport& openReport() const noexcept { return m_report; }
    [[nodiscard]] const std::filesystem::path& dbPath() const noexcept { return m_dbPath; }
    [[nodiscard]] const std::string& deviceId() const noexcept { return m_options.deviceId; }
    [[nodiscard]] const std::string& counter() const noexcept { return m_options.counter; }

    // Stamps a tap with a new UUIDv7 and the current wall and monotonic times. Touches no file.
    [[nodiscard]] PendingRating stamp(int score);
    // A new UUIDv7 for any other record (sessions, cases), from the same monotonic generator.
    [[nodiscard]] std::string newId() { return m_ids.next(m_clock->wallMs()).str(); }
    // Commits one rating in its own transaction (see the promise above).
    [[nodiscard]] CommitResult commit(const PendingRating& rating);
    // Commits many ratings in one transaction (imports, load generation): all or none.
    [[nodiscard]] CommitResult commitBatch(const std::vector<PendingRating>& ratings);
    // Applies a follow-up to a committed rating in its own transaction, with the same promise as commit().
    // A rating already uploaded goes back to pending so that the central office receives the update.
    // `notFound` is set (and ok) if no rating has that id.
    [[nodiscard]] CommitResult update(const RatingUpdate& update);

    [[nodiscard]] Counts counts();
    [[nodiscard]] int schemaVersion();
    // Appends to the store's own event log. Returns the SQLite result code.
    [[nodiscard]] int recordEvent(const std::string& kind, const std::string& detailJson);
    [[nodiscard]] std::vector<StoreEvent> recentEvents(int limit);
    // Appends an audit event (sign-in, failure, lock-out, roster import...) with a new UUIDv7.
    // Returns the SQLite result code.
    [[nodiscard]] int recordAudit(const std::string& kind, const std::optional<std::string>& nip, const std::string& detailJson);

    [[nodiscard]] const Clock& clock() const noexcept { return *m_clock; }

    // Direct access for tests and maintenance tools.
    [[nodiscard]] Database& database() noexcept { return m_db; }

private:
    void openChecked();
    void closeConnection(); // its statements, then the connection
    int insertOne(const PendingRating& r, bool& alreadyStored, std::string& message);
    [[nodiscard]] bool holdsInstanceLock() const;
    [[noreturn]] void refuseDamaged(const std::string& reason);
    void quarantine(const std::string& reason);

    StoreOptions m_options;
    const Clock* m_clock;
    std::filesystem::path m_dbPath;
    Database m_db;
    Statement m_insert;
    Statement m_chainHead;
    Statement m_closeCase;
    Statement m_updateReasons;
    Statement m_updateComment;
    UuidV7Generator m_ids;
    OpenReport m_report;
};

// A read-only look at a data directory, for `skm-kiosk status` (safe while the kiosk runs).
struct StoreStatus {
    bool exists = false;
    std::filesystem::path dbPath;
    int64_t dbBytes = 0;
    int schemaVersion = 0;
    int latestSchemaVersion = 0;
    Counts counts;
    std::optional<int64_t> lastRatingWallMs;
    std::vector<StoreEvent> events; // newest first, at most 10
    std::optional<std::string> officerOnDuty; // NIP of the session in force (schema 5+)
    std::string officerState;                 // "active" or "break" when there is one
    struct OpenCase {
        std::string id, nip, serviceCode;
        std::optional<std::string> ticket;
    };
    std::optional<OpenCase> openCase;
    std::string lastSyncJson; // the last skm-sync run's result (JSON), empty if none
    struct Surveys {
        int64_t complete = 0, incomplete = 0, inProgress = 0, pending = 0, rejected = 0;
    } surveys;                      // SKM survey responses (schema 7+)
    std::string error;              // set when the database could not be read
};
[[nodiscard]] StoreStatus readStatus(const std::filesystem::path& dataDir, const std::string& dbFileName = "skm.db");

// The device id kept in DATA_DIR/device-id, made (random, "skm-" + 12 hex digits) on first use.
// Kept outside the database so that it survives a quarantined database file.
[[nodiscard]] std::string loadOrCreateDeviceId(const std::filesystem::path& dataDir);

} // namespace skm::store
