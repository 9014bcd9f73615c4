#pragma once
// Thin RAII wrapper over libpq, PostgreSQL's C client (Debian's libpq-dev), in the shape of
// core/db.hpp: a connection and a result (transactions: core/sql.hpp). Queries take their values as parameters
// ($1, $2 ...), never spliced into the SQL. A Connection belongs to one thread at a time.
//
// A database URL (postgresql://USER:PASSWORD@HOST:PORT/DB?sslmode=...) may carry a password: every
// message this wrapper writes names the URL by redactUrl(), never with its secret part.

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <stdexcept>
#include <string>
#include <vector>

struct pg_conn;
struct pg_result;

namespace skm::pg {

// A PostgreSQL failure with its SQLSTATE ("23505" unique violation, "40001" serialization failure,
// "57P01" the server shutting down; "" when the connection itself failed).
class Error : public std::runtime_error {
public:
    Error(std::string sqlstate, const std::string& what) : std::runtime_error(what), m_sqlstate(std::move(sqlstate)) {}
    [[nodiscard]] const std::string& sqlstate() const noexcept { return m_sqlstate; }
    // The connection was lost or refused (the server restarting, the network): worth a retry.
    [[nodiscard]] bool connectionLost() const noexcept { return m_sqlstate.empty() || m_sqlstate.rfind("08", 0) == 0 || m_sqlstate.rfind("57P", 0) == 0; }

private:
    std::string m_sqlstate;
};

// `url` with its password replaced by "***" (a URL's user:password@, or a password=... parameter).
[[nodiscard]] std::string redactUrl(const std::string& url);
// `text` (a message about connecting to `url`) with every password of `url` in it replaced by "***":
// where redactUrl finds one, and wherever the password appears alone, as written or percent-decoded.
[[nodiscard]] std::string redactSecretsOf(const std::string& url, const std::string& text);
// Overwrites, in place, the password of a URL in `text` (as redactUrl finds it) with '*', keeping its
// length: a command line's argv after parsing, so that `ps` and /proc/PID/cmdline no longer show it.
void maskPasswordInPlace(char* text);
// Whether `text` names a PostgreSQL database (postgresql:// or postgres://).
[[nodiscard]] bool isPostgresUrl(const std::string& text);
// The first line of a statement, at most 120 characters (for messages).
[[nodiscard]] std::string firstLine(const std::string& sql);

class Result {
public:
    Result() = default;
    explicit Result(pg_result* r) noexcept : m_r(r) {}
    ~Result();
    Result(Result&& o) noexcept : m_r(o.m_r) { o.m_r = nullptr; }
    Result& operator=(Result&& o) noexcept;
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;

    [[nodiscard]] int rows() const noexcept;
    [[nodiscard]] int columns() const noexcept;
    [[nodiscard]] bool isNull(int row, int col) const noexcept;
    [[nodiscard]] std::string text(int row, int col) const;
    [[nodiscard]] int64_t integer(int row, int col) const; // throws Error on a non-integer
    [[nodiscard]] std::optional<std::string> optText(int row, int col) const;
    // The rows a command changed (INSERT, UPDATE, DELETE).
    [[nodiscard]] int64_t affected() const;

private:
    pg_result* m_r = nullptr;
};

using Param = std::optional<std::string>; // nullopt: SQL NULL

class Connection {
public:
    // Connects to `url`. Throws Error (its message with the URL redacted).
    explicit Connection(const std::string& url);
    ~Connection();
    Connection(Connection&& o) noexcept : m_conn(o.m_conn), m_url(std::move(o.m_url)), m_prepared(std::move(o.m_prepared)) { o.m_conn = nullptr; }
    Connection& operator=(Connection&&) = delete;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Runs one or more statements without parameters. Throws Error naming the first line of `sql`.
    void exec(const std::string& sql);
    // Runs one statement with parameters $1..$n. Throws Error.
    Result query(const std::string& sql, const std::vector<Param>& params = {});
    // The first column of the first row (throws Error when there is no row).
    [[nodiscard]] int64_t queryInt(const std::string& sql, const std::vector<Param>& params = {});
    [[nodiscard]] std::string queryText(const std::string& sql, const std::vector<Param>& params = {});
    // As query(), through a statement prepared on this connection at its first use and kept.
    Result queryPrepared(const std::string& sql, const std::vector<Param>& params);
    // The connection is gone (the server restarted, the network): reset() makes a new one.
    [[nodiscard]] bool broken() const noexcept;
    // Connects again with the same parameters (prepared statements forgotten). Throws Error.
    void reset();
    // The URL, redacted (for messages).
    [[nodiscard]] const std::string& name() const noexcept { return m_url; }
    [[nodiscard]] int serverVersion() const noexcept;
    [[nodiscard]] bool isOpen() const noexcept { return m_conn != nullptr; }

private:
    [[noreturn]] void fail(pg_result* r, const std::string& sql);

    pg_conn* m_conn = nullptr;
    std::string m_url; // redacted
    std::unordered_map<std::string, std::string> m_prepared; // SQL -> statement name
};

} // namespace skm::pg
