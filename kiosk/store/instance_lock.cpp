#include "instance_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace skm::store {

InstanceLock::InstanceLock(const std::filesystem::path& dataDir) : m_dataDir(dataDir)
{
    std::error_code ec;
    std::filesystem::create_directories(dataDir, ec);
    const std::filesystem::path file = dataDir / "skm-kiosk.lock";
    m_fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd < 0) throw std::runtime_error("cannot open " + file.string() + ": " + std::strerror(errno));
    if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
        char buf[32] = {};
        const ssize_t n = ::pread(m_fd, buf, sizeof buf - 1, 0);
        std::string holder = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "unknown";
        while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
        ::close(m_fd);
        m_fd = -1;
        throw std::runtime_error("another skm-kiosk (pid " + holder + ") is already running with data directory " +
                                 dataDir.string() + "; refusing to start a second one");
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(m_fd, 0) == 0) (void)!::pwrite(m_fd, pid.data(), pid.size(), 0);
}

InstanceLock::~InstanceLock()
{
    if (m_fd >= 0) ::close(m_fd); // closing releases the flock
}

} // namespace skm::store
