// Sync against a real skm-central on 127.0.0.1: exactly-once delivery, updates after upload, refused
// requests (wrong secret, replay, skewed clock, malformed, oversized, unknown device), rejections kept.

#include "support/sync_fixture.hpp"
#include "support/test_pki.hpp"
#include "support/test_util.hpp"

#include <central/store/central_store.hpp>
#include <sync/http_sender.hpp>
#include <core/protocol.hpp>
#include <sync/provisioning.hpp>
#include <sync/uploader.hpp>

#include <kiosk/store/rating_json.hpp>

#include <catch2/catch.hpp>
#include <curl/curl.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <regex>

using namespace skm;
using test::Central;
using test::Kiosk;
using test::nowSeconds;
using test::signedUpload;

TEST_CASE("every rating reaches the central office exactly once, also when a batch is sent twice", "[sync]")
{
    test::TempDir dir;
    Central central(dir / "central");
    Kiosk kiosk(dir / "kiosk", central.addDevice("kiosk-01"));
    const auto ids = kiosk.rate(1200);

    auto r = kiosk.sync(500); // three batches
    INFO(r.error());
    CHECK(r.ok());
    CHECK(r.sent == 1200);
    CHECK(r.pendingLeft == 0);
    auto rep = central.report();
    CHECK(rep["ratings_total"] == 1200);
    CHECK(rep["devices"]["kiosk-01"]["ratings"] == 1200);
    CHECK(rep["devices"]["kiosk-01"]["suppressed"] == 71); // i % 17 == 0 for i < 1200

    r = kiosk.sync(); // nothing left
    CHECK(r.ok());
    CHECK(r.sent == 0);

    // A crash after the server stored a batch but before the kiosk marked it: the rows are still
    // pending and go again; the server answers duplicate and counts them once.
    kiosk.st->database().exec("UPDATE ratings SET upload_status = 'pending' WHERE seq % 3 = 0");
    r = kiosk.sync();
    CHECK(r.ok());
    CHECK(r.sent == 400);
    CHECK(central.report()["ratings_total"] == 1200);
    CHECK(kiosk.st->counts().sent == 1200);
}

TEST_CASE("a reason or comment added after the upload reaches the central office", "[sync]")
{
    test::TempDir dir;
    Central central(dir / "central");
    Kiosk kiosk(dir / "kiosk", central.addDevice("kiosk-02"));
    const auto ids = kiosk.rate(3);
    REQUIRE(kiosk.sync().ok());
    REQUIRE(kiosk.st->update({ids[1], store::RatingUpdate::Field::Comment, "antri lama", "id"}).ok);
    CHECK(kiosk.st->counts().pending == 1); // back in the outbox
    const auto r = kiosk.sync();
    CHECK(r.ok());
    CHECK(r.sent == 1);
    store::Database db((dir / "central" / "central.db").string(), SQLITE_OPEN_READONLY);
    CHECK(db.queryText("SELECT comment FROM ratings WHERE id = '" + ids[1] + "'") == "antri lama");
    CHECK(db.queryInt("SELECT count(*) FROM ratings") == 3);
}

