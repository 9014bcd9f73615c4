// The USB export (docs/export-format.md, version 2), on the kiosk's side: everything unsent, as the
// upload carries it, signed with the device's secret; nothing marked as sent; a missing or full stick
// refused with nothing left behind and nothing changed.

#include "support/kiosk_day.hpp"
#include "support/test_util.hpp"

#include <sync/outbox.hpp>
#include <core/protocol.hpp>
#include <sync/provisioning.hpp>

#include <kiosk/store/export.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <set>

using namespace skm;

namespace {

const std::string kSecret = "5be0b0c1d2e3f405162738495a6b7c8d9eafb0c1d2e3f405162738495a6b7c8d";

struct ExportFile {
    std::string content;   // every byte before the signature line
    std::string signature; // from the last line
    nlohmann::json header;
    std::vector<nlohmann::json> records;
};

ExportFile readExport(const std::filesystem::path& file)
{
    ExportFile f;
    const std::string text = test::readFile(file);
    REQUIRE(!text.empty());
    REQUIRE(text.back() == '\n');
    const size_t sigStart = text.rfind('\n', text.size() - 2) + 1;
    f.content = text.substr(0, sigStart);
    f.signature = nlohmann::json::parse(text.substr(sigStart))["signature"].get<std::string>();
    std::istringstream in(f.content);
    std::string line;
    REQUIRE(std::getline(in, line));
    f.header = nlohmann::json::parse(line);
    while (std::getline(in, line)) f.records.push_back(nlohmann::json::parse(line));
    return f;
}

// Every row's upload_status, by table: what "nothing marked as sent" is checked against.
std::map<std::string, std::string> uploadStates(store::Database& db)
{
    std::map<std::string, std::string> out;
    for (const char* table : {"ratings", "officer_sessions", "cases", "audit_events", "survey_responses"}) {
        store::Statement st(db, std::string("SELECT id, upload_status FROM ") + table);
        while (st.next()) out[st.columnText(0)] = st.columnText(1);
    }
    return out;
}

store::StoreOptions optionsIn(const std::filesystem::path& dataDir, const store::Clock* clock)
{
    store::StoreOptions o;
    o.dataDir = dataDir;
    o.deviceId = "skm-export1";
    o.counter = "Loket 6";
    o.clock = clock;
    return o;
}

} // namespace

TEST_CASE("export writes everything unsent as the upload carries it, signed, and marks nothing as sent", "[export]")
{
    test::TempDir dir;
    store::ManualClock clock(1'764'400'000'000);
    store::RatingStore st(optionsIn(dir / "data", &clock));
    const test::KioskDay day = test::recordKioskDay(st, "Loket 6");
    // One rating went up already; one was refused by the central office (kept, with the reason).
    const std::string sent = day.ratingIds[1], rejected = day.ratingIds[2];
    st.database().exec("UPDATE ratings SET upload_status = 'sent' WHERE id = '" + sent + "'");
    st.database().exec("UPDATE ratings SET upload_status = 'rejected', last_error = 'bad officer' WHERE id = '" + rejected + "'");
    const int64_t audit = st.database().queryInt("SELECT count(*) FROM audit_events");
    const auto statesBefore = uploadStates(st.database());
    // What an upload would carry now, item for item.
    const sync::OutboxBatch pending = sync::selectPending(st.database(), 1000);

    std::filesystem::create_directories(dir / "usb");
    const store::ExportResult r = store::exportUnsent(st, dir / "usb", {"skm-export1", kSecret});
    CHECK(r.file.filename().string() == "skm-export-skm-export1-20251129T070640Z.jsonl");
    CHECK(r.count("ratings") == 3); // pending and rejected; not the one sent
    CHECK(r.count("sessions") == 1);
    CHECK(r.count("cases") == 1);
    CHECK(r.count("surveys") == 2); // complete and incomplete; not the one being answered
    CHECK(r.count("audit") == audit);

    const ExportFile f = readExport(r.file);
    CHECK(f.header["format"] == "skm-export");
    CHECK(f.header["version"] == 2);
    CHECK(f.header["protocol"] == 1);
    CHECK(f.header["device_id"] == "skm-export1");
    CHECK(f.header["exported_at_ms"] == 1'764'400'000'000);
    CHECK(f.header["counts"] == nlohmann::json({{"ratings", 3}, {"sessions", 1}, {"cases", 1}, {"audit", audit}, {"surveys", 2}}));
    // The signature: HMAC-SHA256 under the secret of "EXPORT\n" + hex SHA-256 of the bytes before its line.
    CHECK(f.signature == protocol::sign(kSecret, "EXPORT\n" + protocol::sha256Hex(f.content)));
    CHECK(protocol::verify(kSecret, protocol::canonicalExport(f.content), f.signature));
    CHECK_FALSE(protocol::verify(std::string(64, 'e'), protocol::canonicalExport(f.content), f.signature));

    // Each pending record exactly as the upload sends it; the rejected rating with its reason.
    std::map<std::string, nlohmann::json> inFile;
    std::vector<std::string> kinds;
    for (const auto& line : f.records) {
        inFile[line["item"]["id"].get<std::string>()] = line;
        if (kinds.empty() || kinds.back() != line["kind"]) kinds.push_back(line["kind"]);
    }
    CHECK(kinds == std::vector<std::string>{"ratings", "sessions", "cases", "audit", "surveys"}); // the upload's order
    size_t compared = 0;
    for (size_t k = 0; k < sync::kOutboxKinds.size(); ++k) {
        for (const sync::OutboxItem& item : pending.items[k]) {
            INFO(sync::kOutboxKinds[k].key << " " << item.id);
            REQUIRE(inFile.count(item.id) == 1);
            CHECK(inFile[item.id]["kind"] == sync::kOutboxKinds[k].key);
            CHECK(inFile[item.id]["item"] == item.json);
            CHECK(inFile[item.id]["upload_status"] == "pending");
            CHECK(inFile[item.id]["last_error"].is_null());
            ++compared;
        }
    }
    CHECK(compared + 1 == f.records.size()); // and the rejected one:
    REQUIRE(inFile.count(rejected) == 1);
    CHECK(inFile[rejected]["upload_status"] == "rejected");
    CHECK(inFile[rejected]["last_error"] == "bad officer");
    CHECK(inFile.count(sent) == 0);
    CHECK(inFile.count(day.openSurveyId) == 0);
    CHECK(inFile[day.ratingIds[3]]["item"]["comment"] == "antrean \"panjang\" sekali, ruang tunggu panas");
    CHECK(inFile[day.caseId]["item"]["status"] == "rated");

    // Nothing marked: every row as it was, and a later sync still sends them; the export is audited.
    const auto statesAfter = uploadStates(st.database());
    for (const auto& [id, state] : statesBefore) CHECK(statesAfter.at(id) == state);
    CHECK(statesAfter.size() == statesBefore.size() + 1); // the export's own audit event
    CHECK(st.counts().pending == 2);
    CHECK(st.database().queryInt("SELECT count(*) FROM audit_events WHERE kind = 'ratings_exported'") == 1);
    CHECK(st.database().queryText("SELECT json_extract(detail, '$.surveys') || '/' || json_extract(detail, '$.ratings') FROM audit_events"
                                  " WHERE kind = 'ratings_exported'") == "2/3");
    int files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir / "usb")) ++files;
    CHECK(files == 1); // no .part left behind
}

