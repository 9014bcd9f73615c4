// The torture suite's central-office and recovery parts (docs/reliability.md), against a real
// skm-central on 127.0.0.1:
//   - hostile clients: a device posing as another, a gzip bomb, a flood of slow (slowloris)
//     connections: refused, nothing stored, and honest devices are served all the while;
//   - a kiosk database with damaged pages: what is salvaged goes up again and the central office
//     counts every rating once.

#include "support/attacker.hpp"
#include "support/sync_fixture.hpp"
#include "support/test_util.hpp"

#include <core/protocol.hpp>
#include <kiosk/store/rating_json.hpp>

#include <catch2/catch.hpp>
#include <sodium.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <regex>
#include <set>
#include <thread>

using namespace skm;
using test::Central;
using test::Kiosk;
using test::nowSeconds;
using test::signedUpload;

namespace {

int connectTo(int port) { return test::connectLoopback(port); }

std::string errorOf(const sync::HttpResponse& r) { return nlohmann::json::parse(r.body, nullptr, false).value("error", ""); }

} // namespace

TEST_CASE("torture: a device posing as another and a gzip bomb are refused and store nothing", "[torture][security]")
{
    test::TempDir dir;
    Central central(dir / "central");
    const auto a = central.addDevice("kiosk-a");
    (void)central.addDevice("kiosk-b");
    Kiosk kiosk(dir / "kiosk-a", a);
    kiosk.rate(3);
    auto send = [](const sync::HttpRequest& r) { return sync::curlSend(r); };

    // kiosk-a, correctly signed, claims to be kiosk-b in the body, then in the ratings.
    nlohmann::json ratings = nlohmann::json::array();
    for (const auto& row : store::selectRatingsJson(kiosk.st->database(), "10")) ratings.push_back(row.json);
    nlohmann::json body = {{"protocol", 1}, {"device_id", "kiosk-b"}, {"batch_id", "b1"}, {"ratings", ratings}};
    auto r = send(signedUpload(a, body.dump(), nowSeconds(), protocol::randomHex(16)));
    CHECK(r.status == 400);
    CHECK(errorOf(r) == "malformed");
    for (auto& x : ratings) x["device_id"] = "kiosk-b";
    body = {{"protocol", 1}, {"device_id", "kiosk-a"}, {"batch_id", "b2"}, {"ratings", ratings}};
    r = send(signedUpload(a, body.dump(), nowSeconds(), protocol::randomHex(16)));
    REQUIRE(r.status == 200);
    const auto answer = nlohmann::json::parse(r.body);
    REQUIRE(answer["results"].size() == 3);
    for (const auto& item : answer["results"]) {
        CHECK(item["status"] == "rejected");
        CHECK(item["reason"] == "device_id does not match the signing device");
    }

    // A gzip bomb: 4 KB on the wire, far more than the 32 MiB inflate limit once inflated.
    const std::string bomb = protocol::gzip(std::string(protocol::kMaxInflatedBytes + 1024 * 1024, ' '));
    CHECK(bomb.size() < protocol::kMaxBodyBytes);
    sync::HttpRequest req = signedUpload(a, "", nowSeconds(), protocol::randomHex(16));
    req.body = bomb;
    const int64_t ts = nowSeconds();
    const std::string nonce = protocol::randomHex(16);
    req.headers[protocol::kHeaderTimestamp] = std::to_string(ts);
    req.headers[protocol::kHeaderNonce] = nonce;
    req.headers[protocol::kHeaderSignature] = protocol::sign(a.secret, protocol::canonicalRequest("POST", protocol::kUploadPath, ts, nonce, bomb));
    r = send(req);
    CHECK(r.status == 400);
    CHECK(errorOf(r) == "malformed");

    CHECK(central.report()["ratings_total"] == 0);
    const auto ok = kiosk.sync(); // and the honest upload still goes through
    CHECK(ok.ok());
    CHECK(central.report()["ratings_total"] == 3);
}

TEST_CASE("torture: a signed record nested 100,000 levels deep is refused, and the server stays up", "[torture][security][hostile]")
{
    test::TempDir dir;
    Central central(dir / "central");
    const auto a = central.addDevice("kiosk-deep");
    auto send = [](const sync::HttpRequest& r) { return sync::curlSend(r); };
    // ~370 bytes gzipped: {"protocol":1,...,"KIND":[{"id":..., "payload":[[[[...]]]]}]}
    const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
    for (const std::string kind : {"audit", "sessions", "cases", "surveys", "ratings"}) {
        const std::string body = R"({"protocol":1,"device_id":"kiosk-deep","batch_id":"deep-)" + kind + R"(","ratings":[],")" + kind +
                                 R"(":[{"id":"01890000-0000-7000-8000-000000000001","payload":)" + deep + "}]}";
        const auto r = send(signedUpload(a, kind == "ratings" ? R"({"protocol":1,"device_id":"kiosk-deep","ratings":[)" + deep + "]}" : body,
                                         nowSeconds(), protocol::randomHex(16)));
        INFO(kind << ": " << r.status << " " << r.body);
        CHECK(r.status == 400);
        CHECK(errorOf(r) == "malformed");
        CHECK(nlohmann::json::parse(r.body).value("detail", "").find("nested deeper") != std::string::npos);
        // Still serving: the health check answers.
        CHECK(send(sync::HttpRequest{"GET", central.url() + "/v1/health", {}, "", "", "", 0}).status == 200);
    }
    // An honest upload goes through afterwards.
    Kiosk kiosk(dir / "kiosk", a);
    kiosk.rate(3);
    CHECK(kiosk.sync().ok());
    CHECK(central.report()["ratings_total"] == 3);
}

