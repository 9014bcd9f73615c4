// Sync of everything besides the ratings' first delivery, against a real skm-central on 127.0.0.1:
// officer sessions, cases and audit events; changes made while an upload is in flight; the
// per-device hash chain verified by the central office (gaps, breaks, restarts); central.db's
// schema migrations.

#include "support/sync_fixture.hpp"
#include "support/test_util.hpp"

#include <central/reports/office_report.hpp>
#include <central/store/schema.hpp>
#include <kiosk/roster/duty.hpp>
#include <core/pin.hpp>
#include <kiosk/roster/roster_store.hpp>
#include <kiosk/store/migrations.hpp>

#include <catch2/catch.hpp>

#include <fstream>

using namespace skm;
using test::Central;
using test::Kiosk;

namespace {

roster::Roster demoRoster()
{
    roster::Roster r;
    r.version = "t";
    r.officers = {{"198503302010011002", "Budi Santoso", "Perizinan", roster::hashPin("2468")}};
    r.services = {{"nib", "NIB", "NIB"}, {"kk", "Kartu Keluarga", "Family card"}};
    return r;
}

store::Database centralDb(const std::filesystem::path& dir) { return store::Database((dir / "central.db").string(), SQLITE_OPEN_READONLY); }

} // namespace

TEST_CASE("officer sessions, cases and audit events reach the central office, and so do their later changes", "[sync][events]")
{
    test::TempDir dir;
    Central central(dir / "central");
    Kiosk kiosk(dir / "kiosk", central.addDevice("kiosk-ev"));
    roster::replaceRoster(kiosk.st->database(), demoRoster(), 0);
    roster::Duty duty(*kiosk.st, "Loket 1");
    const roster::Roster r = demoRoster();
    duty.start(r.officers[0]);
    REQUIRE(kiosk.st->recordAudit("signin_ok", r.officers[0].nip, R"({"method":"keypad"})") == SQLITE_OK);
    const std::string caseId = duty.logCase("nib", std::string("A-017")).id;

    auto result = kiosk.sync();
    INFO(result.error());
    REQUIRE(result.ok());
    CHECK(result.eventsSent >= 3); // the session, the case, the audit event(s)
    CHECK(result.eventsPendingLeft == 0);
    {
        auto db = centralDb(dir / "central");
        CHECK(db.queryText("SELECT status FROM cases WHERE id = '" + caseId + "'") == "open");
        CHECK(db.queryText("SELECT json_extract(body, '$.ticket') FROM cases") == "A-017");
        CHECK(db.queryText("SELECT state FROM sessions") == "active");
        CHECK(db.queryInt("SELECT json_array_length(body, '$.events') FROM sessions") == 1);
        CHECK(db.queryInt("SELECT count(*) FROM audit_events WHERE kind = 'signin_ok' AND nip = '198503302010011002'") == 1);
        CHECK(db.queryText("SELECT json_extract(body, '$.detail.method') FROM audit_events WHERE kind = 'signin_ok'") == "keypad");
    }

    // The citizen rates the case; the officer takes a break. Both rows go up again, as updates.
    store::PendingRating p = kiosk.st->stamp(4);
    duty.attribute(p);
    REQUIRE(kiosk.st->commit(p).ok);
    duty.ratingCommitted(p);
    duty.takeBreak();
    CHECK(kiosk.st->database().queryInt("SELECT count(*) FROM cases WHERE upload_status = 'pending'") == 1);
    CHECK(kiosk.st->database().queryInt("SELECT count(*) FROM officer_sessions WHERE upload_status = 'pending'") == 1);
    result = kiosk.sync();
    REQUIRE(result.ok());
    CHECK(result.sent == 1);
    CHECK(result.eventsSent == 2);
    {
        auto db = centralDb(dir / "central");
        CHECK(db.queryText("SELECT status || ' ' || rating_id FROM cases") == "rated " + p.id);
        CHECK(db.queryText("SELECT officer_nip || ' ' || case_id FROM ratings") == r.officers[0].nip + " " + caseId);
        CHECK(db.queryText("SELECT state FROM sessions") == "break");
        CHECK(db.queryInt("SELECT json_array_length(body, '$.events') FROM sessions") == 2);
        CHECK(db.queryInt("SELECT count(*) FROM cases") == 1);
        CHECK_FALSE(db.queryText("SELECT updated_at_ms FROM cases").empty());
    }

    // Nothing new: nothing sent. Delivered twice (a crash before marking): counted once.
    result = kiosk.sync();
    CHECK(result.ok());
    CHECK(result.eventsSent == 0);
    kiosk.st->database().exec("UPDATE cases SET upload_status = 'pending'");
    kiosk.st->database().exec("UPDATE audit_events SET upload_status = 'pending'");
    result = kiosk.sync();
    CHECK(result.ok());
    const auto rep = central.report();
    CHECK(rep["cases_total"] == 1);
    CHECK(rep["sessions_total"] == 1);
    CHECK(rep["devices"]["kiosk-ev"]["cases"] == 1);
    CHECK(rep["audit_total"] == kiosk.st->database().queryInt("SELECT count(*) FROM audit_events"));
}

