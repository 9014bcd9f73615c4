#include "sql.hpp"

#include <charconv>
#include <unordered_map>

namespace skm::sql {

namespace {

// `sql` with each $N outside quotes and comments written ?N: the same parameter, numbered, for SQLite.
std::string positional(const std::string& sql)
{
    std::string out = sql;
    char quote = 0;
    for (size_t i = 0; i < out.size(); ++i) {
        const char c = out[i];
        if (quote) {
            if (c == quote) quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '-' && i + 1 < out.size() && out[i + 1] == '-') {
            while (i < out.size() && out[i] != '\n') ++i;
        } else if (c == '$' && i + 1 < out.size() && out[i + 1] >= '0' && out[i + 1] <= '9') {
            out[i] = '?';
        }
    }
    return out;
}

using pg::firstLine;

Error fromSqlite(const store::SqliteError& e)
{
    const int primary = e.primaryCode();
    return Error(primary == SQLITE_BUSY || primary == SQLITE_LOCKED ? Error::Kind::Busy : Error::Kind::Other, e.what());
}

Error fromPg(const pg::Error& e)
{
    if (e.connectionLost()) return Error(Error::Kind::ConnectionLost, e.what(), e.sqlstate());
    // serialization_failure, deadlock_detected: the transaction may succeed if run again
    if (e.sqlstate() == "40001" || e.sqlstate() == "40P01") return Error(Error::Kind::Busy, e.what(), e.sqlstate());
    return Error(Error::Kind::Other, e.what(), e.sqlstate());
}

class SqliteConnection final : public Connection {
public:
    explicit SqliteConnection(store::Database db) : m_db(std::move(db)) {}
    ~SqliteConnection() override
    {
        m_statements.clear(); // finalized before the database closes
    }
    Engine engine() const noexcept override { return Engine::Sqlite; }
    std::string name() const override { return m_db.path(); }

    Rows query(const std::string& sql, const std::vector<Value>& params) override
    {
        Rows out;
        out.affected = run(sql, params, [&](Row&& row) { out.rows.emplace_back(std::move(row)); });
        return out;
    }

    void each(const std::string& sql, const std::vector<Value>& params, const std::function<void(const Row&)>& f) override
    {
        (void)run(sql, params, [&](Row&& row) { f(row); });
    }

    void exec(const std::string& sql) override
    {
        try {
            m_db.exec(sql);
        } catch (const store::SqliteError& e) {
            throw fromSqlite(e);
        }
    }

    store::Database& database() noexcept { return m_db; }

private:
    // Binds, steps and hands each row to `sink`; returns the rows changed.
    template <class Sink>
    int64_t run(const std::string& sql, const std::vector<Value>& params, Sink&& sink)
    {
        try {
            auto it = m_statements.find(sql);
            if (it == m_statements.end()) it = m_statements.emplace(sql, store::Statement(m_db, positional(sql))).first;
            store::Statement& st = it->second;
            st.reset();
            sqlite3_clear_bindings(st.handle());
            // $N became ?N: parameter N is index N, bound without looking names up (which SQLite does by
            // a linear search, quadratic over a statement with thousands of parameters).
            const int count = sqlite3_bind_parameter_count(st.handle());
            if (static_cast<size_t>(count) > params.size()) {
                throw Error(Error::Kind::Other, "parameter $" + std::to_string(count) + " has no value (in: " + firstLine(sql) + ")");
            }
            for (int i = 1; i <= count; ++i) {
                const Value& v = params[static_cast<size_t>(i - 1)];
                if (std::holds_alternative<int64_t>(v)) st.bind(i, std::get<int64_t>(v));
                else if (std::holds_alternative<std::string>(v)) st.bind(i, std::string_view(std::get<std::string>(v)));
                else if (std::holds_alternative<double>(v)) sqlite3_bind_double(st.handle(), i, std::get<double>(v));
                else st.bindNull(i);
            }
            // Reset on every way out, so that a statement abandoned half-read holds no read lock.
            struct Reset {
                store::Statement& st;
                ~Reset() { st.reset(); }
            } reset{st};
            const int columns = sqlite3_column_count(st.handle());
            while (st.next()) {
                std::vector<Value> row;
                row.reserve(static_cast<size_t>(columns));
                for (int c = 0; c < columns; ++c) {
                    switch (sqlite3_column_type(st.handle(), c)) {
                    case SQLITE_NULL: row.emplace_back(); break;
                    case SQLITE_INTEGER: row.emplace_back(static_cast<int64_t>(sqlite3_column_int64(st.handle(), c))); break;
                    case SQLITE_FLOAT: row.emplace_back(sqlite3_column_double(st.handle(), c)); break;
                    default: row.emplace_back(st.columnText(c)); break;
                    }
                }
                sink(Row(std::move(row)));
            }
            return sqlite3_stmt_readonly(st.handle()) ? 0 : sqlite3_changes(m_db.handle());
        } catch (const store::SqliteError& e) {
            throw fromSqlite(e);
        }
    }

