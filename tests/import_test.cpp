// `skm-central import` of a kiosk's USB export, with the real binaries: an offline kiosk replaced
// through a file with nothing lost and nothing counted twice (a later sync answers duplicate), and
// files that are changed, signed with another device's secret, from an unknown device, cut short or
// not exports at all refused with nothing stored.

#include "support/kiosk_day.hpp"
#include "support/sync_fixture.hpp"
#include "support/test_util.hpp"

#include <kiosk/store/export.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <set>

using namespace skm;
using test::Central;
using test::Kiosk;

namespace {

test::CommandResult importFile(const std::filesystem::path& file, const std::filesystem::path& centralDir)
{
    return test::run({(test::binDir() / "skm-central").string(), "import", file.string(), "--data-dir", centralDir.string()});
}

// Rows per table on the central office (read on a connection of its own, as a report would).
std::map<std::string, int64_t> centralRows(const std::filesystem::path& centralDir)
{
    store::Database db((centralDir / "central.db").string(), SQLITE_OPEN_READONLY);
    std::map<std::string, int64_t> out;
    for (const char* table : {"ratings", "sessions", "cases", "audit_events", "survey_responses"}) {
        out[table] = db.queryInt(std::string("SELECT count(*) FROM ") + table);
    }
    return out;
}

const std::map<std::string, int64_t> kNothing = {{"ratings", 0}, {"sessions", 0}, {"cases", 0}, {"audit_events", 0}, {"survey_responses", 0}};

std::filesystem::path onlyFileIn(const std::filesystem::path& dir)
{
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path());
    REQUIRE(files.size() == 1);
    return files[0];
}

// The ids of the records in an export file, by kind.
std::map<std::string, std::set<std::string>> idsIn(const std::filesystem::path& file)
{
    std::map<std::string, std::set<std::string>> out;
    std::istringstream in(test::readFile(file));
    std::string line;
    while (std::getline(in, line)) {
        const auto j = nlohmann::json::parse(line);
        if (j.contains("item")) out[j["kind"].get<std::string>()].insert(j["item"]["id"].get<std::string>());
    }
    return out;
}

} // namespace

