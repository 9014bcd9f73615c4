#include "session.hpp"

#include <kiosk/config/config.hpp>

#include <systemd/sd-daemon.h>

#include <spdlog/spdlog.h>

#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace fs = std::filesystem;

namespace skm::session {

namespace {

constexpr const char* kStartsFile = "display-starts";

bool isFile(const fs::path& p)
{
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

std::vector<fs::path> defaultDriDirs()
{
    // Mesa's drivers live in /usr/lib/<multiarch>/dri on Debian.
    std::vector<fs::path> dirs;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/usr/lib", ec)) {
        if (entry.is_directory(ec) && isFile(entry.path() / "dri" / "swrast_dri.so")) dirs.push_back(entry.path() / "dri");
    }
    if (dirs.empty()) dirs.push_back("/usr/lib/x86_64-linux-gnu/dri");
    return dirs;
}

void sleepFor(int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

} // namespace

std::vector<Need> displayNeeds(const NeedsOptions& o)
{
    std::vector<Need> needs;
    needs.push_back({"the compositor cage", o.compositor, "cage", isFile(o.compositor)});

    fs::path xwayland = o.xwayland;
    if (xwayland.empty()) {
        const char* env = std::getenv("WLR_XWAYLAND");
        xwayland = env && *env ? fs::path(env) : fs::path("/usr/bin/Xwayland");
    }
    needs.push_back({"XWayland (the kiosk is an X11 client inside cage)", xwayland, "xwayland", isFile(xwayland)});

    Need dri{"Mesa's OpenGL drivers (swrast_dri.so, the software renderer, and the GPU drivers)", {}, "libgl1-mesa-dri", false};
    for (const fs::path& dir : o.driDirs.empty() ? defaultDriDirs() : o.driDirs) {
        dri.found = dir / "swrast_dri.so";
        if (isFile(dri.found)) {
            dri.present = true;
            break;
        }
    }
    needs.push_back(dri);

    if (o.font.empty()) {
        const fs::path noto = config::kDefaultFont;
        needs.push_back({"the Noto Sans font", noto, config::kDefaultFontPackage, isFile(noto)});
    } else {
        needs.push_back({"the font of display.font", o.font, "(display.font in the configuration)", isFile(o.font)});
    }
    return needs;
}

std::optional<std::string> describeMissing(const std::vector<Need>& needs)
{
    std::string pieces, packages;
    for (const Need& n : needs) {
        if (n.present) continue;
        pieces += (pieces.empty() ? "" : "; ") + n.what + " (" + n.found.string() + " is missing, package " + n.package + ")";
        if (n.package.rfind('(', 0) != 0) packages += " " + n.package;
    }
    if (pieces.empty()) return std::nullopt;
    std::string line = "cannot show the citizen's screen: " + pieces;
    if (!packages.empty()) line += ". Install it: apt-get install" + packages;
    return line;
}

int64_t backoffMs(int failedStarts)
{
    if (failedStarts <= 1) return 0; // the first retry comes after RestartSec alone
    const int doublings = std::min(failedStarts - 2, 10);
    return std::min<int64_t>(int64_t{5'000} << doublings, 300'000);
}

int failedStarts(const fs::path& dataDir, const std::string& bootId)
{
    std::ifstream in(dataDir / kStartsFile);
    std::string boot;
    int count = 0;
    if (!(in >> boot >> count) || boot != bootId || count < 0) return 0;
    return std::min(count, 1'000'000);
}

void countStart(const fs::path& dataDir, const std::string& bootId, int failedStartsBefore)
{
    const fs::path file = dataDir / kStartsFile;
    const fs::path tmp = dataDir / (std::string(kStartsFile) + ".tmp");
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << bootId << ' ' << failedStartsBefore + 1 << '\n';
        out.flush();
        if (!out) throw std::runtime_error("cannot write " + tmp.string() + ": " + std::strerror(errno));
    }
    std::error_code ec;
    fs::rename(tmp, file, ec);
    if (ec) throw std::runtime_error("cannot write " + file.string() + ": " + ec.message());
}

void clearStarts(const fs::path& dataDir) noexcept
{
    std::error_code ec;
    fs::remove(dataDir / kStartsFile, ec);
    if (ec) spdlog::warn("cannot remove {}: {}", (dataDir / kStartsFile).string(), ec.message());
}

int runCheck(const CheckOptions& o)
{
    const int before = failedStarts(o.dataDir, o.bootId);
    if (const int64_t wait = backoffMs(before); wait > 0) {
        spdlog::warn("the last {} starts did not put the citizen's screen up; waiting {} s before this one", before, wait / 1000);
        // The wait is part of the start: systemd is told, so that TimeoutStartSec does not end it.
        (void)sd_notifyf(0, "EXTEND_TIMEOUT_USEC=%lld\nSTATUS=waiting %lld s after %d starts that did not show the screen",
                         static_cast<long long>((wait + 60'000) * 1000), static_cast<long long>(wait / 1000), before);
        (o.sleepMs ? o.sleepMs : sleepFor)(wait);
    }
    try {
        countStart(o.dataDir, o.bootId, before);
    } catch (const std::exception& e) {
        spdlog::warn("{} (the start is not counted for the back-off)", e.what());
    }
    if (const auto missing = describeMissing(displayNeeds(o.needs))) {
        spdlog::critical("{}", *missing);
        (void)sd_notifyf(0, "STATUS=%s", missing->c_str());
        return 1;
    }
    return 0;
}

namespace {

struct ProcStat {
    std::string comm;
    char state = '?';
    int ppid = 0;
};

std::optional<ProcStat> readStat(int pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto open = text.find('('), close = text.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
    ProcStat s;
    s.comm = text.substr(open + 1, close - open - 1);
    std::istringstream rest(text.substr(close + 1));
    if (!(rest >> s.state >> s.ppid)) return std::nullopt;
    return s;
}


} // namespace

std::vector<int> kiosksUnder(int pid)
{
    // Parent of every process, then a walk down from `pid`.
    std::vector<std::pair<int, ProcStat>> all;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
        const int p = std::atoi(name.c_str());
        if (auto st = readStat(p)) all.emplace_back(p, *st);
    }
    std::vector<int> found, frontier{pid};
    std::vector<int> seen{pid};
    if (const auto self = readStat(pid); self && self->comm == "skm-kiosk") found.push_back(pid);
    while (!frontier.empty()) {
        const int parent = frontier.back();
        frontier.pop_back();
        for (const auto& [p, st] : all) {
            if (st.ppid != parent || std::find(seen.begin(), seen.end(), p) != seen.end()) continue;
            seen.push_back(p);
            frontier.push_back(p);
            if (st.comm == "skm-kiosk" && st.state != 'Z') found.push_back(p);
        }
    }
    return found;
}

int runSession(const std::vector<std::string>& command, int64_t stopTimeoutMs)
{
    if (command.empty()) {
        spdlog::error("session run: no command");
        return 2;
    }
    // The command's notify socket, in the unit's runtime directory.
    const char* runtime = std::getenv("RUNTIME_DIRECTORY");
    if (!runtime || !*runtime) runtime = std::getenv("XDG_RUNTIME_DIR");
    const fs::path socketPath = fs::path(runtime && *runtime ? runtime : "/tmp") / ("skm-session-notify-" + std::to_string(getpid()));
    const int sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (sock < 0 || socketPath.string().size() >= sizeof addr.sun_path) {
        spdlog::critical("session run: cannot make a notify socket at {}", socketPath.string());
        return 1;
    }
    std::strncpy(addr.sun_path, socketPath.c_str(), sizeof addr.sun_path - 1);
    unlink(socketPath.c_str());
    if (bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        spdlog::critical("session run: cannot bind {}: {}", socketPath.string(), std::strerror(errno));
        close(sock);
        return 1;
    }

    sigset_t mask, old;
    sigemptyset(&mask);
    // SIGABRT too: systemd's WatchdogSignal, sent to the main process alone under KillMode=mixed; it is
    // passed on to the kiosk (the frozen one, whose core dump is the useful one), then the stop.
    for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGABRT}) sigaddset(&mask, sig);
    sigprocmask(SIG_BLOCK, &mask, &old);
    const int sigFd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sigFd < 0) {
        spdlog::critical("session run: signalfd: {}", std::strerror(errno));
        sigprocmask(SIG_SETMASK, &old, nullptr);
        close(sock);
        unlink(socketPath.c_str());
        return 1;
    }
    // Whatever cage leaves behind (a kiosk that outlived it) becomes this process's child, to be
    // ended before this process exits: with PAMName= they live in the login session's scope, beyond
    // the reach of the unit's KillMode.
    (void)prctl(PR_SET_CHILD_SUBREAPER, 1);