TEST_CASE("forged, replayed, skewed, malformed and oversized requests are refused and store nothing", "[sync][security]")
{
    test::TempDir dir;
    Central central(dir / "central");
    const auto good = central.addDevice("kiosk-03");
    Kiosk kiosk(dir / "kiosk", good);
    kiosk.rate(1);
    nlohmann::json ratings = nlohmann::json::array();
    ratings.push_back(store::selectRatingsJson(kiosk.st->database(), "1")[0].json);
    const std::string body = nlohmann::json{{"protocol", 1}, {"device_id", "kiosk-03"}, {"batch_id", "b"}, {"ratings", ratings}}.dump();
    auto send = [](const sync::HttpRequest& r) { return sync::curlSend(r); };
    auto error = [](const sync::HttpResponse& r) { return nlohmann::json::parse(r.body, nullptr, false).value("error", ""); };

    sync::Provisioning wrong = good;
    wrong.secret = protocol::newSecret();
    auto r = send(signedUpload(wrong, body, nowSeconds(), protocol::randomHex(16)));
    CHECK(r.status == 401);
    CHECK(error(r) == "unauthorized"); // the same answer as an unknown device's: ids cannot be probed

    sync::Provisioning stranger = good;
    stranger.deviceId = "kiosk-unknown";
    r = send(signedUpload(stranger, body, nowSeconds(), protocol::randomHex(16)));
    CHECK(r.status == 401);
    CHECK(error(r) == "unauthorized");

    r = send(signedUpload(good, body, nowSeconds() - 600, protocol::randomHex(16)));
    CHECK(r.status == 401);
    CHECK(error(r) == "clock_skew");
    const auto answer = nlohmann::json::parse(r.body);
    CHECK(std::abs(answer["server_time"].get<int64_t>() - nowSeconds()) < 5); // the device corrects its offset from this

    r = send(signedUpload(good, body, nowSeconds(), protocol::randomHex(16), false)); // not gzip
    CHECK(r.status == 400);
    CHECK(error(r) == "malformed");

    r = send(signedUpload(good, R"({"protocol":1,"device_id":"kiosk-03","ratings":"many"})", nowSeconds(), protocol::randomHex(16)));
    CHECK(r.status == 400);

    // A field of another type is a malformed body (400), not a failure of the server (500).
    for (const char* wrongType : {R"({"protocol":"1","device_id":"kiosk-03","ratings":[]})", R"({"protocol":1.7,"device_id":"kiosk-03","ratings":[]})",
                                  R"({"protocol":1,"device_id":7,"ratings":[]})", R"({"protocol":1,"device_id":null,"ratings":[]})"}) {
        INFO(wrongType);
        r = send(signedUpload(good, wrongType, nowSeconds(), protocol::randomHex(16)));
        CHECK(r.status == 400);
        CHECK(error(r) == "malformed");
    }

    std::string huge(protocol::kMaxBodyBytes + 1024, 'x');
    r = send(signedUpload(good, huge, nowSeconds(), protocol::randomHex(16), false));
    CHECK(r.status == 413);

    CHECK(central.report()["ratings_total"] == 0); // nothing stored by any of them

    const std::string nonce = protocol::randomHex(16);
    const auto once = signedUpload(good, body, nowSeconds(), nonce);
    r = send(once);
    CHECK(r.status == 200);
    r = send(once); // the same request again
    CHECK(r.status == 409);
    CHECK(error(r) == "replay");
    CHECK(central.report()["ratings_total"] == 1);

    CHECK(kiosk.sync().ok()); // the server is still healthy for honest requests
}

TEST_CASE("a rating the central office refuses is kept, rejected, with the reason", "[sync]")
{
    test::TempDir dir;
    Central central(dir / "central");
    Kiosk kiosk(dir / "kiosk", central.addDevice("kiosk-04"));
    kiosk.rate(2);
    // A rating that names another device (a database copied from another kiosk) is refused.
    kiosk.st->database().exec("UPDATE ratings SET device_id = 'skm-oldid' WHERE seq = 1");
    const auto r = kiosk.sync();
    CHECK(r.ok()); // nothing pending is left: the run completed
    CHECK(r.sent == 1);
    CHECK(r.rejected == 1);
    CHECK(kiosk.st->counts().rejected == 1);
    CHECK(kiosk.st->database().queryText("SELECT last_error FROM ratings WHERE seq = 1") == "device_id does not match the signing device");
    CHECK(kiosk.st->counts().total == 2); // never deleted
}

