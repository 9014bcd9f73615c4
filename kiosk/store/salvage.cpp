#include "salvage.hpp"

#include <algorithm>
#include <limits>
#include <set>
#include <vector>

namespace fs = std::filesystem;

namespace skm::store {

namespace {

// Parents before children: the children's triggers and references find their parent in place.
const char* const kWholeTables[] = {"meta", "roster_officers", "roster_services", "roster_reasons", "pin_lockouts", "pin_touch_budget"};
const char* const kTables[] = {"ratings",        "store_events", "audit_events",     "officer_sessions",
                               "session_events", "cases",        "survey_responses", "survey_answers"};

std::vector<std::string> columnsOf(Database& db, const std::string& table)
{
    std::vector<std::string> cols;
    Statement q(db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid");
    q.bind(1, std::string_view(table));
    while (q.next()) cols.push_back(q.columnText(0));
    return cols;
}

bool hasRowid(Database& db, const std::string& table)
{
    Statement q(db, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1");
    q.bind(1, std::string_view(table));
    if (!q.next()) return false;
    std::string sql = q.columnText(0);
    std::transform(sql.begin(), sql.end(), sql.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return sql.find("WITHOUT ROWID") == std::string::npos;
}

std::string sqlName(const std::string& name) { return "\"" + name + "\""; }

class TableCopy {
public:
    TableCopy(Database& from, Database& to, const std::string& table, const std::vector<std::string>& cols)
        : m_from(from)
    {
        std::string list, params;
        for (size_t i = 0; i < cols.size(); ++i) {
            list += (i ? ", " : "") + sqlName(cols[i]);
            params += (i ? ", ?" : "?") + std::to_string(i + 1);
        }
        m_columns = static_cast<int>(cols.size());
        m_selectList = list;
        m_table = table;
        m_insert = Statement(to, "INSERT OR IGNORE INTO " + sqlName(table) + " (" + list + ") VALUES (" + params + ")");
    }

    // Copies the row `q` is on (its first m_columns columns, after `offset`).
    void copyRow(Statement& q, int offset)
    {
        m_insert.reset();
        for (int i = 0; i < m_columns; ++i) {
            sqlite3_stmt* s = q.handle();
            switch (sqlite3_column_type(s, i + offset)) {
            case SQLITE_NULL: m_insert.bindNull(i + 1); break;
            case SQLITE_INTEGER: m_insert.bind(i + 1, static_cast<int64_t>(sqlite3_column_int64(s, i + offset))); break;
            case SQLITE_FLOAT: sqlite3_bind_double(m_insert.handle(), i + 1, sqlite3_column_double(s, i + offset)); break;
            default: {
                const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, i + offset));
                m_insert.bind(i + 1, std::string_view(text ? text : "", static_cast<size_t>(sqlite3_column_bytes(s, i + offset))));
            }
            }
        }
        if (m_insert.step() == SQLITE_DONE && sqlite3_changes(sqlite3_db_handle(m_insert.handle())) > 0) ++copied;
    }

    // Rows with rowid >= start, in rowid order, until the end or an unreadable page. Returns true if
    // the scan reached the end; `last` is the last rowid read (start - 1 if none).
    bool scanFrom(int64_t start, int64_t& last, bool& failedAtOnce)
    {
        Statement q(m_from, "SELECT rowid, " + m_selectList + " FROM " + sqlName(m_table) + " WHERE rowid >= ?1 ORDER BY rowid");
        q.bind(1, start);
        last = start - 1;
        failedAtOnce = false;
        bool first = true;
        for (;;) {
            const int rc = q.step();
            if (rc == SQLITE_DONE) return true;
            if (rc != SQLITE_ROW) {
                failedAtOnce = first;
                return false;
            }
            first = false;
            last = sqlite3_column_int64(q.handle(), 0);
            copyRow(q, 1);
        }
    }

    // Whether a scan starting at `start` reads its first row (or finds nothing past it).
    bool readableAt(int64_t start)
    {
        try {
            Statement q(m_from, "SELECT rowid, " + m_selectList + " FROM " + sqlName(m_table) + " WHERE rowid >= ?1 ORDER BY rowid LIMIT 1");
            q.bind(1, start);
            const int rc = q.step();
            return rc == SQLITE_ROW || rc == SQLITE_DONE;
        } catch (const SqliteError&) {
            return false;
        }
    }

    // A plain scan (tables without rowid): until the end or the first unreadable page.
    bool scanAll()
    {
        Statement q(m_from, "SELECT " + m_selectList + " FROM " + sqlName(m_table));
        for (;;) {
            const int rc = q.step();
            if (rc == SQLITE_DONE) return true;
            if (rc != SQLITE_ROW) return false;
            copyRow(q, 0);
        }
    }

    int64_t copied = 0;

private:
    Database& m_from;
    Statement m_insert;
    std::string m_table;
    std::string m_selectList;
    int m_columns = 0;
};

int64_t salvageRowidTable(TableCopy& copy, int64_t& skips)
{
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    int64_t start = std::numeric_limits<int64_t>::min();
    for (int guard = 0; guard < 100000; ++guard) {
        int64_t last = 0;
        bool failedAtOnce = false;
        if (copy.scanFrom(start, last, failedAtOnce)) break;
        ++skips;
        // The page holding the row after `last` is unreadable. Probe forwards in growing steps for a
        // start that reads, then bisect back to the first such start: only that page's rows are lost.
        // (The kiosk's rowids count up from 1: a damaged first page is probed from 0.)
        int64_t bad = std::max<int64_t>(failedAtOnce ? start : last + 1, 0);
        int64_t good = 0;
        bool found = false;
        for (int64_t step = 1; step <= kMax - bad;) {
            const int64_t at = bad + step;
            if (copy.readableAt(at)) {
                good = at;
                found = true;
                break;
            }
            bad = at;
            if (step > kMax / 2) break;
            step *= 2;
        }
        if (!found) break; // nothing readable past this point
        while (good - bad > 1) {
            const int64_t mid = bad + (good - bad) / 2;
            if (copy.readableAt(mid)) good = mid;
            else bad = mid;
        }
        start = good;
    }
    return copy.copied;
}

// Copies what can be read of `table` (the columns both schemas have); true if all of it was read.
bool copyTable(Database& from, Database& target, const std::string& table, SalvageReport& report)
{
    try {
        std::vector<std::string> common;
        const auto theirs = columnsOf(from, table);
        const std::set<std::string> theirSet(theirs.begin(), theirs.end());
        for (const auto& c : columnsOf(target, table)) {
            if (theirSet.count(c)) common.push_back(c);
        }
        if (common.empty()) return true;
        TableCopy copy(from, target, table, common);
        const int64_t skipsBefore = report.unreadableRanges;
        if (hasRowid(from, table)) {
            salvageRowidTable(copy, report.unreadableRanges);
        } else if (!copy.scanAll()) {
            ++report.unreadableRanges;
        }
        report.rows[table] = copy.copied;
        return report.unreadableRanges == skipsBefore;
    } catch (const SqliteError&) {
        ++report.unreadableRanges; // the table's schema or first page: nothing of it can be read
        return false;
    }
}

} // namespace

SalvageReport salvageInto(const fs::path& corruptFile, Database& target)
{
    SalvageReport report;
    Database from;
    try {
        // Read-only: the quarantined file (and its WAL) stay as they were found, as evidence.
        from = Database("file:" + corruptFile.string() + "?mode=ro", SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
        (void)from.queryInt("SELECT count(*) FROM sqlite_schema");
    } catch (const SqliteError& first) {
        try {
            // A WAL that cannot be opened: the main file alone.
            from = Database("file:" + corruptFile.string() + "?immutable=1", SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
            (void)from.queryInt("SELECT count(*) FROM sqlite_schema");
        } catch (const SqliteError& e) {
            report.error = std::string("the schema cannot be read: ") + e.what();
            return report;
        }
    }
    target.exec("PRAGMA foreign_keys = OFF"); // a child whose parent was on a lost page is still kept
    try {
        target.exec("BEGIN IMMEDIATE");
        for (const char* name : kTables) (void)copyTable(from, target, name, report);
        // The roster (officers, services, reasons), the PIN lock-outs (per key and channel, and the
        // device-wide touch allowance) and the store's meta (the roster's
        // version, the configuration's ETag, the clock offset) come back whole or not at all: a roster
        // is imported whole or refused whole, and a partial one would let a half-known officer list
        // stand. If any part cannot be read, the next sync brings the central office's roster.
        target.exec("SAVEPOINT roster");
        bool whole = true;
        for (const char* name : kWholeTables) whole = copyTable(from, target, name, report) && whole;
        if (!whole) {
            target.exec("ROLLBACK TO roster");
            for (const char* name : kWholeTables) report.rows.erase(name);
        }
        target.exec("RELEASE roster");
        report.rosterRestored = whole;
        // Everything bound for the central office goes again; it de-duplicates by id.
        for (const char* table : {"ratings", "audit_events", "officer_sessions", "cases", "survey_responses"}) {
            target.exec(std::string("UPDATE ") + table + " SET upload_status = 'pending' WHERE upload_status = 'sent'");
        }
        if (!columnsOf(target, "ratings").empty()) target.exec("UPDATE ratings SET next_attempt_ms = 0, attempts = 0");
        target.exec("COMMIT");
    } catch (const SqliteError& e) {
        (void)target.tryExec("ROLLBACK");
        report.rows.clear();
        report.error = std::string("cannot write the salvaged rows: ") + e.what();
    }
    target.exec("PRAGMA foreign_keys = ON");
    return report;
}

} // namespace skm::store
