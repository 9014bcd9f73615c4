#include "session.hpp"

#include <systemd/sd-daemon.h>

#include <spdlog/spdlog.h>

#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
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
        const fs::path noto = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf";
        needs.push_back({"the Noto Sans font", noto, "fonts-noto-core", isFile(noto)});
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

bool running(int pid)
{
    const auto s = readStat(pid);
    return s && s->state != 'Z' && s->state != 'X';
}

} // namespace

int runStop(int mainPid, int64_t timeoutMs)
{
    if (mainPid <= 1) {
        spdlog::error("session stop: no main process to stop ({})", mainPid);
        return 1;
    }
    std::vector<int> kiosks;
    if (const auto self = readStat(mainPid); self && self->comm == "skm-kiosk") kiosks.push_back(mainPid); // run without cage
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
        const int pid = std::atoi(name.c_str());
        if (const auto s = readStat(pid); s && s->ppid == mainPid && s->comm == "skm-kiosk") kiosks.push_back(pid);
    }
    if (kiosks.empty()) {
        spdlog::info("session stop: no skm-kiosk under process {}; the service manager stops the rest", mainPid);
        return 0;
    }
    for (const int pid : kiosks) {
        if (kill(pid, SIGTERM) != 0) spdlog::warn("session stop: cannot signal skm-kiosk {}: {}", pid, std::strerror(errno));
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (running(mainPid)) {
        if (std::chrono::steady_clock::now() >= deadline) {
            spdlog::error("session stop: process {} still runs {} s after the kiosk was asked to stop", mainPid, timeoutMs / 1000);
            return 1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    spdlog::info("session stop: the kiosk and its compositor stopped");
    return 0;
}

} // namespace skm::session
