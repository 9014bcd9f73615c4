// Maintenance: the marker (kiosk/maintenance/) and `skm-kiosk maintenance start|end|check`, with the
// status it shows. The window side ("Keluar dari kiosk" in a real X server) is xvfb_maintenance_test.sh.

#include "support/test_util.hpp"

#include <kiosk/maintenance/maintenance.hpp>
#include <core/clock.hpp>
#include <kiosk/store/rating_store.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <fstream>

using namespace skm;
namespace fs = std::filesystem;

namespace {

std::string kiosk() { return (test::binDir() / "skm-kiosk").string(); }

constexpr const char* kOtherBoot = "00000000-1111-2222-3333-444444444444";

std::unique_ptr<store::RatingStore> openStore(const fs::path& dataDir)
{
    store::StoreOptions o;
    o.dataDir = dataDir;
    o.deviceId = "maint-test";
    o.counter = "Loket 1";
    return std::make_unique<store::RatingStore>(o);
}

std::string auditKinds(store::RatingStore& st)
{
    return st.database().queryText("SELECT coalesce(group_concat(kind, ','), '') FROM (SELECT kind FROM audit_events ORDER BY seq)");
}

} // namespace

TEST_CASE("a maintenance marker is written whole, 0640 at most, and read back in force", "[maintenance]")
{
    test::TempDir dir;
    CHECK(maintenance::read(dir.path()).state == maintenance::State::None);

    const maintenance::Marker m = maintenance::makeMarker("technician", "new touch panel", false, 1'764'000'000'000);
    maintenance::write(dir.path(), m);
    const fs::path file = maintenance::markerPath(dir.path());
    CHECK(file == dir / "maintenance");
    CHECK_FALSE(fs::exists(dir / "maintenance.tmp"));
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777 & ~0640) == 0); // nothing beyond rw-r-----
    const nlohmann::json j = nlohmann::json::parse(test::readFile(file));
    CHECK(j["since"] == "2025-11-24T16:00:00.000Z");
    CHECK(j["by"] == "technician");
    CHECK(j["boot_id"] == store::bootId());

    const maintenance::Reading r = maintenance::read(dir.path());
    REQUIRE(r.state == maintenance::State::InForce);
    CHECK(r.marker->since == "2025-11-24T16:00:00.000Z");
    CHECK(r.marker->by == "technician");
    CHECK(r.marker->reason == "new touch panel");
    CHECK_FALSE(r.marker->keepAfterReboot);
    CHECK(maintenance::toJson(*r.marker) ==
          nlohmann::json{{"since", "2025-11-24T16:00:00.000Z"}, {"by", "technician"}, {"reason", "new touch panel"}, {"keep_after_reboot", false}});

    // A second write replaces the first whole.
    maintenance::write(dir.path(), maintenance::makeMarker("budi", "", true, 1'764'000'060'000));
    CHECK(maintenance::read(dir.path()).marker->by == "budi");

    CHECK(maintenance::clear(dir.path()));
    CHECK_FALSE(maintenance::clear(dir.path()));
    CHECK(maintenance::read(dir.path()).state == maintenance::State::None);

    CHECK_THROWS_WITH(maintenance::write(dir / "missing", m), Catch::Contains("missing"));
}

TEST_CASE("a marker of an earlier boot no longer holds the kiosk unless it was kept after reboots", "[maintenance]")
{
    test::TempDir dir;
    maintenance::write(dir.path(), maintenance::makeMarker("technician", "", false, 1'764'000'000'000));
    CHECK(maintenance::read(dir.path(), store::bootId()).state == maintenance::State::InForce);
    CHECK(maintenance::read(dir.path(), kOtherBoot).state == maintenance::State::EndedByReboot);
    // Boots that cannot be told apart (no kernel boot id) never end a marker.
    CHECK(maintenance::read(dir.path(), "proc-0123456789abcdef0123456789abcdef").state == maintenance::State::InForce);

    maintenance::write(dir.path(), maintenance::makeMarker("technician", "", true, 1'764'000'000'000));
    CHECK(maintenance::read(dir.path(), kOtherBoot).state == maintenance::State::InForce);
}

