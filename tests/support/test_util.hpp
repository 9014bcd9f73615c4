#pragma once
// Shared test helpers: a temporary directory, file bytes, a tmpfs mount, running a command.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace skm::test {

// A TCP port on 127.0.0.1 nobody listens on now (for a server the test starts).
[[nodiscard]] int freePort();
// Whether something accepts connections on 127.0.0.1:`port` within `ms`.
[[nodiscard]] bool waitForPort(int port, int ms);

// A fresh directory under /tmp, removed (with its contents) at scope exit.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }
    [[nodiscard]] std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
    std::filesystem::path m_path;
};

// A tmpfs of `bytes` mounted on `dir` (needs root), unmounted at scope exit. Throws if mount fails.
class TmpfsMount {
public:
    TmpfsMount(const std::filesystem::path& dir, size_t bytes);
    ~TmpfsMount();
    TmpfsMount(const TmpfsMount&) = delete;
    TmpfsMount& operator=(const TmpfsMount&) = delete;

private:
    std::filesystem::path m_dir;
};

[[nodiscard]] std::vector<uint8_t> readBytes(const std::filesystem::path& file);
void writeBytes(const std::filesystem::path& file, const std::vector<uint8_t>& bytes);
// Overwrites page `pageNo` (1-based, 4096 bytes) of `file` in place with random bytes, as a failing
// card would, while other processes may hold it open.
void scramblePage(const std::filesystem::path& file, int64_t pageNo);

// The torture suite's long form: SKM_TORTURE=long in the environment (tests/torture.sh --long).
bool tortureLong();
// SKM_TORTURE_SEED if set (to replay a failure), else a fresh random seed.
uint32_t tortureSeed();

struct CommandResult {
    int exitCode = -1;
    std::string out;
    std::string err;
};
// Runs `argv` (no shell), capturing stdout and stderr.
[[nodiscard]] CommandResult run(const std::vector<std::string>& argv);
// Starts `argv` (argv[0] a path; no shell) and returns its pid: its stdout on a pipe whose read end is
// put in *stdoutFd (or closed, when null), its stderr on `stderrFd` (-1: this process's). The one
// fork/exec of the tests; run() and the tests that kill their child use it.
[[nodiscard]] pid_t spawn(const std::vector<std::string>& argv, int* stdoutFd = nullptr, int stderrFd = -1);
// One line read from `fd` (without its newline; what there is at end of file).
[[nodiscard]] std::string readLine(int fd);
// The whole content of a file ("" if it cannot be read).
// Unix ms of a local wall-clock time (the machine's time zone), as reports cut their periods.
[[nodiscard]] int64_t localMs(int year, int month, int day, int hour = 10);
[[nodiscard]] std::string readFile(const std::filesystem::path& path);

// Where the built executables are (build/bin) and the source tree.
[[nodiscard]] std::filesystem::path binDir();
[[nodiscard]] std::filesystem::path sourceDir();

} // namespace skm::test
