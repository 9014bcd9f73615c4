#pragma once
// A SQLite VFS shim over the default VFS that fails writes or syncs on cue, to inject I/O errors.
// Used only where a fault must be injected; the real-disk tests use the default VFS.
//
// A fault is on exactly as long as an InjectedFault lives: the destructor turns it off also when a
// REQUIRE throws, so one failing test never leaves the faulty disk on for the tests after it.

#include <atomic>

namespace skm::test {

inline constexpr const char* kFaultyVfsName = "skm-faulty";

// Registers the shim (once) under kFaultyVfsName. Open a store with that VFS, then inject.
void registerFaultyVfs();

class InjectedFault {
public:
    enum Kind {
        FailWrites, // xWrite returns SQLITE_IOERR_WRITE
        FailSyncs,  // xSync returns SQLITE_IOERR_FSYNC
        FullWrites, // xWrite returns SQLITE_FULL, as on ENOSPC
    };
    explicit InjectedFault(Kind kind);
    ~InjectedFault();
    InjectedFault(const InjectedFault&) = delete;
    InjectedFault& operator=(const InjectedFault&) = delete;
    // Turns the fault off before the guard ends (the disk "recovers").
    void end();

private:
    std::atomic<bool>* m_switch;
};

} // namespace skm::test
