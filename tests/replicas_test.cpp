// Several skm-central replicas on one PostgreSQL (issue 18): real `skm-central serve --database`
// processes on 127.0.0.1 sharing a real PostgreSQL 15 the test starts itself. No replica holds state
// another needs: a request replayed to another replica is refused there, and the same batch reaching
// two replicas at the same instant is stored once.

#include "support/central_engine.hpp"
#include "support/central_proc.hpp"
#include "support/fault_proxy.hpp"
#include "support/test_pki.hpp"
#include "support/pg_cluster.hpp"
#include "support/sync_fixture.hpp"
#include "support/test_util.hpp"

#include <core/uuid.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <random>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

using namespace skm;

namespace {

int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

nlohmann::json ratingsBatch(const std::string& device, int n)
{
    static store::UuidV7Generator gen;
    nlohmann::json list = nlohmann::json::array();
    const int64_t t = nowMs();
    for (int i = 0; i < n; ++i) {
        list.push_back({{"id", gen.next(t + i).str()}, {"score", i % 4 + 1}, {"created_wall_ms", t - i}, {"created_mono_ms", 5000 + i},
                        {"boot_id", "boot-1"}, {"device_id", device}, {"counter", "Loket 1"}, {"officer_nip", "198503302010011002"},
                        {"case_id", nullptr}, {"service_code", "nib"}, {"reasons", nullptr}, {"comment", nullptr}, {"suppressed", false},
                        {"language", "id"}, {"scope", "case"}, {"chain_seq", i + 1}, {"prev_hash", std::string(64, '0')}});
    }
    return {{"protocol", 1}, {"device_id", device}, {"batch_id", gen.next(t).str()}, {"ratings", list}};
}

// A request of `body` for the replica at `url`, with a nonce of its own (as a kiosk's retry has).
sync::HttpRequest uploadTo(const std::string& url, sync::Provisioning p, const std::string& body, const std::string& nonce)
{
    p.centralUrl = url;
    return test::signedUpload(p, body, test::nowSeconds(), nonce);
}

// curl's answer: the status line and headers, then the body.
struct Page {
    int status = 0;
    std::string all;
    std::string cookie() const
    {
        const size_t at = all.find("Set-Cookie: skm_session=");
        return at == std::string::npos ? "" : all.substr(at + 12, all.find(';', at) - at - 12);
    }
};

Page fetch(const std::vector<std::string>& curlArgs)
{
    std::vector<std::string> args = {"/usr/bin/curl", "-s", "-i", "--max-time", "30"};
    args.insert(args.end(), curlArgs.begin(), curlArgs.end());
    const auto r = test::run(args);
    Page p;
    p.all = r.out;
    if (r.out.rfind("HTTP/1.1 ", 0) == 0) p.status = std::stoi(r.out.substr(9, 3));
    return p;
}

} // namespace

TEST_CASE("replicas: a request replayed to another replica is refused there, because the nonces are in the database", "[postgres][replicas]")
{
    test::TempDir dir;
    const test::Engine engine = test::postgresEngine();
    test::Central a(dir / "a", {}, engine);
    test::Central b(dir / "b", {}, engine);
    const sync::Provisioning prov = a.addDevice("kiosk-r1");
    const std::string body = ratingsBatch("kiosk-r1", 3).dump();
    const std::string nonce = protocol::randomHex(16);

    const auto first = sync::curlSend(uploadTo(a.url(), prov, body, nonce));
    INFO(first.body);
    REQUIRE(first.status == 200);
    const auto replayed = sync::curlSend(uploadTo(b.url(), prov, body, nonce));
    INFO(replayed.body);
    CHECK(replayed.status == 409);
    CHECK(nlohmann::json::parse(replayed.body)["error"] == "replay");
    // The device registered through replica a signs in at replica b, with a fresh nonce.
    const auto retry = sync::curlSend(uploadTo(b.url(), prov, body, protocol::randomHex(16)));
    REQUIRE(retry.status == 200);
    for (const auto& r : nlohmann::json::parse(retry.body)["results"]) CHECK(r["status"] == "duplicate");
    CHECK(a.db()->queryInt("SELECT count(*) FROM ratings") == 3);
}

