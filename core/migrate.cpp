#include "migrate.hpp"

namespace skm::store {

int migrate(Database& db, const std::vector<Migration>& list, int target)
{
    const int from = static_cast<int>(db.queryInt("PRAGMA user_version"));
    if (from >= target) return from;
    // Every pending step in ONE transaction, with the version bumps: an upgrade that fails anywhere
    // (a bug in a step, a full disk, a power cut) rolls back whole and leaves the database exactly as
    // the older version left it, which that version can still open.
    Transaction tx(db);
    std::string message;
    if (int rc = tx.begin(&message); rc != SQLITE_OK) throw SqliteError(rc, "cannot start the migration: " + message);
    // Read the version again under the write lock: another process (the sync job starting at the same
    // boot) may have migrated the file since we last looked.
    const int current = static_cast<int>(db.queryInt("PRAGMA user_version"));
    int reached = current;
    try {
        for (const Migration& m : list) {
            if (m.version <= current) continue;
            if (m.version > target) break;
            reached = m.version;
            db.exec(m.sql);
            if (m.apply) m.apply(db);
            db.exec("PRAGMA user_version = " + std::to_string(m.version));
        }
    } catch (const SqliteError& e) {
        tx.rollback();
        throw SqliteError(e.code(), "migration to schema " + std::to_string(reached) + " failed (" + e.what() + "); the database is left at schema " +
                                        std::to_string(current) + ", unchanged");
    }
    if (int rc = tx.commit(&message); rc != SQLITE_OK) {
        throw SqliteError(rc, "the migration to schema " + std::to_string(reached) + " did not commit (" + message + "); the database is left at schema " +
                                  std::to_string(current) + ", unchanged");
    }
    return from;
}

} // namespace skm::store