    store::Database m_db;
    std::unordered_map<std::string, store::Statement> m_statements;
};

class PgConnection final : public Connection {
public:
    explicit PgConnection(pg::Connection c) : m_c(std::move(c)) {}
    Engine engine() const noexcept override { return Engine::Postgres; }
    std::string name() const override { return m_c.name(); }

    Rows query(const std::string& sql, const std::vector<Value>& params) override
    {
        try {
            reconnectIfBroken();
            std::vector<pg::Param> text;
            text.reserve(params.size());
            for (const Value& v : params) {
                if (std::holds_alternative<int64_t>(v)) text.emplace_back(std::to_string(std::get<int64_t>(v)));
                else if (std::holds_alternative<std::string>(v)) text.emplace_back(std::get<std::string>(v));
                else if (std::holds_alternative<double>(v)) text.emplace_back(std::to_string(std::get<double>(v)));
                else text.emplace_back(std::nullopt);
            }
            const pg::Result r = m_c.queryPrepared(sql, text);
            Rows out;
            out.rows.reserve(static_cast<size_t>(r.rows()));
            for (int i = 0; i < r.rows(); ++i) {
                std::vector<Value> row;
                row.reserve(static_cast<size_t>(r.columns()));
                for (int c = 0; c < r.columns(); ++c) {
                    if (r.isNull(i, c)) row.emplace_back();
                    else row.emplace_back(r.text(i, c));
                }
                out.rows.emplace_back(std::move(row));
            }
            out.affected = r.affected();
            return out;
        } catch (const pg::Error& e) {
            throw fromPg(e);
        }
    }

    void exec(const std::string& sql) override
    {
        const bool begins = sql.rfind("BEGIN", 0) == 0, ends = sql == "COMMIT" || sql == "ROLLBACK";
        try {
            if (sql == "ROLLBACK" && m_c.broken()) { // the server already forgot the transaction
                m_inTransaction = false;
                return;
            }
            reconnectIfBroken();
            m_c.exec(sql);
            if (begins) m_inTransaction = true;
            if (ends) m_inTransaction = false;
        } catch (const pg::Error& e) {
            if (ends) m_inTransaction = false; // a failed COMMIT ends the transaction too
            throw fromPg(e);
        }
    }

private:
    // A connection the server dropped (a restart) is made again, but only between transactions: inside
    // one, what the transaction did is gone, and running on in autocommit would keep half of it.
    void reconnectIfBroken()
    {
        if (!m_c.broken()) return;
        if (m_inTransaction) throw pg::Error("08006", "the connection to " + m_c.name() + " was lost inside a transaction; nothing of it was kept");
        m_c.reset();
    }

    pg::Connection m_c;
    bool m_inTransaction = false;
};

std::optional<int64_t> parseInteger(const std::string& t)
{
    int64_t v = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || end != t.data() + t.size()) return std::nullopt;
    return v;
}

} // namespace

