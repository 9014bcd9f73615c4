// The queue system opens the case (kiosk/queue/, docs/queue-integration.md): the signature, the clock
// window, replays and floods refused with nothing changed; what open, cancel and status do to the
// duty (the officer on duty's case, a counter-level case with nobody on duty, idempotent on the
// ticket); the mailbox that carries calls to the UI thread; the poller; the endpoint itself over
// real HTTP on 127.0.0.1 (libcurl, as a queue PC would call it); session-level ratings.

#include "support/test_util.hpp"

#include <core/pin.hpp>
#include <core/protocol.hpp>
#include <kiosk/queue/queue_desk.hpp>
#include <kiosk/queue/queue_guard.hpp>
#include <kiosk/queue/queue_mailbox.hpp>
#include <kiosk/queue/queue_poller.hpp>
#include <kiosk/queue/queue_server.hpp>
#include <kiosk/roster/duty.hpp>
#include <sync/http_sender.hpp>

#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <fstream>
#include <thread>

using namespace skm;
using nlohmann::json;

namespace {

const std::string kKey(64, 'a');
const std::string kBudi = "198503302010011002";
const std::string kSari = "199001012015032001";

int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A signed call as a queue PC makes it.
struct Signed {
    std::string timestamp, nonce, signature;
};
Signed sign(const std::string& method, const std::string& path, const std::string& body, int64_t atMs, const std::string& key = kKey)
{
    const int64_t ts = atMs / 1000;
    const std::string nonce = protocol::randomHex(16);
    return {std::to_string(ts), nonce, protocol::sign(key, protocol::canonicalRequest(method, path, ts, nonce, body))};
}

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
    explicit Rig(bool sessionRatings = false) : clock(localWallMs(9, 0), 5'000)
    {
        store::StoreOptions o;
        o.dataDir = dir / "data";
        o.deviceId = "queue-test";
        o.counter = "Loket 4";
        o.clock = &clock;
        st = std::make_unique<store::RatingStore>(o);
        roster::Roster r;
        r.version = "t";
        r.officers = {{kBudi, "Budi Santoso", "Perizinan", roster::hashPin("2468")}, {kSari, "Sari Dewi", "Perizinan", roster::hashPin("1357")}};
        r.services = {{"nib", "NIB", "NIB"}, {"kk", "Kartu Keluarga", "Family card"}};
        roster::replaceRoster(st->database(), r, 0);
        budi = r.officers[0];
        roster::DutyPolicy policy;
        policy.sessionRatings = sessionRatings;
        duty = std::make_unique<roster::Duty>(*st, "Loket 4", policy);
        desk = std::make_unique<queue::QueueDesk>(*duty, *st, queue::DeskOptions{"4", "", {{"A", "nib"}}});
    }
    queue::Reply open(const json& body) { return desk->apply({queue::Command::Kind::Open, body, "test"}); }
    queue::Reply cancel(const json& body) { return desk->apply({queue::Command::Kind::Cancel, body, "test"}); }
    store::PendingRating rate(int score)
    {
        store::PendingRating p = st->stamp(score);
        duty->attribute(p);
        REQUIRE(st->commit(p).ok);
        duty->ratingCommitted(p);
        return p;
    }
    std::string q(const std::string& sql) { return st->database().queryText(sql); }
    int64_t n(const std::string& sql) { return st->database().queryInt(sql); }

    test::TempDir dir;
    store::ManualClock clock;
    std::unique_ptr<store::RatingStore> st;
    roster::Officer budi;
    std::unique_ptr<roster::Duty> duty;
    std::unique_ptr<queue::QueueDesk> desk;
};

} // namespace

