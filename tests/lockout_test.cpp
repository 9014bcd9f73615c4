// The sign-in throttle (kiosk/roster/auth.hpp): per (NIP or technician, channel), the device-wide touch
// allowance, restarts, clock jumps, audit events and the schema 8 migration, on a real SQLite file with
// a manual clock. The figures checked here are the ones docs/officers-and-technicians.md states.

#include "support/test_util.hpp"

#include <kiosk/roster/auth.hpp>
#include <core/pin.hpp>
#include <kiosk/roster/roster_store.hpp>
#include <kiosk/store/migrations.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>

using namespace skm;
using namespace skm::roster;
using S = SignInResult::Status;

namespace {

constexpr SignInChannel kTouch = SignInChannel::Touch;
constexpr SignInChannel kKeyboard = SignInChannel::Keyboard;
constexpr int64_t kCapMs = 15 * 60'000;
constexpr int64_t kDayMs = 24 * 3'600'000;

const std::string kBudi = "198503302010011002"; // PIN 2468
const std::string kDewi = "199007152015032001"; // PIN 1357
const std::string kAgus = "198811202012121003"; // PIN 8642

Roster demoRoster()
{
    std::ifstream in(test::sourceDir() / "config" / "demo-roster.toml");
    std::ostringstream s;
    s << in.rdbuf();
    return parseRoster(s.str(), "demo-roster.toml");
}

struct Rig {
    Rig() { open(); }
    void open()
    {
        store::StoreOptions o;
        o.dataDir = dir / "data";
        o.deviceId = "lockout-test";
        o.counter = "Loket 3";
        o.clock = &clock;
        auth.reset();
        st.reset();
        st = std::make_unique<store::RatingStore>(o);
        auth = std::make_unique<Authenticator>(*st);
    }
    int64_t count(const std::string& sql) { return st->database().queryInt(sql); }
    // Wrong PINs actually checked (the guesses an attacker got), by channel.
    int64_t guesses(const char* channel)
    {
        return count(std::string("SELECT count(*) FROM audit_events WHERE kind IN ('sign_in_failed', 'admin_sign_in_failed')"
                                 " AND json_extract(detail, '$.reason') = 'wrong_pin' AND json_extract(detail, '$.channel') = '") +
                     channel + "'");
    }
    // Waits out whatever stands before the next attempt for `key` on `channel`.
    void waitFor(const std::string& key, SignInChannel channel) { clock.advance(auth->lockedForMs(key, channel)); }

    test::TempDir dir;
    store::ManualClock clock;
    std::unique_ptr<store::RatingStore> st;
    std::unique_ptr<Authenticator> auth;
};

// A rig with the demo roster (three officers).
struct DemoRig : Rig {
    DemoRig() { replaceRoster(st->database(), demoRoster(), 0); }
};

} // namespace

TEST_CASE("after a stranger's 100 touch guesses at an officer's NIP, the officer signs in on the keyboard at once", "[roster][auth][lockout]")
{
    DemoRig rig;
    for (int i = 0; i < 100; ++i) {
        rig.waitFor(kBudi, kTouch); // the patient stranger: every attempt is a real guess
        const SignInResult r = rig.auth->signIn(kBudi, "1111", kTouch);
        REQUIRE((r.status == S::WrongPin || r.status == S::LockedOut));
        CHECK(r.lockedForMs <= kCapMs);
        REQUIRE(rig.auth->lockedForMs(kBudi, kKeyboard) == 0); // the officer's side never waits
    }
    CHECK(rig.guesses("touch") == 100);
    CHECK(rig.auth->lockedForMs(kBudi, kTouch) == kCapMs); // the touch side is slowed down...
    const SignInResult r = rig.auth->signIn(kBudi, "2468", kKeyboard);
    REQUIRE(r.status == S::SignedIn); // ...and the officer at the keyboard is not
    CHECK(r.officer->nip == kBudi);
    // The touch side stays slowed down: the keyboard's success is no reason to trust the screen.
    CHECK(rig.auth->lockedForMs(kBudi, kTouch) == kCapMs);
    CHECK(rig.auth->signIn(kBudi, "2468", kTouch).status == S::LockedOut);
}

