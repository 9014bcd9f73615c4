#pragma once
// central.db's schema: its tables, indexes and their history (PRAGMA user_version), migrated forward
// by core/migrate.hpp. The one place a column is added; docs/architecture.md lists the tables.

#include <core/migrate.hpp>

#include <vector>

namespace skm::central {

// Every migration of central.db, in order; centralMigrations()[i].version == i + 1.
[[nodiscard]] const std::vector<store::Migration>& centralMigrations();
// The daily rollups' tables and the ratings' chain state (central.db's schema 8, PostgreSQL's 3): one
// text for both engines.
extern const char* const kRollupSchemaSql;
// The monthly rollups (central.db's schema 9, PostgreSQL's 4).
extern const char* const kMonthRollupSchemaSql;
// The laporan's follow-up plan and populations (central.db's schema 10, PostgreSQL's 5).
extern const char* const kFollowupSchemaSql;
// Schema 12 (PostgreSQL's 7): alerts (issue 21).
extern const char* const kAlertSchemaSql;
// The schema version this skm-central writes (central.db's user_version).
[[nodiscard]] int latestCentralSchema();

} // namespace skm::central
