#pragma once
// The rating store's schema history (the runner is core/migrate.hpp).

#include <core/migrate.hpp>

#include <string>
#include <vector>

namespace skm::store {


// Every migration, in order; migrations()[i].version == i + 1.
[[nodiscard]] const std::vector<Migration>& migrations();
[[nodiscard]] int latestSchemaVersion();

// Brings `db` from its current version up to `target` (<= latestSchemaVersion()). Returns the version
// it started from. Throws SqliteError if any step fails; then nothing of the upgrade is left behind.
int migrate(Database& db, int target);

} // namespace skm::store
