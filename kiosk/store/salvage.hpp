#pragma once
// Salvage: what can still be read from a corrupt database file, copied into a fresh one.
//
// SQLite's own recovery (sqlite3_recover, the shell's .recover) is not in Debian 12's libsqlite3, so
// this reads through the ordinary b-tree: every table is scanned in rowid order, and where a page
// cannot be read the scan skips ahead (probing forwards, then bisecting back to the first readable
// rowid), so a damaged page costs the rows on it and no more. Tables without rowid are scanned until
// the first unreadable page. Rows are copied column by column (the columns both schemas have), with
// INSERT OR IGNORE; everything that goes to the central office is queued again (`pending`): the
// central office de-duplicates by id, so a rating it already had counts once. The roster, the PIN
// lock-outs and the store's meta come back whole or not at all.

#include <core/db.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace skm::store {

struct SalvageReport {
    std::map<std::string, int64_t> rows; // table -> rows copied
    int64_t unreadableRanges = 0;        // places where a scan had to skip
    std::string error;                   // why nothing could be read at all ("" if something could)
    bool rosterRestored = false;         // the roster, PIN lock-outs and meta came back whole
    [[nodiscard]] int64_t ratings() const { return rows.count("ratings") ? rows.at("ratings") : 0; }
    [[nodiscard]] int64_t total() const
    {
        int64_t n = 0;
        for (const auto& [table, count] : rows) n += count;
        return n;
    }
};

// Copies what `corruptFile` still holds into `target` (a freshly migrated store, no rows yet in the
// tables it fills). Never throws: what cannot be read is counted and skipped.
SalvageReport salvageInto(const std::filesystem::path& corruptFile, Database& target);

} // namespace skm::store
