#include "auth.hpp"

#include <core/nip.hpp>
#include <core/pin.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace skm::roster {

namespace {
using S = SignInResult::Status;

// A moment as stored: both clocks and the boot they belong to.
struct Stamp {
    int64_t wall = 0;
    int64_t mono = 0;
    std::string boot;
};

Stamp now(const store::Clock& clock) { return {clock.wallMs(), clock.monoMs(), store::bootId()}; }

// Time from `then` to `to`: by the monotonic clock within the boot that recorded `then` (immune to
// wall-clock jumps), by the wall clock after a reboot. Never negative: a wall clock that is behind
// after a reboot (no RTC, no NTP yet) counts as no time passed, so it can lengthen nothing beyond the
// cap and shorten nothing.
int64_t elapsed(const Stamp& then, const Stamp& to)
{
    return std::max<int64_t>(0, then.boot == to.boot ? to.mono - then.mono : to.wall - then.wall);
}

// ---- Per (key, channel): free failures, then a doubling wait up to the cap -------------------------

struct KeyState {
    int failures = 0; // wrong PINs since the last good sign-in on this channel or the last quiet period
    Stamp last;       // the last of them
};

KeyState readKey(store::Database& db, const std::string& key, SignInChannel channel)
{
    store::Statement st(db, "SELECT failures, last_failure_wall_ms, last_failure_mono_ms, boot_id FROM pin_lockouts WHERE key = ?1 AND channel = ?2");
    st.bind(1, std::string_view(key));
    st.bind(2, std::string_view(channelName(channel)));
    KeyState k;
    if (st.next()) k = {static_cast<int>(st.columnInt(0)), {st.columnInt(1), st.columnInt(2), st.columnText(3)}};
    return k;
}

void writeKey(store::Database& db, const std::string& key, SignInChannel channel, const KeyState& k)
{
    store::Statement st(db, "INSERT INTO pin_lockouts (key, channel, failures, last_failure_wall_ms, last_failure_mono_ms, boot_id)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (key, channel) DO UPDATE SET failures = excluded.failures,"
                            " last_failure_wall_ms = excluded.last_failure_wall_ms, last_failure_mono_ms = excluded.last_failure_mono_ms,"
                            " boot_id = excluded.boot_id");
    st.bind(1, std::string_view(key));
    st.bind(2, std::string_view(channelName(channel)));
    st.bind(3, int64_t{k.failures});
    st.bind(4, k.last.wall);
    st.bind(5, k.last.mono);
    st.bind(6, std::string_view(k.last.boot));
    (void)st.next();
}

void clearKey(store::Database& db, const std::string& key, SignInChannel channel)
{
    store::Statement st(db, "DELETE FROM pin_lockouts WHERE key = ?1 AND channel = ?2");
    st.bind(1, std::string_view(key));
    st.bind(2, std::string_view(channelName(channel)));
    (void)st.next();
}

// The wait that follows the `failures`-th wrong PIN, counted from it.
int64_t waitAfter(const LockoutPolicy& p, int failures)
{
    if (failures < p.freeFailures) return 0;
    int64_t wait = p.firstWaitMs;
    for (int i = p.freeFailures; i < failures && wait < p.maxWaitMs; ++i) wait *= 2;
    return std::min(wait, p.maxWaitMs);
}

// The failures still counted at `at` (none after a quiet period) and the wait left for the next attempt.
KeyState live(const LockoutPolicy& p, KeyState k, const Stamp& at, int64_t* waitMs)
{
    if (k.failures > 0 && elapsed(k.last, at) >= p.forgetAfterMs) k = KeyState{};
    *waitMs = k.failures > 0 ? std::clamp<int64_t>(waitAfter(p, k.failures) - elapsed(k.last, at), 0, p.maxWaitMs) : 0;
    return k;
}

// ---- Device-wide, Touch only: a leaky bucket of wrong PINs across all keys ---------------------------
// Each wrong PIN on Touch adds touchIntervalMs of "debt"; the debt drains 1 ms per ms. An attempt is
// allowed while the debt leaves room for one more failure (debt <= (burst - 1) * interval), so any
// span of L ms holds at most burst + L / interval wrong PINs on Touch, and a wait is at most one
// interval (the generic cell rate algorithm, ITU-T I.371, with the debt as its theoretical arrival time).

struct Budget {
    int64_t debtMs = 0; // at `last`
    Stamp last;
};

Budget readBudget(store::Database& db)
{
    store::Statement st(db, "SELECT debt_ms, last_failure_wall_ms, last_failure_mono_ms, boot_id FROM pin_touch_budget WHERE id = 1");
    Budget b;
    if (st.next()) b = {st.columnInt(0), {st.columnInt(1), st.columnInt(2), st.columnText(3)}};
    return b;
}

void writeBudget(store::Database& db, const Budget& b)
{
    store::Statement st(db, "INSERT INTO pin_touch_budget (id, debt_ms, last_failure_wall_ms, last_failure_mono_ms, boot_id) VALUES (1, ?1, ?2, ?3, ?4)"
                            " ON CONFLICT (id) DO UPDATE SET debt_ms = excluded.debt_ms, last_failure_wall_ms = excluded.last_failure_wall_ms,"
                            " last_failure_mono_ms = excluded.last_failure_mono_ms, boot_id = excluded.boot_id");
    st.bind(1, b.debtMs);
    st.bind(2, b.last.wall);
    st.bind(3, b.last.mono);
    st.bind(4, std::string_view(b.last.boot));
    (void)st.next();
}

int64_t debtAt(const LockoutPolicy& p, const Budget& b, const Stamp& at)
{
    return std::clamp<int64_t>(b.debtMs - elapsed(b.last, at), 0, p.touchBurst * p.touchIntervalMs);
}

int64_t deviceWait(const LockoutPolicy& p, int64_t debt)
{
    return std::clamp<int64_t>(debt - (p.touchBurst - 1) * p.touchIntervalMs, 0, p.touchIntervalMs);
}

// Wrong PINs the device still allows on Touch before an attempt must wait.
int deviceHeadroom(const LockoutPolicy& p, int64_t debt)
{
    return static_cast<int>(std::max<int64_t>(0, (p.touchBurst * p.touchIntervalMs - debt) / p.touchIntervalMs));
}

void audit(store::RatingStore& s, const char* kind, const std::string& nip, nlohmann::json detail)
{
    if (int rc = s.recordAudit(kind, nip, detail.dump()); rc != SQLITE_OK) {
        throw store::SqliteError(rc, std::string("cannot record the audit event ") + kind);
    }
}

std::string seconds(int64_t ms) { return std::to_string((ms + 999) / 1000) + " s"; }
} // namespace

