#include "migrations.hpp"

namespace skm::store {

const std::vector<Migration>& migrations()
{
    static const std::vector<Migration> all = {
        {1, "ratings outbox and device metadata", R"sql(
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per tap. The table is also the upload outbox: the upload state lives in the row,
-- so a crash at any instant neither loses nor duplicates work.
CREATE TABLE ratings (
    seq             INTEGER PRIMARY KEY,      -- local commit order
    id              TEXT NOT NULL UNIQUE,     -- UUIDv7 (RFC 9562), the id the central office de-duplicates on
    score           INTEGER NOT NULL CHECK (score BETWEEN 1 AND 4),
    created_wall_ms INTEGER NOT NULL,         -- Unix ms by the device's wall clock (may be wrong before NTP)
    created_mono_ms INTEGER NOT NULL,         -- CLOCK_BOOTTIME ms, comparable within one boot_id
    boot_id         TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    counter         TEXT NOT NULL,
    officer_nip     TEXT,                     -- filled once officers sign in (issue 4)
    case_id         TEXT,
    service_code    TEXT,
    upload_status   TEXT NOT NULL DEFAULT 'pending'
                    CHECK (upload_status IN ('pending', 'sent', 'rejected')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT
);
CREATE INDEX ratings_outbox ON ratings (upload_status, next_attempt_ms);
)sql"},
        {2, "store event log and upload batch bookkeeping", R"sql(
-- What happened to the store itself: a corrupt file moved aside, a full disk, a migration.
CREATE TABLE store_events (
    seq        INTEGER PRIMARY KEY,
    at_wall_ms INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    detail     TEXT NOT NULL
);
ALTER TABLE ratings ADD COLUMN batch_id TEXT;
ALTER TABLE ratings ADD COLUMN sent_at_ms INTEGER;
)sql"},
        {3, "follow-up reasons, comment, suppressed presses, language", R"sql(
ALTER TABLE ratings ADD COLUMN reasons TEXT;            -- JSON array of reason codes, NULL if skipped
ALTER TABLE ratings ADD COLUMN comment TEXT;            -- NULL if skipped
ALTER TABLE ratings ADD COLUMN suppressed INTEGER NOT NULL DEFAULT 0 CHECK (suppressed IN (0, 1));
ALTER TABLE ratings ADD COLUMN language TEXT NOT NULL DEFAULT 'id';
ALTER TABLE ratings ADD COLUMN updated_wall_ms INTEGER; -- when the follow-up or comment last changed the row
)sql"},
    };
    return all;
}

int latestSchemaVersion() { return static_cast<int>(migrations().size()); }

int migrate(Database& db, int target)
{
    const int from = static_cast<int>(db.queryInt("PRAGMA user_version"));
    for (const Migration& m : migrations()) {
        if (m.version > target) break;
        Transaction tx(db);
        std::string message;
        if (int rc = tx.begin(&message); rc != SQLITE_OK) {
            throw SqliteError(rc, "cannot start migration to schema " + std::to_string(m.version) + ": " + message);
        }
        // Read the version again under the write lock: another process (the sync job starting at the
        // same boot) may have migrated the file since we last looked.
        if (db.queryInt("PRAGMA user_version") >= m.version) continue;
        db.exec(m.sql);
        db.exec("PRAGMA user_version = " + std::to_string(m.version));
        if (int rc = tx.commit(&message); rc != SQLITE_OK) {
            throw SqliteError(rc, "migration to schema " + std::to_string(m.version) + " failed: " + message);
        }
    }
    return from;
}

} // namespace skm::store
