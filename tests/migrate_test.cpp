// skm-central migrate --from DATA_DIR --to postgresql://... (issue 18), with the real programs: an
// office filled by real syncs on SQLite moves to a real PostgreSQL 15 the test starts; the report
// afterwards is the same to the byte; a second run finds everything there; a target holding another
// office's data, or one of this office's records changed, is refused and left as it was.

#include "support/central_engine.hpp"
#include "support/pg_cluster.hpp"
#include "support/sync_fixture.hpp"
#include "support/test_util.hpp"

#include <core/sql.hpp>

#include <catch2/catch.hpp>

using namespace skm;

namespace {

std::string bin() { return (test::binDir() / "skm-central").string(); }

test::CommandResult migrate(const std::filesystem::path& from, const std::string& to) { return test::run({bin(), "migrate", "--from", from.string(), "--to", to}); }

// `skm-central report` (all of it, JSON) on SQLite in `dir`, or on `url`.
std::string report(const std::filesystem::path& dir, const std::string& url = "")
{
    std::vector<std::string> args = {bin(), "report", "--data-dir", dir.string()};
    if (!url.empty()) args.insert(args.end(), {"--database", url});
    const auto r = test::run(args);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    return r.out;
}

} // namespace

TEST_CASE("migrate: an office on SQLite moves to PostgreSQL with the same report, a second run copies nothing, and the replicas take over",
          "[postgres][migrate]")
{
    test::TempDir dir;
    const auto data = dir / "central";
    {
        // A month of an office on SQLite: two kiosks' ratings, cases, sessions, surveys and audit events
        // through real syncs, a record re-sent otherwise (a conflict), and a report account.
        test::Central central(data);
        central.addUser("kepala", "sandi-kepala-123");
        for (const char* id : {"kiosk-1", "kiosk-2"}) {
            const auto prov = central.addDevice(id);
            const auto kioskDir = dir / id;
            sync::installProvisioning(prov, kioskDir);
            REQUIRE(test::run({(test::binDir() / "skm-loadgen").string(), "--data-dir", kioskDir.string(), "--ratings", "1500", "--surveys", "40"}).exitCode == 0);
            const auto r = test::run({(test::binDir() / "skm-sync").string(), "--once", "--data-dir", kioskDir.string()});
            INFO(r.err);
            REQUIRE(r.exitCode == 0);
        }
        test::Kiosk kiosk(dir / "kiosk-1", sync::readProvisioning(sync::provisioningPath(dir / "kiosk-1")));
        const std::string id = kiosk.st->database().queryText("SELECT id FROM ratings ORDER BY seq LIMIT 1");
        kiosk.st->database().exec("UPDATE ratings SET score = 5 - score, upload_status = 'pending' WHERE id = '" + id + "'");
        REQUIRE(kiosk.sync().conflicts == 1);
        // An officer's session with a case, as a kiosk uploads them.
        const int64_t t = static_cast<int64_t>(test::nowSeconds()) * 1000;
        const nlohmann::json session = {{"id", "01a00000-0000-7000-8000-000000000001"}, {"nip", "198503302010011002"}, {"counter", "Loket 1"},
                                        {"boot_id", "b"}, {"started_wall_ms", t}, {"started_mono_ms", 1}, {"state", "active"},
                                        {"ended_wall_ms", nullptr}, {"end_reason", nullptr},
                                        {"events", {{{"kind", "start"}, {"at_wall_ms", t}, {"at_mono_ms", 1}, {"detail", nlohmann::json::object()}}}}};
        const nlohmann::json kase = {{"id", "01a00000-0000-7000-8000-000000000002"}, {"session_id", session["id"]}, {"nip", "198503302010011002"},
                                     {"counter", "Loket 1"}, {"service_code", "nib"}, {"ticket", "A-1"}, {"boot_id", "b"}, {"opened_wall_ms", t},
                                     {"opened_mono_ms", 2}, {"status", "open"}, {"close_reason", nullptr}, {"rating_id", nullptr}, {"closed_wall_ms", nullptr}};
        const nlohmann::json body = {{"protocol", 1}, {"device_id", "kiosk-1"}, {"ratings", nlohmann::json::array()}, {"sessions", {session}}, {"cases", {kase}}};
        const auto up = sync::curlSend(test::signedUpload(kiosk.prov, body.dump(), test::nowSeconds(), protocol::randomHex(16)));
        INFO(up.body);
        REQUIRE(up.status == 200);
    }
    const std::string before = report(data);
    REQUIRE(nlohmann::json::parse(before)["ratings_total"] == 3000);
    REQUIRE(nlohmann::json::parse(before)["ingest_conflicts_total"] == 1);

    test::PgCluster pg;
    auto r = migrate(data, pg.url());
    INFO(r.out << r.err);
    REQUIRE(r.exitCode == 0);
    CHECK_THAT(r.out, Catch::StartsWith("migrated ") && Catch::Contains("ratings: 3000 rows, 3000 copied now") &&
                          Catch::Contains("2 devices' chains and the full report (office, scores, IKM): identical"));
    // The office's report from PostgreSQL is the one from SQLite, to the byte.
    CHECK(report(data, pg.url()) == before);
    auto db = sql::postgres(pg.url());
    {
        store::Database sqlite((data / "central.db").string(), SQLITE_OPEN_READONLY);
        for (const char* table : {"devices", "users", "ratings", "sessions", "cases", "audit_events", "survey_responses", "ingest_conflicts"}) {
            INFO(table);
            const std::string count = std::string("SELECT count(*) FROM ") + table;
            CHECK(db->queryInt(count) == sqlite.queryInt(count));
            CHECK(db->queryInt(count) > 0);
        }
        CHECK(db->queryText("SELECT body FROM sessions") == sqlite.queryText("SELECT body FROM sessions"));
    }

    // Again: nothing copied, both sides found equal.
    r = migrate(data, pg.url());
    INFO(r.out << r.err);
    CHECK(r.exitCode == 0);
    CHECK_THAT(r.out, Catch::StartsWith("already migrated: ") && Catch::Contains("ratings: 3000 rows, 0 copied now"));

    // The office now runs on PostgreSQL: the kiosks sync on, the next conflict is numbered after the
    // copied one, and the account signs in.
    {
        test::Central central(data, {}, test::Engine{sql::Engine::Postgres, pg.url()});
        auto prov = sync::readProvisioning(sync::provisioningPath(dir / "kiosk-2"));
        prov.centralUrl = central.url();
        test::Kiosk kiosk(dir / "kiosk-2", prov);
        kiosk.rate(25);
        REQUIRE(kiosk.sync().ok());
        const std::string id = kiosk.st->database().queryText("SELECT id FROM ratings ORDER BY seq LIMIT 1");
        kiosk.st->database().exec("UPDATE ratings SET score = 5 - score, upload_status = 'pending' WHERE id = '" + id + "'");
        CHECK(kiosk.sync().conflicts == 1);
        CHECK(db->queryInt("SELECT count(*) FROM ingest_conflicts") == 2);
        CHECK(db->queryInt("SELECT count(*) FROM ratings") == 3025);
        const auto rep = central.report();
        CHECK(rep["devices"]["kiosk-2"]["chain"]["ok"] == true);
        CHECK(rep["devices"]["kiosk-2"]["chain"]["linked"] == 1525);
    }
}

