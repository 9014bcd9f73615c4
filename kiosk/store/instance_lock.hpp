#pragma once
// One kiosk per data directory: an flock() on DATA_DIR/skm-kiosk.lock, held for the holder's life and
// released by the kernel when the process dies (also on kill -9), so a stale lock never blocks a
// restart. The holder is the kiosk: the only process whose store connection writes ratings. It alone
// may move a damaged database aside and salvage it (StoreOptions::instanceLock): a file renamed under
// another process's open connection would take that process's later commits with it.

#include <filesystem>
#include <stdexcept>

namespace skm::store {

class InstanceLock {
public:
    // Takes the lock or throws std::runtime_error naming the data directory and the holder's pid.
    explicit InstanceLock(const std::filesystem::path& dataDir);
    ~InstanceLock();
    InstanceLock(const InstanceLock&) = delete;
    InstanceLock& operator=(const InstanceLock&) = delete;

    // The data directory this lock holds.
    [[nodiscard]] const std::filesystem::path& dataDir() const noexcept { return m_dataDir; }

private:
    std::filesystem::path m_dataDir;
    int m_fd = -1;
};

} // namespace skm::store
