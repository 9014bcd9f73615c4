#pragma once
// Who may read the reports: central accounts with an Argon2id-hashed password (skm-central user add),
// signed in with a session cookie whose token is stored only as its SHA-256. An admin reads
// everything; a unit head reads their own unit and its officers. Device credentials grant nothing here.

#include <core/sql.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace skm::central {

struct User {
    std::string name;
    std::string role; // "admin" or "unit_head"
    std::string unit; // a unit head's unit
    [[nodiscard]] bool isAdmin() const { return role == "admin"; }
    [[nodiscard]] bool mayRead(const std::string& unitName) const { return isAdmin() || unitName == unit; }
};

class AccountError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Adds an account. Throws AccountError for a bad name, a short password (under 10 characters), an
// unknown role, a unit head without a unit, or a name already taken.
void addUser(sql::Connection& db, const std::string& name, const std::string& password, const std::string& role, const std::string& unit, int64_t nowMs);
// The account if the password is right (Argon2id verification), else nullopt.
[[nodiscard]] std::optional<User> checkPassword(sql::Connection& db, const std::string& name, const std::string& password);
// The same in two steps, so that the slow Argon2id runs outside any lock on the store: the account
// and its stored hash (read under the lock), then the verification (anywhere). An unknown name
// verifies against nothing after the same work.
struct StoredCredentials {
    std::optional<User> user;
    std::string hash;
};
[[nodiscard]] StoredCredentials readCredentials(sql::Connection& db, const std::string& name);
[[nodiscard]] std::optional<User> verifyPassword(const StoredCredentials& stored, const std::string& password);

// Sign-in throttling, per account and per client address, in the database (table login_throttle),
// so that every replica sees the same failures and a restart forgets nothing: after kFreeFailures
// wrong passwords in a row, each further attempt waits before it is even checked: 1 s after the 5th
// failure, 2 s after the 6th, 4 s ... doubling up to 15 minutes. An attempt during a wait is refused
// without checking the password (and not counted); a right password clears both. A failure is
// forgotten a day after the last one (and its row deleted).
namespace login {
inline constexpr int kFreeFailures = 5;
inline constexpr int64_t kFirstWaitMs = 1000;
inline constexpr int64_t kMaxWaitMs = 15 * 60 * 1000;
inline constexpr int64_t kForgetMs = 24 * 3600 * 1000;
// 0 if `account` from `address` may try now, else the milliseconds to wait.
[[nodiscard]] int64_t waitMs(sql::Connection& db, const std::string& account, const std::string& address, int64_t nowMs);
// A wrong password: counted for the account and for the address, in one transaction.
void failed(sql::Connection& db, const std::string& account, const std::string& address, int64_t nowMs);
void succeeded(sql::Connection& db, const std::string& account, const std::string& address);
} // namespace login

// A new session for `user`, valid for `ttlMs`: returns the token for the cookie.
[[nodiscard]] std::string openSession(sql::Connection& db, const User& user, int64_t nowMs, int64_t ttlMs = 8 * 3600 * 1000);
[[nodiscard]] std::optional<User> sessionUser(sql::Connection& db, const std::string& token, int64_t nowMs);
void closeSession(sql::Connection& db, const std::string& token);
// A one-time sign-in link token for an existing account, valid for `ttlMs` (a first sign-in on a
// wall display, a test browser). Throws AccountError for an unknown user.
[[nodiscard]] std::string makeSigninLink(sql::Connection& db, const std::string& name, int64_t nowMs, int64_t ttlMs = 10 * 60 * 1000);
// Uses up a link token: the account if it was valid and unused.
[[nodiscard]] std::optional<User> useSigninLink(sql::Connection& db, const std::string& token, int64_t nowMs);

} // namespace skm::central