TEST_CASE("a touch wait starts after five wrong PINs at 30 s, doubles, and never exceeds 15 minutes", "[roster][auth][lockout]")
{
    DemoRig rig;
    const int64_t expected[] = {0, 0, 0, 0, 30'000, 60'000, 120'000, 240'000, 480'000, kCapMs, kCapMs, kCapMs, kCapMs};
    for (size_t i = 0; i < std::size(expected); ++i) {
        INFO("wrong PIN " << i + 1);
        rig.waitFor(kBudi, kTouch);
        const SignInResult r = rig.auth->signIn(kBudi, "1111", kTouch);
        CHECK(r.status == (expected[i] == 0 ? S::WrongPin : S::LockedOut));
        CHECK(r.lockedForMs == expected[i]);
        if (i < 4) CHECK(r.failuresLeft == static_cast<int>(4 - i));
    }
    // Hammering while a wait runs is refused unchecked and does not lengthen it.
    rig.clock.advance(60'000);
    for (int i = 0; i < 20; ++i) {
        const SignInResult r = rig.auth->signIn(kBudi, "2468", kTouch);
        CHECK(r.status == S::LockedOut);
        CHECK(r.lockedForMs == kCapMs - 60'000);
    }
    CHECK(rig.guesses("touch") == 13);
    rig.clock.advance(kCapMs - 60'000);
    CHECK(rig.auth->signIn(kBudi, "2468", kTouch).status == S::SignedIn);
}

TEST_CASE("the touch side checks at most 106 wrong PINs in 24 hours, however an attacker spreads them over NIPs", "[roster][auth][lockout]")
{
    DemoRig rig;
    const std::string technicianHash = hashPin("909090");
    const std::vector<std::string> keys = {kBudi, kDewi, kAgus, "technician"};
    const int64_t start = rig.clock.wallMs();
    int64_t longest = 0;
    size_t last = keys.size() - 1;
    for (;;) {
        // The attacker takes whichever key can be tried soonest (on a tie the next one round), and
        // tries it the moment it can.
        size_t pick = 0;
        int64_t soonest = std::numeric_limits<int64_t>::max();
        for (size_t n = 1; n <= keys.size(); ++n) {
            const size_t i = (last + n) % keys.size();
            if (const int64_t w = rig.auth->lockedForMs(keys[i], kTouch); w < soonest) {
                soonest = w;
                pick = i;
            }
        }
        last = pick;
        const std::string& next = keys[pick];
        longest = std::max(longest, soonest);
        if (rig.clock.wallMs() + soonest > start + kDayMs) break;
        rig.clock.advance(soonest);
        const SignInResult r = next == "technician" ? rig.auth->checkTechnician(technicianHash, "123456", kTouch) : rig.auth->signIn(next, "0000", kTouch);
        REQUIRE((r.status == S::WrongPin || r.status == S::LockedOut)); // every attempt was a guess
    }
    // 10 at once, then one every 15 minutes: 10 + 96. The bound is reached, so it is the real figure.
    CHECK(rig.guesses("touch") == 106);
    CHECK(rig.count("SELECT count(DISTINCT nip) FROM audit_events") == 4);
    CHECK(longest <= kCapMs);
    CHECK(rig.count("SELECT count(*) FROM audit_events WHERE kind IN ('sign_in_locked', 'admin_sign_in_locked')") == 0);
    // In the first hour: 10 + 4.
    CHECK(rig.count("SELECT count(*) FROM audit_events WHERE kind IN ('sign_in_failed', 'admin_sign_in_failed') AND at_wall_ms <= " +
                    std::to_string(start + 3'600'000)) == 14);
}

TEST_CASE("ten wrong touch PINs across ten NIPs make every touch attempt wait, and the keyboard not at all", "[roster][auth][lockout]")
{
    Rig rig;
    Roster roster;
    roster.version = "many";
    const std::string hash = hashPin("2468");
    for (int i = 0; i < 12; ++i) roster.officers.push_back({"1985033020100110" + std::to_string(10 + i), "Petugas " + std::to_string(i), "Unit", hash});
    replaceRoster(rig.st->database(), roster, 0);
    auto nip = [&](int i) { return roster.officers[static_cast<size_t>(i)].nip; };

    for (int i = 0; i < 9; ++i) {
        const SignInResult r = rig.auth->signIn(nip(i), "1111", kTouch); // one each: no NIP's own count gets near five
        CHECK(r.status == S::WrongPin);
        CHECK(r.failuresLeft == std::min(4, 9 - i)); // the device's allowance shows in what is left
    }
    SignInResult r = rig.auth->signIn(nip(9), "1111", kTouch);
    CHECK(r.status == S::LockedOut);
    CHECK(r.lockedForMs == kCapMs);
    CHECK(rig.count("SELECT count(*) FROM audit_events WHERE kind = 'lockout' AND json_extract(detail, '$.scope') = 'device'") == 1);

    // A NIP nobody has tried waits too, as does an unknown one (the wait does not tell them apart).
    r = rig.auth->signIn(nip(10), "2468", kTouch);
    CHECK(r.status == S::LockedOut);
    CHECK(r.lockedForMs == kCapMs);
    CHECK(rig.auth->signIn("199901012020011001", "2468", kTouch).status == S::LockedOut);
    CHECK(rig.auth->checkTechnician(hashPin("909090"), "909090", kTouch).status == S::LockedOut);
    CHECK(rig.guesses("touch") == 10); // nothing was checked while waiting

    // The keyboard is not held up, for the tried NIPs or any other.
    for (int i : {0, 9, 11}) {
        INFO(nip(i));
        CHECK(rig.auth->lockedForMs(nip(i), kKeyboard) == 0);
        CHECK(rig.auth->signIn(nip(i), "2468", kKeyboard).status == S::SignedIn);
    }

    // The allowance drains: one interval later one touch attempt goes through, then it is full again.
    rig.clock.advance(kCapMs - 1);
    CHECK(rig.auth->signIn(nip(11), "2468", kTouch).status == S::LockedOut);
    rig.clock.advance(1);
    CHECK(rig.auth->signIn(nip(10), "1111", kTouch).status == S::LockedOut);
    CHECK(rig.auth->lockedForMs(nip(11), kTouch) == kCapMs);
    rig.clock.advance(kCapMs);
    CHECK(rig.auth->signIn(nip(11), "2468", kTouch).status == S::SignedIn);
    // After a quiet spell the whole burst is back.
    rig.clock.advance(10 * kCapMs);
    r = rig.auth->signIn(nip(11), "1111", kTouch);
    CHECK(r.status == S::WrongPin);
    CHECK(r.failuresLeft == 4);
}

TEST_CASE("the technician's PIN is throttled per channel under its own key and counts in the touch allowance", "[roster][auth][lockout]")
{
    DemoRig rig;
    const std::string hash = hashPin("909090");
    for (int i = 1; i <= 4; ++i) CHECK(rig.auth->checkTechnician(hash, "123456", kTouch).failuresLeft == 5 - i);
    SignInResult r = rig.auth->checkTechnician(hash, "123456", kTouch);
    CHECK(r.status == S::LockedOut);
    CHECK(r.lockedForMs == 30'000);
    CHECK(rig.auth->checkTechnician(hash, "909090", kTouch).status == S::LockedOut);
    CHECK(rig.count("SELECT count(*) FROM pin_lockouts WHERE key = 'technician' AND channel = 'touch' AND failures = 5") == 1);
    // F12 on the keyboard is another channel; an officer's NIP is another key.
    CHECK(rig.auth->checkTechnician(hash, "909090", kKeyboard).status == S::SignedIn);
    CHECK(rig.auth->lockedForMs(kBudi, kTouch) == 0);
    r = rig.auth->signIn(kBudi, "1111", kTouch);
    CHECK(r.status == S::WrongPin);
    CHECK(r.failuresLeft == 4);
    // But the technician's five touch failures took five of the device's ten.
    for (int i = 0; i < 3; ++i) CHECK(rig.auth->signIn(kDewi, "1111", kTouch).status == S::WrongPin);
    r = rig.auth->signIn(kDewi, "1111", kTouch);
    CHECK(r.status == S::LockedOut);
    CHECK(r.lockedForMs == kCapMs);
    CHECK(rig.count("SELECT count(*) FROM audit_events WHERE kind LIKE 'admin_sign_in%' AND json_extract(detail, '$.channel') IS NULL") == 0);
    CHECK(rig.count("SELECT count(*) FROM audit_events WHERE kind = 'admin_sign_in' AND json_extract(detail, '$.channel') = 'keyboard'") == 1);
}

TEST_CASE("a wrong PIN on the keyboard does not count on touch, and a wrong PIN on touch does not count on the keyboard", "[roster][auth][lockout]")
{
    DemoRig rig;
    SECTION("keyboard failures leave touch alone")
    {
        for (int i = 0; i < 5; ++i) (void)rig.auth->signIn(kBudi, "1111", kKeyboard);
        CHECK(rig.auth->lockedForMs(kBudi, kKeyboard) == 30'000);
        CHECK(rig.auth->lockedForMs(kBudi, kTouch) == 0);
        CHECK(rig.count("SELECT count(*) FROM pin_touch_budget") == 0); // the device's touch allowance untouched
        const SignInResult r = rig.auth->signIn(kBudi, "1111", kTouch);
        CHECK(r.status == S::WrongPin);
        CHECK(r.failuresLeft == 4);
        CHECK(rig.auth->signIn(kBudi, "2468", kTouch).status == S::SignedIn);
        // A good sign-in on touch does not clear the keyboard's count.
        CHECK(rig.auth->lockedForMs(kBudi, kKeyboard) == 30'000);
        rig.clock.advance(30'000);
        CHECK(rig.auth->signIn(kBudi, "1111", kKeyboard).lockedForMs == 60'000);
    }
    SECTION("touch failures leave the keyboard alone")
    {
        for (int i = 0; i < 5; ++i) (void)rig.auth->signIn(kBudi, "1111", kTouch);
        CHECK(rig.auth->lockedForMs(kBudi, kTouch) == 30'000);
        CHECK(rig.auth->lockedForMs(kBudi, kKeyboard) == 0);
        const SignInResult r = rig.auth->signIn(kBudi, "1111", kKeyboard);
        CHECK(r.status == S::WrongPin);
        CHECK(r.failuresLeft == 4);
        CHECK(rig.auth->signIn(kBudi, "2468", kKeyboard).status == S::SignedIn);
        // A good sign-in on the keyboard does not clear the touch count.
        CHECK(rig.auth->lockedForMs(kBudi, kTouch) == 30'000);
        // A good sign-in on the same channel does.
        rig.clock.advance(30'000);
        CHECK(rig.auth->signIn(kBudi, "2468", kTouch).status == S::SignedIn);
        CHECK(rig.auth->signIn(kBudi, "1111", kTouch).failuresLeft == 4);
    }
}

TEST_CASE("wrong PINs are forgotten after 24 hours without one", "[roster][auth][lockout]")
{
    DemoRig rig;
    for (int i = 0; i < 7; ++i) {
        rig.waitFor(kBudi, kKeyboard);
        (void)rig.auth->signIn(kBudi, "1111", kKeyboard);
    }
    CHECK(rig.auth->lockedForMs(kBudi, kKeyboard) == 120'000);
    SECTION("a day less a millisecond later they still count")
    {
        rig.clock.advance(kDayMs - 1);
        CHECK(rig.auth->lockedForMs(kBudi, kKeyboard) == 0);
        CHECK(rig.auth->signIn(kBudi, "1111", kKeyboard).lockedForMs == 240'000);
    }
    SECTION("a full day later they are gone")
    {
        rig.clock.advance(kDayMs);
        const SignInResult r = rig.auth->signIn(kBudi, "1111", kKeyboard);
        CHECK(r.status == S::WrongPin);
        CHECK(r.failuresLeft == 4);
    }
}

TEST_CASE("the throttle survives a restart and a wall-clock jump, and a reboot switches it to the wall clock", "[roster][auth][lockout]")
{
    DemoRig rig;
    for (int i = 0; i < 7; ++i) { // Budi's own count, on the keyboard: the seventh waits 2 min
        rig.waitFor(kBudi, kKeyboard);
        (void)rig.auth->signIn(kBudi, "1111", kKeyboard);
    }
    for (int i = 0; i < 5; ++i) (void)rig.auth->signIn(kDewi, "1111", kTouch); // ten on touch fill the device's allowance
    for (int i = 0; i < 5; ++i) (void)rig.auth->signIn(kAgus, "1111", kTouch);
    REQUIRE(rig.auth->lockedForMs(kBudi, kKeyboard) == 120'000);
    REQUIRE(rig.auth->lockedForMs(kBudi, kTouch) == kCapMs); // the device-wide wait alone

    rig.open(); // a new process: a new store and Authenticator on the same file
    CHECK(rig.auth->lockedForMs(kBudi, kKeyboard) == 120'000);
    CHECK(rig.auth->lockedForMs(kBudi, kTouch) == kCapMs);

    rig.clock.setWall(rig.clock.wallMs() + 10 * 3'600'000); // NTP corrects the clock by hours
    CHECK(rig.auth->lockedForMs(kBudi, kKeyboard) == 120'000); // the monotonic clock holds within the boot
    CHECK(rig.auth->lockedForMs(kBudi, kTouch) == kCapMs);

    SECTION("after a reboot the wall clock counts")
    {
        rig.st->database().exec("UPDATE pin_lockouts SET boot_id = 'an-earlier-boot'; UPDATE pin_touch_budget SET boot_id = 'an-earlier-boot'");
        CHECK(rig.auth->lockedForMs(kBudi, kKeyboard) == 0);
        CHECK(rig.auth->lockedForMs(kBudi, kTouch) == 0);
        CHECK(rig.auth->signIn(kBudi, "1111", kKeyboard).lockedForMs == 240'000); // ten hours is no quiet day: the count holds
    }
    SECTION("a wall clock set back after a reboot lengthens nothing beyond the cap and shortens nothing")
    {
        rig.clock.setWall(1'000'000'000'000); // 2001: a kiosk without an RTC, before NTP
        rig.st->database().exec("UPDATE pin_lockouts SET boot_id = 'an-earlier-boot'; UPDATE pin_touch_budget SET boot_id = 'an-earlier-boot'");
        CHECK(rig.auth->lockedForMs(kBudi, kKeyboard) == 120'000);
        CHECK(rig.auth->lockedForMs(kBudi, kTouch) == kCapMs);
    }
}

TEST_CASE("every sign-in, failure and wait is an audit event with its channel, and unknown and malformed input too", "[roster][auth][lockout]")
{
    DemoRig rig;
    CHECK(rig.auth->signIn("199901012020011001", "2468", kTouch).status == S::UnknownNip);
    CHECK(rig.auth->signIn("12345", "2468", kKeyboard).status == S::Malformed);
    CHECK(rig.auth->signIn(kBudi, "24", kTouch).status == S::Malformed);
    for (int i = 0; i < 5; ++i) (void)rig.auth->signIn(kBudi, "1111", kTouch);
    (void)rig.auth->signIn(kBudi, "2468", kTouch);
    CHECK(rig.auth->signIn(kBudi, "2468", kKeyboard).status == S::SignedIn);
    rig.clock.advance(30'000);
    CHECK(rig.auth->signIn(kBudi, "2468", kTouch).status == S::SignedIn);

    std::vector<std::string> rows;
    store::Statement q(rig.st->database(), "SELECT kind || ' ' || json_extract(detail, '$.channel') FROM audit_events ORDER BY seq");
    while (q.next()) rows.push_back(q.columnText(0));
    const std::vector<std::string> expected = {
        "sign_in_failed touch",    "sign_in_failed keyboard", "sign_in_failed touch", "sign_in_failed touch", "sign_in_failed touch",
        "sign_in_failed touch",    "sign_in_failed touch",    "sign_in_failed touch", "lockout touch",        "sign_in_locked touch",
        "sign_in keyboard",        "sign_in touch"};
    CHECK(rows == expected);
    CHECK(rig.count("SELECT json_extract(detail, '$.locked_for_ms') FROM audit_events WHERE kind = 'lockout'") == 30'000);
    CHECK(rig.count("SELECT json_extract(detail, '$.failures') FROM audit_events WHERE kind = 'lockout'") == 5);
    CHECK(rig.count("SELECT json_extract(detail, '$.locked_for_ms') FROM audit_events WHERE kind = 'sign_in_locked'") == 30'000);
    // The PIN itself is never recorded.
    CHECK(rig.count("SELECT count(*) FROM audit_events WHERE detail LIKE '%2468%' OR detail LIKE '%1111%'") == 0);
}

TEST_CASE("schema 8 carries the old lock-outs to the touch channel, no longer than the new cap, and leaves the keyboard clean", "[roster][auth][lockout][migrations]")
{
    test::TempDir dir;
    store::ManualClock clock;
    const int64_t wall = clock.wallMs();
    const int64_t mono = clock.monoMs();
    const std::string boot = store::bootId();
    {
        std::filesystem::create_directories(dir / "data");
        store::Database db((dir / "data" / "skm.db").string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        REQUIRE(store::migrate(db, 7) == 0);
        store::Statement ins(db, "INSERT INTO pin_lockouts (nip, failures, lockouts, locked_until_wall_ms, locked_until_mono_ms, locked_boot_id)"
                                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        auto row = [&](const std::string& nip, int failures, int lockouts, int64_t untilWall, int64_t untilMono, const std::string& b) {
            ins.reset();
            ins.bind(1, std::string_view(nip));
            ins.bind(2, int64_t{failures});
            ins.bind(3, int64_t{lockouts});
            ins.bind(4, untilWall);
            ins.bind(5, untilMono);
            ins.bind(6, std::string_view(b));
            REQUIRE(ins.step() == SQLITE_DONE);
        };
        row(kBudi, 0, 7, wall + 3'600'000, mono + 3'600'000, boot);                // a one-hour lock-out that just began
        row(kDewi, 0, 1, wall + 20'000, mono + 20'000, boot);                      // a one-minute lock-out, 40 s in
        row("technician", 3, 2, wall - 600'000, 5, "an-earlier-boot");             // expired 10 min ago, then 3 more
        row(kAgus, 3, 0, 0, 0, "");                                                // three wrong PINs, no lock-out
        row("198503302010011099", 0, 0, 0, 0, "");                                 // reset by a good sign-in
    }
    store::StoreOptions o;
    o.dataDir = dir / "data";
    o.deviceId = "migration-test";
    o.counter = "Loket 4";
    o.clock = &clock;
    store::RatingStore st(o);
    REQUIRE(st.openReport().schemaFrom == 7);
    REQUIRE(st.schemaVersion() == store::latestSchemaVersion());
    replaceRoster(st.database(), demoRoster(), 0);
    Authenticator auth(st);

    CHECK(st.database().queryInt("SELECT count(*) FROM pin_lockouts") == 3);
    CHECK(st.database().queryInt("SELECT count(*) FROM pin_lockouts WHERE channel = 'keyboard'") == 0);
    CHECK(st.database().queryInt("SELECT count(*) FROM pin_touch_budget") == 0);
    CHECK(st.database().queryInt("SELECT failures FROM pin_lockouts WHERE key = '" + kBudi + "'") == 35);
    CHECK(st.database().queryInt("SELECT failures FROM pin_lockouts WHERE key = 'technician'") == 13);

    // The hour-long lock-out is now the cap, from when it began; the keyboard is free.
    CHECK(auth.lockedForMs(kBudi, kTouch) == kCapMs);
    CHECK(auth.lockedForMs(kBudi, kKeyboard) == 0);
    CHECK(auth.signIn(kBudi, "2468", kKeyboard).status == S::SignedIn);
    // The one-minute lock-out began 40 s ago: the new first wait (30 s) is over, and the count goes on.
    CHECK(auth.lockedForMs(kDewi, kTouch) == 0);
    CHECK(auth.signIn(kDewi, "1111", kTouch).lockedForMs == 60'000);
    // The technician's 13 failures, the last at the old deadline (10 min ago, another boot): 15 - 10 min left.
    CHECK(auth.lockedForMs("technician", kTouch) == 5 * 60'000);
    // Three wrong PINs without a lock-out were not carried.
    const SignInResult r = auth.signIn(kAgus, "1111", kTouch);
    CHECK(r.status == S::WrongPin);
    CHECK(r.failuresLeft == 4);
}