TEST_CASE("replicas: the same batch reaching two replicas at the same instant is stored once, each rating answered stored by one and duplicate by the other",
          "[postgres][replicas]")
{
    test::TempDir dir;
    const test::Engine engine = test::postgresEngine();
    test::Central a(dir / "a", {}, engine);
    test::Central b(dir / "b", {}, engine);
    const sync::Provisioning prov = a.addDevice("kiosk-r2");
    constexpr int kRounds = 6, kPerBatch = 400;
    int64_t expected = 0;
    for (int round = 0; round < kRounds; ++round) {
        const std::string body = ratingsBatch("kiosk-r2", kPerBatch).dump();
        const auto reqA = uploadTo(a.url(), prov, body, protocol::randomHex(16));
        const auto reqB = uploadTo(b.url(), prov, body, protocol::randomHex(16));
        std::atomic<int> ready{0};
        sync::HttpResponse resA, resB;
        auto send = [&](const sync::HttpRequest& req, sync::HttpResponse& res) {
            ++ready;
            while (ready < 2) std::this_thread::yield();
            res = sync::curlSend(req);
        };
        std::thread ta(send, std::cref(reqA), std::ref(resA));
        std::thread tb(send, std::cref(reqB), std::ref(resB));
        ta.join();
        tb.join();
        INFO("round " << round << ": " << resA.status << " " << resB.status);
        // Both answer: neither replica fails on the other's rows (a kiosk's retry would be fine too,
        // but a refusal here would show a replica that cannot stand its neighbour).
        REQUIRE(resA.status == 200);
        REQUIRE(resB.status == 200);
        const auto ra = nlohmann::json::parse(resA.body)["results"], rb = nlohmann::json::parse(resB.body)["results"];
        REQUIRE(ra.size() == kPerBatch);
        REQUIRE(rb.size() == kPerBatch);
        int storedA = 0, storedB = 0;
        for (int i = 0; i < kPerBatch; ++i) {
            INFO(ra[i].dump() << " / " << rb[i].dump());
            REQUIRE(ra[i]["id"] == rb[i]["id"]);
            const bool sa = ra[i]["status"] == "stored", sb = rb[i]["status"] == "stored";
            CHECK(sa != sb); // exactly one of the two stored it
            CHECK((sa ? rb[i] : ra[i])["status"] == "duplicate");
            storedA += sa;
            storedB += sb;
        }
        UNSCOPED_INFO("round " << round << ": replica a stored " << storedA << ", replica b " << storedB);
        expected += kPerBatch;
        CHECK(a.db()->queryInt("SELECT count(*) FROM ratings") == expected);
    }
    auto db = a.db();
    CHECK(db->queryInt("SELECT count(DISTINCT id) FROM ratings") == expected);
    CHECK(db->queryInt("SELECT count(*) FROM ingest_conflicts") == 0);
    // Each replica recomputed the device's days under the device's lock: the rollups hold every rating once.
    CHECK(db->queryInt("SELECT sum(f1 + f2 + f3 + f4 + suppressed) FROM rollup_groups") == expected);
    const auto verified = test::run({(test::binDir() / "skm-central").string(), "rollups", "verify", "--data-dir", (dir / "a").string(), "--database", engine.url});
    INFO(verified.out << verified.err);
    CHECK(verified.exitCode == 0);
}

