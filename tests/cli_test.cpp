// The skm-kiosk command line: usage errors exit 2 and say what was wrong; status prints JSON.

#include "support/test_util.hpp"

#include <core/db.hpp>
#include <kiosk/store/migrations.hpp>
#include <kiosk/store/rating_store.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fstream>

using namespace skm;

namespace {
std::string kiosk() { return (test::binDir() / "skm-kiosk").string(); }
} // namespace

TEST_CASE("usage errors exit with status 2 and say what was wrong", "[cli]")
{
    auto r = test::run({kiosk(), "--no-such-option"});
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::Contains("--no-such-option"));

    r = test::run({kiosk(), "--windowed", "big"});
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::Contains("--windowed takes WIDTHxHEIGHT"));

    r = test::run({kiosk(), "--config", "/nonexistent.toml"});
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::Contains("/nonexistent.toml"));

    r = test::run({kiosk(), "--help"});
    CHECK(r.exitCode == 0);
    CHECK_THAT(r.out, Catch::Contains("status"));
}

TEST_CASE("a malformed configuration names the file, line and key and exits 2", "[cli][config]")
{
    test::TempDir dir;
    const auto file = dir / "bad.toml";
    std::ofstream(file) << "[kiosk]\ncounter = \"Loket 1\"\nthanks_seconds = \"soon\"\n";
    const auto r = test::run({kiosk(), "--config", file.string(), "--data-dir", (dir / "data").string()});
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::Contains(file.string() + ":3: key 'kiosk.thanks_seconds': must be an integer"));
    CHECK_FALSE(std::filesystem::exists(dir / "data")); // refused before touching anything

    std::ofstream(file) << "[kiosk]\ncounter = \"Loket 1\"\nlanguage = \"id\"\n";
    const auto s = test::run({kiosk(), "status", "--json", "--config", file.string(), "--data-dir", (dir / "data").string()});
    CHECK(s.exitCode == 0);
    CHECK_THAT(s.err, Catch::Contains(":3: unknown key 'kiosk.language' ignored"));
}

TEST_CASE("status --json reports counts and the schema version", "[cli]")
{
    test::TempDir dir;
    const auto dataDir = dir / "data";

    auto r = test::run({kiosk(), "status", "--json", "--data-dir", dataDir.string()});
    REQUIRE(r.exitCode == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["ratings_total"] == 0);
    CHECK(j["schema_version"] == 0);
    CHECK(j["db_exists"] == false);

    {
        store::StoreOptions o;
        o.dataDir = dataDir;
        o.deviceId = store::loadOrCreateDeviceId(dataDir);
        o.counter = "Loket 5";
        store::RatingStore st(o);
        for (int s : {4, 4, 1}) REQUIRE(st.commit(st.stamp(s)).ok);
        st.database().exec("UPDATE ratings SET upload_status = 'sent' WHERE seq = 1");
        st.database().exec("UPDATE ratings SET upload_status = 'rejected', last_error = 'test' WHERE seq = 2");
    }
    r = test::run({kiosk(), "status", "--json", "--data-dir", dataDir.string()});
    REQUIRE(r.exitCode == 0);
    j = nlohmann::json::parse(r.out);
    CHECK(j["ratings_total"] == 3);
    CHECK(j["pending"] == 1);
    CHECK(j["sent"] == 1);
    CHECK(j["rejected"] == 1);
    CHECK(j["suppressed"] == 0);
    CHECK(j["officer_on_duty"].is_null());
    CHECK(j["open_case"].is_null());
    CHECK(j["schema_version"] == store::latestSchemaVersion());
    CHECK(j["device_id"].get<std::string>().rfind("skm-", 0) == 0);
    CHECK(j["error"].is_null());

    r = test::run({kiosk(), "status", "--data-dir", dataDir.string()});
    CHECK(r.exitCode == 0);
    CHECK_THAT(r.out, Catch::Contains("ratings total   3"));
}

TEST_CASE("status on a database newer than the binary reports it and exits 1", "[cli]")
{
    test::TempDir dir;
    std::filesystem::create_directories(dir / "data");
    {
        store::Database db((dir / "data" / "skm.db").string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        db.exec("PRAGMA user_version = 99");
    }
    const auto r = test::run({kiosk(), "status", "--json", "--data-dir", (dir / "data").string()});
    CHECK(r.exitCode == 1);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["schema_version"] == 99);
    CHECK_THAT(j["error"].get<std::string>(), Catch::Contains("newer"));
}