TEST_CASE("an unreadable marker holds nothing", "[maintenance]")
{
    test::TempDir dir;
    const fs::path file = maintenance::markerPath(dir.path());
    for (const std::string& text : {std::string("not json"), std::string("[1, 2]"), std::string(R"({"since": 5, "by": "x"})"),
                                    std::string(R"({"by": "x"})"), std::string(R"({"since": "s", "by": "x", "keep_after_reboot": "yes"})"),
                                    std::string(70 * 1024, ' ')}) {
        std::ofstream(file, std::ios::trunc) << text;
        const maintenance::Reading r = maintenance::read(dir.path());
        CHECK(r.state == maintenance::State::Unreadable);
        CHECK_THAT(r.problem, Catch::Contains(file.string()));
    }
    fs::remove(file);
    fs::create_directory(file);
    CHECK(maintenance::read(dir.path()).state == maintenance::State::Unreadable);
}

TEST_CASE("at start the kiosk clears a marker that no longer holds it, audited, and keeps one in force", "[maintenance]")
{
    test::TempDir dir;
    auto st = openStore(dir.path());

    // In force (started by hand): left alone, nothing recorded.
    maintenance::write(dir.path(), maintenance::makeMarker("technician", "", false, 1'764'000'000'000));
    maintenance::Settled s = maintenance::settleAtStart(*st, dir.path());
    CHECK(s.found.state == maintenance::State::InForce);
    CHECK_FALSE(s.removed);
    CHECK(fs::exists(maintenance::markerPath(dir.path())));
    CHECK(auditKinds(*st).empty());

    // Of an earlier boot: removed, maintenance_ended by the reboot.
    maintenance::Marker old = maintenance::makeMarker("technician", "left from the admin screen", false, 1'764'000'000'000);
    old.bootId = kOtherBoot;
    maintenance::write(dir.path(), old);
    s = maintenance::settleAtStart(*st, dir.path());
    CHECK(s.found.state == maintenance::State::EndedByReboot);
    CHECK(s.removed);
    CHECK(s.error.empty());
    CHECK_FALSE(fs::exists(maintenance::markerPath(dir.path())));
    {
        store::Statement q(st->database(), "SELECT kind, detail FROM audit_events ORDER BY seq DESC LIMIT 1");
        REQUIRE(q.next());
        CHECK(q.columnText(0) == "maintenance_ended");
        const nlohmann::json d = nlohmann::json::parse(q.columnText(1));
        CHECK(d["by"] == "reboot");
        CHECK(d["since"] == "2025-11-24T16:00:00.000Z");
        CHECK(d["started_by"] == "technician");
    }

    // Unreadable: removed, maintenance_ended at start with the problem.
    std::ofstream(maintenance::markerPath(dir.path())) << "{";
    s = maintenance::settleAtStart(*st, dir.path());
    CHECK(s.found.state == maintenance::State::Unreadable);
    CHECK(s.removed);
    CHECK_FALSE(fs::exists(maintenance::markerPath(dir.path())));
    CHECK(auditKinds(*st) == "maintenance_ended,maintenance_ended");

    // None: nothing.
    s = maintenance::settleAtStart(*st, dir.path());
    CHECK(s.found.state == maintenance::State::None);
    CHECK(auditKinds(*st) == "maintenance_ended,maintenance_ended");
}