TEST_CASE("replicas: a report sign-in on one replica holds on another, a one-time link works once across them, and each shows what the other stored",
          "[postgres][replicas][web]")
{
    test::TempDir dir;
    const test::Engine engine = test::postgresEngine();
    test::Central a(dir / "a", {}, engine);
    test::Central b(dir / "b", {}, engine);
    a.addUser("kepala", "sandi-kepala-123");
    const sync::Provisioning prov = a.addDevice("kiosk-r3");
    const auto up = sync::curlSend(uploadTo(a.url(), prov, ratingsBatch("kiosk-r3", 7).dump(), protocol::randomHex(16)));
    REQUIRE(up.status == 200);

    // Signed in at a, reading at b.
    const Page login = fetch({"-X", "POST", "-H", "Origin: " + a.url(), "--data", "username=kepala&password=sandi-kepala-123&next=%2Freport", a.url() + "/login"});
    INFO(login.all);
    REQUIRE(login.status == 303);
    const std::string cookie = login.cookie();
    REQUIRE(cookie.size() > 20);
    const Page report = fetch({"-H", "Cookie: " + cookie, b.url() + "/report?period=year:" + std::to_string(1970 + test::nowSeconds() / 31'557'600)});
    INFO(report.all.substr(0, 2000));
    CHECK(report.status == 200);
    CHECK_THAT(report.all, Catch::Contains("<html"));
    // The scores JSON at b counts a's upload.
    std::vector<std::string> args = {(test::binDir() / "skm-central").string(), "report", "--data-dir", (dir / "b").string()};
    for (const auto& x : engine.args()) args.push_back(x);
    const auto json = test::run(args);
    REQUIRE(json.exitCode == 0);
    CHECK(nlohmann::json::parse(json.out)["ratings_total"] == 7);
    // Signed out at b: the session is gone at a too.
    CHECK(fetch({"-X", "POST", "-H", "Origin: " + b.url(), "-H", "Cookie: " + cookie, b.url() + "/logout"}).status == 303);
    CHECK(fetch({"-H", "Cookie: " + cookie, a.url() + "/report"}).status == 303); // to the sign-in page

    // Wrong passwords at a count at b: after five, the next attempt waits, wherever it lands.
    for (int i = 0; i < 5; ++i) {
        const std::string& url = i % 2 ? b.url() : a.url();
        CHECK(fetch({"-X", "POST", "-H", "Origin: " + url, "--data", "username=kepala&password=salah-salah-1&next=%2Freport", url + "/login"}).status == 401);
    }
    const Page waiting = fetch({"-X", "POST", "-H", "Origin: " + b.url(), "--data", "username=kepala&password=sandi-kepala-123&next=%2Freport", b.url() + "/login"});
    CHECK(waiting.status == 429);
    CHECK_THAT(waiting.all, Catch::Contains("Retry-After: 1"));

    // A one-time link: used at a, refused at b.
    std::vector<std::string> linkArgs = {(test::binDir() / "skm-central").string(), "user", "link", "kepala", "--data-dir", (dir / "a").string()};
    for (const auto& x : engine.args()) linkArgs.push_back(x);
    const auto link = test::run(linkArgs);
    REQUIRE(link.exitCode == 0);
    const std::string path = link.out.substr(0, link.out.find('\n'));
    REQUIRE(path.rfind("/login/link?token=", 0) == 0);
    const Page first = fetch({a.url() + path});
    CHECK(first.status == 303);
    CHECK_FALSE(first.cookie().empty());
    const Page again = fetch({b.url() + path});
    CHECK(again.status == 401);
    CHECK(again.cookie().empty());
}

