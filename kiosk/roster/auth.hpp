#pragma once
// Officer sign-in with NIP and PIN. Five wrong PINs lock that NIP out for a delay that doubles with
// each further lock-out (1 min, 2 min, 4 min ... at most 1 h) and resets after a good sign-in. The
// lock-out survives restarts (it is in the database). Every sign-in, failure and lock-out is an
// audit event. One Authenticator per store, on the store's thread.

#include "roster.hpp"

#include <store/rating_store.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace skm::roster {

struct LockoutPolicy {
    int maxFailures = 5;
    int64_t firstLockMs = 60'000;
    int64_t maxLockMs = 3'600'000;
};

struct SignInResult {
    enum class Status { SignedIn, WrongPin, UnknownNip, LockedOut, Malformed };
    Status status = Status::Malformed;
    std::optional<Officer> officer; // SignedIn
    int failuresLeft = 0;           // WrongPin: wrong PINs left before a lock-out
    int64_t lockedForMs = 0;        // LockedOut: how much longer
    std::string message;            // for the log; never shown with the PIN
};

class Authenticator {
public:
    explicit Authenticator(store::RatingStore& store, LockoutPolicy policy = {});
    // Checks `pin` for `nip` and records the outcome. Throws store::SqliteError if the database fails.
    [[nodiscard]] SignInResult signIn(const std::string& nip, const std::string& pin);
    // Checks the technician's PIN against `pinHash` (from the configuration), with the same lock-out
    // (kept under the name "technician") and audit events (admin_sign_in, admin_sign_in_failed).
    [[nodiscard]] SignInResult checkTechnician(const std::string& pinHash, const std::string& pin);
    // How long `nip` is still locked out (0 if it is not).
    [[nodiscard]] int64_t lockedForMs(const std::string& nip);

private:
    // The lock-out and the PIN check for `key` inside the caller's transaction.
    SignInResult attempt(const std::string& key, const std::string& hash, const std::string& pin, const char* okKind, const char* failKind);

    store::RatingStore& m_store;
    LockoutPolicy m_policy;
    std::string m_dummyHash; // verified against for unknown NIPs, so timing does not reveal them
};

} // namespace skm::roster
