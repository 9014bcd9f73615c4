#pragma once
// The central office's schema on PostgreSQL (issue 18): the same tables as central.db (schema.hpp),
// with PostgreSQL's types, and its own forward-only history in the table skm_schema. migratePg applies
// every pending step in one transaction under an advisory lock, so replicas starting at the same
// moment migrate a database once; a database with a newer schema than this binary knows is refused
// and left as it is, as on SQLite.

#include <core/sql.hpp>

#include <vector>

namespace skm::central {

struct PgMigration {
    int version;
    const char* description;
    const char* sql;
};

// Every migration of the PostgreSQL schema, in order; pgCentralMigrations()[i].version == i + 1.
[[nodiscard]] const std::vector<PgMigration>& pgCentralMigrations();
[[nodiscard]] int latestPgCentralSchema();

struct PgMigrateReport {
    int from = 0; // the version found
    int to = 0;   // the version now
};

// Brings the PostgreSQL database `c` is connected to up to the last of `steps` in one transaction;
// nothing of a step that fails remains (the transaction rolls back). Throws sql::Error, or
// CentralError for a schema newer than `steps` know, or for a connection that is not PostgreSQL.
PgMigrateReport migratePg(sql::Connection& c, const std::vector<PgMigration>& steps = pgCentralMigrations());

} // namespace skm::central
