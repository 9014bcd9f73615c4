#pragma once
// Thin RAII wrapper over the SQLite C API: a connection, a prepared statement, a transaction.
// Start-up code uses the throwing calls; the rating hot path uses the calls that return result codes.
// A Database and its Statements belong to one thread at a time.

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace skm::store {

// An SQLite failure with its extended result code.
class SqliteError : public std::runtime_error {
public:
    SqliteError(int code, const std::string& what) : std::runtime_error(what), m_code(code) {}
    [[nodiscard]] int code() const noexcept { return m_code; }
    [[nodiscard]] int primaryCode() const noexcept { return m_code & 0xff; }

private:
    int m_code;
};

class Database {
public:
    Database() = default;
    // Opens `path` with SQLITE_OPEN_* `flags` through `vfs` (nullptr: the default VFS). Throws SqliteError.
    Database(const std::string& path, int flags, const char* vfs = nullptr);
    ~Database();
    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    [[nodiscard]] sqlite3* handle() const noexcept { return m_db; }
    [[nodiscard]] bool isOpen() const noexcept { return m_db != nullptr; }
    [[nodiscard]] const std::string& path() const noexcept { return m_path; }

    // Runs one or more statements; throws SqliteError naming `sql` on failure.
    void exec(const std::string& sql);
    // Runs `sql`; returns the SQLite result code and fills `message` on failure. Never throws.
    [[nodiscard]] int tryExec(const char* sql, std::string* message = nullptr) noexcept;
    // First column of the first row of `sql` (e.g. "PRAGMA journal_mode") as text / integer. Throws.
    [[nodiscard]] std::string queryText(const std::string& sql);
    [[nodiscard]] int64_t queryInt(const std::string& sql);
    [[nodiscard]] std::string errorMessage() const;
    void close() noexcept;

private:
    sqlite3* m_db = nullptr;
    std::string m_path;
};

class Statement {
public:
    Statement() = default;
    // Prepares `sql` on `db`, which must outlive the statement. Throws SqliteError.
    Statement(Database& db, const std::string& sql);
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Binds are 1-based, as in SQLite; a failed bind shows up as the result of step().
    void bind(int index, int64_t value) noexcept;
    void bind(int index, std::string_view value) noexcept;
    void bind(int index, const std::optional<std::string>& value) noexcept;
    void bindNull(int index) noexcept;

    // SQLITE_ROW, SQLITE_DONE or an error code. Never throws.
    [[nodiscard]] int step() noexcept;
    // true on a row, false when done; throws SqliteError on error.
    bool next();
    void reset() noexcept;

    [[nodiscard]] int64_t columnInt(int index) const noexcept;
    [[nodiscard]] std::string columnText(int index) const;
    [[nodiscard]] bool columnIsNull(int index) const noexcept;
    [[nodiscard]] sqlite3_stmt* handle() const noexcept { return m_stmt; }

private:
    sqlite3_stmt* m_stmt = nullptr;
    sqlite3* m_db = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT; the destructor rolls back unless commit() succeeded (SQLiteCpp's pattern).
class Transaction {
public:
    explicit Transaction(Database& db) noexcept : m_db(db) {}
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    // Starts the write transaction. Returns the SQLite result code.
    [[nodiscard]] int begin(std::string* message = nullptr) noexcept;
    // Commits; on failure rolls back explicitly so nothing is left half-written. Returns the result code.
    [[nodiscard]] int commit(std::string* message = nullptr) noexcept;
    void rollback() noexcept;

private:
    Database& m_db;
    bool m_active = false;
};

// Sets journal_mode=WAL, retrying SQLITE_BUSY for up to `timeoutMs` (SQLite answers it at once for the
// exclusive lock the switch needs, without calling the busy handler); returns the mode SQLite reports.
[[nodiscard]] std::string switchToWal(Database& db, int timeoutMs);

} // namespace skm::store
