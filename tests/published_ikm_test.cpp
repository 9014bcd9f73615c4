// The IKM line on the kiosks' attract screens (issue 19): `skm-central publish-ikm` writes the unit's
// IKM for a period into the published configuration, a real sync delivers it to the kiosk, the attract
// screen shows it, and --withdraw takes it off at the next sync; off by default (nothing published,
// nothing shown); a line that is not the office's (a wrong mutu, an unknown key) is refused whole.

#include "support/kiosk_rig.hpp"
#include "support/sync_fixture.hpp"
#include "support/test_util.hpp"

#include <central/rollups/rollups.hpp>
#include <core/config_error.hpp>
#include <core/db.hpp>
#include <core/published_ikm.hpp>

#include <catch2/catch.hpp>

#include <fstream>

using namespace skm;
using test::Central;
using test::Kiosk;

TEST_CASE("publish-ikm reaches the kiosk with the configuration, the attract screen shows it, and a withdrawal takes it off", "[ikm][sync][ui]")
{
    test::TempDir dir;
    const auto central = dir / "central";
    std::filesystem::create_directories(central / "publish");
    std::ofstream(central / "publish" / "roster.toml") << test::readFile(test::sourceDir() / "config" / "demo-roster.toml");
    Central server(central);
    Kiosk kiosk(dir / "kiosk", server.addDevice("kiosk-ikm"));
    const auto bin = (test::binDir() / "skm-central").string();
    // Nothing published: nothing delivered (off by default).
    REQUIRE(kiosk.sync().ok());
    CHECK_FALSE(std::filesystem::exists(dir / "kiosk" / "ikm-line.toml"));

    // Semester I 2026 of Bidang Perizinan Usaha: two complete questionnaires, every answer 4 and every
    // answer 3: every NRR 3.5, IKM 87.50 B.
    {
        auto db = sql::sqlite(store::Database((central / "central.db").string(), SQLITE_OPEN_READWRITE));
        for (int a : {4, 3}) {
            std::string answers;
            for (int u = 1; u <= 9; ++u) answers += std::string(u > 1 ? "," : "") + "\"U" + std::to_string(u) + "\":" + std::to_string(a);
            db->query("INSERT INTO survey_responses (id, device_id, survey_version, counter, status, service_code, officer_nip, started_wall_ms, body, received_at_ms)"
                      " VALUES ($1, 'kiosk-ikm', 'v', 'Loket 1', 'complete', 'nib', '198503302010011002', $2, $3, 0)",
                      {"s" + std::to_string(a), test::localMs(2026, 3, 1), "{\"answers\":{" + answers + "}}"});
        }
        sql::Transaction tx(*db);
        (void)central::rollup::rebuild(*db);
        tx.commit();
    }
    auto run = test::run({bin, "publish-ikm", "--unit", "Bidang Tidak Ada", "--period", "2026-S1", "--data-dir", central.string()});
    CHECK(run.exitCode == 2);
    CHECK_THAT(run.err, Catch::Contains("no unit 'Bidang Tidak Ada'") && Catch::Contains("nothing published"));
    run = test::run({bin, "publish-ikm", "--unit", "Bidang Kependudukan", "--period", "2026-S1", "--data-dir", central.string()});
    CHECK(run.exitCode == 2);
    CHECK_THAT(run.err, Catch::Contains("no complete questionnaire for Bidang Kependudukan in Semester I Tahun 2026"));
    CHECK_FALSE(std::filesystem::exists(central / "publish" / "ikm-line.toml"));
    run = test::run({bin, "publish-ikm", "--unit", "Bidang Perizinan Usaha", "--period", "2026-S1", "--data-dir", central.string()});
    INFO(run.err);
    REQUIRE(run.exitCode == 0);
    const auto published = config::parsePublishedIkm(test::readFile(central / "publish" / "ikm-line.toml"), "ikm-line.toml");
    CHECK(published.unit == "Bidang Perizinan Usaha");
    CHECK(published.periodId == "Semester I Tahun 2026");
    CHECK(published.periodEn == "Semester 1, 2026");
    CHECK(published.ikm == 87.50);
    CHECK(published.mutu == 'B');
    CHECK(published.respondents == 2);

    // Delivered by a real sync, with the configuration.
    const auto result = kiosk.sync();
    INFO(result.error());
    REQUIRE(result.ok());
    REQUIRE(std::filesystem::exists(dir / "kiosk" / "ikm-line.toml"));
    CHECK(config::parsePublishedIkm(test::readFile(dir / "kiosk" / "ikm-line.toml"), "x") == published);

    // The attract screen shows it, as the kiosk's window wires it.
    {
        test::KioskRig rig;
        config::PublishedIkmSource source(rig.dir / "ikm-line.toml");
        rig.controller->setPublishedIkmSource(&source);
        CHECK_FALSE(rig.snap().publishedIkm); // the rig's own data directory has none
        std::filesystem::copy_file(dir / "kiosk" / "ikm-line.toml", rig.dir / "ikm-line.toml");
        rig.wait(1000);
        REQUIRE(rig.snap().publishedIkm);
        CHECK(*rig.snap().publishedIkm == published);
        // A line that is not what the office computes (its mutu not its score's) shows nothing.
        std::string bad = test::readFile(rig.dir / "ikm-line.toml");
        bad.replace(bad.find("mutu = 'B'") != std::string::npos ? bad.find("mutu = 'B'") : bad.find("mutu = \"B\""), 10, "mutu = \"A\"");
        std::ofstream(rig.dir / "ikm-line.toml.new") << bad;
        std::filesystem::rename(rig.dir / "ikm-line.toml.new", rig.dir / "ikm-line.toml");
        std::filesystem::last_write_time(rig.dir / "ikm-line.toml", std::filesystem::file_time_type::clock::now() + std::chrono::seconds(5));
        rig.wait(1000);
        CHECK_FALSE(rig.snap().publishedIkm);
        CHECK_THROWS_AS(config::parsePublishedIkm(bad, "ikm-line.toml"), config::ConfigError);
    }

    // An unregistered device is refused (nothing published for a kiosk that cannot fetch it); this
    // kiosk's own line besides the office's.
    run = test::run({bin, "publish-ikm", "--unit", "Bidang Perizinan Usaha", "--period", "2026-S1", "--device", "nosuch", "--data-dir", central.string()});
    CHECK(run.exitCode == 2);
    CHECK_THAT(run.err, Catch::Contains("no device 'nosuch' is registered"));
    CHECK_FALSE(std::filesystem::exists(central / "publish" / "devices" / "nosuch"));
    run = test::run({bin, "publish-ikm", "--unit", "Bidang Perizinan Usaha", "--period", "2026-S1", "--device", "kiosk-ikm", "--data-dir", central.string()});
    REQUIRE(run.exitCode == 0);
    REQUIRE(std::filesystem::exists(central / "publish" / "devices" / "kiosk-ikm" / "ikm-line.toml"));

    // Withdrawn (without --device: every line, the device's too): gone from the kiosk at its next sync.
    run = test::run({bin, "publish-ikm", "--withdraw", "--data-dir", central.string()});
    REQUIRE(run.exitCode == 0);
    CHECK_THAT(run.out, Catch::Contains("withdrawn: 2 IKM lines"));
    REQUIRE(kiosk.sync().ok());
    CHECK_FALSE(std::filesystem::exists(dir / "kiosk" / "ikm-line.toml"));
    run = test::run({bin, "publish-ikm", "--withdraw", "--data-dir", central.string()});
    CHECK_THAT(run.out, Catch::Contains("nothing was published"));
}