TEST_CASE("export to a missing or full stick says so, leaves nothing behind and changes nothing", "[export][tmpfs]")
{
    test::TempDir dir;
    store::ManualClock clock(1'764'400'000'000);
    store::RatingStore st(optionsIn(dir / "data", &clock));
    for (int i = 0; i < 400; ++i) {
        auto p = st.stamp(i % 4 + 1);
        p.comment = std::string(300, 'k'); // a few hundred KB of export
        REQUIRE(st.commit(p).ok);
    }
    const auto statesBefore = uploadStates(st.database());
    const int64_t auditBefore = st.database().queryInt("SELECT count(*) FROM audit_events");

    CHECK_THROWS_WITH(store::exportUnsent(st, dir / "no-stick", {"skm-export1", kSecret}), Catch::Contains("no export directory") && Catch::Contains("no-stick"));
    CHECK_THROWS_WITH(store::exportUnsent(st, dir / "data", {"", ""}), Catch::Contains("provision"));

    test::TmpfsMount stick(dir / "usb", 64 * 1024); // a stick with 64 KiB free
    try {
        (void)store::exportUnsent(st, dir / "usb", {"skm-export1", kSecret});
        FAIL("an export larger than the stick must be refused");
    } catch (const store::ExportError& e) {
        CHECK_THAT(e.what(), Catch::Contains("the USB stick is full"));
    }
    int files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir / "usb")) ++files;
    CHECK(files == 0); // the partial file is removed: a file on the stick is always a whole export
    CHECK(uploadStates(st.database()) == statesBefore);
    CHECK(st.database().queryInt("SELECT count(*) FROM audit_events") == auditBefore); // no export recorded
    CHECK(st.counts().pending == 400);
}

TEST_CASE("skm-kiosk export writes the signed file and says what it holds, and an unprovisioned kiosk is refused", "[export][cli]")
{
    test::TempDir dir;
    const auto kiosk = (test::binDir() / "skm-kiosk").string();
    std::filesystem::create_directories(dir / "usb");
    auto r = test::run({kiosk, "export", (dir / "usb").string(), "--data-dir", (dir / "data").string()});
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::Contains("nothing exported") && Catch::Contains("not provisioned") && Catch::Contains("skm-kiosk provision"));
    CHECK(std::filesystem::is_empty(dir / "usb"));

    sync::Provisioning p;
    p.centralUrl = "http://127.0.0.1:9";
    p.deviceId = "loket-09";
    p.secret = kSecret;
    sync::installProvisioning(p, dir / "data");
    {
        store::ManualClock clock(1'764'400'000'000);
        store::StoreOptions o = optionsIn(dir / "data", &clock);
        o.deviceId = "loket-09";
        store::RatingStore st(o);
        REQUIRE(st.commit(st.stamp(4)).ok);
    }
    r = test::run({kiosk, "export", (dir / "usb").string(), "--data-dir", (dir / "data").string()});
    CHECK(r.exitCode == 0);
    CHECK_THAT(r.out, Catch::Contains("exported to " + (dir / "usb").string() + "/skm-export-loket-09-") &&
                          Catch::Contains(": 1 rating, 0 survey responses, 0 cases, 0 officer sessions, 0 audit events (signed as device loket-09)") &&
                          Catch::Contains("nothing is marked as sent"));
    r = test::run({kiosk, "export", (dir / "missing").string(), "--data-dir", (dir / "data").string()});
    CHECK(r.exitCode == 1);
    CHECK_THAT(r.err, Catch::Contains("no export directory"));
}
