#include "accounts.hpp"

#include <core/protocol.hpp>

#include <sodium.h>

#include <algorithm>
#include <regex>

namespace skm::central {

namespace {
std::optional<User> readUser(sql::Connection& db, const std::string& name, std::string* hash = nullptr)
{
    const auto row = db.one("SELECT name, role, coalesce(unit, ''), password_hash FROM users WHERE name = $1", {name});
    if (!row) return std::nullopt;
    if (hash) *hash = row->text(3);
    return User{row->text(0), row->text(1), row->text(2)};
}
} // namespace

void addUser(sql::Connection& db, const std::string& name, const std::string& password, const std::string& role, const std::string& unit, int64_t nowMs)
{
    if (sodium_init() < 0) throw AccountError("libsodium failed to initialise");
    if (!std::regex_match(name, std::regex("[A-Za-z0-9._-]{1,64}"))) throw AccountError("a user name is 1-64 letters, digits, '.', '_' or '-'");
    if (password.size() < 10) throw AccountError("the password must have at least 10 characters");
    if (role != "admin" && role != "unit_head") throw AccountError("the role is admin or unit-head");
    if (role == "unit_head" && unit.empty()) throw AccountError("a unit head needs --unit (the unit's name as in the roster)");
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        throw AccountError("out of memory hashing the password");
    }
    const sql::Rows r = db.query("INSERT INTO users (name, password_hash, role, unit, created_at_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING",
                                 {name, std::string(hash), role, unit.empty() ? sql::null : sql::Value(unit), nowMs});
    if (r.affected == 0) throw AccountError("user " + name + " already exists");
}

StoredCredentials readCredentials(sql::Connection& db, const std::string& name)
{
    StoredCredentials c;
    c.user = readUser(db, name, &c.hash);
    return c;
}

std::optional<User> verifyPassword(const StoredCredentials& stored, const std::string& password)
{
    if (sodium_init() < 0) return std::nullopt;
    if (!stored.user) {
        // Spend the same time as for a real account, so that names cannot be probed by timing.
        char dummy[crypto_pwhash_STRBYTES];
        if (crypto_pwhash_str(dummy, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) return std::nullopt;
        return std::nullopt;
    }
    if (crypto_pwhash_str_verify(stored.hash.c_str(), password.data(), password.size()) != 0) return std::nullopt;
    return stored.user;
}

std::optional<User> checkPassword(sql::Connection& db, const std::string& name, const std::string& password)
{
    return verifyPassword(readCredentials(db, name), password);
}

namespace login {

namespace {
// The rows of an account and of an address: one table, two kinds of key.
std::string accountKey(const std::string& account) { return "account:" + account; }
std::string addressKey(const std::string& address) { return "address:" + address; }

void note(sql::Connection& db, const std::string& key, int64_t nowMs)
{
    // Counted up atomically (the row locked on PostgreSQL until the transaction ends), or from 1 again
    // when the last failure is older than a day.
    const int64_t failures = db.queryInt("INSERT INTO login_throttle (key, failures, last_failure_ms, blocked_until_ms) VALUES ($1, 1, $2, 0)"
                                         " ON CONFLICT (key) DO UPDATE SET failures = CASE WHEN $2 - login_throttle.last_failure_ms > $3 THEN 1"
                                         " ELSE login_throttle.failures + 1 END, last_failure_ms = $2 RETURNING failures",
                                         {key, nowMs, kForgetMs});
    if (failures < kFreeFailures) return;
    const int64_t doublings = std::min<int64_t>(failures - kFreeFailures, 30);
    db.query("UPDATE login_throttle SET blocked_until_ms = $2 WHERE key = $1", {key, nowMs + std::min(kMaxWaitMs, kFirstWaitMs << doublings)});
}
} // namespace

int64_t waitMs(sql::Connection& db, const std::string& account, const std::string& address, int64_t nowMs)
{
    const int64_t until = db.queryInt("SELECT coalesce(max(blocked_until_ms), 0) FROM login_throttle WHERE key = $1 OR key = $2",
                                      {accountKey(account), addressKey(address)});
    return until > nowMs ? until - nowMs : 0;
}

void failed(sql::Connection& db, const std::string& account, const std::string& address, int64_t nowMs)
{
    sql::Transaction tx(db);
    // Forgotten failures go (bounded under a flood of made-up names: a day's worth at most).
    db.query("DELETE FROM login_throttle WHERE last_failure_ms < $1 AND blocked_until_ms < $2", {nowMs - kForgetMs, nowMs});
    note(db, accountKey(account), nowMs);
    note(db, addressKey(address), nowMs);
    tx.commit();
}

void succeeded(sql::Connection& db, const std::string& account, const std::string& address)
{
    db.query("DELETE FROM login_throttle WHERE key = $1 OR key = $2", {accountKey(account), addressKey(address)});
}

} // namespace login

std::string openSession(sql::Connection& db, const User& user, int64_t nowMs, int64_t ttlMs)
{
    const std::string token = protocol::randomHex(32);
    db.query("DELETE FROM web_sessions WHERE expires_at_ms < $1", {nowMs});
    db.query("INSERT INTO web_sessions (token_hash, user_name, expires_at_ms) VALUES ($1, $2, $3)", {protocol::sha256Hex(token), user.name, nowMs + ttlMs});
    return token;
}

std::optional<User> sessionUser(sql::Connection& db, const std::string& token, int64_t nowMs)
{
    if (token.size() != 64) return std::nullopt;
    const auto row = db.one("SELECT user_name FROM web_sessions WHERE token_hash = $1 AND expires_at_ms > $2", {protocol::sha256Hex(token), nowMs});
    if (!row) return std::nullopt;
    return readUser(db, row->text(0));
}

void closeSession(sql::Connection& db, const std::string& token)
{
    db.query("DELETE FROM web_sessions WHERE token_hash = $1", {protocol::sha256Hex(token)});
}

std::string makeSigninLink(sql::Connection& db, const std::string& name, int64_t nowMs, int64_t ttlMs)
{
    if (!readUser(db, name)) throw AccountError("no user " + name);
    const std::string token = protocol::randomHex(32);
    db.query("INSERT INTO signin_links (token_hash, user_name, expires_at_ms) VALUES ($1, $2, $3)", {protocol::sha256Hex(token), name, nowMs + ttlMs});
    return token;
}

std::optional<User> useSigninLink(sql::Connection& db, const std::string& token, int64_t nowMs)
{
    if (token.size() != 64) return std::nullopt;
    // Deleted as it is read: of two replicas given the same link at once, one gets the row.
    const auto row = db.one("DELETE FROM signin_links WHERE token_hash = $1 RETURNING user_name, expires_at_ms", {protocol::sha256Hex(token)});
    if (!row || row->integer(1) <= nowMs) return std::nullopt;
    return readUser(db, row->text(0));
}

} // namespace skm::central
