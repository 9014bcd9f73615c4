// Crash safety of sync, with real processes: skm-sync killed with SIGKILL at random points 30 times,
// and skm-central killed mid-batch and restarted, during a 10,000-rating sync. Every rating must be
// stored exactly once on the central office, marked sent exactly once on the kiosk, and both
// databases must pass integrity_check.

#include "support/central_proc.hpp"
#include "support/test_util.hpp"

#include <core/db.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <regex>
#include <thread>

using namespace skm;

namespace {

std::string integrity(const std::filesystem::path& db)
{
    store::Database d(db.string(), SQLITE_OPEN_READONLY);
    return d.queryText("PRAGMA integrity_check");
}

} // namespace

TEST_CASE("SIGKILL of skm-sync and of skm-central during a 10,000-rating sync: every rating exactly once", "[sync][crash][torture]")
{
    test::TempDir dir;
    const auto kioskDir = dir / "kiosk";
    test::CentralProc central;
    central.dataDir = dir / "central";
    central.start();
    const auto bin = [](const char* name) { return (test::binDir() / name).string(); };
    REQUIRE(test::run({bin("skm-central"), "device", "add", "kiosk-crash", "--out", (dir / "p.json").string(), "--url", central.url, "--data-dir",
                       central.dataDir.string()})
                .exitCode == 0);
    REQUIRE(test::run({bin("skm-kiosk"), "provision", (dir / "p.json").string(), "--data-dir", kioskDir.string()}).exitCode == 0);
    REQUIRE(test::run({bin("skm-loadgen"), "--data-dir", kioskDir.string(), "--ratings", "10000", "--surveys", "300"}).exitCode == 0);

    std::mt19937 rng(std::random_device{}());
    std::uniform_int_distribution<int> delay(0, 120);
    const std::vector<std::string> syncArgs = {bin("skm-sync"), "--once", "--data-dir", kioskDir.string(), "--deadline", "5"};

    // 30 kills of skm-sync at random instants (200 in the torture suite's long form).
    const int syncKills = test::tortureLong() ? 200 : 30;
    const int centralKills = test::tortureLong() ? 30 : 5;
    int killedWhileRunning = 0;
    for (int i = 0; i < syncKills; ++i) {
        const pid_t pid = test::spawnQuiet(syncArgs);
        std::this_thread::sleep_for(std::chrono::milliseconds(delay(rng)));
        if (kill(pid, SIGKILL) == 0) ++killedWhileRunning;
        int status = 0;
        waitpid(pid, &status, 0);
    }
    // The server killed mid-batch (and restarted on the same port) while skm-sync works.
    for (int i = 0; i < centralKills; ++i) {
        const pid_t pid = test::spawnQuiet(syncArgs);
        std::this_thread::sleep_for(std::chrono::milliseconds(delay(rng)));
        central.kill9();
        central.start();
        int status = 0;
        waitpid(pid, &status, 0); // it retries into the restarted server, or gives up at its deadline
    }
    // A last, undisturbed run delivers the rest.
    const auto last = test::run(syncArgs);
    INFO(last.out << last.err);
    CHECK(last.exitCode == 0);
    central.stop();

    const auto status = nlohmann::json::parse(test::run({bin("skm-kiosk"), "status", "--json", "--data-dir", kioskDir.string()}).out);
    CHECK(status["sent"] == 10000);
    CHECK(status["pending"] == 0);
    CHECK(status["rejected"] == 0);
    store::Database cdb((central.dataDir / "central.db").string(), SQLITE_OPEN_READONLY);
    CHECK(cdb.queryInt("SELECT count(*) FROM ratings") == 10000);
    store::Database kdb((kioskDir / "skm.db").string(), SQLITE_OPEN_READONLY);
    // The same ids on both sides.
    kdb.exec("ATTACH DATABASE '" + (central.dataDir / "central.db").string() + "' AS c");
    CHECK(kdb.queryInt("SELECT count(*) FROM ratings r JOIN c.ratings cr ON cr.id = r.id") == 10000);
    // The survey responses too: each once, with all its answers.
    CHECK(cdb.queryInt("SELECT count(*) FROM survey_responses") == 300);
    CHECK(kdb.queryInt("SELECT count(*) FROM survey_responses WHERE upload_status = 'sent'") == 300);
    CHECK(kdb.queryInt("SELECT count(*) FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id WHERE a.item LIKE 'U_'") ==
          kdb.queryInt("SELECT coalesce(sum((SELECT count(*) FROM json_each(cr.body, '$.answers'))), 0) FROM c.survey_responses cr"));
    CHECK(integrity(kioskDir / "skm.db") == "ok");
    CHECK(integrity(central.dataDir / "central.db") == "ok");
    CHECK(killedWhileRunning >= syncKills / 2); // most kills landed on a running process
}
