#include "pg.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <vector>

namespace skm::pg {

std::string firstLine(const std::string& sql)
{
    const size_t start = sql.find_first_not_of(" \t\r\n");
    if (start == std::string::npos) return "";
    const size_t end = sql.find('\n', start);
    std::string line = sql.substr(start, end == std::string::npos ? std::string::npos : end - start);
    return line.size() > 120 ? line.substr(0, 117) + "..." : line;
}

namespace {
std::string trimmed(const char* s)
{
    std::string t = s ? s : "";
    while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
    return t;
}
} // namespace

namespace {
// Where the passwords are in `text`: a URL's user:PASSWORD@ (the URL alone, or after '=' or a space, as
// in "--database=postgresql://..." or a libpq message), and every password=PASSWORD parameter. As
// libpq reads a URL, the password runs from the first ':' after "://" to the first '@', unless a '/'
// comes first: '?', '#', ':' and spaces are part of it.
// Scanned by hand, not with std::regex: libstdc++'s matcher recurses once a character, and every
// argument of skm-central passes through here (a 50 KB argument overflowed the stack).
std::vector<std::pair<size_t, size_t>> passwordSpans(const std::string& text)
{
    const size_t n = text.size();
    const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    std::vector<std::pair<size_t, size_t>> spans;
    // The next '@' or '/' at or after each position (n: none), so that each candidate costs no rescan.
    std::vector<size_t> nextStop(n + 1, n);
    for (size_t i = n; i-- > 0;) nextStop[i] = (text[i] == '@' || text[i] == '/') ? i : nextStop[i + 1];
    // SCHEME://USER:PASSWORD@ at the start, or after '=' or a space.
    for (size_t s = 0, resume = 0; s < n; ++s) {
        if (s < resume || !(s == 0 || text[s - 1] == '=' || space(text[s - 1]))) continue;
        size_t i = s;
        if (!std::isalpha(static_cast<unsigned char>(text[i]))) continue;
        while (i < n && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '+' || text[i] == '.' || text[i] == '-')) ++i;
        if (text.compare(i, 3, "://") != 0) continue;
        i += 3;
        while (i < n && text[i] != ':' && text[i] != '@' && text[i] != '/' && !space(text[i])) ++i;
        if (i >= n || text[i] != ':') continue;
        const size_t from = ++i;
        const size_t stop = nextStop[from];
        if (stop >= n || text[stop] != '@') continue;
        spans.emplace_back(from, stop - from);
        resume = stop + 1;
    }
    // password=VALUE (or 'VALUE') at the start, or after '?', '&' or a space; any case.
    static const std::string kWord = "password";
    for (size_t s = 0, resume = 0; s + kWord.size() <= n; ++s) {
        if (s < resume || !(s == 0 || text[s - 1] == '?' || text[s - 1] == '&' || space(text[s - 1]))) continue;
        bool word = true;
        for (size_t k = 0; k < kWord.size() && word; ++k) word = std::tolower(static_cast<unsigned char>(text[s + k])) == kWord[k];
        if (!word) continue;
        size_t i = s + kWord.size();
        while (i < n && space(text[i])) ++i;
        if (i >= n || text[i] != '=') continue;
        ++i;
        while (i < n && space(text[i])) ++i;
        const size_t from = i;
        const size_t quote = (i < n && text[i] == '\'') ? text.find('\'', i + 1) : std::string::npos;
        if (quote != std::string::npos) {
            i = quote + 1;
        } else {
            while (i < n && text[i] != '&' && !space(text[i])) ++i;
        }
        spans.emplace_back(from, i - from);
        resume = i;
    }
    std::sort(spans.begin(), spans.end());
    return spans;
}
} // namespace

std::string redactUrl(const std::string& url)
{
    std::string out = url;
    const auto spans = passwordSpans(url);
    for (auto it = spans.rbegin(); it != spans.rend(); ++it) out.replace(it->first, it->second, "***"); // from the end: offsets stay true
    return out;
}

std::string redactSecretsOf(const std::string& url, const std::string& text)
{
    std::string out = redactUrl(text);
    auto replaceAll = [&](const std::string& secret) {
        if (secret.empty()) return;
        for (size_t at = out.find(secret); at != std::string::npos; at = out.find(secret, at + 3)) out.replace(at, secret.size(), "***");
    };
    for (const auto& [at, length] : passwordSpans(url)) {
        std::string secret = url.substr(at, length);
        if (secret.size() >= 2 && secret.front() == '\'' && secret.back() == '\'') secret = secret.substr(1, secret.size() - 2);
        replaceAll(secret);
        std::string decoded; // as libpq reads it: %XX decoded
        for (size_t i = 0; i < secret.size(); ++i) {
            if (secret[i] == '%' && i + 2 < secret.size() && std::isxdigit(static_cast<unsigned char>(secret[i + 1])) &&
                std::isxdigit(static_cast<unsigned char>(secret[i + 2]))) {
                decoded += static_cast<char>(std::stoi(secret.substr(i + 1, 2), nullptr, 16));
                i += 2;
            } else {
                decoded += secret[i];
            }
        }
        if (decoded != secret) replaceAll(decoded);
    }
    return out;
}