TEST_CASE("an event the central office refuses is kept on the kiosk, rejected, with the reason", "[sync][events]")
{
    test::TempDir dir;
    Central central(dir / "central");
    Kiosk kiosk(dir / "kiosk", central.addDevice("kiosk-evr"));
    REQUIRE(kiosk.st->recordAudit("note", std::nullopt, "{}") == SQLITE_OK);
    REQUIRE(kiosk.st->recordAudit(std::string(40, 'k'), std::nullopt, "{}") == SQLITE_OK); // a kind longer than the protocol allows
    const auto result = kiosk.sync();
    CHECK(result.eventsSent == 1);
    CHECK(result.eventsRejected == 1);
    CHECK(result.eventsPendingLeft == 0);
    CHECK(kiosk.st->database().queryText("SELECT last_error FROM audit_events WHERE upload_status = 'rejected'") ==
          "kind must be text of at most 32 characters");
    CHECK(central.report()["audit_total"] == 1);
}

TEST_CASE("a change made while its upload is in flight is sent again, not lost", "[sync][events]")
{
    test::TempDir dir;
    Central central(dir / "central");
    Kiosk kiosk(dir / "kiosk", central.addDevice("kiosk-race"));
    const auto ids = kiosk.rate(3);
    bool changed = false;
    auto send = [&](const sync::HttpRequest& req) {
        sync::HttpResponse resp = sync::curlSend(req);
        if (!changed && req.method == "POST") {
            // The citizen adds a comment after the batch left and before its answer is marked.
            changed = true;
            REQUIRE(kiosk.st->update({ids[2], store::RatingUpdate::Field::Comment, "ditambahkan saat unggah", "id"}).ok);
        }
        return resp;
    };
    const auto result = sync::syncOnce(*kiosk.st, kiosk.prov, send);
    CHECK(result.ok());
    // The changed row was not marked sent by the first answer (it answered for the revision sent), so
    // it went again in a second request; the other two were marked once.
    CHECK(result.requests == 2);
    CHECK(result.sent == 3);
    CHECK(kiosk.st->database().queryInt("SELECT count(*) FROM ratings WHERE upload_status = 'sent'") == 3);
    auto db = centralDb(dir / "central");
    CHECK(db.queryText("SELECT comment FROM ratings WHERE id = '" + ids[2] + "'") == "ditambahkan saat unggah");
}