TEST_CASE("migrate: a target holding other data, or this office's records otherwise, is refused and left as it was", "[postgres][migrate]")
{
    test::TempDir dir;
    const auto data = dir / "central";
    {
        test::Central central(data);
        test::Kiosk kiosk(dir / "kiosk", central.addDevice("kiosk-1"));
        kiosk.rate(40);
        REQUIRE(kiosk.sync().ok());
    }
    test::PgCluster pg;
    // Another office's device already there.
    pg.createDatabase("other");
    {
        test::Central other(dir / "other", {}, test::Engine{sql::Engine::Postgres, pg.url("other")});
        test::Kiosk kiosk(dir / "other-kiosk", other.addDevice("kiosk-elsewhere"));
        kiosk.rate(3);
        REQUIRE(kiosk.sync().ok());
    }
    auto r = migrate(data, pg.url("other"));
    INFO(r.out << r.err);
    CHECK(r.exitCode == 1);
    CHECK_THAT(r.err, Catch::Contains("devices: 2 rows in the target against 1 in central.db: the target holds other data") &&
                          Catch::Contains("nothing kept"));
    auto other = sql::postgres(pg.url("other"));
    CHECK(other->queryInt("SELECT count(*) FROM devices") == 1);
    CHECK(other->queryInt("SELECT count(*) FROM ratings") == 3);

    // This office migrated, then one of its ratings changed in PostgreSQL: the next run says which.
    r = migrate(data, pg.url());
    REQUIRE(r.exitCode == 0);
    auto db = sql::postgres(pg.url());
    const std::string changed = db->queryText("SELECT id FROM ratings ORDER BY id LIMIT 1");
    db->query("UPDATE ratings SET score = 5 - score WHERE id = $1", {changed});
    const std::string afterChange = report(data, pg.url());
    r = migrate(data, pg.url());
    INFO(r.out << r.err);
    CHECK(r.exitCode == 1);
    CHECK_THAT(r.err, Catch::Contains("ratings " + changed + " is in the target with another score: the target holds other data"));
    CHECK(report(data, pg.url()) == afterChange);

    // Another office's kiosk of the same name: refused, naming the column, never printing either
    // kiosk's signing key.
    pg.createDatabase("same_name");
    {
        test::Central other(dir / "same-name", {}, test::Engine{sql::Engine::Postgres, pg.url("same_name")});
        (void)other.addDevice("kiosk-1");
    }
    r = migrate(data, pg.url("same_name"));
    INFO(r.out << r.err);
    CHECK(r.exitCode == 1);
    CHECK_THAT(r.err, Catch::Contains("devices kiosk-1 is in the target with another secret: the target holds other data"));
    const std::string theirs = sql::postgres(pg.url("same_name"))->queryText("SELECT secret FROM devices WHERE id = 'kiosk-1'");
    std::string ours;
    {
        auto source = sql::sqlite(store::Database((data / "central.db").string(), SQLITE_OPEN_READONLY));
        ours = source->queryText("SELECT secret FROM devices WHERE id = 'kiosk-1'");
    }
    REQUIRE(theirs.size() >= 32);
    REQUIRE(ours.size() >= 32);
    CHECK_THAT(r.out + r.err, !Catch::Contains(theirs) && !Catch::Contains(ours));

    // Another application's database: refused before a table is made in it.
    pg.createDatabase("payroll");
    {
        auto payroll = sql::postgres(pg.url("payroll"));
        payroll->exec("CREATE TABLE salaries (nip text, amount bigint)");
        payroll->exec("INSERT INTO salaries VALUES ('198503302010011002', 5000000)");
    }
    r = migrate(data, pg.url("payroll"));
    INFO(r.out << r.err);
    CHECK(r.exitCode == 1);
    CHECK_THAT(r.err, Catch::Contains("the target holds tables that are not skm-central's (salaries)"));
    CHECK(sql::postgres(pg.url("payroll"))->queryInt("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'") == 1);

    // Not a PostgreSQL URL, no central.db, a server that is not there: said, nothing made.
    r = migrate(data, "/var/lib/skm-central");
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::Contains("--to takes postgresql://"));
    std::filesystem::create_directories(dir / "empty");
    r = migrate(dir / "empty", pg.url());
    CHECK(r.exitCode == 1);
    CHECK_THAT(r.err, Catch::Contains("no central.db in"));
    CHECK_FALSE(std::filesystem::exists(dir / "empty" / "central.db"));
    r = migrate(data, "postgresql://skm:S3cretPassw0rd@127.0.0.1:9/skm?connect_timeout=2");
    CHECK(r.exitCode == 1);
    CHECK_THAT(r.err, Catch::Contains("cannot open the target") && !Catch::Contains("S3cretPassw0rd"));
}