TEST_CASE("skm-sync refuses a damaged database with exit status 3, sends nothing, and leaves it for the kiosk", "[sync][cli][corrupt]")
{
    test::TempDir dir;
    Central central(dir / "central");
    Kiosk kiosk(dir / "kiosk", central.addDevice("kiosk-dmg")); // the running kiosk, holding its instance lock
    kiosk.rate(20);
    for (int i = 0; i < 300; ++i) REQUIRE(kiosk.st->recordEvent("test_event", "{\"pad\":\"" + std::string(60, 'x') + "\"}") == SQLITE_OK);
    kiosk.st->database().exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const auto dbPath = kiosk.st->dbPath();
    test::scramblePage(dbPath, kiosk.st->database().queryInt("SELECT pageno FROM dbstat WHERE name = 'store_events' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 1"));
    const auto before = test::readBytes(dbPath);

    const auto r = test::run({(test::binDir() / "skm-sync").string(), "--once", "--data-dir", (dir / "kiosk").string()});
    CHECK(r.exitCode == 3);
    CHECK_THAT(r.err, Catch::Contains("nothing sent") && Catch::Contains(dbPath.string() + " is damaged") && Catch::Contains("left untouched") &&
                          Catch::Contains("Restart the kiosk"));
    CHECK(test::readBytes(dbPath) == before);
    for (const auto& e : std::filesystem::directory_iterator(dbPath.parent_path())) CHECK(e.path().filename().string().find("corrupt") == std::string::npos);
    CHECK(central.report()["ratings_total"] == 0);
    // The kiosk goes on: its next rating is in skm.db, where the sync after its restart will read it.
    auto p = kiosk.st->stamp(4);
    REQUIRE(kiosk.st->commit(p).ok);
    store::Database fresh(dbPath.string(), SQLITE_OPEN_READONLY);
    CHECK(fresh.queryInt("SELECT count(*) FROM ratings WHERE id = '" + p.id + "'") == 1);
    const auto help = test::run({(test::binDir() / "skm-sync").string(), "--help"});
    CHECK_THAT(help.out, Catch::Contains("3 the kiosk's database is damaged"));
}

TEST_CASE("skm-sync --once: exit 0 when all is sent, 1 when the office is unreachable, 2 unprovisioned", "[sync][cli]")
{
    test::TempDir dir;
    const auto syncBin = (test::binDir() / "skm-sync").string();
    auto r = test::run({syncBin, "--once", "--data-dir", (dir / "kiosk").string()});
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::Contains("not provisioned") && Catch::Contains("skm-kiosk provision"));

    sync::Provisioning p;
    {
        Central central(dir / "central");
        p = central.addDevice("kiosk-05");
        const auto file = dir / "central" / "kiosk-05.json";
        const auto kiosk = (test::binDir() / "skm-kiosk").string();
        {
            // Two taps before the kiosk was provisioned, under the id it made for itself.
            store::StoreOptions o;
            o.dataDir = dir / "kiosk";
            o.deviceId = store::loadOrCreateDeviceId(o.dataDir);
            REQUIRE(o.deviceId != "kiosk-05");
            store::RatingStore st(o);
            for (int s = 1; s <= 2; ++s) REQUIRE(st.commit(st.stamp(s)).ok);
        }
        r = test::run({kiosk, "provision", file.string(), "--data-dir", (dir / "kiosk").string()});
        REQUIRE(r.exitCode == 0);
        CHECK_THAT(r.out, Catch::Contains("2 records made before provisioning will be uploaded as kiosk-05"));
        {
            store::StoreOptions o;
            o.dataDir = dir / "kiosk";
            o.deviceId = "kiosk-05";
            store::RatingStore st(o);
            for (int s = 1; s <= 4; ++s) REQUIRE(st.commit(st.stamp(s)).ok);
        }
        r = test::run({syncBin, "--once", "--data-dir", (dir / "kiosk").string()});
        CHECK(r.exitCode == 0);
        CHECK_THAT(r.out, Catch::Contains("sent 6, rejected 0, pending 0"));
        CHECK(central.report()["ratings_total"] == 6);
        const auto status = nlohmann::json::parse(test::run({kiosk, "status", "--json", "--data-dir", (dir / "kiosk").string()}).out);
        CHECK(status["sent"] == 6);
        CHECK(status["device_id"] == "kiosk-05");
        CHECK(status["last_sync"]["ok"] == true);
        store::StoreOptions o;
        o.dataDir = dir / "kiosk";
        o.deviceId = "kiosk-05";
        store::RatingStore st(o);
        REQUIRE(st.commit(st.stamp(2)).ok);
    }
    r = test::run({syncBin, "--once", "--data-dir", (dir / "kiosk").string(), "--deadline", "2"}); // the office is gone
    CHECK(r.exitCode == 1);
    CHECK_THAT(r.out, Catch::Contains("pending 1") && Catch::Contains("network"));
}

