// skm-bench-startup --runs N [--setup CMD] -- PROGRAM ARGS...: starts PROGRAM N times and reports, for
// each start-up milestone it writes (lines "NAME NS", CLOCK_MONOTONIC), the time from just before
// fork() to the milestone: p50 and max in milliseconds, one line per milestone ("NAME P50 MAX").
// "{LOG}" in ARGS is replaced by the file PROGRAM writes its milestones to; "{RUN}" by the run's
// number. --setup runs CMD through sh before every start (e.g. to make a fresh data directory); it
// is not timed. After the last milestone arrives PROGRAM gets SIGTERM and is waited for.

#include <core/cli.hpp>

#include <CLI/CLI.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>
#include <vector>

namespace {

long long monotonicNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<long long>(ts.tv_sec) * 1'000'000'000LL + ts.tv_nsec;
}

std::string replaceAll(std::string s, const std::string& from, const std::string& to)
{
    for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
    return s;
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app{"skm-bench-startup: time from process start to a program's start-up milestones."};
    int runs = 7;
    std::string setup;
    std::vector<std::string> command;
    double timeoutS = 60;
    app.add_option("--runs", runs, "how many starts")->check(CLI::Range(1, 1000));
    app.add_option("--setup", setup, "shell command run (untimed) before every start; {RUN} is replaced");
    app.add_option("--timeout", timeoutS, "seconds to wait for the milestones of one start");
    app.add_option("command", command, "the program and its arguments ({LOG}, {RUN} replaced)")->required();
    if (const auto stop = skm::cli::parse(app, argc, argv, "skm-bench-startup")) return *stop;

    const std::filesystem::path log = std::filesystem::temp_directory_path() / ("skm-startup-" + std::to_string(getpid()) + ".log");
    std::map<std::string, std::vector<double>> ms; // milestone -> each run's time from fork
    std::vector<std::string> order;
    for (int run = 1; run <= runs; ++run) {
        std::filesystem::remove(log);
        if (!setup.empty() && std::system(replaceAll(setup, "{RUN}", std::to_string(run)).c_str()) != 0) {
            std::cerr << "skm-bench-startup: the setup command failed\n";
            return 1;
        }
        std::vector<std::string> args;
        for (const auto& a : command) args.push_back(replaceAll(replaceAll(a, "{LOG}", log.string()), "{RUN}", std::to_string(run)));
        std::vector<char*> argvChild;
        for (auto& a : args) argvChild.push_back(a.data());
        argvChild.push_back(nullptr);
        const long long t0 = monotonicNs();
        const pid_t pid = fork();
        if (pid == 0) {
            if (std::FILE* devnull = std::freopen("/dev/null", "w", stderr)) (void)devnull;
            execv(argvChild[0], argvChild.data());
            _exit(127);
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeoutS);
        while (!std::filesystem::exists(log)) {
            int status = 0;
            if (waitpid(pid, &status, WNOHANG) == pid) {
                std::cerr << "skm-bench-startup: " << args[0] << " exited before its first frame (status " << status << ")\n";
                return 1;
            }
            if (std::chrono::steady_clock::now() > deadline) {
                kill(pid, SIGKILL);
                waitpid(pid, nullptr, 0);
                std::cerr << "skm-bench-startup: no milestones from " << args[0] << " within " << timeoutS << " s\n";
                return 1;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        kill(pid, SIGTERM);
        waitpid(pid, nullptr, 0);
        std::ifstream in(log);
        std::string name;
        long long ns = 0;
        while (in >> name >> ns) {
            if (!ms.count(name)) order.push_back(name);
            ms[name].push_back(static_cast<double>(ns - t0) / 1e6);
        }
    }
    std::filesystem::remove(log);
    for (const auto& name : order) {
        auto v = ms[name];
        std::sort(v.begin(), v.end());
        std::printf("%s %.1f %.1f\n", name.c_str(), v[v.size() / 2], v.back());
    }
    return 0;
}
