#pragma once
// The rating store's schema history. The schema version is SQLite's `PRAGMA user_version`.
// Migrations only go forward. All the steps an upgrade needs run in one transaction together with
// their version bumps, so a failure or a crash anywhere leaves the database exactly as it was (at the
// older version, which the older binary still opens) or fully upgraded, never in between.

#include "db.hpp"

#include <string>
#include <vector>

namespace skm::store {

struct Migration {
    int version;             // the schema version after this migration
    const char* description; // one line, for the log
    const char* sql;
    void (*apply)(Database&) = nullptr; // a step SQL cannot express (e.g. hashing), run after `sql`
};

// Every migration, in order; migrations()[i].version == i + 1.
[[nodiscard]] const std::vector<Migration>& migrations();
[[nodiscard]] int latestSchemaVersion();

// Brings `db` from its current version up to `target` (<= latestSchemaVersion()). Returns the version
// it started from. Throws SqliteError if any step fails; then nothing of the upgrade is left behind.
int migrate(Database& db, int target);
// The same for any migration list (the central office's database has its own).
int migrate(Database& db, const std::vector<Migration>& list, int target);

} // namespace skm::store