TEST_CASE("torture: slowloris connections do not stop honest devices, and store nothing", "[torture][security]")
{
    test::TempDir dir;
    Central central(dir / "central");
    const auto prov = central.addDevice("kiosk-honest");
    const int port = test::portOf(central.url());
    // 48 connections that send a request line and then one header byte per second, never finishing
    // (httplib's default of 8 workers would be held by the first 8 of them).
    const int slow = test::tortureLong() ? 100 : 48;
    std::vector<int> fds;
    for (int i = 0; i < slow; ++i) {
        const int fd = connectTo(port);
        REQUIRE(fd >= 0);
        const std::string start = "POST /v1/ratings HTTP/1.1\r\nHost: 127.0.0.1\r\nX-SKM-Device: kiosk-honest\r\n";
        REQUIRE(send(fd, start.data(), start.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(start.size()));
        fds.push_back(fd);
    }
    std::atomic<bool> stop{false};
    std::thread drip([&] {
        while (!stop) {
            for (int fd : fds) (void)send(fd, "X", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            for (int i = 0; i < 10 && !stop; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    });

    Kiosk kiosk(dir / "kiosk", prov);
    kiosk.rate(2000);
    const auto started = std::chrono::steady_clock::now();
    sync::SyncOptions o;
    o.deadlineMs = 60'000;
    const auto r = sync::syncOnce(*kiosk.st, prov, [](const sync::HttpRequest& q) { return sync::curlSend(q); }, o);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    INFO(r.error());
    CHECK(r.ok());
    CHECK(r.sent == 2000);
    WARN("honest sync of 2000 ratings beside " << slow << " slowloris connections: " << took << " ms");
    // The health check answers too, while the slow connections are still held open.
    const auto health = sync::curlSend(sync::HttpRequest{"GET", central.url() + "/v1/health", {}, "", "", "", 0});
    CHECK(health.status == 200);
    stop = true;
    drip.join();
    for (int fd : fds) close(fd);
    const auto rep = central.report();
    CHECK(rep["ratings_total"] == 2000); // the slow requests stored nothing
}

TEST_CASE("torture: ratings salvaged from a damaged kiosk database are counted once by the central office", "[torture][corrupt]")
{
    test::TempDir dir;
    Central central(dir / "central");
    const auto prov = central.addDevice("kiosk-damaged");
    std::set<std::string> everId, sentId;
    {
        Kiosk kiosk(dir / "kiosk", prov);
        for (const auto& id : kiosk.rate(3000)) sentId.insert(id);
        REQUIRE(kiosk.sync().ok()); // 3000 on the central office
        everId = sentId;
        for (const auto& id : kiosk.rate(1000)) everId.insert(id); // 1000 not yet sent
        kiosk.st->database().exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    // Damage three leaf pages of the ratings: one among the sent (the older), two among the newest.
    const auto dbPath = dir / "kiosk" / "skm.db";
    std::vector<int64_t> pages;
    {
        store::Database db(dbPath.string(), SQLITE_OPEN_READONLY);
        store::Statement q(db, "SELECT pageno FROM dbstat WHERE name = 'ratings' AND pagetype = 'leaf' ORDER BY pageno");
        std::vector<int64_t> leaves;
        while (q.next()) leaves.push_back(q.columnInt(0));
        REQUIRE(leaves.size() > 40);
        pages = {leaves[leaves.size() / 3], leaves[leaves.size() - 8], leaves[leaves.size() - 3]};
    }
    auto bytes = test::readBytes(dbPath);
    for (int64_t page : pages) randombytes_buf(bytes.data() + (page - 1) * 4096, 4096);
    test::writeBytes(dbPath, bytes);

    Kiosk kiosk(dir / "kiosk", prov); // detects, moves aside, salvages
    const auto& rep = kiosk.st->openReport();
    REQUIRE(rep.quarantinedTo);
    CHECK(rep.salvagedRatings > 0);
    CHECK(rep.salvagedRatings < 4000);
    const int64_t salvaged = rep.salvagedRatings;
    int64_t salvagedUnsent = 0;
    {
        store::Statement q(kiosk.st->database(), "SELECT id FROM ratings");
        while (q.next()) salvagedUnsent += sentId.count(q.columnText(0)) ? 0 : 1;
    }
    CHECK(salvagedUnsent < 1000); // the damage did reach ratings never sent: those are lost, and only those
    CHECK(salvagedUnsent > 900);
    // The kiosk keeps taking ratings after the recovery.
    for (const auto& id : kiosk.rate(100)) everId.insert(id);
    const auto r = kiosk.sync();
    INFO(r.error());
    CHECK(r.ok());
    CHECK(r.sent == salvaged + 100); // the salvaged already-sent ones answered "duplicate"
    auto db = store::Database((dir / "central" / "central.db").string(), SQLITE_OPEN_READONLY);
    // Once each: the 3000 sent before, the salvaged unsent ones, the 100 new; nothing twice.
    const int64_t onCentral = db.queryInt("SELECT count(*) FROM ratings WHERE device_id = 'kiosk-damaged'");
    CHECK(onCentral == db.queryInt("SELECT count(DISTINCT id) FROM ratings WHERE device_id = 'kiosk-damaged'"));
    CHECK(onCentral == 3000 + salvagedUnsent + 100);
    store::Statement ids(db, "SELECT id FROM ratings WHERE device_id = 'kiosk-damaged'");
    while (ids.next()) REQUIRE(everId.count(ids.columnText(0)) == 1);
    CHECK(db.queryText("PRAGMA integrity_check") == "ok");
    CHECK(kiosk.st->database().queryText("PRAGMA integrity_check") == "ok");
}
