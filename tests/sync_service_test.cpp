// The intra-day sync (issue 21): skm-sync --service against a real skm-central on 127.0.0.1. A run with
// nothing pending is one small request (the configuration's 304); a rating tapped between runs arrives
// with the next run; SIGTERM stops the service at once; usage and configuration errors are said.

#include "support/sync_fixture.hpp"
#include "support/test_util.hpp"

#include <sync/service.hpp>

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <thread>

using namespace skm;
using test::Central;
using test::Kiosk;

namespace {

struct Counted {
    int64_t requests = 0, gets = 0, posts = 0, notModified = 0;
    sync::Sender sender()
    {
        return [this](const sync::HttpRequest& r) {
            const sync::HttpResponse resp = sync::curlSend(r);
            ++requests;
            (r.method == "GET" ? gets : posts) += 1;
            notModified += resp.status == 304 ? 1 : 0;
            return resp;
        };
    }
};

int64_t centralRatings(Central& central) { return central.db()->queryInt("SELECT count(*) FROM ratings"); }

} // namespace

TEST_CASE("the service syncs every interval, and a run with nothing pending is one conditional request", "[sync][service]")
{
    test::TempDir dir;
    Central central(dir / "central");
    Kiosk kiosk(dir / "kiosk", central.addDevice("kiosk-live"));
    Counted counted;
    sync::ServiceOptions o;
    o.intervalMs = 60'000;
    int64_t fakeMono = 0;
    std::vector<int64_t> waits;
    o.monoNowMs = [&] { return fakeMono; };
    o.sleep = [&](int64_t ms) {
        waits.push_back(ms);
        fakeMono += ms;
    };
    std::vector<sync::SyncResult> results;
    o.onRun = [&](const sync::SyncResult& r) {
        results.push_back(r);
        if (results.size() == 2) (void)kiosk.rate(3); // tapped between the second run and the third
    };
    o.maxRuns = 4;
    CHECK(sync::runService(dir / "kiosk", counted.sender(), o) == 4);
    REQUIRE(results.size() == 4);
    for (const auto& r : results) CHECK(r.ok());
    CHECK(results[2].sent == 3); // the third run carried the taps
    CHECK(results[3].sent == 0);
    CHECK(centralRatings(central) == 3);
    // Four configuration checks (the first fetches it, the rest are 304) and one upload.
    CHECK(counted.gets == 4);
    CHECK(counted.notModified == 3);
    CHECK(counted.posts == 1);
    // One interval from the start of a run to the start of the next (these runs took no fake time).
    CHECK(waits == std::vector<int64_t>{60'000, 60'000, 60'000});
}

TEST_CASE("the service waits for a provisioning and does not stop on an unreachable office", "[sync][service]")
{
    test::TempDir dir;
    Counted counted;
    sync::ServiceOptions o;
    o.intervalMs = 1'000;
    int64_t fakeMono = 0; // the runs' backoff waits pass in no real time
    o.monoNowMs = [&] { return fakeMono; };
    o.sleep = [&](int64_t ms) { fakeMono += ms; };
    o.maxRuns = 2;
    // Not provisioned: nothing sent, the loop goes on.
    CHECK(sync::runService(dir / "nowhere", counted.sender(), o) == 2);
    CHECK(counted.requests == 0);
    // Provisioned for an office that is down: each run ends in a retry, and the service keeps going.
    sync::Provisioning p;
    {
        Central central(dir / "central");
        p = central.addDevice("kiosk-dark");
    } // stopped
    Kiosk kiosk(dir / "kiosk", p);
    (void)kiosk.rate(2);
    std::vector<sync::SyncResult> results;
    o.onRun = [&](const sync::SyncResult& r) { results.push_back(r); };
    o.intervalMs = 10'000; // the run's deadline: 10 s (its floor)
    CHECK(sync::runService(dir / "kiosk", counted.sender(), o) == 2);
    REQUIRE(results.size() == 2);
    for (const auto& r : results) {
        CHECK_FALSE(r.ok());
        CHECK(r.pendingLeft == 2); // nothing lost
    }
}

TEST_CASE("skm-sync --service as a process: a tap arrives within an interval, SIGTERM stops it at once", "[sync][service]")
{
    test::TempDir dir;
    Central central(dir / "central");
    Kiosk kiosk(dir / "kiosk", central.addDevice("kiosk-proc"));
    const pid_t pid = test::spawnQuiet({(test::binDir() / "skm-sync").string(), "--service", "--interval-seconds", "1", "--data-dir", (dir / "kiosk").string()});
    (void)kiosk.rate(5);
    int64_t seen = 0;
    for (int i = 0; i < 300 && seen < 5; ++i) { // up to 30 s; one interval is 1 s
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        seen = centralRatings(central);
    }
    CHECK(seen == 5);
    const auto before = std::chrono::steady_clock::now();
    REQUIRE(kill(pid, SIGTERM) == 0);
    int status = -1;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    INFO("stopped after " << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - before).count() << " ms");
    CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(5)); // not a timing claim: a hang guard
    CHECK(kiosk.st->counts().pending == 0);
}

TEST_CASE("skm-sync says what is wrong with its command line or its configuration", "[sync][service][cli]")
{
    test::TempDir dir;
    const std::string bin = (test::binDir() / "skm-sync").string();
    auto r = test::run({bin, "--data-dir", (dir / "k").string()});
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("--once") != std::string::npos);
    CHECK(r.err.find("--service") != std::string::npos);
    r = test::run({bin, "--once", "--service"});
    CHECK(r.exitCode == 2);
    r = test::run({bin, "--once", "--interval-seconds", "5"});
    CHECK(r.exitCode == 2);
    std::ofstream(dir / "bad.toml") << "[sync]\ninterval_minutes = 0\n";
    r = test::run({bin, "--service", "--config", (dir / "bad.toml").string(), "--data-dir", (dir / "k").string()});
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("interval_minutes") != std::string::npos);
}
