// The upload policy with a sender that fails on cue (faults injected; tests/sync_test.cpp runs the
// same code against a real skm-central): backoff with full jitter, Retry-After, the deadline, 413
// splitting, clock-offset correction, refusals that reject, credentials and TLS that stop.

#include "support/test_util.hpp"

#include <core/protocol.hpp>
#include <sync/uploader.hpp>

#include <catch2/catch.hpp>

#include <deque>
#include <fstream>

using namespace skm;

namespace {

struct Scripted {
    std::deque<std::function<sync::HttpResponse(const sync::HttpRequest&)>> script;
    std::vector<nlohmann::json> bodies; // what was sent, inflated
    std::vector<int64_t> timestamps;
    sync::HttpResponse configAnswer{304, "", {}, {}, false};
    std::string secret; // the device's, to sign the 304 as the central office does

    sync::HttpResponse operator()(const sync::HttpRequest& r)
    {
        // The configuration download (tested in sync_config_test.cpp): nothing new, unless set. A 304
        // is believed only when signed for this request, so the office's "unchanged" is signed here.
        if (r.method == "GET") {
            auto resp = configAnswer;
            if (resp.status == 304) {
                resp.headers["etag"] = "\"unchanged\"";
                resp.headers["x-skm-signature"] =
                    protocol::sign(secret, protocol::canonicalResponse(r.headers.at(protocol::kHeaderNonce), resp.headers["etag"], resp.body));
            }
            return resp;
        }
        bodies.push_back(nlohmann::json::parse(protocol::gunzip(r.body)));
        timestamps.push_back(std::stoll(r.headers.at(protocol::kHeaderTimestamp)));
        REQUIRE_FALSE(script.empty());
        auto next = script.front();
        script.pop_front();
        return next(r);
    }
};

// The central office's answer: every rating of the request stored.
sync::HttpResponse storeAll(const sync::HttpRequest& r)
{
    const auto body = nlohmann::json::parse(protocol::gunzip(r.body));
    nlohmann::json results = nlohmann::json::array();
    for (const auto& rating : body["ratings"]) results.push_back({{"id", rating["id"]}, {"status", "stored"}});
    return {200, nlohmann::json{{"protocol", 1}, {"results", results}}.dump(), {}, {}, false};
}

std::function<sync::HttpResponse(const sync::HttpRequest&)> answer(int status, nlohmann::json body = nlohmann::json::object(), std::map<std::string, std::string> headers = {})
{
    return [=](const sync::HttpRequest&) { return sync::HttpResponse{status, body.dump(), headers, {}, false}; };
}

struct Rig {
    Rig() : clock(1'800'000'000'000, 1'000)
    {
        store::StoreOptions o;
        o.dataDir = dir / "data";
        o.deviceId = "kiosk-p";
        o.clock = &clock;
        st = std::make_unique<store::RatingStore>(o);
        p = {"http://central.invalid", "kiosk-p", protocol::newSecret(), "", ""};
        sender.secret = p.secret;
        options.sleep = [this](int64_t ms) {
            sleeps.push_back(ms);
            clock.advance(ms);
        };
        options.random = [] { return ~uint64_t{0}; }; // the top of every jitter range, to assert bounds
    }
    void rate(int n)
    {
        for (int i = 0; i < n; ++i) REQUIRE(st->commit(st->stamp(i % 4 + 1)).ok);
    }
    sync::SyncResult run() { return sync::syncOnce(*st, p, std::ref(sender), options); }

    test::TempDir dir;
    store::ManualClock clock;
    std::unique_ptr<store::RatingStore> st;
    sync::Provisioning p;
    sync::SyncOptions options;
    Scripted sender;
    std::vector<int64_t> sleeps;
};

} // namespace

TEST_CASE("network errors, 5xx, 408 and 429 are retried with growing jittered delays, then delivered", "[sync][policy]")
{
    Rig rig;
    rig.rate(3);
    rig.sender.script = {answer(0), answer(503), answer(408), answer(429), storeAll};
    const auto r = rig.run();
    CHECK(r.ok());
    CHECK(r.sent == 3);
    // Full jitter with the random source at its maximum: exactly base * 2^attempt.
    CHECK(rig.sleeps == std::vector<int64_t>{1000, 2000, 4000, 8000});
    // Every attempt is signed anew (a retry is not a replay) but carries the same batch.
    REQUIRE(rig.sender.bodies.size() == 5);
    CHECK(rig.sender.bodies[0]["batch_id"] == rig.sender.bodies[4]["batch_id"]);
}

TEST_CASE("Retry-After is honoured, in seconds and as an HTTP date", "[sync][policy]")
{
    CHECK(sync::retryAfterMs("120", 0) == 120'000);
    CHECK(sync::retryAfterMs("Thu, 01 Jan 1970 00:00:30 GMT", 10'000) == 20'000);
    CHECK_FALSE(sync::retryAfterMs("soon", 0));
    CHECK_FALSE(sync::retryAfterMs("", 0));

    Rig rig;
    rig.rate(1);
    rig.options.random = [] { return uint64_t{0}; }; // jitter would say 0 ms
    rig.sender.script = {answer(503, {{"error", "unavailable"}}, {{"retry-after", "7"}}), storeAll};
    CHECK(rig.run().ok());
    CHECK(rig.sleeps == std::vector<int64_t>{7000});
}

TEST_CASE("retrying stops at the run's deadline and leaves the ratings pending", "[sync][policy]")
{
    Rig rig;
    rig.rate(2);
    rig.options.deadlineMs = 30'000;
    for (int i = 0; i < 20; ++i) rig.sender.script.push_back(answer(500));
    const auto r = rig.run();
    CHECK_FALSE(r.ok());
    CHECK_THAT(r.error(), Catch::Contains("HTTP 500") && Catch::Contains("deadline"));
    CHECK(r.pendingLeft == 2);
    int64_t slept = 0;
    for (int64_t s : rig.sleeps) slept += s;
    CHECK(slept <= 30'000);
    CHECK(rig.st->counts().pending == 2);
    CHECK(rig.st->database().queryText("SELECT value FROM meta WHERE key = 'last_sync'").find("deadline") != std::string::npos);
}

TEST_CASE("batches are bounded in bytes as well as in count", "[sync][policy]")
{
    Rig rig;
    rig.rate(40);
    // Long comments: 40 x 3,000 characters would be one 120 KB request under the count limit alone.
    const std::string longComment(3000, 'k');
    REQUIRE(rig.st->database().queryInt("SELECT count(*) FROM ratings") == 40);
    rig.st->database().exec("UPDATE ratings SET comment = '" + longComment + "'");
    rig.options.maxBatchBytes = 32 * 1024;
    for (int i = 0; i < 40; ++i) rig.sender.script.push_back(storeAll);
    const auto r = rig.run();
    CHECK(r.ok());
    CHECK(r.sent == 40);
    size_t delivered = 0;
    for (const auto& b : rig.sender.bodies) {
        CHECK(b.dump().size() <= rig.options.maxBatchBytes);
        delivered += b["ratings"].size();
    }
    CHECK(delivered == 40);
    CHECK(rig.sender.bodies.size() >= 4);

    // One item larger than the bound still goes, alone.
    Rig big;
    big.rate(1);
    big.options.maxBatchBytes = 1000;
    big.st->database().exec("UPDATE ratings SET comment = '" + longComment + "'");
    big.sender.script = {storeAll};
    CHECK(big.run().sent == 1);
}

TEST_CASE("413 splits the batch until it fits, and a single rating too large is rejected", "[sync][policy]")
{
    Rig rig;
    rig.rate(4);
    auto tooLarge = [](size_t limit) {
        return [limit](const sync::HttpRequest& r) {
            const auto n = nlohmann::json::parse(protocol::gunzip(r.body))["ratings"].size();
            return n > limit ? sync::HttpResponse{413, "", {}, {}, false} : storeAll(r);
        };
    };
    rig.sender.script = {tooLarge(1), tooLarge(1), tooLarge(1), tooLarge(1), tooLarge(1), tooLarge(1), tooLarge(1)};
    const auto r = rig.run();
    CHECK(r.ok());
    CHECK(r.sent == 4);
    std::vector<size_t> sizes;
    for (const auto& b : rig.sender.bodies) sizes.push_back(b["ratings"].size());
    CHECK(sizes == std::vector<size_t>{4, 2, 1, 1, 2, 1, 1});

    Rig one;
    one.rate(1);
    one.sender.script = {answer(413)};
    const auto r1 = one.run();
    CHECK(r1.rejected == 1);
    CHECK(one.st->database().queryText("SELECT last_error FROM ratings") == "too large for the central office (413)");
}

TEST_CASE("a clock far off is corrected from the server's time, kept, and the request signed again", "[sync][policy]")
{
    Rig rig;
    rig.rate(1);
    const int64_t serverTime = rig.clock.wallMs() / 1000 + 3 * 3600; // the kiosk booted three hours behind
    rig.sender.script = {answer(401, {{"error", "clock_skew"}, {"server_time", serverTime}}), storeAll};
    CHECK(rig.run().ok());
    REQUIRE(rig.sender.timestamps.size() == 2);
    CHECK(std::abs(rig.sender.timestamps[1] - serverTime) <= 1);
    CHECK(rig.sleeps.empty());
    CHECK(rig.st->database().queryInt("SELECT value FROM meta WHERE key = 'clock_offset_ms'") > 3 * 3600 * 1000 - 2000);
}

TEST_CASE("other 4xx reject the batch's ratings with the reason, and refused credentials and TLS stop the run", "[sync][policy]")
{
    SECTION("400: rejected, kept, with the reason")
    {
        Rig rig;
        rig.rate(2);
        rig.sender.script = {answer(400, {{"error", "malformed"}, {"detail", "score must be 1 to 4"}})};
        const auto r = rig.run();
        CHECK(r.rejected == 2);
        CHECK(rig.st->counts().rejected == 2);
        CHECK(rig.st->counts().total == 2);
        CHECK(rig.st->database().queryText("SELECT last_error FROM ratings LIMIT 1") == "HTTP 400 malformed: score must be 1 to 4");
    }
    SECTION("401 bad signature: the ratings are fine, they stay pending")
    {
        Rig rig;
        rig.rate(2);
        rig.sender.script = {answer(401, {{"error", "unauthorized"}})};
        const auto r = rig.run();
        CHECK_FALSE(r.ok());
        CHECK_THAT(r.error(), Catch::Contains("unauthorized") && Catch::Contains("provisioning"));
        CHECK(rig.st->counts().pending == 2);
    }
    SECTION("TLS verification failure: an alert, no retry loop")
    {
        Rig rig;
        rig.rate(1);
        rig.sender.script = {[](const sync::HttpRequest&) { return sync::HttpResponse{0, "", {}, "SSL certificate problem", true}; }};
        const auto r = rig.run();
        CHECK_THAT(r.error(), Catch::Contains("TLS verification failed"));
        CHECK(rig.sleeps.empty());
        CHECK(rig.sender.bodies.size() == 1);
        CHECK(rig.st->counts().pending == 1);
    }
}

TEST_CASE("a busy answer to the configuration download delays the uploads by its Retry-After", "[sync][policy]")
{
    Rig rig;
    rig.rate(3);
    rig.options.backoffBaseMs = 200;
    rig.sender.configAnswer = {503, R"({"protocol":1,"error":"unavailable"})", {{"retry-after", "7"}}, {}, false};
    rig.sender.script = {storeAll};
    const auto r = rig.run();
    CHECK(r.ok());
    CHECK(r.config.outcome.ok() == false);
    REQUIRE(rig.sleeps.size() == 1);
    CHECK(rig.sleeps[0] == 7000); // Retry-After, above the jitter's 200 ms
    rig.sender.configAnswer = {429, "", {}, {}, false}; // busy, without saying for how long: the backoff
    rig.rate(1);
    rig.sender.script = {storeAll};
    CHECK(rig.run().ok());
    REQUIRE(rig.sleeps.size() == 2);
    CHECK(rig.sleeps[1] == 200);
}

TEST_CASE("every way a run ends is one outcome: ok, retry or error, with its problem, in the result and in last_sync", "[sync][policy][outcome]")
{
    using K = sync::Outcome::Kind;
    using P = sync::Outcome::Problem;
    struct Case {
        const char* name;
        std::function<sync::HttpResponse(const sync::HttpRequest&)> answer;
        K kind;
        P problem;
        const char* problemName;
    };
    sync::HttpResponse tls{0, "", {}, "SSL peer certificate was not OK", true};
    const std::vector<Case> cases = {
        {"no response", answer(0), K::Retry, P::Network, "network"},
        {"503", answer(503, {{"error", "busy"}}), K::Retry, P::Busy, "busy"},
        {"429", answer(429), K::Retry, P::Busy, "busy"},
        {"500", answer(500), K::Retry, P::Other, "other"},
        {"TLS", [tls](const sync::HttpRequest&) { return tls; }, K::Error, P::Tls, "tls"},
        {"401", answer(401, {{"error", "unauthorized"}}), K::Error, P::Refused, "refused"},
    };
    for (const Case& c : cases) {
        DYNAMIC_SECTION(c.name)
        {
            Rig rig;
            rig.rate(1);
            rig.options.deadlineMs = 1'500; // one retry at most
            for (int i = 0; i < 5; ++i) rig.sender.script.push_back(c.answer);
            const auto r = rig.run();
            CHECK(r.outcome.kind == c.kind);
            CHECK(r.outcome.problem == c.problem);
            CHECK_FALSE(r.ok());
            CHECK_FALSE(r.error().empty());
            CHECK(r.pendingLeft == 1); // kept for the next run, whatever the outcome
            const auto last = nlohmann::json::parse(rig.st->database().queryText("SELECT value FROM meta WHERE key = 'last_sync'"));
            CHECK(last["outcome"] == r.outcome.kindName());
            CHECK(last["problem"] == c.problemName);
            CHECK(last["error"] == r.error());
        }
    }
    SECTION("delivered: ok, and nothing left")
    {
        Rig rig;
        rig.rate(2);
        rig.sender.script = {storeAll};
        const auto r = rig.run();
        CHECK(r.outcome.kind == K::Ok);
        CHECK(r.ok());
        CHECK(r.error().empty());
        CHECK(r.config.unchanged());
        const auto last = nlohmann::json::parse(rig.st->database().queryText("SELECT value FROM meta WHERE key = 'last_sync'"));
        CHECK(last["outcome"] == "ok");
        CHECK(last["problem"] == "none");
        CHECK(last["error"].is_null());
        CHECK(last["config"]["status"] == "unchanged");
    }
    SECTION("a rating that arrives while a batch is on the wire goes in the same run")
    {
        Rig rig;
        rig.rate(1);
        rig.sender.script = {[&](const sync::HttpRequest& req) {
            REQUIRE(rig.st->commit(rig.st->stamp(4)).ok); // the kiosk rates while the batch is on the wire
            return storeAll(req);
        }};
        rig.sender.script.push_back(storeAll);
        const auto r = rig.run();
        // The run takes what is pending until nothing is: the newcomer goes in the same run.
        CHECK(r.ok());
        CHECK(r.sent == 2);
    }
    SECTION("the kiosk's database cannot be opened: an error, and the run says why instead of throwing")
    {
        test::TempDir dir;
        std::filesystem::create_directories(dir / "data");
        std::ofstream(dir / "data" / "skm.db") << std::string(8192, 'x'); // not a database
        Rig rig;
        const auto r = sync::syncDataDir(dir / "data", rig.p, std::ref(rig.sender), rig.options);
        CHECK(r.outcome.kind == K::Error);
        CHECK(r.outcome.problem == P::Damaged);
        CHECK_THAT(r.error(), Catch::Contains("damaged"));
    }
}

TEST_CASE("a backoff wait is slept for exactly as long as it says, cancellable or not", "[sync][policy][cancel]")
{
    // skm-sync (no cancel flag) slept 5.5 s for a 1 s wait and hours for the 60 s cap when the steps
    // did not add up: each step slept all that was left.
    for (const int64_t ms : {0LL, 1LL, 99LL, 100LL, 1'000LL, 1'050LL, 60'000LL, 120'000LL}) {
        for (const bool cancellable : {false, true}) {
            const auto steps = sync::waitSteps(ms, cancellable);
            int64_t total = 0;
            for (const int64_t s : steps) {
                CHECK(s > 0);
                if (cancellable) CHECK(s <= 100);
                total += s;
            }
            INFO(ms << " ms, cancellable " << cancellable);
            CHECK(total == ms);
            if (!cancellable && ms > 0) CHECK(steps.size() == 1);
        }
    }
}
