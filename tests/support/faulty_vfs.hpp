#pragma once
// A SQLite VFS shim over the default VFS that fails writes or syncs on cue, to inject I/O errors.
// Used only where a fault must be injected; the real-disk tests use the default VFS.

#include <atomic>

namespace skm::test {

struct FaultSwitches {
    std::atomic<bool> failWrites{false}; // xWrite returns SQLITE_IOERR_WRITE
    std::atomic<bool> failSyncs{false};  // xSync returns SQLITE_IOERR_FSYNC
    std::atomic<bool> fullWrites{false}; // xWrite returns SQLITE_FULL, as on ENOSPC
};

// Registers the shim (once) under the name "skm-faulty" and returns its switches.
FaultSwitches& faultyVfs();
inline constexpr const char* kFaultyVfsName = "skm-faulty";

} // namespace skm::test