    const pid_t child = fork();
    if (child < 0) {
        spdlog::critical("session run: fork: {}", std::strerror(errno));
        return 1;
    }
    if (child == 0) {
        sigprocmask(SIG_SETMASK, &old, nullptr);
        (void)prctl(PR_SET_PDEATHSIG, SIGKILL); // this process gone (killed itself): cage goes, and the kiosk with its display
        setenv("NOTIFY_SOCKET", socketPath.c_str(), 1);
        unsetenv("WATCHDOG_PID"); // the kiosk is not that pid: with it set, sd_watchdog_enabled() says no
        std::vector<char*> argv;
        for (const auto& a : command) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execvp(argv[0], argv.data());
        std::fprintf(stderr, "session run: cannot run %s: %s\n", argv[0], std::strerror(errno));
        _exit(127);
    }

    bool ready = false, stopping = false, cageSignalled = false;
    int stopSignal = SIGTERM;
    std::vector<int> asked; // the kiosk processes asked to stop
    int status = 0;
    std::chrono::steady_clock::time_point deadline{};
    for (;;) {
        pollfd fds[2] = {{sock, POLLIN, 0}, {sigFd, POLLIN, 0}};
        int timeout = -1;
        if (stopping) {
            timeout = static_cast<int>(std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count()));
            if (asked.empty()) timeout = std::min(timeout, 100); // the kiosk may not be there yet: look again soon
        }
        (void)poll(fds, 2, timeout);
        // What the command says goes on to systemd, as this process's own. A message is at most
        // 4,096 bytes, as systemd reads them; a longer one (cut here) is dropped, not half applied.
        for (;;) {
            char buf[4097];
            const ssize_t n = recv(sock, buf, sizeof buf - 1, MSG_TRUNC);
            if (n < 0) break;
            if (n == 0) continue;
            if (static_cast<size_t>(n) > sizeof buf - 1 || std::memchr(buf, '\0', static_cast<size_t>(n))) {
                spdlog::warn("session run: a notification of {} bytes dropped (too long, or with a NUL)", n);
                continue;
            }
            buf[n] = '\0';
            if (!ready && (std::strncmp(buf, "READY=1", 7) == 0 || std::strstr(buf, "\nREADY=1"))) ready = true;
            (void)sd_notify(0, buf);
        }
        bool exited = false;
        signalfd_siginfo si{};
        while (read(sigFd, &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
            if (si.ssi_signo == SIGCHLD) {
                if (waitpid(child, &status, WNOHANG) == child) exited = true;
                while (waitpid(-1, nullptr, WNOHANG) > 0) {} // orphans adopted as subreaper
            } else if (!stopping) {
                stopping = true;
                stopSignal = si.ssi_signo == SIGABRT ? SIGABRT : SIGTERM;
                deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(stopTimeoutMs);
                spdlog::info("session run: stopping (signal {}): the kiosk first, then {} by itself", si.ssi_signo, command[0]);
                (void)sd_notify(0, "STOPPING=1");
            }
        }
        if (!exited && waitpid(child, &status, WNOHANG) == child) exited = true;
        if (exited) break;
        if (stopping && asked.empty()) {
            // Asked once; a kiosk not yet started (a stop right after the start) is found on a later turn.
            asked = kiosksUnder(child);
            for (const int pid : asked) (void)kill(pid, stopSignal);
        }
        if (stopping && std::chrono::steady_clock::now() >= deadline) {
            if (!cageSignalled) {
                spdlog::error("session run: still running {} s after the kiosk was asked to stop; killing the kiosk and signalling {}",
                              stopTimeoutMs / 1000, command[0]);
                for (const int pid : kiosksUnder(child)) (void)kill(pid, SIGKILL);
                (void)kill(child, SIGTERM);
                cageSignalled = true;
                deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
            } else {
                (void)kill(child, SIGKILL);
                deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
            }
        }
    }
    // Anything left under this process (a kiosk that outlived cage): ended now.
    for (const int pid : kiosksUnder(getpid())) {
        if (pid == getpid()) continue;
        spdlog::warn("session run: process {} (skm-kiosk) outlived {}: killed", pid, command[0]);
        (void)kill(pid, SIGKILL);
        (void)waitpid(pid, nullptr, 0);
    }
    close(sock);
    close(sigFd);
    unlink(socketPath.c_str());
    sigprocmask(SIG_SETMASK, &old, nullptr);
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (!ready && !stopping) {
        spdlog::critical("cannot show the citizen's screen: {} ended (status {}) before the kiosk's first frame; the lines above say why",
                         command[0], code);
        return code == 0 ? 1 : code;
    }
    if (stopping && cageSignalled) {
        spdlog::error("session run: {} had to be signalled (status {}): not a clean stop", command[0], code);
        return code == 0 ? 1 : code;
    }
    return stopping ? 0 : code; // a stop asked for and done cleanly is a success, whatever cage said
}

} // namespace skm::session
