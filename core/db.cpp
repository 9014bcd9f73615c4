#include "db.hpp"

#include <chrono>
#include <thread>
#include <utility>

namespace skm::store {

namespace {
std::string describe(sqlite3* db, int rc, const std::string& what)
{
    std::string msg = what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    msg += " (SQLite code " + std::to_string(rc) + ")";
    return msg;
}
} // namespace

Database::Database(const std::string& path, int flags, const char* vfs) : m_path(path)
{
    int rc = sqlite3_open_v2(path.c_str(), &m_db, flags | SQLITE_OPEN_NOMUTEX, vfs);
    if (rc != SQLITE_OK) {
        std::string msg = describe(m_db, rc, "cannot open database " + path);
        close();
        throw SqliteError(rc, msg);
    }
    sqlite3_extended_result_codes(m_db, 1);
}

Database::~Database() { close(); }

Database::Database(Database&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_path(std::move(other.m_path))
{
}

Database& Database::operator=(Database&& other) noexcept
{
    if (this != &other) {
        close();
        m_db = std::exchange(other.m_db, nullptr);
        m_path = std::move(other.m_path);
    }
    return *this;
}

void Database::close() noexcept
{
    if (m_db) {
        // sqlite3_close_v2 defers the close until every statement is finalized, so it cannot fail
        // with SQLITE_BUSY from a forgotten statement.
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
}

void Database::exec(const std::string& sql)
{
    std::string message;
    int rc = tryExec(sql.c_str(), &message);
    if (rc != SQLITE_OK) {
        throw SqliteError(rc, message + " (SQLite code " + std::to_string(rc) + ") in: " + sql);
    }
}

int Database::tryExec(const char* sql, std::string* message) noexcept
{
    char* err = nullptr;
    int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        rc = sqlite3_extended_errcode(m_db);
        if (message) {
            try {
                *message = err ? err : sqlite3_errstr(rc);
            } catch (...) {
            }
        }
    }
    sqlite3_free(err);
    return rc;
}

std::string Database::queryText(const std::string& sql)
{
    Statement st(*this, sql);
    if (!st.next()) return {};
    return st.columnText(0);
}

int64_t Database::queryInt(const std::string& sql)
{
    Statement st(*this, sql);
    if (!st.next()) return 0;
    return st.columnInt(0);
}

std::string Database::errorMessage() const { return m_db ? sqlite3_errmsg(m_db) : "database closed"; }

Statement::Statement(Database& db, const std::string& sql) : m_db(db.handle())
{
    int rc = sqlite3_prepare_v2(m_db, sql.c_str(), static_cast<int>(sql.size()), &m_stmt, nullptr);
    if (rc != SQLITE_OK) {
        rc = sqlite3_extended_errcode(m_db);
        throw SqliteError(rc, describe(m_db, rc, "cannot prepare \"" + sql + "\""));
    }
}

Statement::~Statement() { sqlite3_finalize(m_stmt); }

Statement::Statement(Statement&& other) noexcept
    : m_stmt(std::exchange(other.m_stmt, nullptr)), m_db(std::exchange(other.m_db, nullptr))
{
}

Statement& Statement::operator=(Statement&& other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_stmt = std::exchange(other.m_stmt, nullptr);
        m_db = std::exchange(other.m_db, nullptr);
    }
    return *this;
}

void Statement::bind(int index, int64_t value) noexcept { sqlite3_bind_int64(m_stmt, index, value); }

void Statement::bind(int index, std::string_view value) noexcept
{
    sqlite3_bind_text(m_stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
}

void Statement::bind(int index, const std::optional<std::string>& value) noexcept
{
    if (value) bind(index, std::string_view(*value));
    else bindNull(index);
}

void Statement::bindNull(int index) noexcept { sqlite3_bind_null(m_stmt, index); }

int Statement::step() noexcept
{
    int rc = sqlite3_step(m_stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) rc = sqlite3_extended_errcode(m_db);
    return rc;
}

bool Statement::next()
{
    int rc = step();
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw SqliteError(rc, describe(m_db, rc, std::string("query failed: ") + sqlite3_sql(m_stmt)));
}

void Statement::reset() noexcept
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

int64_t Statement::columnInt(int index) const noexcept { return sqlite3_column_int64(m_stmt, index); }

std::string Statement::columnText(int index) const
{
    const unsigned char* text = sqlite3_column_text(m_stmt, index);
    return text ? std::string(reinterpret_cast<const char*>(text)) : std::string();
}

bool Statement::columnIsNull(int index) const noexcept
{
    return sqlite3_column_type(m_stmt, index) == SQLITE_NULL;
}

Transaction::~Transaction() { rollback(); }

int Transaction::begin(std::string* message) noexcept
{
    int rc = m_db.tryExec("BEGIN IMMEDIATE", message);
    m_active = rc == SQLITE_OK;
    return rc;
}

int Transaction::commit(std::string* message) noexcept
{
    int rc = m_db.tryExec("COMMIT", message);
    if (rc == SQLITE_OK) {
        m_active = false;
        return rc;
    }
    rollback();
    return rc;
}

void Transaction::rollback() noexcept
{
    // After some errors (SQLITE_FULL, SQLITE_IOERR) SQLite has already rolled back by itself;
    // a ROLLBACK outside a transaction would then fail, so ask first.
    if (m_active && m_db.isOpen() && !sqlite3_get_autocommit(m_db.handle())) {
        (void)m_db.tryExec("ROLLBACK");
    }
    m_active = false;
}

std::string switchToWal(Database& db, int timeoutMs)
{
    // Switching to WAL needs an exclusive lock, and SQLite answers SQLITE_BUSY at once rather than call
    // the busy handler for it (deadlock avoidance), so two processes opening a new file together (the
    // kiosk and skm-sync at boot) must retry here, within the busy timeout.
    for (int waitedMs = 0;; waitedMs += 10) {
        try {
            return db.queryText("PRAGMA journal_mode = WAL");
        } catch (const SqliteError& e) {
            if (e.primaryCode() != SQLITE_BUSY || waitedMs >= timeoutMs) throw;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
}

} // namespace skm::store