TEST_CASE("the kiosk refuses a newer database at start with a clear message", "[cli]")
{
    test::TempDir dir;
    std::filesystem::create_directories(dir / "data");
    {
        store::Database db((dir / "data" / "skm.db").string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        db.exec("PRAGMA user_version = 99");
    }
    // Without a display, as under ctest. (With one, the kiosk shows its out-of-service screen and
    // tries again every 5 s instead of exiting, so this run would never end under xvfb-run.)
    const auto r = test::run({"/usr/bin/env", "-u", "DISPLAY", "-u", "WAYLAND_DISPLAY", kiosk(), "--data-dir", (dir / "data").string(), "--windowed", "800x480"});
    CHECK(r.exitCode == 1);
    CHECK_THAT(r.err, Catch::Contains("schema version 99") && Catch::Contains("newer than this skm-kiosk"));
}

TEST_CASE("a second kiosk on the same data directory is refused, naming the first one's pid", "[cli]")
{
    test::TempDir dir;
    std::filesystem::create_directories(dir / "data");
    const auto lockFile = dir / "data" / "skm-kiosk.lock";
    int fd = ::open(lockFile.c_str(), O_RDWR | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0); // stands for a running kiosk
    REQUIRE(::write(fd, "4242\n", 5) == 5);
    const auto r = test::run({kiosk(), "--data-dir", (dir / "data").string(), "--windowed", "800x480"});
    ::close(fd);
    CHECK(r.exitCode == 1);
    CHECK_THAT(r.err, Catch::Contains("another skm-kiosk (pid 4242) is already running"));
    CHECK_FALSE(std::filesystem::exists(dir / "data" / "skm.db")); // refused before touching the store
}

TEST_CASE("a missing font or translation catalogue stops the kiosk with a clear message", "[cli]")
{
    test::TempDir dir;
    const auto file = dir / "k.toml";

    std::ofstream(file) << "[display]\nfont = \"/nonexistent/NotoSans.ttf\"\n";
    auto r = test::run({kiosk(), "--config", file.string(), "--data-dir", (dir / "data").string(), "--windowed", "800x480"});
    CHECK(r.exitCode == 1);
    CHECK_THAT(r.err, Catch::Contains("no font found") && Catch::Contains("/nonexistent/NotoSans.ttf"));

    std::ofstream(file) << "[kiosk]\nassets_dir = \"" << (dir / "nowhere").string() << "\"\n";
    r = test::run({kiosk(), "--config", file.string(), "--data-dir", (dir / "data").string(), "--windowed", "800x480"});
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::Contains("holds no i18n/id.toml"));

    std::filesystem::create_directories(dir / "assets" / "i18n");
    std::ofstream(dir / "assets" / "i18n" / "id.toml") << "[attract]\nquestion = \"Apa?\"\nhint = 3\n";
    std::ofstream(dir / "assets" / "i18n" / "en.toml") << "";
    std::ofstream(file) << "[kiosk]\nassets_dir = \"" << (dir / "assets").string() << "\"\n";
    r = test::run({kiosk(), "--config", file.string(), "--data-dir", (dir / "data").string(), "--windowed", "800x480"});
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::Contains("id.toml:3: key 'attract.hint': must be a string"));
}

TEST_CASE("roster import: a good file replaces the roster, a bad one is refused and the old one stays", "[cli][roster]")
{
    test::TempDir dir;
    const auto dataDir = (dir / "data").string();
    const auto demo = (test::sourceDir() / "config" / "demo-roster.toml").string();
    auto r = test::run({kiosk(), "roster", "import", demo, "--data-dir", dataDir});
    REQUIRE(r.exitCode == 0);
    CHECK_THAT(r.out, Catch::Contains("roster demo-2026-11 imported: 3 officers, 6 services"));

    const auto bad = dir / "bad.toml";
    std::ofstream(bad) << "version = \"v2\"\n[[officers]]\nnip = \"123\"\nname = \"X\"\nunit = \"Y\"\npin_hash = \"$argon2id$x\"\n"
                          "[[services]]\ncode = \"a\"\nid = \"A\"\nen = \"A\"\n";
    r = test::run({kiosk(), "roster", "import", bad.string(), "--data-dir", dataDir});
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::Contains("roster refused, nothing changed") && Catch::Contains(bad.string() + ":2: officers[1] (NIP 123): invalid NIP"));

    store::Database db((dir / "data" / "skm.db").string(), SQLITE_OPEN_READONLY);
    CHECK(db.queryText("SELECT value FROM meta WHERE key = 'roster_version'") == "demo-2026-11");
    CHECK(db.queryInt("SELECT count(*) FROM roster_officers") == 3);
    CHECK(db.queryInt("SELECT count(*) FROM audit_events WHERE kind = 'roster_imported'") == 1);

    r = test::run({kiosk(), "roster", "import", "/nonexistent.toml", "--data-dir", dataDir});
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::Contains("/nonexistent.toml: cannot read"));
    r = test::run({kiosk(), "roster"});
    CHECK(r.exitCode == 2);
}