TEST_CASE("an offline kiosk replaced through a USB export: everything reaches the central office once, and a later sync counts nothing twice",
          "[export][import][sync]")
{
    test::TempDir dir;
    Central central(dir / "central");
    Kiosk kiosk(dir / "kiosk", central.addDevice("loket-03")); // no network at its site: it never synced
    const test::KioskDay day = test::recordKioskDay(*kiosk.st);
    const int64_t audit = kiosk.st->database().queryInt("SELECT count(*) FROM audit_events");

    // 1. On the old kiosk: the export onto the stick. Nothing is marked as sent.
    std::filesystem::create_directories(dir / "usb");
    auto r = test::run({(test::binDir() / "skm-kiosk").string(), "export", (dir / "usb").string(), "--data-dir", (dir / "kiosk").string()});
    REQUIRE(r.exitCode == 0);
    CHECK_THAT(r.out, Catch::Contains(": 4 ratings, 2 survey responses, 1 case, 1 officer session, " + std::to_string(audit) + " audit events"));
    const auto file = onlyFileIn(dir / "usb");
    CHECK(kiosk.st->database().queryInt("SELECT (SELECT count(*) FROM ratings WHERE upload_status <> 'pending')"
                                        " + (SELECT count(*) FROM officer_sessions WHERE upload_status <> 'pending')"
                                        " + (SELECT count(*) FROM cases WHERE upload_status <> 'pending')"
                                        " + (SELECT count(*) FROM survey_responses WHERE upload_status <> 'pending')"
                                        " + (SELECT count(*) FROM audit_events WHERE upload_status <> 'pending')") == 0);

    // 2. At the central office: the import, with its summary.
    r = importFile(file, dir / "central");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK_THAT(r.out, Catch::Contains("device loket-03") && Catch::Contains("signature verified"));
    CHECK_THAT(r.out, Catch::Contains("ratings: 4 stored, 0 duplicate, 0 updated, 0 rejected"));
    CHECK_THAT(r.out, Catch::Contains("sessions: 1 stored, 0 duplicate"));
    CHECK_THAT(r.out, Catch::Contains("cases: 1 stored, 0 duplicate"));
    CHECK_THAT(r.out, Catch::Contains("surveys: 2 stored, 0 duplicate"));
    CHECK_THAT(r.out, Catch::Contains("audit: " + std::to_string(audit) + " stored, 0 duplicate"));

    // 3. The central office's report holds everything once, as the kiosk recorded it.
    auto rep = central.report();
    CHECK(rep["ratings_total"] == 4);
    CHECK(rep["sessions_total"] == 1);
    CHECK(rep["cases_total"] == 1);
    CHECK(rep["audit_total"] == audit);
    CHECK(rep["devices"]["loket-03"]["chain"]["ok"] == true); // the chain arrived whole: 1..4, linked
    CHECK(rep["devices"]["loket-03"]["chain"]["linked"] == 4);
    CHECK(rep["ikm"]["complete_responses"] == 1);
    CHECK(rep["ikm"]["incomplete_responses"] == 1);
    CHECK(centralRows(dir / "central")["survey_responses"] == 2);
    {
        store::Database db((dir / "central" / "central.db").string(), SQLITE_OPEN_READONLY);
        CHECK(db.queryText("SELECT comment FROM ratings WHERE id = '" + day.ratingIds[3] + "'") == "antrean \"panjang\" sekali, ruang tunggu panas");
        CHECK(db.queryText("SELECT officer_nip || ' ' || case_id || ' ' || reasons FROM ratings WHERE id = '" + day.ratingIds[0] + "'") ==
              "198503302010011002 " + day.caseId + " [\"cepat\",\"ramah\"]");
        CHECK(db.queryText("SELECT status || ' ' || rating_id FROM cases") == "rated " + day.ratingIds[0]);
        CHECK(db.queryText("SELECT state FROM sessions") == "break");
    }

    // 4. The kiosk reaches the network after all (or the replacement never happened): its sync sends
    //    everything again, and the central office answers every record of the file "duplicate".
    std::map<std::string, std::map<std::string, std::string>> answers; // kind -> id -> status
    sync::SyncOptions o;
    const auto result = sync::syncOnce(*kiosk.st, kiosk.prov,
                                       [&](const sync::HttpRequest& req) {
                                           sync::HttpResponse resp = sync::curlSend(req);
                                           const auto j = nlohmann::json::parse(resp.body, nullptr, false);
                                           if (resp.status == 200 && j.is_object() && req.url.find(protocol::kUploadPath) != std::string::npos) {
                                               for (const char* kind : protocol::kItemKinds) {
                                                   const char* key = std::string(kind) == "ratings" ? "results" : kind;
                                                   if (!j.contains(key)) continue;
                                                   for (const auto& a : j[key]) answers[kind][a["id"].get<std::string>()] = a["status"].get<std::string>();
                                               }
                                           }
                                           return resp;
                                       },
                                       o);
    INFO(result.error());
    CHECK(result.ok());
    auto exported = idsIn(file);
    for (const auto& [kind, ids] : exported) {
        for (const std::string& id : ids) {
            INFO(kind << " " << id);
            CHECK(answers[kind][id] == "duplicate");
        }
    }
    // What was not in the file (the export's own audit event, and what this sync recorded) is new.
    for (const auto& [kind, byId] : answers) {
        for (const auto& [id, status] : byId) {
            if (exported[kind].count(id)) continue;
            INFO(kind << " " << id);
            CHECK(kind == "audit");
            CHECK(status == "stored");
        }
    }
    CHECK(answers["audit"].size() > exported["audit"].size()); // ratings_exported went up too

    // 5. Nothing counted twice, nothing rewritten: the same totals, no row updated.
    rep = central.report();
    CHECK(rep["ratings_total"] == 4);
    CHECK(rep["sessions_total"] == 1);
    CHECK(rep["cases_total"] == 1);
    CHECK(rep["audit_total"] == kiosk.st->database().queryInt("SELECT count(*) FROM audit_events"));
    CHECK(rep["ikm"]["complete_responses"] == 1);
    CHECK(centralRows(dir / "central")["survey_responses"] == 2);
    store::Database db((dir / "central" / "central.db").string(), SQLITE_OPEN_READONLY);
    for (const char* table : {"ratings", "sessions", "cases", "survey_responses"}) {
        INFO(table);
        CHECK(db.queryInt(std::string("SELECT count(*) FROM ") + table + " WHERE updated_at_ms IS NOT NULL") == 0);
    }
    CHECK(kiosk.st->counts().pending == 0);
}