TEST_CASE("maintenance start, check and end: exit statuses, status, audit events", "[maintenance][cli]")
{
    test::TempDir dir;
    const std::string data = (dir / "data").string();

    // No data directory: start refuses rather than creating one; check lets the kiosk start.
    auto r = test::run({kiosk(), "maintenance", "start", "--data-dir", data});
    CHECK(r.exitCode == 1);
    CHECK_THAT(r.err, Catch::Contains("no data directory " + data));
    CHECK_FALSE(fs::exists(data));
    CHECK(test::run({kiosk(), "maintenance", "check", "--data-dir", data}).exitCode == 0);

    fs::create_directories(data);
    r = test::run({kiosk(), "status", "--json", "--data-dir", data});
    REQUIRE(r.exitCode == 0);
    CHECK(nlohmann::json::parse(r.out)["maintenance"].is_null());

    r = test::run({kiosk(), "maintenance", "start", "--reason", "ganti layar", "--by", "budi", "--data-dir", data});
    CHECK(r.exitCode == 0);
    CHECK_THAT(r.out, Catch::Contains("maintenance set in " + data));
    CHECK_THAT(r.out, Catch::Contains("skm-kiosk maintenance end --data-dir " + data));
    r = test::run({kiosk(), "maintenance", "check", "--data-dir", data});
    CHECK(r.exitCode == 1);
    CHECK_THAT(r.out, Catch::Contains("by budi (ganti layar)"));
    CHECK_THAT(r.out, Catch::Contains("skm-kiosk maintenance end --data-dir " + data));

    r = test::run({kiosk(), "status", "--json", "--data-dir", data});
    REQUIRE(r.exitCode == 0);
    const nlohmann::json m = nlohmann::json::parse(r.out)["maintenance"];
    CHECK(m["by"] == "budi");
    CHECK(m["reason"] == "ganti layar");
    CHECK(m["keep_after_reboot"] == false);
    CHECK(m["since"].get<std::string>().size() == 24);
    r = test::run({kiosk(), "status", "--data-dir", data});
    CHECK_THAT(r.out, Catch::Contains("maintenance     since "));

    // Set again: nothing changes, nothing is recorded twice.
    r = test::run({kiosk(), "maintenance", "start", "--data-dir", data});
    CHECK(r.exitCode == 0);
    CHECK_THAT(r.out, Catch::Contains("already set"));

    r = test::run({kiosk(), "maintenance", "end", "--by", "budi", "--data-dir", data});
    CHECK(r.exitCode == 0);
    CHECK_THAT(r.out, Catch::Contains("maintenance ended in " + data));
    CHECK_THAT(r.out, Catch::Contains("systemctl start skm-kiosk"));
    CHECK(test::run({kiosk(), "maintenance", "check", "--data-dir", data}).exitCode == 0);
    CHECK(nlohmann::json::parse(test::run({kiosk(), "status", "--json", "--data-dir", data}).out)["maintenance"].is_null());
    r = test::run({kiosk(), "maintenance", "end", "--data-dir", data});
    CHECK(r.exitCode == 0);
    CHECK_THAT(r.out, Catch::Contains("no maintenance was set"));

    auto st = openStore(data);
    store::Statement q(st->database(), "SELECT kind, detail FROM audit_events ORDER BY seq");
    REQUIRE(q.next());
    CHECK(q.columnText(0) == "maintenance_started");
    CHECK(nlohmann::json::parse(q.columnText(1))["by"] == "budi");
    REQUIRE(q.next());
    CHECK(q.columnText(0) == "maintenance_ended");
    const nlohmann::json ended = nlohmann::json::parse(q.columnText(1));
    CHECK(ended["by"] == "budi");
    CHECK(ended["started_by"] == "budi");
    CHECK_FALSE(q.next());
}

TEST_CASE("maintenance usage errors exit 2 and every maintenance command takes --help", "[maintenance][cli]")
{
    auto r = test::run({kiosk(), "maintenance"});
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::Contains("subcommand"));
    r = test::run({kiosk(), "maintenance", "pause"});
    CHECK(r.exitCode == 2);
    r = test::run({kiosk(), "maintenance", "check", "--data-dri", "/tmp"});
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::Contains("--data-dri"));
    r = test::run({kiosk(), "maintenance", "start", "--reason", std::string(501, 'x')});
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::Contains("500"));
    for (const char* sub : {"start", "end", "check"}) {
        r = test::run({kiosk(), "maintenance", sub, "--help"});
        CHECK(r.exitCode == 0);
        CHECK_THAT(r.out, Catch::Contains("--data-dir"));
    }
    r = test::run({kiosk(), "maintenance", "--help"});
    CHECK(r.exitCode == 0);
    CHECK_THAT(r.out, Catch::Contains("check"));
}
