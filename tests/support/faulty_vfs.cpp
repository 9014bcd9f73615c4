#include "faulty_vfs.hpp"

#include <sqlite3.h>

#include <cstring>
#include <mutex>

namespace skm::test {

namespace {

struct FaultSwitches {
    std::atomic<bool> failWrites{false};
    std::atomic<bool> failSyncs{false};
    std::atomic<bool> fullWrites{false};
};
FaultSwitches g_switches;
sqlite3_vfs* g_base = nullptr;
sqlite3_vfs g_vfs;

// Our file: the base VFS's file follows it in the same allocation (szOsFile is enlarged for it).
struct ShimFile {
    sqlite3_file base;       // pMethods points at our methods
    sqlite3_file* real;      // the wrapped file
};

sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<ShimFile*>(f)->real; }

int xClose(sqlite3_file* f)
{
    int rc = real(f)->pMethods ? real(f)->pMethods->xClose(real(f)) : SQLITE_OK;
    return rc;
}
int xRead(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) { return real(f)->pMethods->xRead(real(f), buf, n, off); }
int xWrite(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off)
{
    if (g_switches.failWrites) return SQLITE_IOERR_WRITE;
    if (g_switches.fullWrites) return SQLITE_FULL;
    return real(f)->pMethods->xWrite(real(f), buf, n, off);
}
int xTruncate(sqlite3_file* f, sqlite3_int64 size) { return real(f)->pMethods->xTruncate(real(f), size); }
int xSync(sqlite3_file* f, int flags)
{
    if (g_switches.failSyncs) return SQLITE_IOERR_FSYNC;
    return real(f)->pMethods->xSync(real(f), flags);
}
int xFileSize(sqlite3_file* f, sqlite3_int64* size) { return real(f)->pMethods->xFileSize(real(f), size); }
int xLock(sqlite3_file* f, int l) { return real(f)->pMethods->xLock(real(f), l); }
int xUnlock(sqlite3_file* f, int l) { return real(f)->pMethods->xUnlock(real(f), l); }
int xCheckReservedLock(sqlite3_file* f, int* out) { return real(f)->pMethods->xCheckReservedLock(real(f), out); }
int xFileControl(sqlite3_file* f, int op, void* arg) { return real(f)->pMethods->xFileControl(real(f), op, arg); }
int xSectorSize(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int xDeviceCharacteristics(sqlite3_file* f) { return real(f)->pMethods->xDeviceCharacteristics(real(f)); }
int xShmMap(sqlite3_file* f, int pg, int sz, int extend, void volatile** out) { return real(f)->pMethods->xShmMap(real(f), pg, sz, extend, out); }
int xShmLock(sqlite3_file* f, int off, int n, int flags) { return real(f)->pMethods->xShmLock(real(f), off, n, flags); }
void xShmBarrier(sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); }
int xShmUnmap(sqlite3_file* f, int del) { return real(f)->pMethods->xShmUnmap(real(f), del); }
int xFetch(sqlite3_file* f, sqlite3_int64 off, int amt, void** pp) { return real(f)->pMethods->xFetch(real(f), off, amt, pp); }
int xUnfetch(sqlite3_file* f, sqlite3_int64 off, void* p) { return real(f)->pMethods->xUnfetch(real(f), off, p); }

const sqlite3_io_methods kMethods = {
    3, xClose, xRead, xWrite, xTruncate, xSync, xFileSize, xLock, xUnlock, xCheckReservedLock, xFileControl,
    xSectorSize, xDeviceCharacteristics, xShmMap, xShmLock, xShmBarrier, xShmUnmap, xFetch, xUnfetch,
};

int xOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* outFlags)
{
    auto* shim = reinterpret_cast<ShimFile*>(f);
    shim->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + sizeof(ShimFile));
    int rc = g_base->xOpen(g_base, name, shim->real, flags, outFlags);
    // SQLite calls xClose only when pMethods is set, so set it only when the real open succeeded.
    shim->base.pMethods = rc == SQLITE_OK && shim->real->pMethods ? &kMethods : nullptr;
    return rc;
}

} // namespace

void registerFaultyVfs()
{
    static std::once_flag once;
    std::call_once(once, [] {
        g_base = sqlite3_vfs_find(nullptr);
        g_vfs = *g_base;
        g_vfs.pNext = nullptr;
        g_vfs.zName = kFaultyVfsName;
        g_vfs.szOsFile = static_cast<int>(sizeof(ShimFile)) + g_base->szOsFile;
        g_vfs.xOpen = xOpen;
        // Other VFS methods (delete, access, randomness...) pass through: they receive the base
        // VFS pointer semantics only via pAppData, which the unix VFS does not use for these.
        sqlite3_vfs_register(&g_vfs, 0);
    });
}

InjectedFault::InjectedFault(Kind kind)
    : m_switch(kind == FailWrites ? &g_switches.failWrites : kind == FailSyncs ? &g_switches.failSyncs : &g_switches.fullWrites)
{
    registerFaultyVfs();
    m_switch->store(true);
}

InjectedFault::~InjectedFault() { end(); }

void InjectedFault::end() { m_switch->store(false); }

} // namespace skm::test