void maskPasswordInPlace(char* text)
{
    if (!text) return;
    for (const auto& [at, length] : passwordSpans(text)) std::fill(text + at, text + at + length, '*');
}

bool isPostgresUrl(const std::string& text) { return text.rfind("postgresql://", 0) == 0 || text.rfind("postgres://", 0) == 0; }

Result::~Result()
{
    if (m_r) PQclear(m_r);
}

Result& Result::operator=(Result&& o) noexcept
{
    if (this != &o) {
        if (m_r) PQclear(m_r);
        m_r = o.m_r;
        o.m_r = nullptr;
    }
    return *this;
}

int Result::rows() const noexcept { return m_r ? PQntuples(m_r) : 0; }
int Result::columns() const noexcept { return m_r ? PQnfields(m_r) : 0; }
bool Result::isNull(int row, int col) const noexcept { return !m_r || PQgetisnull(m_r, row, col) == 1; }
std::string Result::text(int row, int col) const { return isNull(row, col) ? std::string() : std::string(PQgetvalue(m_r, row, col), static_cast<size_t>(PQgetlength(m_r, row, col))); }

std::optional<std::string> Result::optText(int row, int col) const
{
    if (isNull(row, col)) return std::nullopt;
    return text(row, col);
}

int64_t Result::integer(int row, int col) const
{
    const std::string t = text(row, col);
    try {
        size_t used = 0;
        const long long v = std::stoll(t, &used);
        if (used == t.size()) return v;
    } catch (const std::exception&) {
    }
    throw Error("22P02", "not an integer: \"" + t + "\"");
}

int64_t Result::affected() const
{
    const char* n = m_r ? PQcmdTuples(m_r) : nullptr;
    return n && *n ? std::stoll(n) : 0;
}

Connection::Connection(const std::string& url) : m_url(redactUrl(url))
{
    m_conn = PQconnectdb(url.c_str());
    if (!m_conn || PQstatus(m_conn) != CONNECTION_OK) {
        const std::string why = m_conn ? trimmed(PQerrorMessage(m_conn)) : "out of memory";
        if (m_conn) PQfinish(m_conn);
        m_conn = nullptr;
        // libpq's message may quote the connection string or its password alone ("invalid
        // percent-encoded token"): redact both.
        throw Error("", "cannot connect to " + m_url + ": " + redactSecretsOf(url, why));
    }
    // The server's NOTICEs ("relation already exists, skipping") are not the program's output.
    PQsetNoticeProcessor(m_conn, [](void*, const char*) {}, nullptr);
}

Connection::~Connection()
{
    if (m_conn) PQfinish(m_conn);
}

void Connection::fail(pg_result* r, const std::string& sql)
{
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    const std::string message = trimmed(r ? PQresultErrorMessage(r) : PQerrorMessage(m_conn));
    const std::string code = state ? state : "";
    if (r) PQclear(r);
    throw Error(code, message + " (in: " + firstLine(sql) + ")");
}

void Connection::exec(const std::string& sql)
{
    pg_result* r = PQexec(m_conn, sql.c_str());
    const ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_EMPTY_QUERY) fail(r, sql);
    PQclear(r);
}

Result Connection::query(const std::string& sql, const std::vector<Param>& params)
{
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
    pg_result* r = PQexecParams(m_conn, sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(), nullptr, nullptr, 0);
    const ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) fail(r, sql);
    return Result(r);
}

Result Connection::queryPrepared(const std::string& sql, const std::vector<Param>& params)
{
    auto it = m_prepared.find(sql);
    if (it == m_prepared.end()) {
        const std::string name = "skm_" + std::to_string(m_prepared.size() + 1);
        pg_result* r = PQprepare(m_conn, name.c_str(), sql.c_str(), 0, nullptr);
        if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) fail(r, sql);
        PQclear(r);
        it = m_prepared.emplace(sql, name).first;
    }
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
    pg_result* r = PQexecPrepared(m_conn, it->second.c_str(), static_cast<int>(params.size()), values.data(), nullptr, nullptr, 0);
    const ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) fail(r, sql);
    return Result(r);
}

bool Connection::broken() const noexcept { return !m_conn || PQstatus(m_conn) == CONNECTION_BAD; }

void Connection::reset()
{
    m_prepared.clear();
    if (!m_conn) throw Error("", "cannot connect to " + m_url + ": the connection was closed");
    PQreset(m_conn);
    if (PQstatus(m_conn) != CONNECTION_OK) throw Error("", "cannot connect to " + m_url + ": " + redactUrl(trimmed(PQerrorMessage(m_conn))));
}

int64_t Connection::queryInt(const std::string& sql, const std::vector<Param>& params)
{
    const Result r = query(sql, params);
    if (r.rows() == 0) throw Error("02000", "no row (in: " + firstLine(sql) + ")");
    return r.integer(0, 0);
}

std::string Connection::queryText(const std::string& sql, const std::vector<Param>& params)
{
    const Result r = query(sql, params);
    if (r.rows() == 0) throw Error("02000", "no row (in: " + firstLine(sql) + ")");
    return r.text(0, 0);
}

int Connection::serverVersion() const noexcept { return m_conn ? PQserverVersion(m_conn) : 0; }

} // namespace skm::pg
