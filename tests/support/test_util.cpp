#include "test_util.hpp"

#include <cstdlib>
#include <ctime>
#include <random>

#include <sodium.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace fs = std::filesystem;

namespace skm::test {

TempDir::TempDir()
{
    std::string tmpl = (fs::temp_directory_path() / "skm-test-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    m_path = tmpl;
}

TempDir::~TempDir()
{
    std::error_code ec;
    fs::remove_all(m_path, ec);
}

TmpfsMount::TmpfsMount(const fs::path& dir, size_t bytes) : m_dir(dir)
{
    fs::create_directories(dir);
    const std::string opts = "size=" + std::to_string(bytes) + ",mode=0755";
    if (mount("tmpfs", dir.c_str(), "tmpfs", 0, opts.c_str()) != 0) {
        throw std::runtime_error("cannot mount a tmpfs on " + dir.string() + ": " + std::strerror(errno) +
                                 " (the disk-full test needs root, as the project's test command runs)");
    }
}

TmpfsMount::~TmpfsMount() { umount2(m_dir.c_str(), MNT_DETACH); }

std::vector<uint8_t> readBytes(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeBytes(const fs::path& file, const std::vector<uint8_t>& bytes)
{
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void scramblePage(const fs::path& file, int64_t pageNo)
{
    std::vector<uint8_t> junk(4096);
    randombytes_buf(junk.data(), junk.size());
    const int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("cannot open " + file.string());
    const ssize_t n = ::pwrite(fd, junk.data(), junk.size(), static_cast<off_t>((pageNo - 1) * 4096));
    ::close(fd);
    if (n != static_cast<ssize_t>(junk.size())) throw std::runtime_error("cannot write page " + std::to_string(pageNo) + " of " + file.string());
}

namespace {
std::string drain(int fd)
{
    std::string s;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<size_t>(n));
    return s;
}
} // namespace

int64_t localMs(int year, int month, int day, int hour)
{
    std::tm t{};
    t.tm_year = year - 1900;
    t.tm_mon = month - 1;
    t.tm_mday = day;
    t.tm_hour = hour;
    t.tm_isdst = -1;
    return static_cast<int64_t>(std::mktime(&t)) * 1000;
}

std::string readFile(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

pid_t spawn(const std::vector<std::string>& argv, int* stdoutFd, int stderrFd)
{
    // Close-on-exec, so that only the child's stdout holds the pipe: a daemon the child leaves behind
    // (pg_ctl's server) must not keep the reader waiting for an end of file that never comes.
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        dup2(out[1], 1);
        if (stderrFd >= 0) dup2(stderrFd, 2);
        close(out[0]);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    close(out[1]);
    if (stdoutFd) *stdoutFd = out[0];
    else close(out[0]);
    return pid;
}

std::string readLine(int fd)
{
    std::string line;
    char c;
    while (read(fd, &c, 1) == 1 && c != '\n') line += c;
    return line;
}

CommandResult run(const std::vector<std::string>& argv)
{
    // stderr goes to a temporary file so that neither pipe can fill up while we drain the other.
    char errPath[] = "/tmp/skm-test-stderr-XXXXXX";
    int errFd = mkostemp(errPath, O_CLOEXEC);
    int outFd = -1;
    const pid_t pid = spawn(argv, &outFd, errFd);
    CommandResult r;
    r.out = drain(outFd);
    close(outFd);
    int status = 0;
    waitpid(pid, &status, 0);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    lseek(errFd, 0, SEEK_SET);
    r.err = drain(errFd);
    close(errFd);
    unlink(errPath);
    return r;
}

int freePort()
{
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        if (fd >= 0) close(fd);
        throw std::runtime_error("no free loopback port");
    }
    close(fd);
    return ntohs(a.sin_port);
}

bool waitForPort(int port, int ms)
{
    for (int waited = 0; waited < ms; waited += 50) {
        const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(static_cast<uint16_t>(port));
        const bool up = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        close(fd);
        if (up) return true;
        usleep(50'000);
    }
    return false;
}

fs::path binDir() { return SKM_TEST_BIN_DIR; }
fs::path sourceDir() { return SKM_TEST_SOURCE_DIR; }

bool tortureLong()
{
    const char* v = std::getenv("SKM_TORTURE");
    return v && std::string(v) == "long";
}

uint32_t tortureSeed()
{
    if (const char* v = std::getenv("SKM_TORTURE_SEED")) return static_cast<uint32_t>(std::stoul(v));
    return std::random_device{}();
}

} // namespace skm::test