TEST_CASE("a queue call is taken only with a good signature, a timestamp within five minutes and a nonce never seen", "[queue]")
{
    queue::QueueGuard guard(kKey);
    const int64_t now = nowMs();
    const std::string body = R"({"ticket":"A001","service":"nib","counter":"4"})";
    const Signed good = sign("POST", "/queue/v1/open", body, now);
    CHECK(guard.verify("POST", "/queue/v1/open", good.timestamp, good.nonce, good.signature, body, now).ok());
    // The same request again: a replay.
    const queue::Verdict replay = guard.verify("POST", "/queue/v1/open", good.timestamp, good.nonce, good.signature, body, now + 1000);
    CHECK(replay.status == 401);
    CHECK_THAT(replay.error, Catch::Contains("used before"));
    // Altered on the way: another ticket, another path, another method.
    const Signed s2 = sign("POST", "/queue/v1/open", body, now);
    CHECK(guard.verify("POST", "/queue/v1/open", s2.timestamp, s2.nonce, s2.signature, R"({"ticket":"A002","service":"nib","counter":"4"})", now).status == 401);
    CHECK(guard.verify("POST", "/queue/v1/cancel", s2.timestamp, s2.nonce, s2.signature, body, now).status == 401);
    // The altered ones did not spend the nonce: the genuine request still goes through.
    CHECK(guard.verify("POST", "/queue/v1/open", s2.timestamp, s2.nonce, s2.signature, body, now).ok());
    // Signed with another key.
    const Signed forged = sign("POST", "/queue/v1/open", body, now, std::string(64, 'b'));
    CHECK_THAT(guard.verify("POST", "/queue/v1/open", forged.timestamp, forged.nonce, forged.signature, body, now).error, Catch::Contains("signature"));
    // Six minutes old, or six minutes ahead.
    const Signed old = sign("POST", "/queue/v1/open", body, now - 360'000);
    CHECK_THAT(guard.verify("POST", "/queue/v1/open", old.timestamp, old.nonce, old.signature, body, now).error, Catch::Contains("300 s"));
    const Signed ahead = sign("POST", "/queue/v1/open", body, now + 360'000);
    CHECK(guard.verify("POST", "/queue/v1/open", ahead.timestamp, ahead.nonce, ahead.signature, body, now).status == 401);
    // Headers missing or malformed.
    CHECK(guard.verify("POST", "/queue/v1/open", "", good.nonce, good.signature, body, now).status == 401);
    CHECK(guard.verify("POST", "/queue/v1/open", good.timestamp, "short", good.signature, body, now).status == 401);
    CHECK(guard.verify("POST", "/queue/v1/open", "12x", good.nonce, good.signature, body, now).status == 401);
    CHECK_THROWS(queue::QueueGuard("not a key"));
}

TEST_CASE("a nonce accepted before a restart of the kiosk is refused after it", "[queue]")
{
    test::TempDir dir;
    const std::string file = (dir / "queue-nonces").string();
    const int64_t now = nowMs();
    const std::string body = R"({"ticket":"A001","service":"nib","counter":"4"})";
    const Signed s = sign("POST", "/queue/v1/open", body, now);
    {
        queue::QueueGuard before(kKey);
        before.persistNonces(file, now);
        CHECK(before.verify("POST", "/queue/v1/open", s.timestamp, s.nonce, s.signature, body, now).ok());
    }
    queue::QueueGuard after(kKey);
    after.persistNonces(file, now + 60'000);
    CHECK_THAT(after.verify("POST", "/queue/v1/open", s.timestamp, s.nonce, s.signature, body, now + 60'000).error, Catch::Contains("used before"));
    // Past the clock window the file forgets it (and the timestamp is refused anyway).
    queue::QueueGuard later(kKey);
    later.persistNonces(file, now + 700'000);
    CHECK(test::readFile(file).find(s.nonce) == std::string::npos);
}

TEST_CASE("a flood from one address, or from many, is refused 429 after its burst and let in again at the steady rate", "[queue]")
{
    queue::QueueGuard guard(kKey);
    const int64_t t = 1'000'000;
    int admitted = 0;
    for (int i = 0; i < 100; ++i) admitted += guard.admit("10.0.0.9", t).ok() ? 1 : 0;
    CHECK(admitted == 20);
    CHECK(guard.admit("10.0.0.9", t).status == 429);
    // Another address is not starved by the first.
    CHECK(guard.admit("10.0.0.5", t).ok());
    // One second later: five more.
    admitted = 0;
    for (int i = 0; i < 10; ++i) admitted += guard.admit("10.0.0.9", t + 1000).ok() ? 1 : 0;
    CHECK(admitted == 5);
    // Many addresses at once: the endpoint as a whole takes its own burst, then refuses.
    queue::QueueGuard all(kKey);
    admitted = 0;
    for (int i = 0; i < 500; ++i) admitted += all.admit("10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250), t).ok() ? 1 : 0;
    CHECK(admitted == 60);
}

TEST_CASE("the queue key is read only from a private file of 64 hex digits, and queue-key makes one", "[queue]")
{
    test::TempDir dir;
    const std::string path = (dir / "queue.key").string();
    CHECK_THROWS_WITH(queue::readKeyFile(path), Catch::Contains("skm-kiosk queue-key"));
    const std::string key = queue::writeNewKeyFile(path);
    CHECK(key.size() == 64);
    CHECK(queue::readKeyFile(path) == key);
    struct stat st{};
    REQUIRE(stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    chmod(path.c_str(), 0644);
    CHECK_THROWS_WITH(queue::readKeyFile(path), Catch::Contains("readable by others"));
    chmod(path.c_str(), 0600);
    std::ofstream(path) << "not a key\n";
    CHECK_THROWS_WITH(queue::readKeyFile(path), Catch::Contains("64 hex digits"));
}

TEST_CASE("open gives the officer on duty the case, and the citizen's tap is that officer's, for that case and ticket", "[queue]")
{
    Rig rig;
    rig.duty->start(rig.budi);
    const queue::Reply r = rig.open({{"ticket", "A001"}, {"service", "nib"}, {"counter", "4"}});
    INFO(r.body.dump());
    CHECK(r.status == 200);
    CHECK(r.changed);
    CHECK(r.body["result"] == "opened");
    CHECK(r.body["case"]["attribution"] == "officer");
    CHECK(r.body["officer"]["name"] == "Budi Santoso");
    CHECK_FALSE(r.body.contains("note"));
    REQUIRE(rig.duty->openCase());
    const auto rating = rig.rate(4);
    CHECK(rig.q("SELECT officer_nip || '|' || service_code || '|' || scope FROM ratings WHERE id = '" + rating.id + "'") == kBudi + "|nib|case");
    CHECK(rig.q("SELECT status || '|' || ticket || '|' || source || '|' || nip FROM cases") == "rated|A001|queue|" + kBudi);
    CHECK(rig.q("SELECT case_id FROM ratings") == rig.q("SELECT id FROM cases"));
    // The queue system's service codes map to the catalogue's.
    const queue::Reply mapped = rig.open({{"ticket", "A002"}, {"service", "A"}, {"counter", "4"}});
    CHECK(mapped.body["case"]["service"] == "nib");
}

TEST_CASE("open is idempotent on the ticket: the same ticket again is the same case, whatever became of it", "[queue]")
{
    Rig rig;
    rig.duty->start(rig.budi);
    const json call = {{"ticket", "B007"}, {"service", "kk"}, {"counter", "4"}};
    const queue::Reply first = rig.open(call);
    const queue::Reply again = rig.open(call);
    CHECK(again.status == 200);
    CHECK(again.body["result"] == "existing");
    CHECK_FALSE(again.changed);
    CHECK(again.body["case"]["id"] == first.body["case"]["id"]);
    CHECK(rig.n("SELECT count(*) FROM cases") == 1);
    (void)rig.rate(3);
    const queue::Reply afterRating = rig.open(call);
    CHECK(afterRating.body["result"] == "existing");
    CHECK(afterRating.body["case"]["status"] == "rated");
    CHECK(afterRating.body["case"]["rated"] == true);
    CHECK_FALSE(rig.duty->openCase()); // not opened again for a second rating
    CHECK(rig.n("SELECT count(*) FROM cases") == 1);
    // The same ticket for another service is refused, nothing changed.
    const queue::Reply other = rig.open({{"ticket", "B007"}, {"service", "nib"}, {"counter", "4"}});
    CHECK(other.status == 409);
    CHECK(rig.n("SELECT count(*) FROM cases") == 1);
    // Tomorrow the ticket numbers start again: B007 is a new citizen.
    rig.clock.advance(24 * 3'600'000LL);
    rig.duty->start(rig.budi);
    CHECK(rig.open(call).body["result"] == "opened");
    CHECK(rig.n("SELECT count(*) FROM cases") == 2);
}

TEST_CASE("with nobody on duty, on a break, or another officer named, the case is counter-level and the answer says so", "[queue]")
{
    Rig rig;
    const queue::Reply nobody = rig.open({{"ticket", "C001"}, {"service", "nib"}, {"counter", "4"}});
    CHECK(nobody.status == 200);
    CHECK(nobody.body["case"]["attribution"] == "counter");
    CHECK_THAT(nobody.body["note"].get<std::string>(), Catch::Contains("no officer is signed in"));
    const auto rating = rig.rate(2);
    CHECK(rig.q("SELECT coalesce(officer_nip, 'none') || '|' || service_code || '|' || scope FROM ratings WHERE id = '" + rating.id + "'") ==
          "none|nib|counter");
    CHECK(rig.q("SELECT case_id FROM ratings WHERE id = '" + rating.id + "'") == nobody.body["case"]["id"]);
    CHECK(rig.q("SELECT status || '|' || coalesce(nip, 'none') || '|' || coalesce(session_id, 'none') FROM cases") == "rated|none|none");

    rig.duty->start(rig.budi);
    rig.duty->takeBreak();
    const queue::Reply onBreak = rig.open({{"ticket", "C002"}, {"service", "nib"}, {"counter", "4"}});
    CHECK(onBreak.body["case"]["attribution"] == "counter");
    CHECK_THAT(onBreak.body["note"].get<std::string>(), Catch::Contains("on a break"));
    rig.duty->resume();
    CHECK(rig.duty->openCase()); // a counter-level case is not the officer's to close at a break or a resume

    const queue::Reply someoneElse = rig.open({{"ticket", "C003"}, {"service", "nib"}, {"counter", "4"}, {"nip", kSari}});
    CHECK(someoneElse.body["case"]["attribution"] == "counter");
    CHECK_THAT(someoneElse.body["note"].get<std::string>(), Catch::Contains(kSari));
    const queue::Reply named = rig.open({{"ticket", "C004"}, {"service", "nib"}, {"counter", "4"}, {"nip", kBudi}});
    CHECK(named.body["case"]["attribution"] == "officer");
    // The replaced case was closed as not rated, as at a hand-over by hand.
    CHECK(rig.q("SELECT status || '|' || close_reason FROM cases WHERE ticket = 'C003'") == "not_rated|replaced");
}

TEST_CASE("a call that is wrong in any way is refused with its reason and changes nothing", "[queue]")
{
    Rig rig;
    rig.duty->start(rig.budi);
    struct Bad {
        json body;
        int status;
        const char* words;
    };
    const Bad bad[] = {
        {json::array(), 400, "JSON object"},
        {{{"ticket", "A1"}, {"service", "nib"}}, 422, "counter"},
        {{{"ticket", "A1"}, {"service", "nib"}, {"counter", "5"}}, 422, "stands at counter '4'"},
        {{{"service", "nib"}, {"counter", "4"}}, 422, "ticket"},
        {{{"ticket", ""}, {"service", "nib"}, {"counter", "4"}}, 422, "ticket"},
        {{{"ticket", std::string(33, 'x')}, {"service", "nib"}, {"counter", "4"}}, 422, "ticket"},
        {{{"ticket", "A\n1"}, {"service", "nib"}, {"counter", "4"}}, 422, "ticket"},
        {{{"ticket", 12}, {"service", "nib"}, {"counter", "4"}}, 422, "ticket"},
        {{{"ticket", "   "}, {"service", "nib"}, {"counter", "4"}}, 422, "ticket"},
        {{{"ticket", "A\u2028B"}, {"service", "nib"}, {"counter", "4"}}, 422, "ticket"},
        {{{"ticket", "A\u202eB"}, {"service", "nib"}, {"counter", "4"}}, 422, "ticket"},
        {{{"ticket", "A\u0085B"}, {"service", "nib"}, {"counter", "4"}}, 422, "ticket"},
        {{{"ticket", "\u00c4\u00c4\u00c4\u00c4\u00c4\u00c4\u00c4\u00c4\u00c4\u00c4\u00c4\u00c4\u00c4\u00c4\u00c4"
                                                         "\u00c4\u00c4\u00c4\u00c4\u00c4\u00c4\u00c4\u00c4\u00c4\u00c4\u00c4\u00c4\u00c4\u00c4\u00c4\u00c4\u00c4\u00c4"},
          {"service", "nib"}, {"counter", "4"}}, 422, "ticket"},
        {{{"ticket", "A1"}, {"counter", "4"}}, 422, "service is required"},
        {{{"ticket", "A1"}, {"service", "paspor"}, {"counter", "4"}}, 422, "unknown service 'paspor'"},
        {{{"ticket", "A1"}, {"service", "nib"}, {"counter", "4"}, {"nip", "123"}}, 422, "18 digits"},
        {{{"ticket", "A1"}, {"service", "nib"}, {"counter", "4"}, {"nip", "199912312020121001"}}, 422, "not in this kiosk's roster"},
    };
    for (const Bad& b : bad) {
        INFO(b.body.dump());
        const queue::Reply r = rig.open(b.body);
        CHECK(r.status == b.status);
        CHECK_THAT(r.body.value("error", std::string()), Catch::Contains(b.words));
        CHECK_FALSE(r.changed);
    }
    CHECK(rig.n("SELECT count(*) FROM cases") == 0);
    CHECK_FALSE(rig.duty->openCase());
    // Characters, not bytes: 32 letters of two bytes each are a ticket.
    std::string wide;
    for (int i = 0; i < 32; ++i) wide += "\xc3\x84";
    CHECK(rig.open({{"ticket", wide}, {"service", "nib"}, {"counter", "4"}}).status == 200);
    CHECK(rig.desk->apply({queue::Command::Kind::Cancel, {{"ticket", wide}, {"counter", "5"}}, "test"}).body["error"] ==
          "this kiosk stands at counter '4', not '5'");
}

TEST_CASE("cancel closes the ticket's open case as not rated once, and says what became of any other", "[queue]")
{
    Rig rig;
    rig.duty->start(rig.budi);
    (void)rig.open({{"ticket", "D001"}, {"service", "nib"}, {"counter", "4"}});
    const queue::Reply r = rig.cancel({{"ticket", "D001"}, {"counter", "4"}});
    CHECK(r.status == 200);
    CHECK(r.body["result"] == "cancelled");
    CHECK(r.changed);
    CHECK_FALSE(rig.duty->openCase());
    CHECK(rig.q("SELECT status || '|' || close_reason FROM cases") == "not_rated|cancelled");
    // The citizen's tap now is counter-level: the case is gone.
    CHECK(rig.q("SELECT scope FROM ratings WHERE id = '" + rig.rate(4).id + "'") == "counter");
    const queue::Reply again = rig.cancel({{"ticket", "D001"}, {"counter", "4"}});
    CHECK(again.body["result"] == "closed");
    CHECK_FALSE(again.changed);
    CHECK(rig.cancel({{"ticket", "D999"}, {"counter", "4"}}).status == 404);
    CHECK(rig.cancel({{"ticket", "D001"}, {"counter", "7"}}).status == 422);
    // A rated case stays rated.
    (void)rig.open({{"ticket", "D002"}, {"service", "nib"}, {"counter", "4"}});
    (void)rig.rate(3);
    CHECK(rig.cancel({{"ticket", "D002"}, {"counter", "4"}}).body["case"]["status"] == "rated");
}

TEST_CASE("status names the counter, the officer on duty and the open case", "[queue]")
{
    Rig rig;
    json s = rig.desk->apply({queue::Command::Kind::Status, {}, "test"}).body;
    CHECK(s["counter"] == "4");
    CHECK(s["officer_on_duty"].is_null());
    CHECK(s["open_case"].is_null());
    rig.duty->start(rig.budi);
    (void)rig.open({{"ticket", "E001"}, {"service", "kk"}, {"counter", "4"}});
    s = rig.desk->apply({queue::Command::Kind::Status, {}, "test"}).body;
    CHECK(s["officer_on_duty"]["nip"] == kBudi);
    CHECK(s["officer_on_duty"]["state"] == "active");
    CHECK(s["open_case"]["ticket"] == "E001");
    CHECK(s["open_case"]["source"] == "queue");
}

TEST_CASE("session-level ratings: with the office's option a tap in a session with no case is the officer's, in its own scope", "[queue][duty]")
{
    SECTION("option on")
    {
        Rig rig(true);
        CHECK(rig.q("SELECT scope FROM ratings WHERE id = '" + rig.rate(4).id + "'") == "counter"); // nobody on duty
        rig.duty->start(rig.budi);
        const auto session = rig.rate(3);
        CHECK(rig.q("SELECT officer_nip || '|' || coalesce(case_id, 'none') || '|' || scope FROM ratings WHERE id = '" + session.id + "'") ==
              kBudi + "|none|session");
        rig.duty->logCase("nib", std::nullopt);
        CHECK(rig.q("SELECT scope FROM ratings WHERE id = '" + rig.rate(4).id + "'") == "case");
        rig.duty->takeBreak();
        CHECK(rig.q("SELECT scope FROM ratings WHERE id = '" + rig.rate(2).id + "'") == "counter"); // on a break: not the officer's
    }
    SECTION("option off (the default)")
    {
        Rig rig(false);
        rig.duty->start(rig.budi);
        CHECK(rig.q("SELECT coalesce(officer_nip, 'none') || '|' || scope FROM ratings WHERE id = '" + rig.rate(3).id + "'") == "none|counter");
    }
}

TEST_CASE("the mailbox hands a call to the UI thread and its reply back, and a call not taken in time is withdrawn, never applied late", "[queue]")
{
    queue::Mailbox mailbox;
    std::atomic<int> applied{0};
    auto apply = [&](const queue::Command& c) {
        ++applied;
        return queue::Reply{200, json{{"ticket", c.body.value("ticket", "")}}, true};
    };
    // Nobody drains: the call ends with no reply, and a later drain applies nothing.
    CHECK_FALSE(mailbox.call({queue::Command::Kind::Open, {{"ticket", "late"}}, "test"}, std::chrono::milliseconds(50)));
    CHECK_FALSE(mailbox.drain(apply));
    CHECK(applied == 0);
    // A UI thread that drains: the reply comes back.
    std::atomic<bool> stop{false};
    std::thread ui([&] {
        while (!stop) {
            (void)mailbox.drain(apply);
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    });
    const auto reply = mailbox.call({queue::Command::Kind::Open, {{"ticket", "A5"}}, "test"}, std::chrono::milliseconds(2000));
    stop = true;
    ui.join();
    REQUIRE(reply);
    CHECK(reply->body["ticket"] == "A5");
    CHECK(applied == 1);
    mailbox.close();
    CHECK_FALSE(mailbox.call({queue::Command::Kind::Status, {}, "test"}, std::chrono::milliseconds(1000)));
}

TEST_CASE("the poller opens the case of each new ticket it reads, once, and rides out a queue system that fails", "[queue]")
{
    Rig rig;
    rig.duty->start(rig.budi);
    queue::Mailbox mailbox;
    sync::HttpResponse answer{200, R"({"counter":{"current":{"number":"A-011","service":"A"}}})", {}, "", false, false};
    auto send = [&](const sync::HttpRequest& r) {
        CHECK(r.method == "GET");
        CHECK(r.url == "http://queue.test/api/counter/4");
        return answer;
    };
    queue::QueuePoller poller({"http://queue.test/api/counter/4", 1000, "/counter/current/number", "/counter/current/service", "", "4"}, mailbox, send,
                              queue::QueuePoller::NoThread{});
    std::atomic<bool> stop{false};
    std::thread ui([&] {
        while (!stop) {
            (void)mailbox.drain([&](const queue::Command& c) { return rig.desk->apply(c); });
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    });
    CHECK(poller.pollOnce() == "opened");
    CHECK(poller.pollOnce() == "same");
    answer.body = R"({"counter":{"current":null}})";
    CHECK(poller.pollOnce() == "none");
    answer = {0, "", {}, "connection refused", false, false};
    CHECK(poller.pollOnce() == "unreachable");
    answer = {200, "<html>", {}, "", false, false};
    CHECK(poller.pollOnce() == "bad answer");
    answer.body = R"({"counter":{"current":{"number":"A-012","service":"Z"}}})"; // a service the catalogue lacks
    CHECK(poller.pollOnce() == "refused");
    CHECK(poller.pollOnce() == "same"); // refused once, not again every poll
    answer.body = R"({"counter":{"current":{"number":13,"service":"A"}}})";
    CHECK(poller.pollOnce() == "opened");
    answer.body = R"({"counter":{"current":{"number":18446744073709551615,"service":"A"}}})"; // read as its digits
    CHECK(poller.pollOnce() == "opened");
    stop = true;
    ui.join();
    CHECK(rig.q("SELECT group_concat(ticket || ':' || service_code || ':' || source, ' ') FROM (SELECT * FROM cases ORDER BY opened_mono_ms, id)") ==
          "A-011:nib:queue 13:nib:queue 18446744073709551615:nib:queue");
}

TEST_CASE("the endpoint over real HTTP: a signed call opens the case, and a bad signature, a replay, a flood and a large body change nothing", "[queue][http]")
{
    Rig rig;
    rig.duty->start(rig.budi);
    queue::Mailbox mailbox;
    queue::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.keyHex = kKey;
    queue::QueueServer server(options, mailbox);
    std::atomic<bool> stop{false};
    std::thread ui([&] {
        while (!stop) {
            (void)mailbox.drain([&](const queue::Command& c) { return rig.desk->apply(c); });
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    });
    const std::string base = "http://127.0.0.1:" + std::to_string(server.port());
    auto call = [&](const std::string& method, const std::string& path, const std::string& body, const Signed& s) {
        sync::HttpRequest r;
        r.method = method;
        r.url = base + path;
        r.body = body;
        r.headers = {{"Content-Type", "application/json"}, {"X-SKM-Timestamp", s.timestamp}, {"X-SKM-Nonce", s.nonce}, {"X-SKM-Signature", s.signature}};
        return sync::curlSend(r, sync::CurlOptions{10, 0});
    };
    const std::string body = R"({"ticket":"F001","service":"nib","counter":"4"})";
    const Signed good = sign("POST", "/queue/v1/open", body, nowMs());
    const auto opened = call("POST", "/queue/v1/open", body, good);
    INFO(opened.body);
    CHECK(opened.status == 200);
    CHECK(json::parse(opened.body)["case"]["attribution"] == "officer");
    CHECK(call("POST", "/queue/v1/open", body, good).status == 401); // the same request played again
    const Signed forged = sign("POST", "/queue/v1/open", body, nowMs(), std::string(64, 'c'));
    const auto refused = call("POST", "/queue/v1/open", R"({"ticket":"F002","service":"nib","counter":"4"})", forged);
    CHECK(refused.status == 401);
    CHECK_THAT(refused.body, Catch::Contains("signature"));
    const std::string large = R"({"ticket":"F003","service":"nib","counter":"4","x":")" + std::string(8000, 'x') + "\"}";
    CHECK(call("POST", "/queue/v1/open", large, sign("POST", "/queue/v1/open", large, nowMs())).status == 413);
    const auto status = call("GET", "/queue/v1/status", "", sign("GET", "/queue/v1/status", "", nowMs()));
    CHECK(status.status == 200);
    CHECK(json::parse(status.body)["open_case"]["ticket"] == "F001");
    // A flood of unsigned calls: refused, the endpoint still answers its own queue PC afterwards.
    int tooMany = 0, unauthorized = 0;
    for (int i = 0; i < 200; ++i) {
        const auto r = call("POST", "/queue/v1/open", body, Signed{"1", "0123456789abcdef", "00"});
        tooMany += r.status == 429 ? 1 : 0;
        unauthorized += r.status == 401 ? 1 : 0;
    }
    CHECK(tooMany > 150);
    CHECK(unauthorized + tooMany == 200);
    // At once, from the same address: the flood without the key spent its own budget, not the queue PC's.
    const std::string next = R"({"ticket":"F004","service":"nib","counter":"4"})";
    CHECK(call("POST", "/queue/v1/open", next, sign("POST", "/queue/v1/open", next, nowMs())).status == 200);
    stop = true;
    ui.join();
    CHECK(rig.q("SELECT group_concat(ticket, ' ') FROM (SELECT ticket FROM cases ORDER BY opened_mono_ms, id)") == "F001 F004");
}
