#pragma once
// Officer and technician sign-in with a PIN, throttled so that guessing stays slow while the real
// officer can always sign in (docs/officers-and-technicians.md, "Sign-in lock-out", has the numbers).
//
// Every attempt comes through a channel: the on-screen pad (Touch, reachable by any citizen) or a
// physical keyboard or badge scanner (Keyboard, on the officer's side of the counter). Wrong PINs are
// counted per (NIP or "technician", channel): a few are free, then each further attempt waits a time
// that doubles up to a low cap, and the count is forgotten after a quiet day or on a good sign-in on
// that same channel. Wrong PINs on Touch also fill a device-wide allowance across all NIPs (a leaky
// bucket); once it is full every Touch attempt waits. Nothing done on Touch ever delays Keyboard.
// Waits are derived from the time of the last failure (monotonic within a boot, wall clock after a
// reboot, never more than the cap), so they survive restarts and clock jumps. Every attempt, failure
// and wait is an audit event naming its channel. One Authenticator per store, on the store's thread.

#include "roster_store.hpp"

#include <kiosk/store/rating_store.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace skm::roster {

// Where a sign-in attempt was typed. Classify by where the device sits, not by its kind: an input
// device a citizen can reach (the 4-key keypad for the faces) is Touch.
enum class SignInChannel { Touch, Keyboard };

// "touch" or "keyboard", as stored in pin_lockouts.channel and in audit details.
[[nodiscard]] const char* channelName(SignInChannel channel);

struct LockoutPolicy {
    // Per (NIP or "technician", channel).
    int freeFailures = 5;                // wrong PINs before the first wait
    int64_t firstWaitMs = 30'000;        // the wait after the last free failure; doubles with each further one
    int64_t maxWaitMs = 900'000;         // the cap on any wait (15 min)
    int64_t forgetAfterMs = 86'400'000;  // failures are forgotten after this long without one (24 h)
    // Device-wide, Touch only, across all NIPs: a burst of wrong PINs, then one per interval.
    // touchIntervalMs is also the longest wait this imposes; keep it <= maxWaitMs.
    int touchBurst = 10;
    int64_t touchIntervalMs = 900'000;
};

struct SignInResult {
    enum class Status { SignedIn, WrongPin, UnknownNip, LockedOut, Malformed };
    Status status = Status::Malformed;
    std::optional<Officer> officer; // SignedIn
    int failuresLeft = 0;           // WrongPin: wrong PINs left on this channel before an attempt must wait
    // LockedOut: how long until the next attempt on this channel is allowed. LockedOut is returned both
    // for an attempt refused unchecked (still waiting) and for a wrong PIN after which the next one waits.
    int64_t lockedForMs = 0;
    std::string message;            // for the log; never shown with the PIN
};

class Authenticator {
public:
    explicit Authenticator(store::RatingStore& store, LockoutPolicy policy = {});
    // Checks `pin` for `nip`, typed on `channel`, and records the outcome (throttle state and audit
    // events) in one transaction. Throws store::SqliteError if the database fails.
    [[nodiscard]] SignInResult signIn(const std::string& nip, const std::string& pin, SignInChannel channel);
    // Checks the technician's PIN against `pinHash` (from the configuration), throttled the same way
    // under the key "technician", with audit events admin_sign_in, admin_sign_in_failed, admin_sign_in_locked.
    [[nodiscard]] SignInResult checkTechnician(const std::string& pinHash, const std::string& pin, SignInChannel channel);
    // How long the next attempt for `key` (a NIP or "technician") on `channel` must still wait (0: none),
    // including the device-wide Touch allowance. Reads only.
    [[nodiscard]] int64_t lockedForMs(const std::string& key, SignInChannel channel);

private:
    // The throttle and the PIN check for `key` inside the caller's transaction.
    SignInResult attempt(const std::string& key, const std::string& hash, const std::string& pin, SignInChannel channel, bool technician);

    store::RatingStore& m_store;
    LockoutPolicy m_policy;
    std::string m_dummyHash; // verified against for unknown NIPs, so timing does not reveal them
};

} // namespace skm::roster
