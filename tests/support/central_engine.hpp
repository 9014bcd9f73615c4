#pragma once
// The central office's two engines in one test (issue 18): a test written once runs on SQLite's
// central.db and on a real PostgreSQL 15, with the same assertions.
//
//   const test::Engine engine = GENERATE(test::engines());
//   test::Central central(dir / "central", {}, engine);   // skm-central serve with --database on PostgreSQL
//   auto db = engine.open(dir / "central");               // read what it stored, in SQL both engines speak
//
// PostgreSQL: one cluster for the whole test run (started at the first use, stopped at exit), a new
// database for each Engine made, so that runs never see each other's rows.

#include <core/sql.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace skm::test {

struct Engine {
    sql::Engine kind = sql::Engine::Sqlite;
    std::string url; // PostgreSQL: the database's URL; SQLite: ""
    // The arguments that point a skm-central command at this engine (besides --data-dir).
    [[nodiscard]] std::vector<std::string> args() const;
    // A connection to what skm-central stored: DIR/central.db on SQLite (read-only), the database on PostgreSQL.
    [[nodiscard]] std::unique_ptr<sql::Connection> open(const std::filesystem::path& dataDir) const;
    [[nodiscard]] const char* name() const { return kind == sql::Engine::Sqlite ? "sqlite" : "postgresql"; }
};

// A fresh PostgreSQL database on the shared test cluster.
[[nodiscard]] Engine postgresEngine();
// Both engines, for GENERATE: SQLite first, then a fresh PostgreSQL database (made when generated).
[[nodiscard]] Catch::Generators::GeneratorWrapper<Engine> engines();

} // namespace skm::test