const char* channelName(SignInChannel channel) { return channel == SignInChannel::Touch ? "touch" : "keyboard"; }

Authenticator::Authenticator(store::RatingStore& store, LockoutPolicy policy)
    : m_store(store), m_policy(policy), m_dummyHash(hashPin("00000000"))
{
}

int64_t Authenticator::lockedForMs(const std::string& key, SignInChannel channel)
{
    const Stamp at = now(m_store.clock());
    int64_t keyWait = 0;
    (void)live(m_policy, readKey(m_store.database(), key, channel), at, &keyWait);
    if (channel != SignInChannel::Touch) return keyWait;
    return std::max(keyWait, deviceWait(m_policy, debtAt(m_policy, readBudget(m_store.database()), at)));
}

SignInResult Authenticator::signIn(const std::string& nip, const std::string& pin, SignInChannel channel)
{
    SignInResult result;
    store::Database& db = m_store.database();
    store::Transaction tx(db);
    std::string message;
    if (int rc = tx.begin(&message); rc != SQLITE_OK) throw store::SqliteError(rc, "cannot start the sign-in: " + message);
    auto done = [&](SignInResult r) {
        if (int rc = tx.commit(&message); rc != SQLITE_OK) throw store::SqliteError(rc, "the sign-in record did not commit: " + message);
        return r;
    };
    const char* ch = channelName(channel);

    std::string why;
    if (!parseNip(nip, &why) || !pinProblem(pin).empty()) {
        result.status = S::Malformed;
        result.message = !why.empty() ? why : pinProblem(pin);
        audit(m_store, "sign_in_failed", nip.substr(0, 32), {{"reason", "malformed"}, {"channel", ch}});
        return done(result);
    }

    const std::optional<Officer> officer = findOfficer(db, nip);
    if (!officer) {
        // The device-wide wait holds for every Touch attempt, so it does not tell known NIPs apart.
        if (channel == SignInChannel::Touch) {
            if (const int64_t wait = deviceWait(m_policy, debtAt(m_policy, readBudget(db), now(m_store.clock()))); wait > 0) {
                result.status = S::LockedOut;
                result.lockedForMs = wait;
                result.message = "touch sign-in waits " + seconds(wait) + " more";
                audit(m_store, "sign_in_locked", nip, {{"channel", ch}, {"locked_for_ms", wait}, {"scope", "device"}});
                return done(result);
            }
        }
        (void)verifyPin(m_dummyHash, pin); // the same cost as a real check, so timing does not tell
        result.status = S::UnknownNip;
        result.message = "no officer with this NIP in the roster";
        audit(m_store, "sign_in_failed", nip, {{"reason", "unknown_nip"}, {"channel", ch}});
        return done(result);
    }
    result = attempt(nip, officer->pinHash, pin, channel, false);
    if (result.status == S::SignedIn) result.officer = officer;
    return done(result);
}

