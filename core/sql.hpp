#pragma once
// One SQL interface over the central office's two engines (issue 18): SQLite (core/db.hpp) for one
// office, PostgreSQL (core/pg.hpp) for a region. Code above it writes one SQL text for both:
//   - parameters are $1, $2 ... (SQLite reads "$1" as a named parameter; it is bound by its number,
//     wherever it first appears);
//   - the common subset: INSERT ... ON CONFLICT (...) DO NOTHING / DO UPDATE, coalesce, CASE, the
//     aggregates; integers for flags (0/1) and times (ms); text for JSON bodies;
//   - where the engines really differ (FOR UPDATE, JSON access, date arithmetic) the caller asks
//     engine() and writes each form next to the other.
// A Connection belongs to one thread at a time. Statements are prepared once per connection and kept.

#include <core/db.hpp>
#include <core/pg.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace skm::sql {

enum class Engine { Sqlite, Postgres };

// A failure of either engine, with what the caller may do about it.
class Error : public std::runtime_error {
public:
    enum class Kind {
        Other,          // a bug, a constraint, a full disk: retrying the same will not help
        Busy,           // SQLite's lock held past the busy timeout, PostgreSQL's serialization failure or deadlock: retry
        ConnectionLost, // the server went away or refused (PostgreSQL restarting): retry, on a new connection
    };
    Error(Kind kind, const std::string& what, std::string sqlstate = "") : std::runtime_error(what), m_kind(kind), m_sqlstate(std::move(sqlstate)) {}
    [[nodiscard]] Kind kind() const noexcept { return m_kind; }
    [[nodiscard]] bool retryable() const noexcept { return m_kind != Kind::Other; }
    // PostgreSQL's SQLSTATE ("23505", "42883" ...); "" on SQLite and for a lost connection.
    [[nodiscard]] const std::string& sqlstate() const noexcept { return m_sqlstate; }

private:
    Kind m_kind;
    std::string m_sqlstate;
};

// A parameter or a column's value. PostgreSQL's columns arrive as text; Row converts on reading.
using Value = std::variant<std::monostate, int64_t, double, std::string>;
inline const Value null{};
// A text or NULL.
inline Value optional(const std::optional<std::string>& s) { return s ? Value(*s) : Value(); }

class Row {
public:
    Row() = default;
    explicit Row(std::vector<Value> values) : m_values(std::move(values)) {}
    [[nodiscard]] size_t size() const noexcept { return m_values.size(); }
    [[nodiscard]] bool isNull(size_t col) const;
    // The value as an integer (NULL: 0); throws Error on text that is not one.
    [[nodiscard]] int64_t integer(size_t col) const;
    [[nodiscard]] double real(size_t col) const;
    // The value as text (NULL: ""; an integer in decimal).
    [[nodiscard]] std::string text(size_t col) const;
    [[nodiscard]] std::optional<std::string> optText(size_t col) const;
    [[nodiscard]] std::optional<int64_t> optInteger(size_t col) const;

private:
    const Value& at(size_t col) const;
    std::vector<Value> m_values;
};

struct Rows {
    std::vector<Row> rows;
    int64_t affected = 0; // the rows an INSERT, UPDATE or DELETE changed
    [[nodiscard]] bool empty() const noexcept { return rows.empty(); }
};

class Connection {
public:
    virtual ~Connection() = default;
    [[nodiscard]] virtual Engine engine() const noexcept = 0;
    // The database, for messages (a PostgreSQL URL without its password).
    [[nodiscard]] virtual std::string name() const = 0;
    // Runs one statement with parameters $1..$n. Throws Error.
    virtual Rows query(const std::string& sql, const std::vector<Value>& params = {}) = 0;
    // Runs a script of statements without parameters. Throws Error.
    virtual void exec(const std::string& sql) = 0;
    // Calls `f` for each row of a query, in order (SQLite: streamed, one row in memory at a time;
    // PostgreSQL: the result as libpq holds it). Throws Error.
    virtual void each(const std::string& sql, const std::vector<Value>& params, const std::function<void(const Row&)>& f);

    // The first row, if any.
    std::optional<Row> one(const std::string& sql, const std::vector<Value>& params = {});
    // The first column of the first row; throws Error when there is no row.
    int64_t queryInt(const std::string& sql, const std::vector<Value>& params = {});
    std::string queryText(const std::string& sql, const std::vector<Value>& params = {});

    // " FOR UPDATE" on PostgreSQL (the row stays locked until the transaction ends), "" on SQLite
    // (whose write transaction already excludes every other writer).
    [[nodiscard]] const char* forUpdate() const noexcept { return engine() == Engine::Postgres ? " FOR UPDATE" : ""; }
};

// A write transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: BEGIN, read committed) or a read
// snapshot (SQLite: BEGIN; PostgreSQL: REPEATABLE READ READ ONLY). Rolled back when destroyed
// uncommitted.
class Transaction {
public:
    enum class Mode { Write, ReadSnapshot };
    explicit Transaction(Connection& c, Mode mode = Mode::Write);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    Connection& m_c;
    bool m_open = false;
};

// The SQLite engine over an open database (its pragmas set by the caller).
[[nodiscard]] std::unique_ptr<Connection> sqlite(store::Database db);
// The PostgreSQL engine: connects to `url`. Throws Error (ConnectionLost when the server cannot be
// reached), its message naming the URL without its password. A connection found broken (the server
// restarted) is re-established at its next query outside a transaction.
[[nodiscard]] std::unique_ptr<Connection> postgres(const std::string& url);
// The SQLite database underneath (VACUUM INTO, pragmas); nullptr on PostgreSQL.
[[nodiscard]] store::Database* sqliteDatabase(Connection& c) noexcept;

} // namespace skm::sql
