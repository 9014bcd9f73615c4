// Officer sessions and served cases: the state machines, their rows, and a rating tied to its case.

#include "support/faulty_vfs.hpp"
#include "support/test_util.hpp"

#include <kiosk/roster/duty.hpp>
#include <core/pin.hpp>

#include <catch2/catch.hpp>

#include <ctime>

using namespace skm;
using namespace skm::roster;

namespace {

int64_t localWallMs(int hour, int minute)
{
    time_t now = time(nullptr);
    tm t{};
    localtime_r(&now, &t);
    t.tm_hour = hour;
    t.tm_min = minute;
    t.tm_sec = 0;
    t.tm_isdst = -1;
    return static_cast<int64_t>(mktime(&t)) * 1000;
}

struct Rig {
    explicit Rig(std::string vfs = {}, int64_t wallMs = localWallMs(9, 0)) : clock(wallMs, 5'000)
    {
        store::StoreOptions o;
        o.dataDir = dir / "data";
        o.deviceId = "duty-test";
        o.counter = "Loket 4";
        o.clock = &clock;
        o.vfs = std::move(vfs);
        st = std::make_unique<store::RatingStore>(o);
        Roster r;
        r.version = "t";
        r.officers = {{"198503302010011002", "Budi Santoso", "Perizinan", hashPin("2468")}};
        r.services = {{"nib", "NIB", "NIB"}, {"kk", "Kartu Keluarga", "Family card"}};
        replaceRoster(st->database(), r, 0);
        officer = r.officers[0];
        duty = std::make_unique<Duty>(*st, "Loket 4");
    }
    // A citizen's tap now, attributed the way the controller does it.
    store::PendingRating rate(int score)
    {
        store::PendingRating p = st->stamp(score);
        duty->attribute(p);
        REQUIRE(st->commit(p).ok);
        duty->ratingCommitted(p);
        return p;
    }
    std::string q(const std::string& sql) { return st->database().queryText(sql); }

    test::TempDir dir;
    store::ManualClock clock;
    std::unique_ptr<store::RatingStore> st;
    Officer officer;
    std::unique_ptr<Duty> duty;
};

} // namespace

TEST_CASE("a rating during an open case carries the officer, case and service, and the next is counter-level", "[duty]")
{
    Rig rig;
    rig.duty->start(rig.officer);
    const CaseInfo c = rig.duty->logCase("nib", std::string("A-017"));
    const auto first = rig.rate(4);
    CHECK_FALSE(rig.duty->openCase()); // one rating per case
    CHECK(rig.q("SELECT officer_nip || '|' || case_id || '|' || service_code || '|' || scope FROM ratings WHERE id = '" + first.id + "'") ==
          "198503302010011002|" + c.id + "|nib|case");
    CHECK(rig.q("SELECT status || '|' || rating_id || '|' || ticket FROM cases") == "rated|" + first.id + "|A-017");

    const auto second = rig.rate(1);
    CHECK(rig.q("SELECT coalesce(officer_nip, 'none') || '|' || coalesce(case_id, 'none') || '|' || scope FROM ratings WHERE id = '" + second.id + "'") ==
          "none|none|counter");
}

TEST_CASE("a case nobody rates expires as not rated, and a new case replaces an unrated one", "[duty]")
{
    Rig rig;
    rig.duty->start(rig.officer);
    (void)rig.duty->logCase("kk", std::nullopt);
    rig.clock.advance(10 * 60'000 - 1);
    CHECK_FALSE(rig.duty->tick());
    rig.clock.advance(1);
    CHECK(rig.duty->tick());
    CHECK_FALSE(rig.duty->openCase());
    CHECK(rig.q("SELECT status || '|' || close_reason FROM cases") == "not_rated|expired");
    CHECK(rig.q("SELECT scope FROM ratings WHERE id = '" + rig.rate(3).id + "'") == "counter");

    (void)rig.duty->logCase("kk", std::nullopt);
    const CaseInfo second = rig.duty->logCase("nib", std::nullopt);
    CHECK(rig.q("SELECT group_concat(status || ':' || coalesce(close_reason, '-'), ',') FROM (SELECT * FROM cases ORDER BY opened_mono_ms, id)") ==
          "not_rated:expired,not_rated:replaced,open:-");
    CHECK(rig.duty->openCase()->id == second.id);
}

TEST_CASE("a session starts, takes a break, resumes and ends, each step recorded", "[duty]")
{
    Rig rig;
    CHECK_THROWS_AS(rig.duty->logCase("nib", std::nullopt), DutyError); // nobody signed in
    rig.duty->start(rig.officer);
    CHECK_THROWS_WITH(rig.duty->logCase("pbg", std::nullopt), Catch::Contains("unknown service 'pbg'"));
    (void)rig.duty->logCase("nib", std::nullopt);
    rig.duty->takeBreak();
    CHECK(rig.duty->session()->onBreak);
    CHECK_FALSE(rig.duty->openCase()); // a break closes the case handed out
    CHECK_THROWS_WITH(rig.duty->logCase("nib", std::nullopt), Catch::Contains("break"));
    CHECK(rig.q("SELECT state FROM officer_sessions") == "break");
    rig.duty->resume();
    (void)rig.duty->logCase("nib", std::nullopt);
    rig.duty->end("signed_out");
    CHECK_FALSE(rig.duty->session());
    CHECK(rig.q("SELECT state || '|' || end_reason FROM officer_sessions") == "ended|signed_out");
    CHECK(rig.q("SELECT group_concat(kind, ',') FROM (SELECT kind FROM session_events ORDER BY seq)") == "start,break,resume,end");
    CHECK(rig.q("SELECT group_concat(close_reason, ',') FROM (SELECT close_reason FROM cases ORDER BY opened_mono_ms)") == "session_break,session_ended");
}

TEST_CASE("a session ends after long inactivity, and at the end of the day", "[duty]")
{
    SECTION("inactivity")
    {
        Rig rig;
        rig.duty->start(rig.officer);
        rig.clock.advance(60 * 60'000);
        rig.duty->noteActivity();
        rig.clock.advance(2 * 3'600'000 - 1);
        CHECK_FALSE(rig.duty->tick());
        rig.clock.advance(1);
        CHECK(rig.duty->tick());
        CHECK(rig.q("SELECT end_reason FROM officer_sessions") == "inactive");
    }
    SECTION("end of day at 17:00 local time")
    {
        Rig rig({}, localWallMs(16, 30));
        rig.duty->start(rig.officer);
        CHECK(rig.duty->nextDeadlineMs() == rig.clock.monoMs() + 30 * 60'000);
        rig.clock.advance(29 * 60'000);
        rig.duty->noteActivity();
        CHECK_FALSE(rig.duty->tick());
        rig.clock.advance(60'000);
        CHECK(rig.duty->tick());
        CHECK(rig.q("SELECT end_reason FROM officer_sessions") == "end_of_day");
    }
}

TEST_CASE("a restart closes the session and case the previous run left open", "[duty]")
{
    Rig rig;
    rig.duty->start(rig.officer);
    (void)rig.duty->logCase("nib", std::nullopt);
    rig.duty = std::make_unique<Duty>(*rig.st, "Loket 4"); // the kiosk process starts again
    CHECK_FALSE(rig.duty->session());
    CHECK(rig.q("SELECT state || '|' || end_reason FROM officer_sessions") == "ended|kiosk_restarted");
    CHECK(rig.q("SELECT status || '|' || close_reason FROM cases") == "not_rated|kiosk_restarted");
    CHECK(rig.q("SELECT group_concat(kind, ',') FROM (SELECT kind FROM session_events ORDER BY seq)") == "start,end");
}

TEST_CASE("a restart under another counter's name closes what the old name left open, audited, and shows no stale case", "[duty]")
{
    Rig rig;
    rig.duty->start(rig.officer);
    (void)rig.duty->logCase("nib", std::string("A-7"));
    // The technician renamed the counter (kiosk.counter) and restarted the kiosk.
    rig.duty = std::make_unique<Duty>(*rig.st, "Loket 9");
    CHECK_FALSE(rig.duty->session());
    CHECK_FALSE(rig.duty->openCase());
    CHECK(rig.q("SELECT state || '|' || end_reason FROM officer_sessions") == "ended|counter_changed");
    CHECK(rig.q("SELECT status || '|' || close_reason FROM cases") == "not_rated|counter_changed");
    CHECK(rig.q("SELECT group_concat(kind, ',') FROM (SELECT kind FROM session_events ORDER BY seq)") == "start,end");
    CHECK(rig.q("SELECT kind FROM audit_events WHERE kind = 'duty_closed_counter_changed'") == "duty_closed_counter_changed");
    CHECK(rig.q("SELECT json_extract(detail, '$.from') || '>' || json_extract(detail, '$.to') FROM audit_events WHERE kind = 'duty_closed_counter_changed'") ==
          "Loket 4>Loket 9");
    // Nothing left open for status --json (or the admin screen) to show beside the new counter.
    const store::StoreStatus status = store::readStatus(rig.dir / "data", "skm.db");
    CHECK_FALSE(status.officerOnDuty);
    CHECK_FALSE(status.openCase);
}

TEST_CASE("a rating and the closing of its case are one transaction", "[duty][ioerr]")
{
    test::registerFaultyVfs();
    Rig rig(test::kFaultyVfsName);
    rig.duty->start(rig.officer);
    (void)rig.duty->logCase("nib", std::nullopt);
    store::PendingRating p = rig.st->stamp(4);
    rig.duty->attribute(p);
    test::InjectedFault fault(test::InjectedFault::FailSyncs);
    const auto r = rig.st->commit(p);
    fault.end();
    REQUIRE_FALSE(r.ok);
    CHECK(rig.q("SELECT count(*) FROM ratings") == "0");
    CHECK(rig.q("SELECT status FROM cases") == "open"); // neither half happened
    REQUIRE(rig.st->commit(p).ok);                      // the retry does both
    CHECK(rig.q("SELECT status || '|' || rating_id FROM cases") == "rated|" + p.id);
}

TEST_CASE("status reports the officer on duty and the open case", "[duty]")
{
    Rig rig;
    CHECK_FALSE(store::readStatus(rig.dir / "data").officerOnDuty);
    rig.duty->start(rig.officer);
    const CaseInfo c = rig.duty->logCase("kk", std::string("B-002"));
    store::StoreStatus s = store::readStatus(rig.dir / "data");
    REQUIRE(s.officerOnDuty);
    CHECK(*s.officerOnDuty == "198503302010011002");
    CHECK(s.officerState == "active");
    REQUIRE(s.openCase);
    CHECK(s.openCase->id == c.id);
    CHECK(s.openCase->serviceCode == "kk");
    CHECK(s.openCase->ticket == std::optional<std::string>("B-002"));
    (void)rig.rate(3);
    rig.duty->takeBreak();
    s = store::readStatus(rig.dir / "data");
    CHECK_FALSE(s.openCase);
    CHECK(s.officerState == "break");
}
