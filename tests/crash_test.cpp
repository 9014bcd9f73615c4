// Crash safety: a child commits ratings and prints each id only after its commit returned; the test
// kills it with SIGKILL at random instants. Every printed id must be in the database afterwards.

#include "support/test_util.hpp"

#include <core/db.hpp>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <set>

using namespace skm;

namespace {

// Runs the child for about `ms` milliseconds, SIGKILLs it, and returns the ids it printed in full.
std::vector<std::string> runAndKill(const std::filesystem::path& dataDir, int ms)
{
    int fd = -1;
    const pid_t pid = test::spawn({(test::binDir() / "skm-crash-child").string(), dataDir.string()}, &fd);
    std::string out;
    char buf[65536];
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{fd, POLLIN, 0};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (poll(&p, 1, static_cast<int>(std::max<int64_t>(0, left))) > 0) {
            ssize_t n = read(fd, buf, sizeof buf);
            if (n <= 0) break;
            out.append(buf, static_cast<size_t>(n));
        }
    }
    kill(pid, SIGKILL);
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n)); // printed before the kill
    close(fd);
    int status = 0;
    waitpid(pid, &status, 0);
    REQUIRE(WIFSIGNALED(status)); // killed, not failed on its own
    std::vector<std::string> ids;
    size_t start = 0;
    for (size_t nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1) ids.push_back(out.substr(start, nl - start));
    return ids; // a last line without its newline was cut by the kill and is not counted
}

} // namespace

TEST_CASE("SIGKILL at random instants loses no acknowledged rating", "[crash][torture]")
{
    test::TempDir dir;
    const auto dataDir = dir / "data";
    std::mt19937 rng(std::random_device{}());
    std::uniform_int_distribution<int> delay(0, 120);
    std::set<std::string> acknowledged;
    const int cycles = test::tortureLong() ? 200 : 60; // the torture suite's long form: 200
    int cyclesWithCommits = 0;
    for (int cycle = 0; cycle < cycles; ++cycle) {
        const auto ids = runAndKill(dataDir, delay(rng));
        if (!ids.empty()) ++cyclesWithCommits;
        acknowledged.insert(ids.begin(), ids.end());

        INFO("cycle " << cycle);
        // A kill before the child created the database leaves no file; then nothing was acknowledged.
        if (!std::filesystem::exists(dataDir / "skm.db")) {
            REQUIRE(ids.empty());
            continue;
        }
        store::Database db((dataDir / "skm.db").string(), SQLITE_OPEN_READONLY);
        REQUIRE(db.queryText("PRAGMA integrity_check") == "ok");
        if (ids.empty()) continue; // the schema may not exist yet either
        store::Statement q(db, "SELECT count(*) FROM ratings WHERE id = ?1");
        for (const auto& id : ids) {
            q.reset();
            q.bind(1, std::string_view(id));
            REQUIRE(q.next());
            REQUIRE(q.columnInt(0) == 1);
        }
    }
    store::Database db((dataDir / "skm.db").string(), SQLITE_OPEN_READONLY);
    CHECK(db.queryText("PRAGMA integrity_check") == "ok");
    const int64_t rows = db.queryInt("SELECT count(*) FROM ratings");
    CHECK(db.queryInt("SELECT count(DISTINCT id) FROM ratings") == rows);
    CHECK(rows >= static_cast<int64_t>(acknowledged.size()));
    // Most kills must land while ratings are being committed, or the test proves little.
    CHECK(cyclesWithCommits >= cycles / 2);
    WARN("crash test: " << cycles << " kills, " << acknowledged.size() << " acknowledged ids, " << rows << " rows");
}