TEST_CASE("skm-central import refuses a changed, forged, unknown-device, cut-short or foreign file, stores nothing, and imports a good one once",
          "[export][import]")
{
    test::TempDir dir;
    Central central(dir / "central");
    const sync::Provisioning a = central.addDevice("loket-a");
    const sync::Provisioning b = central.addDevice("loket-b");
    Kiosk kiosk(dir / "kiosk", a);
    (void)test::recordKioskDay(*kiosk.st);
    auto exportTo = [&](const std::string& sub, const store::ExportKey& key) {
        std::filesystem::create_directories(dir / sub);
        return store::exportUnsent(*kiosk.st, dir / sub, key).file;
    };
    const auto good = exportTo("usb", {"loket-a", a.secret});
    const std::string text = test::readFile(good);
    auto variant = [&](const std::string& name, const std::string& content) {
        const auto path = dir / name;
        std::ofstream(path, std::ios::binary) << content;
        return path;
    };
    auto refused = [&](const std::filesystem::path& file, const std::string& why) {
        const auto r = importFile(file, dir / "central");
        INFO(file.filename().string() << ": " << r.out << r.err);
        CHECK(r.exitCode == 1);
        CHECK_THAT(r.err, Catch::Contains("import refused") && Catch::Contains(why));
        CHECK(centralRows(dir / "central") == kNothing);
    };

    // One byte changed in a record (a 4 becomes a 3), in the header, or in the signature itself.
    {
        std::string changed = text;
        const size_t at = changed.find("\"score\":4");
        REQUIRE(at != std::string::npos);
        changed[at + 8] = '3';
        refused(variant("score.jsonl", changed), "the signature does not match device 'loket-a'");
        changed = text;
        changed[changed.find("\"exported_at_ms\":") + 18] ^= 1;
        refused(variant("header.jsonl", changed), "the file was changed after it was exported");
        changed = text;
        changed[changed.rfind("\"signature\":\"") + 13] = changed[changed.rfind("\"signature\":\"") + 13] == 'a' ? 'b' : 'a';
        refused(variant("signature.jsonl", changed), "the signature does not match");
    }
    // Signed with another device's secret: loket-b cannot speak for loket-a.
    refused(exportTo("forged", {"loket-a", b.secret}), "not signed with this device's secret");
    // A device this central office never registered.
    refused(exportTo("unknown", {"loket-x", a.secret}), "device 'loket-x', which is not registered");
    // Cut short: mid-line, at a line boundary (the signature line lost), only the header left.
    refused(variant("half.jsonl", text.substr(0, text.size() / 2)), "was cut short");
    refused(variant("nosig.jsonl", text.substr(0, text.rfind('\n', text.size() - 2) + 1)), "was cut short");
    refused(variant("header-only.jsonl", text.substr(0, text.find('\n') + 1)), "was cut short");
    // Not an export at all, an empty file, and a version 1 file (unsigned: it cannot be told from a forgery).
    refused(variant("junk.jsonl", "PK\x03\x04 not an export\n"), "not an SKM export file");
    refused(variant("empty.jsonl", ""), "is empty");
    refused(variant("v1.jsonl", "{\"device_id\":\"loket-a\",\"exported_at_ms\":1,\"format\":\"skm-export\",\"ratings\":0,\"version\":1}\n"),
            "version 1 export");
    // A header whose fields are not what they say (read before the signature): refused as such, not a crash.
    refused(variant("types.jsonl", "{\"device_id\":\"loket-a\",\"exported_at_ms\":\"soon\",\"format\":\"skm-export\",\"protocol\":\"1\",\"version\":2}\n"),
            "not of protocol 1");
    refused(variant("nodevice.jsonl", "{\"device_id\":7,\"format\":\"skm-export\",\"protocol\":1,\"version\":2}\n"), "names no device");
    // A data directory with no central office in it: refused, and nothing created there.
    {
        const auto r = importFile(good, dir / "elsewhere");
        CHECK(r.exitCode == 1);
        CHECK_THAT(r.err, Catch::Contains("no central database in " + (dir / "elsewhere").string()));
        CHECK_FALSE(std::filesystem::exists(dir / "elsewhere" / "central.db"));
    }
    // A missing file is a usage error.
    CHECK(test::run({(test::binDir() / "skm-central").string(), "import", (dir / "nowhere.jsonl").string(), "--data-dir", (dir / "central").string()})
              .exitCode == 2);

    // The good file, twice: everything stored, then everything a duplicate.
    auto r = importFile(good, dir / "central");
    INFO(r.err);
    CHECK(r.exitCode == 0);
    CHECK_THAT(r.out, Catch::Contains("ratings: 4 stored, 0 duplicate, 0 updated, 0 rejected"));
    const auto once = centralRows(dir / "central");
    CHECK(once.at("ratings") == 4);
    r = importFile(good, dir / "central");
    CHECK(r.exitCode == 0);
    CHECK_THAT(r.out, Catch::Contains("ratings: 0 stored, 4 duplicate, 0 updated, 0 rejected"));
    CHECK_THAT(r.out, Catch::Contains("surveys: 0 stored, 2 duplicate"));
    CHECK_THAT(r.out, Catch::Contains("cases: 0 stored, 1 duplicate"));
    CHECK_THAT(r.out, Catch::Contains("sessions: 0 stored, 1 duplicate"));
    CHECK(centralRows(dir / "central") == once);
}

TEST_CASE("skm-central import applies a file's records with the upload's checks: a refused record is listed with its reason, exit 3", "[export][import]")
{
    test::TempDir dir;
    Central central(dir / "central");
    Kiosk kiosk(dir / "kiosk", central.addDevice("loket-r"));
    REQUIRE(kiosk.st->commit(kiosk.st->stamp(4)).ok);
    REQUIRE(kiosk.st->recordAudit(std::string(40, 'k'), std::nullopt, "{}") == SQLITE_OK); // a kind longer than the protocol allows
    std::filesystem::create_directories(dir / "usb");
    const auto file = store::exportUnsent(*kiosk.st, dir / "usb", {kiosk.prov.deviceId, kiosk.prov.secret}).file;
    const auto r = importFile(file, dir / "central");
    CHECK(r.exitCode == 3);
    CHECK_THAT(r.out, Catch::Contains("ratings: 1 stored") && Catch::Contains("audit: 0 stored, 0 duplicate, 0 updated, 1 rejected") &&
                          Catch::Contains("kind must be text of at most 32 characters") && Catch::Contains("records refused: 1"));
    CHECK(central.report()["ratings_total"] == 1);
}
