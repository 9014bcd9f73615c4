#pragma once
// The rating store's schema history. The schema version is SQLite's `PRAGMA user_version`.
// Migrations only go forward; each runs in its own transaction together with the version bump,
// so a crash leaves the database at the previous version or the next, never in between.

#include "db.hpp"

#include <string>
#include <vector>

namespace skm::store {

struct Migration {
    int version;             // the schema version after this migration
    const char* description; // one line, for the log
    const char* sql;
};

// Every migration, in order; migrations()[i].version == i + 1.
[[nodiscard]] const std::vector<Migration>& migrations();
[[nodiscard]] int latestSchemaVersion();

// Brings `db` from its current version up to `target` (<= latestSchemaVersion()). Returns the version
// it started from. Throws SqliteError if a migration fails; that migration leaves nothing behind.
int migrate(Database& db, int target);

} // namespace skm::store
