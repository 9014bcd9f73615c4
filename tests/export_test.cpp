// Export of unsent ratings to a file (for sites without network).

#include "support/test_util.hpp"

#include <store/export.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

using namespace skm;

TEST_CASE("export writes every unsent rating with a header, and changes nothing in the store", "[export]")
{
    test::TempDir dir;
    store::ManualClock clock(1'764'400'000'000);
    store::StoreOptions o;
    o.dataDir = dir / "data";
    o.deviceId = "skm-export1";
    o.counter = "Loket 6";
    o.clock = &clock;
    store::RatingStore st(o);
    std::vector<std::string> ids;
    for (int s : {4, 3, 1}) {
        auto p = st.stamp(s);
        REQUIRE(st.commit(p).ok);
        ids.push_back(p.id);
    }
    REQUIRE(st.update({ids[2], store::RatingUpdate::Field::Reasons, R"(["waktu_lama"])", "id"}).ok);
    st.database().exec("UPDATE ratings SET upload_status = 'sent' WHERE id = '" + ids[0] + "'");
    st.database().exec("UPDATE ratings SET upload_status = 'rejected', last_error = 'bad officer' WHERE id = '" + ids[1] + "'");

    std::filesystem::create_directories(dir / "usb");
    const store::ExportResult r = store::exportUnsent(st, dir / "usb");
    CHECK(r.ratings == 2);
    CHECK(r.file.filename().string() == "skm-export-skm-export1-20251129T070640Z.jsonl");
    std::ifstream in(r.file);
    std::string line;
    REQUIRE(std::getline(in, line));
    const auto header = nlohmann::json::parse(line);
    CHECK(header["format"] == "skm-export");
    CHECK(header["version"] == 1);
    CHECK(header["ratings"] == 2);
    std::vector<nlohmann::json> rows;
    while (std::getline(in, line)) rows.push_back(nlohmann::json::parse(line));
    REQUIRE(rows.size() == 2);
    CHECK(rows[0]["id"] == ids[1]);
    CHECK(rows[0]["upload_status"] == "rejected");
    CHECK(rows[0]["last_error"] == "bad officer");
    CHECK(rows[1]["id"] == ids[2]);
    CHECK(rows[1]["reasons"] == nlohmann::json::array({"waktu_lama"}));
    CHECK(rows[1]["counter"] == "Loket 6");
    CHECK(st.counts().pending == 1); // still pending: sync will deliver it, central de-duplicates
    CHECK(st.database().queryInt("SELECT count(*) FROM audit_events WHERE kind = 'ratings_exported'") == 1);
    int files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir / "usb")) ++files;
    CHECK(files == 1); // no .part left behind

    CHECK_THROWS_WITH(store::exportUnsent(st, dir / "no-stick"), Catch::Contains("no export directory") && Catch::Contains("no-stick"));
}

TEST_CASE("skm-kiosk export writes the file and says where", "[export][cli]")
{
    test::TempDir dir;
    const auto kiosk = (test::binDir() / "skm-kiosk").string();
    std::filesystem::create_directories(dir / "usb");
    auto r = test::run({kiosk, "export", (dir / "usb").string(), "--data-dir", (dir / "data").string()});
    CHECK(r.exitCode == 0);
    CHECK_THAT(r.out, Catch::Contains("0 unsent ratings exported to " + (dir / "usb").string()));
    r = test::run({kiosk, "export", (dir / "missing").string(), "--data-dir", (dir / "data").string()});
    CHECK(r.exitCode == 1);
    CHECK_THAT(r.err, Catch::Contains("no export directory"));
}