const Value& Row::at(size_t col) const
{
    if (col >= m_values.size()) throw Error(Error::Kind::Other, "no column " + std::to_string(col) + " in a row of " + std::to_string(m_values.size()));
    return m_values[col];
}

bool Row::isNull(size_t col) const { return std::holds_alternative<std::monostate>(at(col)); }

int64_t Row::integer(size_t col) const
{
    const Value& v = at(col);
    if (const auto* i = std::get_if<int64_t>(&v)) return *i;
    if (const auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
    if (const auto* s = std::get_if<std::string>(&v)) {
        if (auto i = parseInteger(*s)) return *i;
        // PostgreSQL's numeric (sum of bigint) may come as "12" or "12.0"
        try {
            size_t used = 0;
            const double d = std::stod(*s, &used);
            if (used == s->size()) return static_cast<int64_t>(d);
        } catch (const std::exception&) {
        }
        throw Error(Error::Kind::Other, "not an integer: \"" + *s + "\"");
    }
    return 0;
}

double Row::real(size_t col) const
{
    const Value& v = at(col);
    if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
    if (const auto* d = std::get_if<double>(&v)) return *d;
    if (const auto* s = std::get_if<std::string>(&v)) {
        try {
            size_t used = 0;
            const double d = std::stod(*s, &used);
            if (used == s->size()) return d;
        } catch (const std::exception&) {
        }
        throw Error(Error::Kind::Other, "not a number: \"" + *s + "\"");
    }
    return 0;
}

std::string Row::text(size_t col) const
{
    const Value& v = at(col);
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
    if (const auto* d = std::get_if<double>(&v)) return std::to_string(*d);
    return "";
}

std::optional<std::string> Row::optText(size_t col) const
{
    if (isNull(col)) return std::nullopt;
    return text(col);
}

std::optional<int64_t> Row::optInteger(size_t col) const
{
    if (isNull(col)) return std::nullopt;
    return integer(col);
}

void Connection::each(const std::string& sql, const std::vector<Value>& params, const std::function<void(const Row&)>& f)
{
    for (const Row& row : query(sql, params).rows) f(row);
}

std::optional<Row> Connection::one(const std::string& sql, const std::vector<Value>& params)
{
    Rows r = query(sql, params);
    if (r.rows.empty()) return std::nullopt;
    return std::move(r.rows.front());
}

int64_t Connection::queryInt(const std::string& sql, const std::vector<Value>& params)
{
    const auto row = one(sql, params);
    if (!row) throw Error(Error::Kind::Other, "no row (in: " + firstLine(sql) + ")");
    return row->integer(0);
}

std::string Connection::queryText(const std::string& sql, const std::vector<Value>& params)
{
    const auto row = one(sql, params);
    if (!row) throw Error(Error::Kind::Other, "no row (in: " + firstLine(sql) + ")");
    return row->text(0);
}

Transaction::Transaction(Connection& c, Mode mode) : m_c(c)
{
    if (c.engine() == Engine::Sqlite) c.exec(mode == Mode::Write ? "BEGIN IMMEDIATE" : "BEGIN");
    else c.exec(mode == Mode::Write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    m_open = true;
}

Transaction::~Transaction()
{
    if (!m_open) return;
    try {
        m_c.exec("ROLLBACK");
    } catch (...) {
    }
}

void Transaction::commit()
{
    m_c.exec("COMMIT");
    m_open = false;
}

std::unique_ptr<Connection> sqlite(store::Database db) { return std::make_unique<SqliteConnection>(std::move(db)); }

std::unique_ptr<Connection> postgres(const std::string& url)
{
    try {
        return std::make_unique<PgConnection>(pg::Connection(url));
    } catch (const pg::Error& e) {
        throw fromPg(e);
    }
}

store::Database* sqliteDatabase(Connection& c) noexcept
{
    auto* s = dynamic_cast<SqliteConnection*>(&c);
    return s ? &s->database() : nullptr;
}

} // namespace skm::sql
