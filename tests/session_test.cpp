// skm-kiosk.service's session (kiosk/session/session.hpp): the pieces the screen needs and the one
// line naming a missing one, the back-off after starts that never showed the screen, and `session
// run`: notifications passed on as the main process's own, the stop that lets cage exit by itself. The real cage and XWayland: tests/cage_boot_test.sh and, in a fresh
// Debian root from the packages, tests/debootstrap_test.sh.

#include "support/notify_socket.hpp"
#include "support/test_util.hpp"

#include <kiosk/session/session.hpp>

#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <functional>
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

namespace {

// A notify socket as systemd's: each message with its sender's pid.
struct NotifyListener {
    explicit NotifyListener(const fs::path& path) : path(path), fd(test::bindNotifySocket(path.string(), true)) { REQUIRE(fd >= 0); }
    ~NotifyListener() { close(fd); }
    // Messages received so far, as (sender pid, text).
    std::vector<std::pair<pid_t, std::string>> take()
    {
        std::vector<std::pair<pid_t, std::string>> out;
        while (const auto m = test::receiveNotification(fd)) out.emplace_back(m->sender, m->text);
        return out;
    }
    fs::path path;
    int fd = -1;
};

// `skm-kiosk session run` in a child process (it takes over signals), with a stand-in for cage: a
// shell whose child is a process named skm-kiosk that says READY=1 on the socket it was given, and
// which writes a file when it ends by itself after its child, as cage exits after its client.
// (A stand-in's own children write nowhere: a leftover one holding the test's output open would keep
// CTest waiting for it.)
pid_t startSession(const fs::path& dir, const std::string& kioskScript, int64_t stopTimeoutMs)
{
    const fs::path kiosk = dir / "skm-kiosk";
    std::ofstream(kiosk) << "#!/bin/sh\n" << kioskScript;
    fs::permissions(kiosk, fs::perms::owner_all);
    const std::string compositor = kiosk.string() + "; echo exited >" + (dir / "compositor-exited").string();
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        _exit(session::runSession({"/bin/sh", "-c", compositor}, stopTimeoutMs));
    }
    return pid;
}

bool waitFor(const std::function<bool()>& done, int ms)
{
    for (int i = 0; i < ms / 20; ++i) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done();
}

} // namespace

TEST_CASE("session run passes the kiosk's READY=1 and pings on as its own, without WATCHDOG_PID, and stops the kiosk before cage", "[session]")
{
    test::TempDir dir;
    NotifyListener systemd(dir / "notify");
    setenv("NOTIFY_SOCKET", systemd.path.c_str(), 1);
    setenv("WATCHDOG_PID", "1", 1);
    setenv("XDG_RUNTIME_DIR", dir.path().c_str(), 1);
    // The kiosk: says READY=1 and a ping (as sd_notify would, on $NOTIFY_SOCKET), notes whether it was
    // given WATCHDOG_PID, then waits for SIGTERM (a script named skm-kiosk: its process is named so).
    const std::string script = "echo \"${WATCHDOG_PID:-unset}\" >" + (dir / "watchdog-pid").string() + "\n"
                               "python3 -c \"import os,socket; s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); "
                               "s.sendto(b'READY=1\\nSTATUS=up', os.environ['NOTIFY_SOCKET']); s.sendto(b'WATCHDOG=1', os.environ['NOTIFY_SOCKET'])\"\n"
                               "sleep 60 >/dev/null 2>&1 &\nwait\n";
    const pid_t session = startSession(dir.path(), script, 10'000);
    std::vector<std::pair<pid_t, std::string>> got;
    REQUIRE(waitFor([&] {
        for (auto& m : systemd.take()) got.push_back(m);
        return got.size() >= 2;
    }, 10'000));
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_PID");
    // Both from the session's own pid, as systemd requires of the main process.
    CHECK(got[0].first == session);
    CHECK(got[0].second.find("READY=1") != std::string::npos);
    CHECK(got[1].first == session);
    CHECK(got[1].second == "WATCHDOG=1");
    std::string watchdogPid;
    std::ifstream(dir / "watchdog-pid") >> watchdogPid;
    CHECK(watchdogPid == "unset");

    // systemctl stop (KillMode=mixed): SIGTERM to the session only. The kiosk is stopped, the
    // stand-in compositor then ends by itself, and the session exits with its status.
    REQUIRE(waitFor([&] { return !session::kiosksUnder(session).empty(); }, 5'000));
    kill(session, SIGTERM);
    int status = 0;
    REQUIRE(waitpid(session, &status, 0) == session);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(fs::exists(dir / "compositor-exited"));
    bool stopping = false;
    for (auto& m : systemd.take()) stopping = stopping || m.second == "STOPPING=1";
    CHECK(stopping);
}

TEST_CASE("session run fails with one line when cage ends before the kiosk's first frame, and gives up on a kiosk that ignores SIGTERM", "[session]")
{
    test::TempDir dir;
    setenv("XDG_RUNTIME_DIR", dir.path().c_str(), 1);
    unsetenv("NOTIFY_SOCKET");
    // A kiosk that cannot open its window exits at once; cage 0.1.4 then exits 0.
    pid_t session = startSession(dir.path(), "exit 1\n", 10'000);
    int status = 0;
    REQUIRE(waitpid(session, &status, 0) == session);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1);

    // A kiosk that ignores SIGTERM: after the stop timeout the compositor itself is signalled.
    fs::remove(dir / "compositor-exited");
    session = startSession(dir.path(), "trap '' TERM\nsleep 60 >/dev/null 2>&1 &\nwait\nwait\n", 1'000);
    REQUIRE(waitFor([&] { return !session::kiosksUnder(session).empty(); }, 5'000));
    const std::vector<int> stubborn = session::kiosksUnder(session);
    const auto started = std::chrono::steady_clock::now();
    kill(session, SIGTERM);
    REQUIRE(waitpid(session, &status, 0) == session);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(30));
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) != 0); // the compositor was signalled: not a clean stop
    // And the kiosk did not outlive the session (with PAMName= nothing else would end it). Killed is
    // dead: a zombie waiting for whichever process reaps orphans (PID 1) has ended.
    const auto running = [](int pid) {
        std::ifstream stat(fs::path("/proc") / std::to_string(pid) / "stat");
        std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
        const size_t paren = text.rfind(')');
        return paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] != 'Z' && text[paren + 2] != 'X';
    };
    for (const int pid : stubborn) CHECK_FALSE(running(pid));
}

TEST_CASE("session run passes systemd's watchdog SIGABRT on to the kiosk, then stops as for SIGTERM", "[session]")
{
    test::TempDir dir;
    setenv("XDG_RUNTIME_DIR", dir.path().c_str(), 1);
    unsetenv("NOTIFY_SOCKET");
    const pid_t session = startSession(dir.path(), "trap 'echo aborted >" + (dir / "kiosk-aborted").string() + "; exit 134' ABRT\nsleep 60 >/dev/null 2>&1 &\nwait\n", 10'000);
    REQUIRE(waitFor([&] { return !session::kiosksUnder(session).empty(); }, 5'000));
    kill(session, SIGABRT);
    int status = 0;
    REQUIRE(waitpid(session, &status, 0) == session);
    CHECK(WIFEXITED(status)); // not aborted itself
    CHECK(fs::exists(dir / "kiosk-aborted"));
    CHECK(fs::exists(dir / "compositor-exited"));
}
