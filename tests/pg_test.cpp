// The central office on PostgreSQL (issue 18), against a real PostgreSQL 15 the tests start
// themselves (tests/support/pg_cluster.hpp): the client wrapper, the schema and its migrations.

#include "support/central_proc.hpp"
#include "support/pg_cluster.hpp"
#include "support/test_util.hpp"

#include <central/store/central_store.hpp>
#include <central/store/pg_schema.hpp>
#include <core/pg.hpp>
#include <core/sql.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>
#include <vector>

using namespace skm;

namespace {

int64_t tableCount(sql::Connection& c)
{
    return c.queryInt("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'skm_schema'");
}

} // namespace

TEST_CASE("PostgreSQL: a new database gets the central schema in one step, a second start changes nothing, and a newer schema is refused and left as it was", "[postgres][central]")
{
    test::PgCluster pg;
    auto conn = sql::postgres(pg.url());
    sql::Connection& c = *conn;
    const central::PgMigrateReport first = central::migratePg(c);
    CHECK(first.from == 0);
    CHECK(first.to == central::latestPgCentralSchema());
    // The same tables as central.db (less SQLite's own): records, devices, nonces and the accounts.
    for (const char* table : {"devices", "nonces", "ratings", "sessions", "cases", "audit_events", "survey_responses", "ingest_conflicts", "users",
                              "web_sessions", "signin_links", "login_throttle", "rollup_meta", "rollup_groups", "rollup_reasons", "rollup_runs", "rollup_devices", "rollup_chain_totals",
                              "rollup_month_groups", "rollup_month_reasons", "rollup_month_runs", "rollup_month_devices", "device_contacts", "alerts",
                              "alert_events", "alert_deliveries", "alert_scan"}) {
        INFO(table);
        CHECK(c.queryInt("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = $1", {std::string(table)}) == 1);
    }
    CHECK(tableCount(c) == 31); // and the sign-in throttle (version 2), the daily rollups (version 3), the monthly (version 4), the follow-up plan (version 5), the alerts (7)
    const central::PgMigrateReport again = central::migratePg(c);
    CHECK(again.from == central::latestPgCentralSchema());
    CHECK(again.to == again.from);

    // A database a newer skm-central has migrated: refused, with what to do, and nothing touched.
    c.exec("INSERT INTO devices (id, secret, added_at_ms) VALUES ('kiosk-1', 'aa', 1)");
    c.query("UPDATE skm_schema SET version = $1", {int64_t{central::latestPgCentralSchema() + 1}});
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
    auto conn = sql::postgres(pg.url());
    sql::Connection& c = *conn;
    std::vector<central::PgMigration> steps = central::pgCentralMigrations();
    steps.push_back({static_cast<int>(steps.size()) + 1, "a broken step", "CREATE TABLE extra (x integer);\nSELECT no_such_function();"});
    try {
        (void)central::migratePg(c, steps);
        FAIL("a broken migration went through");
    } catch (const sql::Error& e) {
        CHECK(e.sqlstate() == "42883"); // undefined function
        CHECK_FALSE(e.retryable());
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
                auto c = sql::postgres(pg.url());
                while (!go) std::this_thread::yield();
                if (central::migratePg(*c).from == 0) ++migratedFromZero;
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

    CHECK(pg::redactUrl("postgresql://skm:ab?cd#ef@db/skm") == "postgresql://skm:***@db/skm");
    CHECK(pg::redactUrl("cannot connect to postgresql://skm:a b:c@db/skm: refused") == "cannot connect to postgresql://skm:***@db/skm: refused");
    CHECK(pg::redactUrl("postgresql://skm@db:5432/skm") == "postgresql://skm@db:5432/skm");

    test::PgCluster pg;
    // A password libpq cannot decode: its own message quotes it alone.
    for (const std::string url : {"postgresql://skm:Wr%zzngPw1@127.0.0.1:9/skm", "postgresql://skm@127.0.0.1:9/skm?password=Wr%zzngPw1"}) {
        try {
            pg::Connection c(url);
            FAIL("connected: " << pg::redactUrl(url));
        } catch (const pg::Error& e) {
            INFO(e.what());
            CHECK_THAT(e.what(), !Catch::Contains("zzngPw1") && Catch::Contains("cannot connect to postgresql://skm"));
        }
    }
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

TEST_CASE("a long argument or message is redacted without running out of stack, and skm-central says what is wrong with it", "[security][cli]")
{
    // std::regex recursed once a character: a 50 KB argument (every argument is masked) crashed skm-central.
    const std::string many(1'000'000, 'A');
    CHECK(pg::redactUrl(many) == many);
    CHECK(pg::redactUrl("x=postgresql://skm:" + many + "@db/skm") == "x=postgresql://skm:***@db/skm");
    CHECK(pg::redactUrl("password=" + many + " dbname=skm") == "password=*** dbname=skm");
    std::string repeated;
    for (int i = 0; i < 20'000; ++i) repeated += "=a://b:";
    CHECK(pg::redactUrl(repeated) == repeated); // no '@': nothing to hide, and no rescan per candidate
    CHECK(pg::redactUrl("PASSWORD = 'a b' &password=c") == "PASSWORD = *** &password=***");
    test::TempDir dir;
    { central::CentralStore made(central::StoreLocation{dir / "c", "", ""}); }
    const std::string bin = (test::binDir() / "skm-central").string();
    const auto r = test::run({bin, "complaint-ref", std::string(60'000, 'A') + "\x1b[2J", "--data-dir", (dir / "c").string()});
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::Contains("is not a reference code") && !Catch::Contains("\x1b"));
    CHECK(r.err.size() < 400);
    const auto listen = test::run({bin, "serve", "--listen", std::string(60'000, 'h') + ":1", "--data-dir", (dir / "c").string()});
    CHECK(listen.exitCode == 2);
    CHECK_THAT(listen.err, Catch::Contains("--listen takes HOST:PORT"));
}

TEST_CASE("skm-central takes its database from --database or the config file, refuses what is not a PostgreSQL URL, and never prints a password",
          "[postgres][cli]")
{
    test::TempDir dir;
    const std::string bin = (test::binDir() / "skm-central").string();
    const auto data = (dir / "data").string();
    auto deviceAdd = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = {bin, "device", "add", "kiosk-1", "--out", (dir / "p.json").string(), "--url", "http://127.0.0.1:8443", "--data-dir", data};
        args.insert(args.end(), extra.begin(), extra.end());
        return test::run(args);
    };
    // Not a PostgreSQL URL: refused before anything is made.
    auto r = deviceAdd({"--database", "mysql://root:S3cretPassw0rd@db/skm"});
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::Contains("--database takes postgresql://USER@HOST/DB") && !Catch::Contains("S3cretPassw0rd"));
    CHECK_FALSE(std::filesystem::exists(dir / "data"));
    // A mistyped flag: CLI11 names the URL as an unexpected argument, without its password.
    r = deviceAdd({"--databse", "postgresql://skm:S3cretPassw0rd@127.0.0.1/skm"});
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::Contains("postgresql://skm:***@127.0.0.1/skm") && !Catch::Contains("S3cretPassw0rd"));
    // A config file with a typo names the file and the key; one that does not parse names the line.
    std::ofstream(dir / "typo.toml") << "databse = \"postgresql://skm@127.0.0.1/skm\"\n";
    r = deviceAdd({"--config", (dir / "typo.toml").string()});
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::Contains("typo.toml: unknown key 'databse'"));
    std::ofstream(dir / "broken.toml") << "\n\ndatabase = postgresql://x\n";
    r = deviceAdd({"--config", (dir / "broken.toml").string()});
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::Contains("broken.toml:3:"));
    r = deviceAdd({"--config", (dir / "missing.toml").string()});
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::Contains("missing.toml"));
    CHECK_FALSE(std::filesystem::exists(dir / "p.json"));

    test::PgCluster pg;
    // A server that refuses the role: the message names the database without the password.
    const std::string badRole = "postgresql://nobody:S3cretPassw0rd@127.0.0.1:" + std::to_string(pg.port()) + "/skm";
    r = deviceAdd({"--database", badRole});
    INFO(r.err);
    CHECK(r.exitCode == 1);
    CHECK_THAT(r.err, Catch::Contains("cannot open the central database") && Catch::Contains("nobody:***@127.0.0.1"));
    CHECK_THAT(r.err, Catch::Contains("visible to every user")); // the warning about a password on the command line
    CHECK_THAT(r.err + r.out, !Catch::Contains("S3cretPassw0rd"));
    CHECK_FALSE(std::filesystem::exists(dir / "p.json"));

    // From the config file: the device lands in PostgreSQL, and central.db is never made.
    std::ofstream(dir / "central.toml") << "database = \"" << pg.url() << "\"\n";
    r = deviceAdd({"--config", (dir / "central.toml").string()});
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK_FALSE(std::filesystem::exists(dir / "data" / "central.db"));
    pg::Connection c(pg.url());
    CHECK(c.queryInt("SELECT count(*) FROM devices WHERE id = 'kiosk-1'") == 1);
    // The example the package installs (config/central.example.toml): as shipped it names no database
    // (SQLite in --data-dir); with its database line uncommented and pointed here, PostgreSQL.
    {
        const std::string example = test::readFile(test::sourceDir() / "config" / "central.example.toml");
        const std::string shipped = (dir / "shipped.toml").string();
        std::ofstream(shipped) << example;
        auto e = test::run({bin, "device", "add", "kiosk-ex", "--out", (dir / "ex.json").string(), "--url", "http://127.0.0.1:8443", "--data-dir",
                            (dir / "ex-data").string(), "--config", shipped});
        CHECK(e.exitCode == 0);
        CHECK(std::filesystem::exists(dir / "ex-data" / "central.db"));
        const std::string edited =
            std::regex_replace(example, std::regex(R"(# database = "postgresql://[^"]*")"), "database = \"" + pg.url() + "\"");
        REQUIRE(edited != example);
        std::ofstream(dir / "edited.toml") << edited;
        e = test::run({bin, "device", "add", "kiosk-ex", "--out", (dir / "ex.json").string(), "--url", "http://127.0.0.1:8443", "--data-dir",
                       (dir / "ex-data2").string(), "--config", (dir / "edited.toml").string()});
        INFO(e.err);
        CHECK(e.exitCode == 0);
        CHECK_FALSE(std::filesystem::exists(dir / "ex-data2" / "central.db"));
        CHECK(c.queryInt("SELECT count(*) FROM devices WHERE id = 'kiosk-ex'") == 1);
    }
    // --database wins over the file; the same id there again is refused as on SQLite.
    std::filesystem::remove(dir / "p.json");
    r = deviceAdd({"--config", (dir / "central.toml").string(), "--database", pg.url()});
    CHECK(r.exitCode == 1);
    CHECK_THAT(r.err, Catch::Contains("already registered"));
    // What is not on PostgreSQL yet says so, and points at what to use.
    r = test::run({bin, "backup", "--out", (dir / "b.db").string(), "--data-dir", data, "--database", pg.url()});
    CHECK(r.exitCode == 1);
    CHECK_THAT(r.err, Catch::Contains("pg_dump"));
    // A restore into an office whose config file names PostgreSQL: refused, central.db not made.
    std::ofstream(dir / "backup.db") << "not restored";
    r = test::run({bin, "restore", "--from", (dir / "backup.db").string(), "--data-dir", data, "--config", (dir / "central.toml").string()});
    CHECK(r.exitCode == 1);
    CHECK_THAT(r.err, Catch::Contains("restore writes a central.db: use pg_restore"));
    CHECK_FALSE(std::filesystem::exists(dir / "data" / "central.db"));
}

TEST_CASE("one SQL text for both engines: $n parameters wherever they appear, NULLs, integers and text read back alike", "[postgres][sql]")
{
    test::TempDir dir;
    test::PgCluster pg;
    std::vector<std::unique_ptr<sql::Connection>> engines;
    engines.push_back(sql::sqlite(store::Database((dir / "t.db").string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)));
    engines.push_back(sql::postgres(pg.url()));
    for (auto& c : engines) {
        INFO(c->name());
        c->exec("CREATE TABLE t (id text PRIMARY KEY, n bigint NOT NULL, note text)");
        // $2 before $1, and $1 twice.
        CHECK(c->query("INSERT INTO t (n, id, note) VALUES ($2, $1, $1 || '-' || $3) ON CONFLICT (id) DO NOTHING", {"a", int64_t{7}, "x"}).affected == 1);
        CHECK(c->query("INSERT INTO t (n, id, note) VALUES ($2, $1, $3) ON CONFLICT (id) DO NOTHING", {"a", int64_t{8}, sql::null}).affected == 0);
        CHECK(c->query("INSERT INTO t (id, n, note) VALUES ($1, $2, $3)", {"b", int64_t{-9'000'000'000'000}, sql::null}).affected == 1);
        const sql::Rows rows = c->query("SELECT id, n, note, n * 2 FROM t ORDER BY id");
        REQUIRE(rows.rows.size() == 2);
        CHECK(rows.rows[0].text(0) == "a");
        CHECK(rows.rows[0].integer(1) == 7);
        CHECK(rows.rows[0].optText(2) == std::optional<std::string>("a-x"));
        CHECK(rows.rows[1].integer(1) == -9'000'000'000'000);
        CHECK(rows.rows[1].isNull(2));
        CHECK_FALSE(rows.rows[1].optText(2).has_value());
        CHECK(rows.rows[1].integer(3) == -18'000'000'000'000);
        CHECK(c->queryInt("SELECT sum(n) FROM t WHERE id = $1 OR id = $2", {"a", "b"}) == 7 - 9'000'000'000'000);
        // A $ inside a string is text; the same parameter twice is one value.
        const sql::Row quoted = *c->one("SELECT '$1 costs $2', $2 + 1, $1 || $1", {"x", int64_t{5}});
        CHECK(quoted.text(0) == "$1 costs $2");
        CHECK(quoted.integer(1) == 6);
        CHECK(quoted.text(2) == "xx");
        // Thousands of parameters in one statement (the rollups and migrate insert many rows at once).
        std::string many = "INSERT INTO t (id, n) VALUES ";
        std::vector<sql::Value> values;
        for (int64_t i = 1; i <= 2500; ++i) {
            many += (i > 1 ? ", ($" : "($") + std::to_string(2 * i - 1) + ", $" + std::to_string(2 * i) + ")";
            values.emplace_back("many-" + std::to_string(i));
            values.emplace_back(i);
        }
        CHECK(c->query(many, values).affected == 2500);
        CHECK(c->queryInt("SELECT sum(n) FROM t WHERE id LIKE 'many-%'") == 2500 * 2501 / 2);
        CHECK(c->queryInt("SELECT n FROM t WHERE id = 'many-2500'") == 2500);
        c->exec("DELETE FROM t WHERE id LIKE 'many-%'");
        const auto deleted = c->one("DELETE FROM t WHERE id = $1 RETURNING n", {"a"});
        REQUIRE(deleted);
        CHECK(deleted->integer(0) == 7);
        CHECK_FALSE(c->one("SELECT n FROM t WHERE id = $1", {"a"}));
        // A transaction rolled back leaves nothing; one committed stays.
        {
            sql::Transaction tx(*c);
            c->query("INSERT INTO t (id, n) VALUES ($1, $2)", {"c", int64_t{1}});
        }
        CHECK(c->queryInt("SELECT count(*) FROM t") == 1);
        {
            sql::Transaction tx(*c);
            c->query("INSERT INTO t (id, n) VALUES ($1, $2)", {"d", int64_t{1}});
            tx.commit();
        }
        CHECK(c->queryInt("SELECT count(*) FROM t") == 2);
        // A unique violation is not worth a retry.
        try {
            c->query("INSERT INTO t (id, n) VALUES ($1, $2)", {"d", int64_t{2}});
            FAIL("a duplicate key went in");
        } catch (const sql::Error& e) {
            CHECK_FALSE(e.retryable());
        }
    }
    // A parameter the statement names but nobody gave is an error, not a NULL.
    CHECK_THROWS_WITH(engines[0]->query("SELECT $1 + $2", {int64_t{1}}), Catch::Contains("$2 has no value"));
}

TEST_CASE("a PostgreSQL restart: a connection reconnects between transactions, and a transaction it cut off keeps nothing and says retry", "[postgres][sql]")
{
    test::PgCluster pg;
    auto c = sql::postgres(pg.url());
    c->exec("CREATE TABLE t (id text PRIMARY KEY)");
    c->query("INSERT INTO t (id) VALUES ($1)", {"before"});
    pg.restart();
    // Between transactions: the next statement finds the connection broken and makes it again.
    int64_t n = -1;
    for (int attempt = 0; attempt < 2 && n < 0; ++attempt) { // the first may be the one that finds it gone
        try {
            n = c->queryInt("SELECT count(*) FROM t");
        } catch (const sql::Error& e) {
            CHECK(e.kind() == sql::Error::Kind::ConnectionLost);
        }
    }
    CHECK(n == 1);
    // Inside a transaction: the restart loses it; nothing of it is kept, and nothing runs on in autocommit.
    try {
        sql::Transaction tx(*c);
        c->query("INSERT INTO t (id) VALUES ($1)", {"lost"});
        pg.restart();
        c->query("INSERT INTO t (id) VALUES ($1)", {"after-restart"});
        tx.commit();
        FAIL("a transaction survived a server restart");
    } catch (const sql::Error& e) {
        INFO(e.what());
        CHECK(e.kind() == sql::Error::Kind::ConnectionLost);
        CHECK(e.retryable());
    }
    auto fresh = sql::postgres(pg.url());
    CHECK(fresh->queryInt("SELECT count(*) FROM t") == 1);
    // The same connection is usable again for the retry.
    {
        sql::Transaction tx(*c);
        c->query("INSERT INTO t (id) VALUES ($1)", {"retried"});
        tx.commit();
    }
    CHECK(fresh->queryInt("SELECT count(*) FROM t") == 2);
}

TEST_CASE("a database password given on the command line is blanked where ps reads it, and never logged", "[postgres][cli][security]")
{
    test::PgCluster pg; // trusts the test role, so any password connects
    test::TempDir dir;
    const std::string port = std::to_string(pg.port());
    // (libpq reads a URL's password up to its '@': '?', '#', ':' and a space are part of it.)
    for (const std::vector<std::string>& form : std::vector<std::vector<std::string>>{
             {"--database", "postgresql://skm:S3cretPassw0rd@127.0.0.1:" + port + "/skm"},
             {"--database=postgresql://skm:S3cretPassw0rd@127.0.0.1:" + port + "/skm"},
             {"--database", "postgresql://skm@127.0.0.1:" + port + "/skm?password=S3cretPassw0rd&connect_timeout=5"},
             {"--database", "postgresql://skm:S3cretPassw0rd?x#y:z w@127.0.0.1:" + port + "/skm"}}) {
        INFO(form.back());
        std::vector<std::string> args = {"--listen", "127.0.0.1:0", "--data-dir", (dir / "data").string()};
        args.insert(args.end(), form.begin(), form.end());
        const int log = ::open((dir / "serve.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        std::string url;
        const pid_t pid = test::startServe(args, log, &url);
        ::close(log);
        std::string cmdline = test::readFile("/proc/" + std::to_string(pid) + "/cmdline");
        std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
        kill(pid, SIGTERM);
        waitpid(pid, nullptr, 0);
        CHECK_THAT(cmdline, !Catch::Contains("S3cretPassw0rd"));
        CHECK_THAT(cmdline, Catch::Contains("**************") && Catch::Contains("127.0.0.1:" + port + "/skm"));
        const std::string logged = test::readFile(dir / "serve.log");
        CHECK_THAT(logged, !Catch::Contains("S3cretPassw0rd") && !Catch::Contains("#y:z w") && Catch::Contains("visible to every user"));
        CHECK_THAT(cmdline, !Catch::Contains("#y:z w"));
        // The log says where the records are (its secret hidden).
        CHECK_THAT(logged, Catch::Contains("records in postgresql://skm") && Catch::Contains("@127.0.0.1:" + port + "/skm"));
    }
}
