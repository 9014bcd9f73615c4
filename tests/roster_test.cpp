// Roster, NIP validation and Argon2id PINs, on a real SQLite file. The sign-in throttle and its audit
// events are in lockout_test.cpp.

#include "support/test_util.hpp"

#include <core/nip.hpp>
#include <core/pin.hpp>
#include <kiosk/roster/roster_store.hpp>
#include <kiosk/store/rating_store.hpp>

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

// (Whether the comparison takes constant time is libsodium's crypto_pwhash_str_verify's contract; a
// test here could not show it, and does not claim to.)
TEST_CASE("PINs are 4-8 digits, stored as salted Argon2id hashes, and only the right PIN verifies", "[roster][pin]")
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
