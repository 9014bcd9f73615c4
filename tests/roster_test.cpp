// Roster, NIP validation, Argon2id PINs, sign-in lock-out and audit events, on a real SQLite file.

#include "support/test_util.hpp"

#include <roster/auth.hpp>
#include <roster/nip.hpp>
#include <roster/pin.hpp>
#include <roster/roster.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace skm;
using namespace skm::roster;

namespace {

std::string demoRosterText()
{
    std::ifstream in(test::sourceDir() / "config" / "demo-roster.toml");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

struct StoreRig {
    explicit StoreRig()
    {
        store::StoreOptions o;
        o.dataDir = dir / "data";
        o.deviceId = "roster-test";
        o.counter = "Loket 2";
        o.clock = &clock;
        st = std::make_unique<store::RatingStore>(o);
    }
    std::vector<std::string> auditKinds()
    {
        std::vector<std::string> out;
        store::Statement q(st->database(), "SELECT kind FROM audit_events ORDER BY seq");
        while (q.next()) out.push_back(q.columnText(0));
        return out;
    }
    test::TempDir dir;
    store::ManualClock clock;
    std::unique_ptr<store::RatingStore> st;
};

const std::string kDemoNip = "198503302010011002";

} // namespace

TEST_CASE("a NIP is 18 digits with a real birth date, appointment month, gender and sequence", "[roster][nip]")
{
    const auto n = parseNip(kDemoNip);
    REQUIRE(n);
    CHECK(n->birthYear == 1985);
    CHECK(n->birthMonth == 3);
    CHECK(n->birthDay == 30);
    CHECK(n->appointedYear == 2010);
    CHECK(n->appointedMonth == 1);
    CHECK(n->gender == 1);
    CHECK(n->sequence == 2);
    CHECK(parseNip("199602292020012001")); // 1996 was a leap year

    struct Bad {
        const char* nip;
        const char* words;
    };
    const Bad bad[] = {
        {"19850330201001100", "18 digits"},
        {"1985033020100110020", "18 digits"},
        {"19850330201001100x", "digits only"},
        {"198502302010011002", "1985-02-30"},
        {"199702292020012001", "1997-02-29"},
        {"198513302010011002", "does not exist"},
        {"198503302010131002", "appointment month"},
        {"198503302000011002", "before the 18th birthday"},
        {"198503302010013002", "gender code"},
        {"198503302010011000", "starts at 001"},
    };
    for (const Bad& b : bad) {
        std::string why;
        INFO(b.nip);
        CHECK_FALSE(parseNip(b.nip, &why));
        CHECK_THAT(why, Catch::Contains(b.words));
    }
}

TEST_CASE("PINs are 4-8 digits, stored as Argon2id hashes, verified in constant form", "[roster][pin]")
{
    CHECK(pinProblem("2468").empty());
    CHECK(pinProblem("12345678").empty());
    CHECK_FALSE(pinProblem("123").empty());
    CHECK_FALSE(pinProblem("123456789").empty());
    CHECK_FALSE(pinProblem("12a4").empty());
    const std::string h = hashPin("2468");
    CHECK(h.rfind("$argon2id$", 0) == 0);
    CHECK(h.find("2468") == std::string::npos);
    CHECK(hashPin("2468") != h); // salted
    CHECK(verifyPin(h, "2468"));
    CHECK_FALSE(verifyPin(h, "2469"));
    CHECK_FALSE(verifyPin("not a hash", "2468"));
}

TEST_CASE("the demo roster parses: the demo officer's PIN is 2468", "[roster]")
{
    const Roster r = parseRoster(demoRosterText(), "demo-roster.toml");
    CHECK(r.version == "demo-2026-11");
    REQUIRE(r.officers.size() == 3);
    CHECK(r.officers[0].nip == kDemoNip);
    CHECK(verifyPin(r.officers[0].pinHash, "2468"));
    CHECK(r.services.size() == 6);
}

TEST_CASE("a bad roster is refused whole, naming the entry", "[roster]")
{
    const std::string demo = demoRosterText();
    struct Case {
        std::string text;
        const char* words;
    };
    auto replace = [&](const std::string& from, const std::string& to) {
        std::string t = demo;
        t.replace(t.find(from), from.size(), to);
        return t;
    };
    const Case cases[] = {
        {replace("nip = \"198811202012121003\"", "nip = \"198811202012123003\""), "officers[3] (NIP 198811202012123003): invalid NIP: digit 15"},
        {replace("nip = \"198811202012121003\"", "nip = \"198503302010011002\""), "officers[3] (NIP 198503302010011002): the NIP appears twice"},
        {replace("$argon2id$v=19$m=65536,t=2,p=1$fY7l9Y7jozLsisKHA/wNpg", "2468"), "officers[2] (NIP 199007152015032001): pin_hash must be an Argon2id hash"},
        {replace("name = \"Dewi Lestari\"\n", ""), "officers[2] (NIP 199007152015032001): 'name' is missing"},
        {replace("code = \"kk\"", "code = \"nib\""), "services[4]: service code 'nib' appears twice"},
        {replace("version = \"demo-2026-11\"", "version = 3"), "'version' must be a string"},
        {replace("[[services]]\ncode = \"nib\"", "[[services]]\nkode = \"nib\""), "services[1]: unknown field 'kode'"},
        {demo + "\n[[reasons.low]]\ncode = \"X\"\nid = \"a\"\nen = \"b\"\n", "reasons.low: entry 1"},
        {"bogus = 1\n" + demo, "unknown key 'bogus'"},
        {demo + "\nbogus = 1\n", "services[6]: unknown field 'bogus'"},
        {"version = \"x\"\n", "no [[officers]] entries"},
    };
    for (const Case& c : cases) {
        INFO(c.words);
        try {
            (void)parseRoster(c.text, "roster.toml");
            FAIL("must be refused");
        } catch (const RosterError& e) {
            CHECK_THAT(e.what(), Catch::StartsWith("roster.toml") && Catch::Contains(c.words));
        }
    }
}

TEST_CASE("importing a roster replaces the previous one in one transaction", "[roster]")
{
    StoreRig rig;
    store::Database& db = rig.st->database();
    CHECK_FALSE(readRoster(db));
    Roster first = parseRoster(demoRosterText(), "demo");
    replaceRoster(db, first, 1000);
    REQUIRE(readRoster(db));
    CHECK(readRoster(db)->officers.size() == 3);
    CHECK(findOfficer(db, kDemoNip)->name == "Budi Santoso");

    Roster second = first;
    second.version = "v2";
    second.officers.resize(1);
    second.reasonsLow = {{"antre", "Antre lama", "Long queue"}};
    replaceRoster(db, second, 2000);
    const auto now = readRoster(db);
    CHECK(now->version == "v2");
    CHECK(now->officers.size() == 1);
    CHECK(now->reasonsLow == second.reasonsLow);
    CHECK_FALSE(findOfficer(db, "199007152015032001"));

    // A failure half-way (a service code twice violates the primary key) leaves v2 in force.
    Roster broken = first;
    broken.version = "v3";
    broken.services.push_back(broken.services.front());
    CHECK_THROWS_AS(replaceRoster(db, broken, 3000), store::SqliteError);
    CHECK(readRoster(db)->version == "v2");
    CHECK(readRoster(db)->officers.size() == 1);
}

TEST_CASE("five wrong PINs lock the NIP out, for longer each time, and a good sign-in resets it", "[roster][auth]")
{
    StoreRig rig;
    replaceRoster(rig.st->database(), parseRoster(demoRosterText(), "demo"), 0);
    Authenticator auth(*rig.st);
    using S = SignInResult::Status;

    for (int i = 1; i <= 4; ++i) {
        const auto r = auth.signIn(kDemoNip, "1111");
        CHECK(r.status == S::WrongPin);
        CHECK(r.failuresLeft == 5 - i);
    }
    auto r = auth.signIn(kDemoNip, "1111");
    CHECK(r.status == S::LockedOut);
    CHECK(r.lockedForMs == 60'000);
    r = auth.signIn(kDemoNip, "2468"); // the right PIN is not even checked while locked out
    CHECK(r.status == S::LockedOut);
    CHECK(r.lockedForMs == 60'000);
    rig.clock.advance(59'999);
    CHECK(auth.signIn(kDemoNip, "2468").status == S::LockedOut);
    rig.clock.advance(1);

    for (int i = 0; i < 4; ++i) CHECK(auth.signIn(kDemoNip, "9999").status == S::WrongPin);
    r = auth.signIn(kDemoNip, "9999");
    CHECK(r.status == S::LockedOut);
    CHECK(r.lockedForMs == 120'000); // the second lock-out doubles
    rig.clock.advance(120'000);

    r = auth.signIn(kDemoNip, "2468");
    REQUIRE(r.status == S::SignedIn);
    CHECK(r.officer->name == "Budi Santoso");
    for (int i = 0; i < 5; ++i) (void)auth.signIn(kDemoNip, "0000");
    CHECK(auth.lockedForMs(kDemoNip) == 60'000); // reset by the good sign-in: back to the first delay

    // Another officer is not affected.
    CHECK(auth.signIn("199007152015032001", "1357").status == S::SignedIn);
}

TEST_CASE("the lock-out is capped at one hour and survives a restart and a wall-clock jump", "[roster][auth]")
{
    StoreRig rig;
    replaceRoster(rig.st->database(), parseRoster(demoRosterText(), "demo"), 0);
    {
        Authenticator auth(*rig.st);
        for (int lockout = 0; lockout < 8; ++lockout) {
            for (int i = 0; i < 5; ++i) (void)auth.signIn(kDemoNip, "0000");
            rig.clock.advance(auth.lockedForMs(kDemoNip));
        }
        for (int i = 0; i < 5; ++i) (void)auth.signIn(kDemoNip, "0000");
        CHECK(auth.lockedForMs(kDemoNip) == 3'600'000);
    }
    rig.clock.setWall(rig.clock.wallMs() + 10 * 3'600'000); // NTP corrects the clock by hours
    Authenticator again(*rig.st);                            // same boot, new process state
    CHECK(again.lockedForMs(kDemoNip) == 3'600'000);         // the monotonic deadline holds

    // After a reboot (another boot id) the wall-clock deadline applies.
    rig.st->database().exec("UPDATE pin_lockouts SET locked_boot_id = 'an-earlier-boot'");
    CHECK(again.lockedForMs(kDemoNip) == 0);
}

TEST_CASE("every sign-in, failure and lock-out is an audit event, and unknown and malformed input too", "[roster][auth]")
{
    StoreRig rig;
    replaceRoster(rig.st->database(), parseRoster(demoRosterText(), "demo"), 0);
    Authenticator auth(*rig.st);
    using S = SignInResult::Status;
    CHECK(auth.signIn("199901012020011001", "2468").status == S::UnknownNip);
    CHECK(auth.signIn("12345", "2468").status == S::Malformed);
    CHECK(auth.signIn(kDemoNip, "24").status == S::Malformed);
    for (int i = 0; i < 5; ++i) (void)auth.signIn(kDemoNip, "1111");
    (void)auth.signIn(kDemoNip, "2468");
    rig.clock.advance(60'000);
    CHECK(auth.signIn(kDemoNip, "2468").status == S::SignedIn);
    const std::vector<std::string> expected = {"sign_in_failed", "sign_in_failed", "sign_in_failed", "sign_in_failed", "sign_in_failed",
                                               "sign_in_failed", "sign_in_failed", "sign_in_failed", "lockout", "sign_in_locked", "sign_in"};
    CHECK(rig.auditKinds() == expected);
    // The PIN itself is never recorded.
    CHECK(rig.st->database().queryInt("SELECT count(*) FROM audit_events WHERE detail LIKE '%2468%' OR detail LIKE '%1111%'") == 0);
}