TEST_CASE("a published IKM line is refused whole for an unknown key, a score off the scale or no respondents", "[ikm][config]")
{
    const std::string good = "unit = \"Bidang X\"\nperiod_id = \"Semester I Tahun 2026\"\nperiod_en = \"Semester 1, 2026\"\nikm = 88.31\nmutu = \"A\"\nrespondents = 40\n";
    CHECK(config::parsePublishedIkm(good, "ikm-line.toml").ikm == 88.31);
    auto refused = [&](const std::string& from, const std::string& to) {
        std::string t = good;
        t.replace(t.find(from), from.size(), to);
        try {
            (void)config::parsePublishedIkm(t, "ikm-line.toml");
        } catch (const config::ConfigError& e) {
            return std::string(e.what());
        }
        return std::string("(accepted)");
    };
    CHECK_THAT(refused("respondents = 40", "respondents = 40\nofficer = \"Budi\""), Catch::Contains("key 'officer': unknown key"));
    CHECK_THAT(refused("ikm = 88.31", "ikm = 101"), Catch::Contains("key 'ikm'"));
    CHECK_THAT(refused("mutu = \"A\"", "mutu = \"B\""), Catch::Contains("key 'mutu': is not the mutu"));
    CHECK_THAT(refused("respondents = 40", "respondents = 0"), Catch::Contains("key 'respondents'"));
    CHECK_THAT(refused("unit = \"Bidang X\"", "unit = \"\""), Catch::Contains("key 'unit'"));
}
