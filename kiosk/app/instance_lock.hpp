#pragma once
// One kiosk per data directory: an flock() on DATA_DIR/skm-kiosk.lock, held for the process's life
// and released by the kernel when it dies (also on kill -9), so a stale lock never blocks a restart.

#include <filesystem>
#include <stdexcept>

namespace skm::app {

class InstanceLock {
public:
    // Takes the lock or throws std::runtime_error naming the data directory and the holder's pid.
    explicit InstanceLock(const std::filesystem::path& dataDir);
    ~InstanceLock();
    InstanceLock(const InstanceLock&) = delete;
    InstanceLock& operator=(const InstanceLock&) = delete;

private:
    int m_fd = -1;
};

} // namespace skm::app