SignInResult Authenticator::checkTechnician(const std::string& pinHash, const std::string& pin, SignInChannel channel)
{
    store::Database& db = m_store.database();
    store::Transaction tx(db);
    std::string message;
    if (int rc = tx.begin(&message); rc != SQLITE_OK) throw store::SqliteError(rc, "cannot start the sign-in: " + message);
    SignInResult result;
    if (!pinProblem(pin).empty() || !isArgon2idHash(pinHash)) {
        result.status = S::Malformed;
        result.message = isArgon2idHash(pinHash) ? pinProblem(pin) : "no technician PIN is configured (admin.pin_hash)";
        audit(m_store, "admin_sign_in_failed", "technician", {{"reason", "malformed"}, {"channel", channelName(channel)}});
    } else {
        result = attempt("technician", pinHash, pin, channel, true);
    }
    if (int rc = tx.commit(&message); rc != SQLITE_OK) throw store::SqliteError(rc, "the sign-in record did not commit: " + message);
    return result;
}

SignInResult Authenticator::attempt(const std::string& key, const std::string& hash, const std::string& pin, SignInChannel channel, bool technician)
{
    SignInResult result;
    store::Database& db = m_store.database();
    const char* ch = channelName(channel);
    const bool touch = channel == SignInChannel::Touch;
    const Stamp at = now(m_store.clock());

    int64_t keyWait = 0;
    KeyState k = live(m_policy, readKey(db, key, channel), at, &keyWait);
    const Budget budget = touch ? readBudget(db) : Budget{};
    const int64_t debt = touch ? debtAt(m_policy, budget, at) : 0;
    const int64_t devWait = touch ? deviceWait(m_policy, debt) : 0;
    if (const int64_t wait = std::max(keyWait, devWait); wait > 0) {
        result.status = S::LockedOut;
        result.lockedForMs = wait;
        result.message = std::string(ch) + " sign-in waits " + seconds(wait) + " more";
        audit(m_store, technician ? "admin_sign_in_locked" : "sign_in_locked", key,
              {{"channel", ch}, {"locked_for_ms", wait}, {"scope", keyWait >= devWait ? "key" : "device"}});
        return result;
    }
    if (verifyPin(hash, pin)) {
        clearKey(db, key, channel); // this channel only: a success elsewhere proves nothing about this one
        result.status = S::SignedIn;
        audit(m_store, technician ? "admin_sign_in" : "sign_in", key, {{"channel", ch}});
        return result;
    }

    k.failures += 1;
    k.last = at;
    writeKey(db, key, channel, k);
    const int64_t nextKeyWait = waitAfter(m_policy, k.failures);
    int64_t nextDevWait = 0;
    int headroom = m_policy.freeFailures;
    if (touch) {
        const Budget after{std::min(debt + m_policy.touchIntervalMs, m_policy.touchBurst * m_policy.touchIntervalMs), at};
        writeBudget(db, after);
        nextDevWait = deviceWait(m_policy, after.debtMs);
        headroom = deviceHeadroom(m_policy, after.debtMs);
    }
    audit(m_store, technician ? "admin_sign_in_failed" : "sign_in_failed", key, {{"reason", "wrong_pin"}, {"channel", ch}, {"failures", k.failures}});
    if (const int64_t wait = std::max(nextKeyWait, nextDevWait); wait > 0) {
        result.status = S::LockedOut;
        result.lockedForMs = wait;
        result.message = "wrong PIN; the next " + std::string(ch) + " attempt waits " + seconds(wait);
        audit(m_store, "lockout", key,
              {{"channel", ch}, {"locked_for_ms", wait}, {"failures", k.failures}, {"scope", nextKeyWait >= nextDevWait ? "key" : "device"}});
        return result;
    }
    result.status = S::WrongPin;
    result.failuresLeft = std::min(m_policy.freeFailures - k.failures, headroom);
    result.message = "wrong PIN; " + std::to_string(result.failuresLeft) + " tries left";
    return result;
}

} // namespace skm::roster
