// skm-kiosk.service's session (kiosk/session/session.hpp): the pieces the screen needs and the one
// line naming a missing one, the back-off after starts that never showed the screen, and the stop
// that lets cage exit by itself. The real cage and XWayland: tests/cage_boot_test.sh and, in a fresh
// Debian root from the packages, tests/debootstrap_test.sh.

#include "support/test_util.hpp"

#include <session/session.hpp>

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <thread>

using namespace skm;
namespace fs = std::filesystem;

namespace {

void touch(const fs::path& p)
{
    fs::create_directories(p.parent_path());
    std::ofstream(p) << "x";
}

std::vector<int64_t> g_sleeps;
void recordSleep(int64_t ms) { g_sleeps.push_back(ms); }

} // namespace

TEST_CASE("the screen's needs are found where Debian's packages put them, and a missing one is named with its package", "[session]")
{
    test::TempDir dir;
    session::NeedsOptions o;
    o.compositor = dir / "bin/cage";
    o.xwayland = dir / "bin/Xwayland";
    o.driDirs = {dir / "lib/dri"};
    o.font = (dir / "font.ttf").string();
    touch(o.compositor);
    touch(dir / "lib/dri/swrast_dri.so");
    touch(o.font);

    auto needs = session::displayNeeds(o);
    REQUIRE(needs.size() == 4);
    const auto missing = session::describeMissing(needs);
    REQUIRE(missing);
    CHECK(missing->find("XWayland") != std::string::npos);
    CHECK(missing->find((dir / "bin/Xwayland").string()) != std::string::npos);
    CHECK(missing->find("apt-get install xwayland") != std::string::npos);
    CHECK(missing->find("cage (") == std::string::npos); // only what is missing
    CHECK(missing->find('\n') == std::string::npos);     // one journal line

    touch(o.xwayland);
    CHECK_FALSE(session::describeMissing(session::displayNeeds(o)));

    fs::remove(dir / "lib/dri/swrast_dri.so");
    fs::remove(o.compositor);
    const auto two = session::describeMissing(session::displayNeeds(o));
    REQUIRE(two);
    CHECK(two->find("apt-get install cage libgl1-mesa-dri") != std::string::npos);
}

TEST_CASE("WLR_XWAYLAND, wlroots' own override, is where XWayland is looked for", "[session]")
{
    test::TempDir dir;
    setenv("WLR_XWAYLAND", (dir / "nowhere/Xwayland").c_str(), 1);
    const auto needs = session::displayNeeds({});
    unsetenv("WLR_XWAYLAND");
    REQUIRE(needs.size() == 4);
    CHECK(needs[1].package == "xwayland");
    CHECK(needs[1].found == dir / "nowhere/Xwayland");
    CHECK_FALSE(needs[1].present);
}

TEST_CASE("after starts that never showed the screen the next start waits longer, up to 5 minutes", "[session]")
{
    CHECK(session::backoffMs(0) == 0);
    CHECK(session::backoffMs(1) == 0); // the first retry: RestartSec alone
    CHECK(session::backoffMs(2) == 5'000);
    CHECK(session::backoffMs(3) == 10'000);
    CHECK(session::backoffMs(4) == 20'000);
    CHECK(session::backoffMs(7) == 160'000);
    CHECK(session::backoffMs(8) == 300'000);
    CHECK(session::backoffMs(1'000'000) == 300'000);
}

TEST_CASE("session check counts starts until the screen is up, waits out the back-off, and a new boot starts again", "[session]")
{
    test::TempDir dir;
    session::CheckOptions o;
    o.dataDir = dir.path();
    o.bootId = "boot-a";
    o.needs.compositor = dir / "bin/cage";
    o.needs.xwayland = dir / "bin/Xwayland"; // missing
    o.needs.driDirs = {dir / "dri"};
    o.needs.font = (dir / "font.ttf").string();
    touch(o.needs.compositor);
    touch(dir / "dri/swrast_dri.so");
    touch(o.needs.font);
    o.sleepMs = recordSleep;
    g_sleeps.clear();

    // XWayland missing: every start fails, and each waits longer than the one before.
    for (int i = 0; i < 4; ++i) CHECK(session::runCheck(o) == 1);
    CHECK(g_sleeps == std::vector<int64_t>{5'000, 10'000});
    CHECK(session::failedStarts(dir.path(), "boot-a") == 4);
    CHECK(session::failedStarts(dir.path(), "boot-b") == 0); // another boot: no back-off

    // Installed: the start passes (and is counted until the kiosk's first frame clears it).
    touch(o.needs.xwayland);
    g_sleeps.clear();
    CHECK(session::runCheck(o) == 0);
    CHECK(g_sleeps == std::vector<int64_t>{20'000});
    CHECK(session::failedStarts(dir.path(), "boot-a") == 5);
    session::clearStarts(dir.path());
    CHECK(session::failedStarts(dir.path(), "boot-a") == 0);
    g_sleeps.clear();
    CHECK(session::runCheck(o) == 0);
    CHECK(g_sleeps.empty());

    // A reboot starts the count again, and a damaged count file is no count at all.
    session::countStart(dir.path(), "boot-a", 9);
    o.bootId = "boot-b";
    g_sleeps.clear();
    CHECK(session::runCheck(o) == 0);
    CHECK(g_sleeps.empty());
    std::ofstream(dir / "display-starts") << "garbage";
    CHECK(session::failedStarts(dir.path(), "boot-b") == 0);
    session::clearStarts(dir.path() / "missing-dir"); // nothing to clear: no error
}

TEST_CASE("session stop asks the kiosk under the compositor to stop and waits for the compositor to exit by itself", "[session]")
{
    test::TempDir dir;
    // A stand-in compositor: a shell whose child is a process named skm-kiosk, and which exits with
    // its child's status, as cage does.
    const fs::path kiosk = dir / "skm-kiosk";
    fs::create_symlink("/bin/sleep", kiosk);
    const pid_t compositor = fork();
    REQUIRE(compositor >= 0);
    if (compositor == 0) {
        execl("/bin/sh", "sh", "-c", (kiosk.string() + " 60; echo exited >" + (dir / "compositor").string()).c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    // Wait until the child is there.
    for (int i = 0; i < 200 && !fs::exists(fs::path("/proc") / std::to_string(compositor)); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));

    const auto started = std::chrono::steady_clock::now();
    CHECK(session::runStop(compositor, 10'000) == 0);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
    int status = 0;
    REQUIRE(waitpid(compositor, &status, 0) == compositor);
    // The compositor was not signalled: it ran on after its child and exited by itself.
    CHECK(WIFEXITED(status));
    CHECK(fs::exists(dir / "compositor"));

    // Nothing to stop: it says so and leaves the rest to the service manager.
    CHECK(session::runStop(getpid(), 1'000) == 0);
    CHECK(session::runStop(0, 1'000) == 1);
}