TEST_CASE("TLS: the central office's certificate is verified against the provisioned CA, and the pin", "[sync][tls]")
{
    test::TempDir dir;
    test::TestPki pki(dir / "pki");
    Central central(dir / "central", {"--tls-cert", pki.path("server.pem"), "--tls-key", pki.path("server.key")});
    REQUIRE(central.url().rfind("https://", 0) == 0);

    SECTION("the right CA: delivered")
    {
        Kiosk kiosk(dir / "kiosk", central.addDevice("kiosk-tls", {"--ca", pki.path("ca.pem")}));
        kiosk.rate(5);
        const auto r = kiosk.sync();
        INFO(r.error());
        CHECK(r.ok());
        CHECK(central.report()["ratings_total"] == 5);
        // Browsers are told to keep to HTTPS.
        auto health = sync::curlSend(sync::HttpRequest{"GET", central.url() + "/v1/health", {}, "", test::readFile(pki.path("ca.pem")), "", 0});
        CHECK(health.status == 200);
        CHECK(health.headers["strict-transport-security"] == "max-age=31536000");
        // Clients that hang up over TLS before the answer is written (a kiosk whose pin check failed
        // does): the server writes into a closed socket, and must live on (SIGPIPE ended it).
        const std::string port = std::to_string(test::portOf(central.url()));
        for (int i = 0; i < 20; ++i) {
            (void)test::run({"/bin/sh", "-c", "printf 'GET /login HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n' | timeout 5 openssl s_client -quiet -no_ign_eof -connect 127.0.0.1:" +
                                                  port + " >/dev/null 2>&1"});
        }
        health = sync::curlSend(sync::HttpRequest{"GET", central.url() + "/v1/health", {}, "", test::readFile(pki.path("ca.pem")), "", 0});
        CHECK(health.status == 200);
    }
    SECTION("the right CA and the right pin: delivered")
    {
        Kiosk kiosk(dir / "kiosk", central.addDevice("kiosk-pin", {"--ca", pki.path("ca.pem"), "--pin", pki.pin}));
        kiosk.rate(2);
        const auto r = kiosk.sync();
        INFO(r.error());
        CHECK(r.ok());
    }
    SECTION("the wrong CA: refused at once, an alert, nothing sent, no retry loop")
    {
        Kiosk kiosk(dir / "kiosk", central.addDevice("kiosk-wrongca", {"--ca", pki.path("other-ca.pem")}));
        kiosk.rate(3);
        const auto start = std::chrono::steady_clock::now();
        const auto r = kiosk.sync();
        CHECK_FALSE(r.ok());
        CHECK_THAT(r.error(), Catch::Contains("TLS verification failed"));
        CHECK(r.requests == 1);
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20)); // not the 5-minute retry deadline
        CHECK(kiosk.st->counts().pending == 3);
        CHECK(central.report()["ratings_total"] == 0);
    }
    SECTION("the right CA but the wrong pin: refused")
    {
        Kiosk kiosk(dir / "kiosk", central.addDevice("kiosk-wrongpin", {"--ca", pki.path("ca.pem"), "--pin", "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}));
        kiosk.rate(1);
        const auto r = kiosk.sync();
        CHECK_THAT(r.error(), Catch::Contains("TLS verification failed"));
        CHECK(kiosk.st->counts().pending == 1);
    }
}
