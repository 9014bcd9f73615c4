#pragma once
// Forward-only schema migrations for a SQLite file. The schema version is SQLite's `PRAGMA
// user_version`. All the steps an upgrade needs run in one transaction together with their version
// bumps, so a failure or a crash anywhere leaves the database exactly as it was (at the older version,
// which the older binary still opens) or fully upgraded, never in between. The kiosk's list is
// kiosk/store/migrations.cpp, the central office's central/store/schema.cpp.

#include "db.hpp"

#include <vector>

namespace skm::store {

struct Migration {
    int version;             // the schema version after this migration
    const char* description; // one line, for the log
    const char* sql;
    void (*apply)(Database&) = nullptr; // a step SQL cannot express (e.g. hashing), run after `sql`
};

// Brings `db` from its current version up to `target` along `list` (list[i].version == i + 1).
// Returns the version it started from. Throws SqliteError if any step fails; then nothing of the
// upgrade is left behind.
int migrate(Database& db, const std::vector<Migration>& list, int target);

} // namespace skm::store
