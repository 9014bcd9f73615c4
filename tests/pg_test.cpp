// The central office on PostgreSQL (issue 18), against a real PostgreSQL 15 the tests start
// themselves (tests/support/pg_cluster.hpp): the client wrapper, the schema and its migrations.

#include "support/pg_cluster.hpp"
#include "support/test_util.hpp"

#include <central/store/central_store.hpp>
#include <central/store/pg_schema.hpp>
#include <core/pg.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

using namespace skm;

namespace {

int64_t tableCount(pg::Connection& c)
{
    return c.queryInt("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'skm_schema'");
}

} // namespace

TEST_CASE("PostgreSQL: a new database gets the central schema in one step, a second start changes nothing, and a newer schema is refused and left as it was", "[postgres][central]")
{
    test::PgCluster pg;
    pg::Connection c(pg.url());
    const central::PgMigrateReport first = central::migratePg(c);
    CHECK(first.from == 0);
    CHECK(first.to == central::latestPgCentralSchema());
    // The same tables as central.db (less SQLite's own): records, devices, nonces and the accounts.
    for (const char* table : {"devices", "nonces", "ratings", "sessions", "cases", "audit_events", "survey_responses", "ingest_conflicts", "users",
                              "web_sessions", "signin_links"}) {
        INFO(table);
        CHECK(c.queryInt("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = $1", {std::string(table)}) == 1);
    }
    CHECK(tableCount(c) == 11);
    const central::PgMigrateReport again = central::migratePg(c);
    CHECK(again.from == central::latestPgCentralSchema());
    CHECK(again.to == again.from);

    // A database a newer skm-central has migrated: refused, with what to do, and nothing touched.
    c.exec("INSERT INTO devices (id, secret, added_at_ms) VALUES ('kiosk-1', 'aa', 1)");
    c.query("UPDATE skm_schema SET version = $1", {std::to_string(central::latestPgCentralSchema() + 1)});
    try {
        (void)central::migratePg(c);
        FAIL("a newer schema was accepted");
    } catch (const central::CentralError& e) {
        CHECK_THAT(e.what(), Catch::Contains("newer than this skm-central knows") && Catch::Contains("upgrade skm-central"));
        CHECK_THAT(e.what(), Catch::Contains("postgresql://skm@127.0.0.1:"));
    }
    CHECK(c.queryInt("SELECT version FROM skm_schema") == central::latestPgCentralSchema() + 1);
    CHECK(c.queryInt("SELECT count(*) FROM devices") == 1);
}

TEST_CASE("PostgreSQL: a migration that fails keeps nothing of the run, not even the steps before it", "[postgres][central]")
{
    test::PgCluster pg;
    pg::Connection c(pg.url());
    std::vector<central::PgMigration> steps = central::pgCentralMigrations();
    steps.push_back({static_cast<int>(steps.size()) + 1, "a broken step", "CREATE TABLE extra (x integer);\nSELECT no_such_function();"});
    try {
        (void)central::migratePg(c, steps);
        FAIL("a broken migration went through");
    } catch (const pg::Error& e) {
        CHECK(e.sqlstate() == "42883"); // undefined function
        CHECK_THAT(e.what(), Catch::Contains("a broken step") && Catch::Contains("nothing of it kept"));
    }
    CHECK(c.queryText("SELECT coalesce(to_regclass('public.devices')::text, 'none')") == "none");
    CHECK(c.queryText("SELECT coalesce(to_regclass('public.extra')::text, 'none')") == "none");
    CHECK(c.queryText("SELECT coalesce(to_regclass('public.skm_schema')::text, 'none')") == "none");
    // The connection is usable, and the real steps then go through.
    CHECK(central::migratePg(c).to == central::latestPgCentralSchema());
}

TEST_CASE("PostgreSQL: replicas starting at the same moment migrate a new database once", "[postgres][central]")
{
    test::PgCluster pg;
    constexpr int kReplicas = 6;
    std::vector<std::thread> replicas;
    std::atomic<int> migratedFromZero{0}, failures{0};
    std::atomic<bool> go{false};
    for (int i = 0; i < kReplicas; ++i) {
        replicas.emplace_back([&] {
            try {
                pg::Connection c(pg.url());
                while (!go) std::this_thread::yield();
                if (central::migratePg(c).from == 0) ++migratedFromZero;
            } catch (const std::exception& e) {
                ++failures;
                UNSCOPED_INFO(e.what());
            }
        });
    }
    go = true;
    for (auto& t : replicas) t.join();
    CHECK(failures == 0);
    CHECK(migratedFromZero == 1);
    pg::Connection c(pg.url());
    CHECK(c.queryInt("SELECT version FROM skm_schema") == central::latestPgCentralSchema());
    CHECK(c.queryInt("SELECT count(*) FROM skm_schema") == 1);
}

TEST_CASE("PostgreSQL: a database URL's password never appears in a message", "[postgres][security]")
{
    CHECK(pg::redactUrl("postgresql://skm:S3cret@db.example:5432/skm") == "postgresql://skm:***@db.example:5432/skm");
    CHECK(pg::redactUrl("postgres://skm@10.0.0.5/skm?sslmode=require&password=S3cret") == "postgres://skm@10.0.0.5/skm?sslmode=require&password=***");
    CHECK(pg::redactUrl("host=db user=skm password='S3 cret' dbname=skm") == "host=db user=skm password=*** dbname=skm");
    CHECK(pg::redactUrl("postgresql://skm@127.0.0.1:5432/skm") == "postgresql://skm@127.0.0.1:5432/skm");
    CHECK(pg::isPostgresUrl("postgresql://x/y"));
    CHECK(pg::isPostgresUrl("postgres://x/y"));
    CHECK_FALSE(pg::isPostgresUrl("/var/lib/skm-central"));

    test::PgCluster pg;
    // A role the server does not know, and a port nobody listens on: each message names the URL
    // without its secret.
    const std::vector<std::string> urls = {"postgresql://nobody:S3cretPassw0rd@127.0.0.1:" + std::to_string(pg.port()) + "/skm",
                                           "postgresql://skm:S3cretPassw0rd@127.0.0.1:9/skm?connect_timeout=2"};
    for (const std::string& url : urls) {
        try {
            pg::Connection c(url);
            FAIL("connected: " << pg::redactUrl(url));
        } catch (const pg::Error& e) {
            INFO(e.what());
            CHECK_THAT(e.what(), !Catch::Contains("S3cretPassw0rd"));
            CHECK_THAT(e.what(), Catch::Contains(":***@127.0.0.1:"));
            CHECK(e.connectionLost());
        }
    }
}
