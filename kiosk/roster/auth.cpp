#include "auth.hpp"

#include "nip.hpp"
#include "pin.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace skm::roster {

namespace {
struct LockRow {
    int failures = 0;
    int lockouts = 0;
    int64_t untilWall = 0;
    int64_t untilMono = 0;
    std::string bootId;
};

LockRow readLock(store::Database& db, const std::string& nip)
{
    store::Statement st(db, "SELECT failures, lockouts, locked_until_wall_ms, locked_until_mono_ms, locked_boot_id FROM pin_lockouts WHERE nip = ?1");
    st.bind(1, std::string_view(nip));
    LockRow r;
    if (st.next()) r = {static_cast<int>(st.columnInt(0)), static_cast<int>(st.columnInt(1)), st.columnInt(2), st.columnInt(3), st.columnText(4)};
    return r;
}

void writeLock(store::Database& db, const std::string& nip, const LockRow& r)
{
    store::Statement st(db, "INSERT INTO pin_lockouts (nip, failures, lockouts, locked_until_wall_ms, locked_until_mono_ms, locked_boot_id)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (nip) DO UPDATE SET failures = excluded.failures,"
                            " lockouts = excluded.lockouts, locked_until_wall_ms = excluded.locked_until_wall_ms,"
                            " locked_until_mono_ms = excluded.locked_until_mono_ms, locked_boot_id = excluded.locked_boot_id");
    st.bind(1, std::string_view(nip));
    st.bind(2, int64_t{r.failures});
    st.bind(3, int64_t{r.lockouts});
    st.bind(4, r.untilWall);
    st.bind(5, r.untilMono);
    st.bind(6, std::string_view(r.bootId));
    (void)st.next();
}

// Remaining lock-out: by the monotonic clock within the boot that set it (immune to wall-clock jumps),
// by the wall clock after a reboot.
int64_t remaining(const LockRow& r, const store::Clock& clock)
{
    if (r.untilWall == 0 && r.untilMono == 0) return 0;
    const int64_t left = r.bootId == store::bootId() ? r.untilMono - clock.monoMs() : r.untilWall - clock.wallMs();
    return std::max<int64_t>(0, left);
}

void audit(store::RatingStore& s, const char* kind, const std::string& nip, nlohmann::json detail)
{
    if (int rc = s.recordAudit(kind, nip, detail.dump()); rc != SQLITE_OK) {
        throw store::SqliteError(rc, std::string("cannot record the audit event ") + kind);
    }
}
} // namespace

Authenticator::Authenticator(store::RatingStore& store, LockoutPolicy policy)
    : m_store(store), m_policy(policy), m_dummyHash(hashPin("00000000"))
{
}

int64_t Authenticator::lockedForMs(const std::string& nip) { return remaining(readLock(m_store.database(), nip), m_store.clock()); }

SignInResult Authenticator::signIn(const std::string& nip, const std::string& pin)
{
    using S = SignInResult::Status;
    SignInResult result;
    store::Database& db = m_store.database();
    store::Transaction tx(db);
    std::string message;
    if (int rc = tx.begin(&message); rc != SQLITE_OK) throw store::SqliteError(rc, "cannot start the sign-in: " + message);
    auto done = [&](SignInResult r) {
        if (int rc = tx.commit(&message); rc != SQLITE_OK) throw store::SqliteError(rc, "the sign-in record did not commit: " + message);
        return r;
    };

    std::string why;
    if (!parseNip(nip, &why) || !pinProblem(pin).empty()) {
        result.status = S::Malformed;
        result.message = !why.empty() ? why : pinProblem(pin);
        audit(m_store, "sign_in_failed", nip.substr(0, 32), {{"reason", "malformed"}});
        return done(result);
    }

    const std::optional<Officer> officer = findOfficer(db, nip);
    if (!officer) {
        (void)verifyPin(m_dummyHash, pin); // the same cost as a real check, so timing does not tell
        result.status = S::UnknownNip;
        result.message = "no officer with this NIP in the roster";
        audit(m_store, "sign_in_failed", nip, {{"reason", "unknown_nip"}});
        return done(result);
    }
    result = attempt(nip, officer->pinHash, pin, "sign_in", "sign_in_failed");
    if (result.status == S::SignedIn) result.officer = officer;
    return done(result);
}

SignInResult Authenticator::checkTechnician(const std::string& pinHash, const std::string& pin)
{
    store::Database& db = m_store.database();
    store::Transaction tx(db);
    std::string message;
    if (int rc = tx.begin(&message); rc != SQLITE_OK) throw store::SqliteError(rc, "cannot start the sign-in: " + message);
    SignInResult result;
    if (!pinProblem(pin).empty() || !isArgon2idHash(pinHash)) {
        result.status = SignInResult::Status::Malformed;
        result.message = isArgon2idHash(pinHash) ? pinProblem(pin) : "no technician PIN is configured (admin.pin_hash)";
        audit(m_store, "admin_sign_in_failed", "technician", {{"reason", "malformed"}});
    } else {
        result = attempt("technician", pinHash, pin, "admin_sign_in", "admin_sign_in_failed");
    }
    if (int rc = tx.commit(&message); rc != SQLITE_OK) throw store::SqliteError(rc, "the sign-in record did not commit: " + message);
    return result;
}

SignInResult Authenticator::attempt(const std::string& key, const std::string& hash, const std::string& pin, const char* okKind, const char* failKind)
{
    using S = SignInResult::Status;
    SignInResult result;
    store::Database& db = m_store.database();
    LockRow lock = readLock(db, key);
    if (const int64_t left = remaining(lock, m_store.clock()); left > 0) {
        result.status = S::LockedOut;
        result.lockedForMs = left;
        result.message = "locked out for " + std::to_string((left + 999) / 1000) + " s more";
        audit(m_store, std::string(okKind) == "sign_in" ? "sign_in_locked" : "admin_sign_in_locked", key, {{"locked_for_ms", left}});
        return result;
    }
    if (verifyPin(hash, pin)) {
        writeLock(db, key, LockRow{});
        result.status = S::SignedIn;
        audit(m_store, okKind, key, nlohmann::json::object());
        return result;
    }
    lock.failures += 1;
    if (lock.failures >= m_policy.maxFailures) {
        lock.lockouts += 1;
        const int shift = std::min(lock.lockouts - 1, 20);
        const int64_t delay = std::min(m_policy.maxLockMs, m_policy.firstLockMs << shift);
        lock.failures = 0;
        lock.untilWall = m_store.clock().wallMs() + delay;
        lock.untilMono = m_store.clock().monoMs() + delay;
        lock.bootId = store::bootId();
        writeLock(db, key, lock);
        result.status = S::LockedOut;
        result.lockedForMs = delay;
        result.message = "wrong PIN; locked out for " + std::to_string(delay / 1000) + " s";
        audit(m_store, failKind, key, {{"reason", "wrong_pin"}});
        audit(m_store, "lockout", key, {{"locked_for_ms", delay}, {"lockouts", lock.lockouts}});
        return result;
    }
    writeLock(db, key, lock);
    result.status = S::WrongPin;
    result.failuresLeft = m_policy.maxFailures - lock.failures;
    result.message = "wrong PIN; " + std::to_string(result.failuresLeft) + " tries left";
    audit(m_store, failKind, key, {{"reason", "wrong_pin"}, {"failures", lock.failures}});
    return result;
}

} // namespace skm::roster