TEST_CASE("replicas: while PostgreSQL is down the report pages and the sign-in answer 503 with Retry-After and a page, then work again",
          "[postgres][replicas][web]")
{
    test::PgCluster pg; // its own: stopped below
    test::TempDir dir;
    test::Central a(dir / "a", {}, test::Engine{sql::Engine::Postgres, pg.url()});
    a.addUser("kepala", "sandi-kepala-123");
    const Page login = fetch({"-X", "POST", "-H", "Origin: " + a.url(), "--data", "username=kepala&password=sandi-kepala-123&next=%2Freport", a.url() + "/login"});
    REQUIRE(login.status == 303);
    const std::string cookie = login.cookie();
    REQUIRE(fetch({"-H", "Cookie: " + cookie, a.url() + "/report"}).status == 200);

    pg.stop();
    const Page down = fetch({"-H", "Cookie: " + cookie, a.url() + "/report"});
    INFO(down.all.substr(0, 1500));
    CHECK(down.status == 503);
    CHECK_THAT(down.all, Catch::Contains("Retry-After: 5") && Catch::Contains("text/html") && Catch::Contains("Coba lagi dalam beberapa detik") &&
                             Catch::Contains("Content-Security-Policy"));
    const Page en = fetch({"-H", "Cookie: " + cookie, a.url() + "/report?lang=en"});
    CHECK(en.status == 503);
    CHECK_THAT(en.all, Catch::Contains("Try again in a few seconds"));
    const Page signIn = fetch({"-X", "POST", "-H", "Origin: " + a.url(), "--data", "username=kepala&password=sandi-kepala-123&next=%2Freport", a.url() + "/login"});
    CHECK(signIn.status == 503);
    CHECK_THAT(signIn.all, Catch::Contains("Retry-After: 5"));

    pg.start();
    // The broken connection is made again at its next use: the page is back within a retry or two.
    int status = 0;
    for (int i = 0; i < 5 && status != 200; ++i) {
        status = fetch({"-H", "Cookie: " + cookie, a.url() + "/report"}).status;
        if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    CHECK(status == 200);
}

TEST_CASE("replicas: reports from a hot standby made with pg_basebackup -R show the primary's data as the standby has replayed it", "[postgres][replicas][standby]")
{
    test::PgCluster primary;
    test::PgCluster standby(test::PgCluster::StandbyOf{primary});
    REQUIRE(standby.psql("SELECT pg_is_in_recovery()") == "t");
    test::TempDir dir;
    const test::Engine engine{sql::Engine::Postgres, primary.url()};
    test::Central a(dir / "a", {"--report-database", standby.url()}, engine);
    a.addUser("kepala", "sandi-kepala-123");
    const sync::Provisioning prov = a.addDevice("kiosk-s");
    REQUIRE(sync::curlSend(uploadTo(a.url(), prov, ratingsBatch("kiosk-s", 7).dump(), protocol::randomHex(16))).status == 200);
    standby.waitForReplay(primary);
    const auto report = [&] {
        const auto r = test::run({(test::binDir() / "skm-central").string(), "report", "--data-dir", (dir / "a").string(), "--database", primary.url(),
                                  "--report-database", standby.url()});
        INFO(r.err);
        REQUIRE(r.exitCode == 0);
        return nlohmann::json::parse(r.out)["ratings_total"].get<int64_t>();
    };
    CHECK(report() == 7);

    // The report really reads the standby: with its replay paused, what the primary stores since is not
    // in it (the primary has it), until the standby replays again.
    standby.psql("SELECT pg_wal_replay_pause()");
    REQUIRE(sync::curlSend(uploadTo(a.url(), prov, ratingsBatch("kiosk-s", 5).dump(), protocol::randomHex(16))).status == 200);
    CHECK(sql::postgres(primary.url())->queryInt("SELECT count(*) FROM ratings") == 12);
    CHECK(report() == 7);
    // The server's report pages read there too, and work while the standby lags.
    const Page login = fetch({"-X", "POST", "-H", "Origin: " + a.url(), "--data", "username=kepala&password=sandi-kepala-123&next=%2Freport", a.url() + "/login"});
    REQUIRE(login.status == 303);
    CHECK(fetch({"-H", "Cookie: " + login.cookie(), a.url() + "/report"}).status == 200);
    standby.psql("SELECT pg_wal_replay_resume()");
    standby.waitForReplay(primary);
    CHECK(report() == 12);

    // Nothing writes to a standby: pointed there by mistake, skm-central says why and stores nothing.
    const auto wrong = test::run({(test::binDir() / "skm-central").string(), "device", "add", "kiosk-x", "--out", (dir / "x.json").string(), "--url",
                                  "http://127.0.0.1:1", "--data-dir", (dir / "x").string(), "--database", standby.url()});
    CHECK(wrong.exitCode == 1);
    CHECK_THAT(wrong.err, Catch::Contains("read-only"));
    CHECK(sql::postgres(primary.url())->queryInt("SELECT count(*) FROM devices WHERE id = 'kiosk-x'") == 0);
}

TEST_CASE("replicas: a kiosk's sync spread over two replicas behind a faulty link, each SIGKILLed mid-batch and PostgreSQL restarted: every record exactly once",
          "[postgres][replicas][crash]")
{
    test::PgCluster pg;
    test::TempDir dir;
    const auto bin = [](const char* name) { return (test::binDir() / name).string(); };
    test::CentralProc a, b;
    a.dataDir = dir / "a";
    b.dataDir = dir / "b";
    a.extra = b.extra = {"--database", pg.url()};
    a.start();
    b.start();
    // Requests alternate between the replicas; every seventh is reset after the server answered (the
    // batch stored, the kiosk told nothing) and every eleventh answered 503.
    test::FaultProxy proxy({a.port(), b.port()}, [](int n) {
        return n % 7 == 3 ? test::Fault::ResetAfterRequest : n % 11 == 5 ? test::Fault::Status503 : test::Fault::None;
    });
    REQUIRE(test::run({bin("skm-central"), "device", "add", "kiosk-pg", "--out", (dir / "p.json").string(), "--url", proxy.url(), "--data-dir",
                       a.dataDir.string(), "--database", pg.url()})
                .exitCode == 0);
    const auto kioskDir = dir / "kiosk";
    REQUIRE(test::run({bin("skm-kiosk"), "provision", (dir / "p.json").string(), "--data-dir", kioskDir.string()}).exitCode == 0);

    // Each round the kiosk has 1,000 new ratings and 20 surveys to send (two or more batches); as soon
    // as the first request of the round has been answered, while the rest are on their way, one part
    // goes down: replica a, replica b, or PostgreSQL itself (stopped as a power cut would, and started).
    const std::vector<std::string> syncArgs = {bin("skm-sync"), "--once", "--data-dir", kioskDir.string(), "--deadline", "8"};
    const int rounds = test::tortureLong() ? 30 : 6;
    for (int i = 0; i < rounds; ++i) {
        REQUIRE(test::run({bin("skm-loadgen"), "--data-dir", kioskDir.string(), "--ratings", "1000", "--surveys", "20", "--seed", std::to_string(i + 1)})
                    .exitCode == 0);
        const size_t before = proxy.log().size();
        const pid_t sync = test::spawnQuiet(syncArgs);
        int status = 0;
        bool exited = false;
        for (int wait = 0; wait < 2000 && proxy.log().size() == before; ++wait) {
            if (waitpid(sync, &status, WNOHANG) == sync) {
                exited = true;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        switch (i % 3) {
        case 0: // a replica killed mid-sync, restarted on its port
            a.kill9();
            a.start();
            break;
        case 1:
            b.kill9();
            b.start();
            break;
        case 2: // every replica's connection breaks
            pg.restart();
            break;
        }
        if (!exited) waitpid(sync, &status, 0); // it retries into the restarted parts, or gives up at its deadline
    }
    const int kRatings = rounds * 1000, kSurveys = rounds * 20;
    const auto last = test::run(syncArgs);
    INFO(last.out << last.err);
    CHECK(last.exitCode == 0);

    const auto status = nlohmann::json::parse(test::run({bin("skm-kiosk"), "status", "--json", "--data-dir", kioskDir.string()}).out);
    CHECK(status["sent"] == kRatings);
    CHECK(status["pending"] == 0);
    CHECK(status["rejected"] == 0);
    auto db = sql::postgres(pg.url());
    CHECK(db->queryInt("SELECT count(*) FROM ratings") == kRatings);
    CHECK(db->queryInt("SELECT count(*) FROM survey_responses") == kSurveys);
    CHECK(db->queryInt("SELECT count(*) FROM ingest_conflicts") == 0);
    // The same ids on both sides.
    store::Database kdb((kioskDir / "skm.db").string(), SQLITE_OPEN_READONLY);
    std::set<std::string> kioskIds, centralIds;
    store::Statement ids(kdb, "SELECT id FROM ratings");
    while (ids.next()) kioskIds.insert(ids.columnText(0));
    for (const auto& row : db->query("SELECT id FROM ratings").rows) centralIds.insert(row.text(0));
    CHECK(kioskIds == centralIds);
    // The chain whole, as the office's report sees it; both replicas were used.
    const auto rep = test::run({bin("skm-central"), "report", "--data-dir", a.dataDir.string(), "--database", pg.url()});
    REQUIRE(rep.exitCode == 0);
    const auto chain = nlohmann::json::parse(rep.out)["devices"]["kiosk-pg"]["chain"];
    INFO(chain.dump());
    CHECK(chain["ok"] == true);
    CHECK(chain["linked"] == kRatings);
    // The daily rollups the reports read, kept by every upload on whichever replica, killed or not,
    // equal a recomputation from the records, and so does every rating's chain state.
    const auto verified = test::run({bin("skm-central"), "rollups", "verify", "--data-dir", a.dataDir.string(), "--database", pg.url()});
    INFO(verified.out << verified.err);
    CHECK(verified.exitCode == 0);
    CHECK_THAT(verified.out, Catch::Contains("identical"));
    std::set<int> used;
    int cutOff = 0, storageFailed = 0, resetAfterStored = 0, internalErrors = 0;
    for (const auto& r : proxy.log()) {
        if (r.status == 200) used.insert(r.upstreamPort);
        if (r.upstreamPort != 0 && r.status == 0) ++cutOff;          // the replica died with the request
        if (r.upstreamPort != 0 && r.status == 503) ++storageFailed; // the replica's database went away: retry
        if (r.status == 500) ++internalErrors;
        if (r.fault == test::Fault::ResetAfterRequest && r.status == 200) ++resetAfterStored;
    }
    UNSCOPED_INFO(proxy.log().size() << " requests: " << cutOff << " cut off by a kill, " << storageFailed << " answered 503 by a replica, "
                                     << resetAfterStored << " stored but never heard of");
    CHECK(used.size() == 2);
    CHECK(storageFailed >= 1); // a restart of the database met a sync in flight: answered 503 (retry), never 500
    CHECK(internalErrors == 0);
    CHECK(resetAfterStored >= 1);
}

TEST_CASE("replicas: the nginx block of docs/operations.md spreads a kiosk's sync over two replicas, over TLS, each rating once", "[postgres][replicas][nginx]")
{
    test::TempDir dir;
    const test::Engine engine = test::postgresEngine();
    test::Central a(dir / "a", {}, engine);
    test::Central b(dir / "b", {}, engine);
    test::TestPki pki(dir / "pki");

    // The documented block, as an operator copies it, with this machine's addresses and files.
    const std::string doc = test::readFile(test::sourceDir() / "docs" / "operations.md");
    const size_t at = doc.find("```nginx\nupstream skm_central");
    REQUIRE(at != std::string::npos);
    std::string block = doc.substr(at + 9, doc.find("```", at + 9) - at - 9);
    const int port = test::freePort();
    const auto replace = [&](const std::string& from, const std::string& to) {
        const size_t p = block.find(from);
        REQUIRE(p != std::string::npos);
        block.replace(p, from.size(), to);
    };
    replace("10.0.0.11:8443", a.url().substr(7));
    replace("10.0.0.12:8443", b.url().substr(7));
    replace("listen 443 ssl;", "listen 127.0.0.1:" + std::to_string(port) + " ssl;");
    replace("/etc/nginx/tls/skm.crt", pki.path("server.pem"));
    replace("/etc/nginx/tls/skm.key", pki.path("server.key"));
    const auto prefix = dir / "nginx";
    std::filesystem::create_directories(prefix / "logs");
    std::ofstream(prefix / "nginx.conf") << (geteuid() == 0 ? "user root;\n" : "") << "worker_processes 1;\npid " << (prefix / "nginx.pid").string()
                                         << ";\nerror_log " << (prefix / "logs" / "error.log").string() << ";\nevents { worker_connections 256; }\nhttp {\n"
                                         << "log_format upstream '$request_method $upstream_addr $status';\naccess_log "
                                         << (prefix / "logs" / "access.log").string() << " upstream;\nclient_body_temp_path " << (prefix / "body").string() << ";\nproxy_temp_path "
                                         << (prefix / "proxy").string() << ";\n" << block << "}\n";
    const pid_t nginx = test::spawn({"/usr/sbin/nginx", "-p", prefix.string(), "-c", (prefix / "nginx.conf").string(), "-g", "daemon off;"}, nullptr);
    struct Stop {
        pid_t pid;
        ~Stop()
        {
            kill(pid, SIGTERM);
            waitpid(pid, nullptr, 0);
        }
    } stop{nginx};
    REQUIRE(test::waitForPort(port, 10'000));

    // A kiosk registered with the proxy's https URL and the CA: its sync lands on both replicas.
    std::vector<std::string> add = {(test::binDir() / "skm-central").string(), "device", "add", "kiosk-n", "--out", (dir / "p.json").string(), "--url",
                                    "https://127.0.0.1:" + std::to_string(port), "--ca", pki.path("ca.pem"), "--data-dir", (dir / "a").string()};
    for (const auto& x : engine.args()) add.push_back(x);
    REQUIRE(test::run(add).exitCode == 0);
    test::Kiosk kiosk(dir / "kiosk", sync::readProvisioning(dir / "p.json"));
    kiosk.rate(1200);
    const auto r = kiosk.sync(100);
    INFO(r.error() << "\n" << test::readFile(prefix / "logs" / "error.log"));
    REQUIRE(r.ok());
    CHECK(r.sent == 1200);
    auto db = sql::postgres(engine.url);
    CHECK(db->queryInt("SELECT count(*) FROM ratings") == 1200);
    // Both replicas stored uploads (nginx's round robin): its log names the replica of each request.
    std::set<std::string> replicas;
    std::istringstream access(test::readFile(prefix / "logs" / "access.log"));
    for (std::string method, upstream, status; access >> method >> upstream >> status;) {
        if (method == "POST" && status == "200") replicas.insert(upstream);
    }
    CHECK(replicas == std::set<std::string>{a.url().substr(7), b.url().substr(7)});
    const auto rep = a.report();
    CHECK(rep["devices"]["kiosk-n"]["chain"]["ok"] == true);
    CHECK(rep["devices"]["kiosk-n"]["chain"]["linked"] == 1200);
}
