#pragma once
// skm-central serve as a process the test may SIGKILL and start again on the same port (the crash
// tests); its output goes to /dev/null. test::Central (sync_fixture.hpp) is the one that lives for a
// scope.

#include "support/test_util.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

namespace skm::test {

// A child with its stderr on /dev/null (the servers' and the sync's lines are not a test's output).
inline pid_t spawnQuiet(const std::vector<std::string>& argv, int* stdoutFd = nullptr)
{
    const int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    const pid_t pid = spawn(argv, stdoutFd, devnull);
    close(devnull);
    return pid;
}

// Starts `skm-central serve` with `args` (after "serve") and returns its pid, with the URL it listens on
// (its first line) in `url`. stderrFd: where its log goes (-1: the test's own stderr).
inline pid_t startServe(const std::vector<std::string>& args, int stderrFd, std::string* url)
{
    std::vector<std::string> argv = {(binDir() / "skm-central").string(), "serve"};
    argv.insert(argv.end(), args.begin(), args.end());
    int fd = -1;
    const pid_t pid = spawn(argv, &fd, stderrFd);
    const std::string line = readLine(fd);
    close(fd);
    std::smatch m;
    REQUIRE(std::regex_search(line, m, std::regex(R"(https?://127\.0\.0\.1:\d+)")));
    *url = m[0];
    return pid;
}

struct CentralProc {
    std::filesystem::path dataDir;
    std::vector<std::string> extra; // e.g. --database URL
    std::string listen = "127.0.0.1:0";
    pid_t pid = -1;
    std::string url;

    void start()
    {
        std::vector<std::string> args = {"--listen", listen, "--data-dir", dataDir.string()};
        args.insert(args.end(), extra.begin(), extra.end());
        const int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
        pid = startServe(args, devnull, &url);
        close(devnull);
        listen = url.substr(url.find("://") + 3); // the same port at the next start
    }
    [[nodiscard]] int port() const { return std::stoi(listen.substr(listen.find(':') + 1)); }
    void kill9()
    {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        pid = -1;
    }
    void stop()
    {
        if (pid <= 0) return;
        kill(pid, SIGTERM);
        waitpid(pid, nullptr, 0);
        pid = -1;
    }
    ~CentralProc() { stop(); }
};

} // namespace skm::test