TEST_CASE("the central office verifies each device's hash chain and reports gaps, breaks and restarts", "[sync][chain]")
{
    test::TempDir dir;
    Central central(dir / "central");
    const auto prov = central.addDevice("kiosk-chain");
    Kiosk kiosk(dir / "kiosk", prov);
    kiosk.rate(10);
    REQUIRE(kiosk.sync().ok());
    auto chain = central.report()["devices"]["kiosk-chain"]["chain"];
    INFO(chain.dump());
    CHECK(chain["ok"] == true);
    CHECK(chain["checked"] == 10);
    CHECK(chain["linked"] == 10);

    // Someone with access to the kiosk's file deletes a rating and improves another before upload.
    kiosk.rate(5); // chain positions 11..15
    kiosk.st->database().exec("DELETE FROM ratings WHERE seq = 12");
    kiosk.st->database().exec("UPDATE ratings SET score = CASE score WHEN 4 THEN 3 ELSE 4 END WHERE seq = 14");
    REQUIRE(kiosk.sync().ok());
    chain = central.report()["devices"]["kiosk-chain"]["chain"];
    INFO(chain.dump());
    CHECK(chain["ok"] == false);
    CHECK(chain["checked"] == 14);
    CHECK(chain["gap_count"] == 1);
    CHECK(chain["missing"] == 1);
    CHECK(chain["gaps"][0]["from"] == 12);
    CHECK(chain["gaps"][0]["to"] == 12);
    CHECK(chain["break_count"] == 1);
    CHECK(chain["breaks"][0]["chain_seq"] == 15); // its predecessor arrived, but not as it was chained
    CHECK(chain["restarts"] == 0);

    // The kiosk's database is replaced (moved aside as corrupt, or a new SD card): a new chain starts.
    Kiosk fresh(dir / "kiosk2", prov);
    fresh.rate(3);
    REQUIRE(fresh.sync().ok());
    chain = central.report()["devices"]["kiosk-chain"]["chain"];
    INFO(chain.dump());
    CHECK(chain["restarts"] == 1);
    CHECK(chain["checked"] == 17);
    CHECK(chain["gap_count"] == 1); // the same gap, no new one: positions 1..3 of the new chain link up
    CHECK(chain["break_count"] == 1);
}

TEST_CASE("central.db migrates forward keeping its data, and a newer one is refused untouched", "[central][migrations]")
{
    test::TempDir dir;
    const auto data = dir / "central";
    std::filesystem::create_directories(data);
    {
        // A central.db as the first skm-central wrote it (schema 1), with a device and a rating.
        store::Database db((data / "central.db").string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        db.exec(R"sql(
CREATE TABLE devices (id TEXT PRIMARY KEY, secret TEXT NOT NULL, added_at_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE nonces (device_id TEXT NOT NULL, nonce TEXT NOT NULL, at_s INTEGER NOT NULL, PRIMARY KEY (device_id, nonce)) WITHOUT ROWID;
CREATE TABLE ratings (id TEXT PRIMARY KEY, device_id TEXT NOT NULL, score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 4),
    created_wall_ms INTEGER NOT NULL, created_mono_ms INTEGER NOT NULL, boot_id TEXT NOT NULL, counter TEXT NOT NULL, officer_nip TEXT,
    case_id TEXT, service_code TEXT, reasons TEXT, comment TEXT, suppressed INTEGER NOT NULL, language TEXT NOT NULL, scope TEXT NOT NULL,
    received_at_ms INTEGER NOT NULL, updated_at_ms INTEGER) WITHOUT ROWID;
INSERT INTO devices VALUES ('old-kiosk', '00', 1);
INSERT INTO ratings VALUES ('0190a1b2-0000-7000-8000-000000000001', 'old-kiosk', 3, 1, 2, 'b', 'Loket 1', NULL, NULL, NULL, NULL, NULL, 0, 'id', 'counter', 5, NULL);
PRAGMA user_version = 1;
)sql");
    }
    {
        central::CentralStore store(data);
        CHECK(store.database().queryInt("PRAGMA user_version") == central::latestCentralSchema());
        const auto rep = [&] {
            const auto reader = store.openReader();
            return central::officeReport(*reader);
        }();
        CHECK(rep["ratings_total"] == 1);
        CHECK(rep["devices"]["old-kiosk"]["ratings"] == 1);
        CHECK(rep["devices"]["old-kiosk"]["chain"]["checked"] == 0); // received before the chain existed: not verified, not counted
        CHECK(rep["cases_total"] == 0);
    }
    {
        store::Database db((data / "central.db").string(), SQLITE_OPEN_READWRITE);
        db.exec("PRAGMA user_version = " + std::to_string(central::latestCentralSchema() + 1));
    }
    const auto before = test::readFile(data / "central.db");
    const auto r = test::run({(test::binDir() / "skm-central").string(), "report", "--data-dir", data.string()});
    CHECK(r.exitCode == 1);
    CHECK_THAT(r.err, Catch::Contains("newer than this skm-central understands"));
    CHECK(test::readFile(data / "central.db") == before);
}
