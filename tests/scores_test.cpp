// Scores on a fixture with every figure computed by hand (in the comments): officers, units,
// services, counters and the office over a month; suppressed presses and counter-level ratings shown
// but kept out of officer scores; an officer with no ratings; an empty period; the CSV and the CLI.

#include "support/central_engine.hpp"
#include "support/test_util.hpp"

#include <central/rollups/rollups.hpp>
#include <central/store/central_store.hpp>
#include <central/html_report.hpp>
#include <central/reports/listings.hpp>
#include <central/reports/office_report.hpp>
#include <central/reports/score_formats.hpp>
#include <central/reports/scores.hpp>
#include <core/chain.hpp>

#include <catch2/catch.hpp>

#include <ctime>
#include <functional>
#include <fstream>
#include <regex>

using namespace skm;

namespace {

int64_t at(int month, int day, int hour)
{
    std::tm t{};
    t.tm_year = 2026 - 1900;
    t.tm_mon = month - 1;
    t.tm_mday = day;
    t.tm_hour = hour;
    t.tm_isdst = -1;
    return static_cast<int64_t>(std::mktime(&t)) * 1000;
}

const std::string budi = "198503302010011002", dewi = "199007152015032001", agus = "198811202012121003";

// The hand-worked month, written straight into the central store on either engine (the scores read
// the same SQL on both: every figure below must come out the same on SQLite and on PostgreSQL).
struct Fixture {
    explicit Fixture(test::Engine e = {}) : engine(std::move(e))
    {
        std::filesystem::create_directories(dir / "publish");
        std::ofstream(dir / "publish" / "roster.toml") << test::readFile(test::sourceDir() / "config" / "demo-roster.toml");
        central = std::make_unique<central::CentralStore>(central::StoreLocation{dir.path(), engine.url, ""});
        sql::Connection& db = central->connection();
        for (const char* device : {"kiosk-a", "kiosk-b", "kiosk-c"}) central->addDevice(device, "00", 0);
        int& n = counter;
        rating = [&](const std::string& device, const std::string& counter, std::optional<std::string> nip, std::optional<std::string> service,
                     int score, bool suppressed, int64_t when, std::optional<std::string> caseId = std::nullopt) {
            if (nip && !caseId) caseId = "case-of-r" + std::to_string(n + 1);
            db.query("INSERT INTO ratings (id, device_id, score, created_wall_ms, created_mono_ms, boot_id, counter, officer_nip, case_id,"
                     " service_code, suppressed, language, scope, received_at_ms) VALUES ($1, $2, $3, $4, 0, 'b', $5, $6, $10, $7, $8, 'id', $9, 0)",
                     {"r" + std::to_string(++n), device, int64_t{score}, when, counter, sql::optional(nip), sql::optional(service),
                      int64_t{suppressed ? 1 : 0}, nip ? "case" : "counter", sql::optional(caseId)});
        };
        auto kase = [&](const std::string& device, const std::string& counter, const std::string& nip, const std::string& service, const char* status) {
            db.query("INSERT INTO cases (id, device_id, session_id, nip, counter, service_code, status, opened_wall_ms, body, received_at_ms)"
                     " VALUES ($1, $2, 's', $3, $4, $5, $6, $7, '{}', 0)",
                     {"c" + std::to_string(++n), device, nip, counter, service, std::string(status), at(11, 10, 9)});
        };
        // Budi at kiosk-a/Loket 1 (nib): 5 cases, 4 rated 4 4 3 2, and a suppressed 1.
        for (int i = 0; i < 4; ++i) kase("kiosk-a", "Loket 1", budi, "nib", "rated");
        kase("kiosk-a", "Loket 1", budi, "nib", "not_rated");
        for (int s : {4, 4, 3, 2}) rating("kiosk-a", "Loket 1", budi, "nib", s, false, at(11, 10, 10), std::nullopt);
        rating("kiosk-a", "Loket 1", budi, "nib", 1, true, at(11, 10, 10), std::nullopt);
        rating("kiosk-a", "Loket 1", budi, "nib", 1, false, at(10, 31, 10), std::nullopt); // October: outside the period
        // Dewi at kiosk-b/Loket 2 (kk): 2 cases, both rated 4.
        for (int i = 0; i < 2; ++i) kase("kiosk-b", "Loket 2", dewi, "kk", "rated");
        for (int i = 0; i < 2; ++i) rating("kiosk-b", "Loket 2", dewi, "kk", 4, false, at(11, 20, 14 + i), std::nullopt);
        // Counter-level taps at kiosk-a/Loket 1: 1 and 3, and a suppressed 4.
        rating("kiosk-a", "Loket 1", std::nullopt, std::nullopt, 1, false, at(11, 11, 9), std::nullopt);
        rating("kiosk-a", "Loket 1", std::nullopt, std::nullopt, 3, false, at(11, 11, 9), std::nullopt);
        rating("kiosk-a", "Loket 1", std::nullopt, std::nullopt, 4, true, at(11, 11, 9), std::nullopt);
        // One complete survey for Budi, every unsur 3: IKM 3 -> 75.00 C.
        db.exec("INSERT INTO survey_responses (id, device_id, survey_version, counter, status, service_code, officer_nip, started_wall_ms, body, received_at_ms)"
                " VALUES ('s1', 'kiosk-a', 'v', 'Loket 1', 'complete', 'nib', '" + budi + "', " + std::to_string(at(11, 12, 9)) +
                ", '{\"answers\":{\"U1\":3,\"U2\":3,\"U3\":3,\"U4\":3,\"U5\":3,\"U6\":3,\"U7\":3,\"U8\":3,\"U9\":3}}', 0)");
    }
    // The rows above were written by hand, past the ingest that keeps the daily rollups and chain states:
    // recompute those from them, as `skm-central rollups rebuild` does (an upload does it for its days).
    void rollupsFromRows()
    {
        sql::Transaction tx(central->connection());
        (void)central::rollup::rebuild(central->connection());
        tx.commit();
    }
    central::ScoreReport month(const std::string& p = "month:2026-11")
    {
        rollupsFromRows();
        std::string why;
        const auto period = central::parsePeriod(p, &why);
        REQUIRE(period);
        return central::computeScores(central->connection(), *period, central::publishedOfficers(dir.path()), central::publishedSurvey(dir.path()).weighting);
    }
    // skm-central's arguments for this store.
    std::vector<std::string> args(std::vector<std::string> a)
    {
        if (central) rollupsFromRows(); // (closed: month() has done it)
        a.insert(a.end(), {"--data-dir", dir.path().string()});
        for (const auto& e : engine.args()) a.push_back(e);
        return a;
    }
    test::Engine engine;
    test::TempDir dir;
    std::unique_ptr<central::CentralStore> central;
    int counter = 0; // row ids
    std::function<void(const std::string&, const std::string&, std::optional<std::string>, std::optional<std::string>, int, bool, int64_t,
                       std::optional<std::string>)>
        rating;
};

const central::OfficerScore& officer(const central::ScoreReport& r, const std::string& nip)
{
    for (const auto& o : r.officers) {
        if (o.nip == nip) return o;
    }
    FAIL("no officer " << nip);
    return r.officers.front();
}

} // namespace

TEST_CASE("officer scores over a month, worked by hand", "[scores]")
{
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    Fixture f(engine);
    const auto r = f.month();
    REQUIRE(r.officers.size() == 3); // every officer of the roster, with or without ratings

    // Budi: 4 counted ratings 4 4 3 2 (the suppressed 1 and October's 1 left out): 13 / 4 = 3.25 ->
    // 81.25 B. Cases 5, rated 4 -> 80 %. Sample for 5: 3.841·5·0.25 / (0.0025·4 + 0.96025) = 4.95 -> 5;
    // 4 < 5: not sufficient. Survey: every unsur 3 -> 75.00 C.
    const auto& b = officer(r, budi).score;
    CHECK(officer(r, budi).name == "Budi Santoso");
    CHECK(officer(r, budi).unit == "Bidang Perizinan Usaha");
    CHECK(b.ratings == 4);
    CHECK(b.faces == std::array<int64_t, 4>{0, 1, 1, 2});
    CHECK(*b.index == 81.25);
    CHECK(*b.mutu == 'B');
    CHECK(b.suppressed == 1);
    CHECK(b.casesLogged == 5);
    CHECK(b.casesRated == 4);
    CHECK(*b.shareRated == 0.8);
    CHECK(b.sampleSize == 5);
    CHECK_FALSE(b.sampleSufficient);
    CHECK(b.surveyResponses == 1);
    CHECK(*b.ikm == 75.00);
    CHECK(*b.ikmMutu == 'C');

    // Dewi: 4 4 -> 100.00 A; 2 cases both rated; sample for 2: 1.9205 / 0.96275 = 1.99 -> 2; 2 >= 2.
    const auto& d = officer(r, dewi).score;
    CHECK(*d.index == 100.00);
    CHECK(*d.mutu == 'A');
    CHECK(d.sampleSize == 2);
    CHECK(d.sampleSufficient);
    CHECK_FALSE(d.ikm);

    // Agus: nothing this month.
    const auto& a = officer(r, agus).score;
    CHECK(a.ratings == 0);
    CHECK_FALSE(a.index);
    CHECK_FALSE(a.mutu);
    CHECK(a.casesLogged == 0);
    CHECK_FALSE(a.shareRated);
    CHECK(a.sampleSize == 0);
    CHECK_FALSE(a.sampleSufficient);
}

TEST_CASE("unit, service, counter and office scores, worked by hand", "[scores]")
{
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    Fixture f(engine);
    const auto r = f.month();
    // Bidang Perizinan Usaha = Budi + Dewi: 6 ratings, (13 + 8) / 6 = 3.5 -> 87.50 B; 7 cases, 6 rated;
    // sample for 7: 6.72175 / 0.97525 = 6.89 -> 7; 6 < 7.
    const auto& u = r.units.at("Bidang Perizinan Usaha");
    CHECK(u.ratings == 6);
    CHECK(*u.index == 87.50);
    CHECK(*u.mutu == 'B');
    CHECK(u.casesLogged == 7);
    CHECK(u.sampleSize == 7);
    CHECK_FALSE(u.sampleSufficient);
    CHECK(u.suppressed == 1);
    CHECK(r.units.count("Bidang Kependudukan") == 0); // no data for Agus's unit this month

    // Services: nib = Budi's 3.25 -> 81.25; kk = Dewi's -> 100.00.
    CHECK(*r.services.at("nib").index == 81.25);
    CHECK(*r.services.at("kk").index == 100.00);

    // Counters: kiosk-a/Loket 1 = Budi's 4 and the counter-level 1 and 3: (13 + 4) / 6 = 2.8333 -> 70.83 C.
    const auto& c = r.counters.at("kiosk-a/Loket 1");
    CHECK(c.ratings == 6);
    CHECK(c.counterLevel == 2);
    CHECK(c.suppressed == 2);
    CHECK(*c.index == 70.83);
    CHECK(*c.mutu == 'C');
    CHECK(*r.counters.at("kiosk-b/Loket 2").index == 100.00);

    // The office: 8 ratings, 25 / 8 = 3.125 -> 78.125 -> 78.13 B (half up); 7 cases -> sample 7; 8 >= 7.
    CHECK(r.office.ratings == 8);
    CHECK(*r.office.index == 78.13);
    CHECK(*r.office.mutu == 'B');
    CHECK(r.office.counterLevel == 2);
    CHECK(r.office.suppressed == 2);
    CHECK(r.office.sampleSufficient);
}

TEST_CASE("an empty period has every officer with nothing, and periods parse as documented", "[scores]")
{
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    Fixture f(engine);
    const auto r = f.month("month:2026-09");
    REQUIRE(r.officers.size() == 3);
    for (const auto& o : r.officers) {
        CHECK(o.score.ratings == 0);
        CHECK_FALSE(o.score.index);
    }
    CHECK(r.office.ratings == 0);
    CHECK(r.units.empty());
    // October holds Budi's single 1.
    CHECK(*officer(f.month("month:2026-10"), budi).score.index == 25.00);
    CHECK(officer(f.month("quarter:2026-Q4"), budi).score.ratings == 5);
    CHECK(officer(f.month("year:2026"), budi).score.ratings == 5);
    CHECK(officer(f.month("day:2026-11-10"), budi).score.ratings == 4);
    CHECK(officer(f.month("2026-11-11..2026-11-30"), budi).score.ratings == 0);
    std::string why;
    CHECK_FALSE(central::parsePeriod("month:2026-13", &why));
    CHECK_THAT(why, Catch::Contains("no such month"));
    CHECK_FALSE(central::parsePeriod("2026-11-30..2026-11-01", &why));
    CHECK_FALSE(central::parsePeriod("last week", &why));
    CHECK_THAT(why, Catch::Contains("month:YYYY-MM"));
    CHECK_FALSE(central::localDay("2026-02-30"));           // --from/--to and periods share this check
    CHECK(central::localDay("2028-02-29"));
    CHECK_FALSE(central::parsePeriod("day:2026-02-30", &why));
    CHECK_FALSE(central::parsePeriod("2026-02-28..2026-02-30", &why));
}

TEST_CASE("the e-Kinerja CSV: one row per officer, and the CLI's formats", "[scores][cli]")
{
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    Fixture f(engine);
    const std::string csv = central::scoresCsv(f.month());
    CHECK(csv.rfind("period_from,period_to,nip,name,unit,ratings,", 0) == 0);
    CHECK_THAT(csv, Catch::Contains("2026-11-01,2026-11-30," + budi + ",Budi Santoso,Bidang Perizinan Usaha,4,2,1,1,0,81.25,B,5,4,80.00,5,no,1,1,75.00,C,1/9,5,no,,0,,\r\n"));
    CHECK_THAT(csv, Catch::Contains("2026-11-01,2026-11-30," + agus + ",Agus Pratama,Bidang Kependudukan,0,0,0,0,0,,,0,0,,0,no,0,0,,,1/9,0,no,,0,,\r\n"));
    f.central.reset();
    const auto bin = (test::binDir() / "skm-central").string();
    auto r = test::run(f.args({bin, "report", "--period", "month:2026-11", "--format", "csv"}));
    CHECK(r.exitCode == 0);
    CHECK(r.out == csv);
    r = test::run(f.args({bin, "report", "--period", "month:2026-11", "--format", "table"}));
    CHECK(r.exitCode == 0);
    CHECK_THAT(r.out, Catch::Contains("Budi Santoso") && Catch::Contains("81.25"));
    r = test::run(f.args({bin, "report", "--period", "month:2026-11"}));
    CHECK(r.exitCode == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["scores"]["office"]["index"] == 78.13);
    CHECK(j["scores"]["office"]["nrr"]["U1"] == 3.0); // Budi's survey, every unsur 3
    CHECK(j["scores"]["office"]["nrr"]["U9"] == 3.0);
    CHECK(j["scores"]["period"]["from"] == "2026-11-01");
    r = test::run(f.args({bin, "report", "--period", "month:2026-13"}));
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::Contains("no such month"));
}

TEST_CASE("integrity signals on crafted data: fast 4s after cases, identical intervals, no case, clock jumps, a broken chain", "[scores][integrity]")
{
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    Fixture f(engine);
    sql::Connection& db = f.central->connection();
    // Agus (who had nothing) gets five 4s each 1 s after handing a case over: a burst nobody could tap.
    for (int i = 0; i < 5; ++i) {
        const std::string id = "fast-" + std::to_string(i);
        db.exec("INSERT INTO cases (id, device_id, session_id, nip, counter, service_code, status, opened_wall_ms, rating_id, body, received_at_ms)"
                " VALUES ('" + id + "', 'kiosk-c', 's', '" + agus + "', 'Loket 3', 'kk', 'rated', " + std::to_string(at(11, 15, 9) + i * 600'000) +
                ", NULL, '{}', 0)");
        f.rating("kiosk-c", "Loket 3", agus, "kk", 4, false, at(11, 15, 9) + i * 600'000 + 1'000, id);
    }
    // Dewi's ratings come every 30 s exactly, eight more in a row.
    for (int i = 0; i < 8; ++i) f.rating("kiosk-b", "Loket 2", dewi, "kk", 3, false, at(11, 21, 10) + i * 30'000, "case-d" + std::to_string(i));
    // A rating with Budi's NIP and no case.
    f.rating("kiosk-a", "Loket 1", budi, "nib", 4, false, at(11, 22, 10), std::string());
    db.exec("UPDATE ratings SET case_id = NULL WHERE case_id = ''");
    // kiosk-c's clock was stepped by two hours between two taps of one boot (monotonic: 10 s), and its
    // chain does not link at position 3.
    const auto seq = [&](int chainSeq, int64_t wall, int64_t mono, const char* prev) {
        db.exec("INSERT INTO ratings (id, device_id, score, created_wall_ms, created_mono_ms, boot_id, counter, suppressed, language, scope,"
                " received_at_ms, chain_seq, prev_hash, hash) VALUES ('chain-" + std::to_string(chainSeq) + "', 'kiosk-c', 3, " + std::to_string(wall) + ", " +
                std::to_string(mono) + ", 'boot-1', 'Loket 3', 0, 'id', 'counter', 0, " + std::to_string(chainSeq) + ", '" + prev + "', 'h" +
                std::to_string(chainSeq) + "')");
    };
    seq(1, at(11, 16, 9), 100'000, store::kChainGenesis);
    seq(2, at(11, 16, 11), 110'000, "h1");     // +2 h on the wall clock, +10 s monotonic: a clock jump
    seq(3, at(11, 16, 11) + 5'000, 115'000, "hX"); // does not link to position 2

    const auto r = f.month();
    const auto& a = officer(r, agus).signals;
    CHECK(a.fastTopAfterCase == 5);
    CHECK(officer(r, agus).score.index == 100.00); // shown beside the score, not applied to it
    CHECK(a.flags() == std::vector<std::string>{"fast_top_after_case", "device_chain"});
    CHECK(a.devicesWithChainProblems == std::vector<std::string>{"kiosk-c"});
    const auto& d = officer(r, dewi).signals;
    CHECK(d.longestEqualRun == 8);
    CHECK(d.fastTopAfterCase == 0);
    CHECK(d.flags() == std::vector<std::string>{"identical_intervals"});
    const auto& b = officer(r, budi).signals;
    CHECK(b.withoutCase == 1);
    CHECK(b.longestEqualRun < 6);
    CHECK(b.flags() == std::vector<std::string>{"ratings_without_case"});
    CHECK(r.devices.at("kiosk-c").clockJumps == 1);
    CHECK(r.devices.at("kiosk-c").chainBreaks == 1);
    CHECK(r.devices.at("kiosk-c").counterLevel == 3);
    CHECK(r.devices.at("kiosk-a").clockJumps == 0);
    CHECK_THAT(central::scoresCsv(r), Catch::Contains("," + agus + ",Agus Pratama,") && Catch::Contains("fast_top_after_case;device_chain,0,,\r\n"));
}

TEST_CASE("the most frequent reasons per officer and unit, and the comments, searchable", "[scores][comments]")
{
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    Fixture f(engine);
    sql::Connection& db = f.central->connection();
    // Reasons on Budi's ratings: after the 2, "waktu_lama"; after the 4s and the 3, "cepat" twice and "ramah" once.
    db.exec("UPDATE ratings SET reasons = '[\"waktu_lama\"]', comment = 'Antri LAMA sekali' WHERE id = 'r9'");
    db.exec("UPDATE ratings SET reasons = '[\"cepat\"]' WHERE id IN ('r6', 'r7')");
    db.exec("UPDATE ratings SET reasons = '[\"ramah\",\"cepat\"]', comment = 'petugas ramah' WHERE id = 'r8'");
    db.exec("UPDATE ratings SET reasons = '[\"waktu_lama\"]', comment = 'lama, tapi ditekan dua kali' WHERE id = 'r10'"); // suppressed: left out
    // Dewi's: "ramah" once.
    db.exec("UPDATE ratings SET reasons = '[\"ramah\"]', comment = 'ramah dan cepat' WHERE officer_nip = '" + dewi + "' AND created_wall_ms = " +
            std::to_string(at(11, 20, 14)));
    const auto r = f.month();
    const auto& b = officer(r, budi).score;
    CHECK(central::topReasons(b.reasonsHigh) == std::vector<std::pair<std::string, int64_t>>{{"cepat", 3}, {"ramah", 1}});
    CHECK(central::topReasons(b.reasonsLow) == std::vector<std::pair<std::string, int64_t>>{{"waktu_lama", 1}});
    const auto& u = r.units.at("Bidang Perizinan Usaha");
    CHECK(central::topReasons(u.reasonsHigh) == std::vector<std::pair<std::string, int64_t>>{{"cepat", 3}, {"ramah", 2}});
    CHECK(central::topReasons(u.reasonsHigh, 1).size() == 1);
    const auto j = central::scoresJson(r);
    CHECK(j["units"]["Bidang Perizinan Usaha"]["reasons_high"][0]["code"] == "cepat");

    std::string why;
    const auto period = *central::parsePeriod("month:2026-11", &why);
    const auto officers = central::publishedOfficers(f.dir.path());
    auto all = central::listComments(db, period, officers, {});
    REQUIRE(all.size() == 3); // the suppressed press's comment is not listed
    CHECK(all[0]["officer_name"] == "Dewi Lestari"); // newest first
    auto found = central::listComments(db, period, officers, {"", "", "lama", 500});
    REQUIRE(found.size() == 1);
    CHECK(found[0]["comment"] == "Antri LAMA sekali");
    CHECK(found[0]["score"] == 2);
    CHECK(found[0]["reasons"][0] == "waktu_lama");
    CHECK(found[0]["unit"] == "Bidang Perizinan Usaha");
    CHECK(central::listComments(db, period, officers, {budi, "", "", 500}).size() == 2);
    CHECK(central::listComments(db, period, officers, {"", "Bidang Kependudukan", "", 500}).empty());
    CHECK(central::listComments(db, *central::parsePeriod("month:2026-10", &why), officers, {}).empty());
    // Comments of the same millisecond: in one order on both engines (the newer id first).
    db.exec("UPDATE ratings SET comment = 'sama 1', created_wall_ms = " + std::to_string(at(11, 9, 9)) + " WHERE id = 'r6'");
    db.exec("UPDATE ratings SET comment = 'sama 2', created_wall_ms = " + std::to_string(at(11, 9, 9)) + " WHERE id = 'r7'");
    const auto same = central::listComments(db, period, officers, {"", "", "sama", 500});
    REQUIRE(same.size() == 2);
    CHECK(same[0]["comment"] == "sama 2");
    CHECK(same[1]["comment"] == "sama 1");

    f.central.reset();
    const auto cli = test::run(f.args({(test::binDir() / "skm-central").string(), "comments", "--search", "RAMAH"}));
    CHECK(cli.exitCode == 0);
    CHECK_THAT(cli.out, Catch::Contains("Budi Santoso  [3] ramah,cepat  \"petugas ramah\"") && Catch::Contains("Dewi Lestari"));
}

TEST_CASE("the HTML pages escape what comes from rosters and devices, and draw one bar per face and unsur", "[scores][html]")
{
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    Fixture f(engine);
    auto r = f.month();
    r.officers[0].name = "<script>alert(1)</script> & \"Co\"";
    r.units["<img src=x onerror=alert(1)>"] = r.office;
    const central::User admin{"admin", "admin", ""};
    const std::string page = central::html::overviewPage(central::html::Lang::Id, admin, r, central::monthlyTrendAll(f.central->connection(), r.period));
    CHECK(page.find("<script") == std::string::npos);
    CHECK(page.find("<img") == std::string::npos);
    CHECK(page.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;") != std::string::npos);
    CHECK(page.find("http://") == std::string::npos); // nothing loaded from anywhere
    CHECK(page.find("https://") == std::string::npos);
    auto count = [](const std::string& text, const std::string& what) {
        size_t n = 0;
        for (size_t at = 0; (at = text.find(what, at)) != std::string::npos; at += what.size()) ++n;
        return n;
    };
    CHECK(count(central::html::facesChart(central::html::Lang::Id, r.office), "class=\"bar\"") == 4);
    CHECK(count(central::html::nrrChart(central::html::Lang::Id, officer(r, budi).score), "class=\"bar\"") == 9);
    // The trend: six months ending with the period's; October and November have ratings.
    const auto trend = central::monthlyTrend(f.central->connection(), r.period, {budi});
    // A unit with no officer in the published roster has no trend: not the whole office's.
    const auto nobody = central::monthlyTrend(f.central->connection(), r.period, {});
    const auto everyone = central::monthlyTrendAll(f.central->connection(), r.period);
    REQUIRE(nobody.size() == 6);
    REQUIRE(everyone.size() == 6);
    CHECK(everyone.back().ratings > 0);
    for (const auto& p : nobody) CHECK(p.ratings == 0);
    REQUIRE(trend.size() == 6);
    CHECK(trend.back().label == "2026-11");
    CHECK(trend.back().ratings == 4);
    CHECK(*trend.back().index == 81.25);
    CHECK(trend[4].label == "2026-10");
    CHECK(*trend[4].index == 25.00);
    CHECK_FALSE(trend[0].index);
    CHECK(count(central::html::trendChart(central::html::Lang::En, trend), "class=\"bar\"") == 2);
    CHECK(central::html::urlEncode("Bidang Perizinan Usaha") == "Bidang%20Perizinan%20Usaha");
}

TEST_CASE("the HTML pages write numbers as the page's language does, and attributes stay plain", "[scores][html]")
{
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    Fixture f(engine);
    sql::Connection& db = f.central->connection();
    // December: Dewi logs 1234 cases a minute apart and each is rated a second after its handover, 4 and
    // 3 in turn: index 3.5 x 25 = 87.50 over 1234 ratings. Two complete surveys (all 4s, all 3s): every
    // NRR 3.50. Agus has a rating with his NIP and no case; one counter-level tap.
    const int64_t start = at(12, 10, 9);
    db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1234)"
            " INSERT INTO cases (id, device_id, session_id, nip, counter, service_code, status, opened_wall_ms, body, received_at_ms)"
            " SELECT 'dec-' || i, 'kiosk-b', 's', '" + dewi + "', 'Loket 2', 'kk', 'rated', " + std::to_string(start) + " + i * 60000, '{}', 0 FROM n");
    db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1234)"
            " INSERT INTO ratings (id, device_id, score, created_wall_ms, created_mono_ms, boot_id, counter, officer_nip, case_id, service_code, suppressed,"
            " language, scope, received_at_ms)"
            " SELECT 'dec-r' || i, 'kiosk-b', 4 - i % 2, " + std::to_string(start) + " + i * 60000 + 1000, 0, 'b', 'Loket 2', '" + dewi +
            "', 'dec-' || i, 'kk', 0, 'id', 'case', 0 FROM n");
    for (int s : {4, 3}) {
        std::string answers;
        for (int u = 1; u <= 9; ++u) answers += std::string(u > 1 ? "," : "") + "\"U" + std::to_string(u) + "\":" + std::to_string(s);
        db.exec("INSERT INTO survey_responses (id, device_id, survey_version, counter, status, service_code, officer_nip, started_wall_ms, body, received_at_ms)"
                " VALUES ('dec-s" + std::to_string(s) + "', 'kiosk-b', 'v', 'Loket 2', 'complete', 'kk', '" + dewi + "', " + std::to_string(at(12, 12, 9)) +
                ", '{\"answers\":{" + answers + "}}', 0)");
    }
    f.rating("kiosk-c", "Loket 3", agus, "kk", 4, false, at(12, 13, 9), std::string());
    db.exec("UPDATE ratings SET case_id = NULL WHERE case_id = ''");
    f.rating("kiosk-a", "Loket 1", std::nullopt, std::nullopt, 3, false, at(12, 14, 9), std::nullopt);

    const auto r = f.month("month:2026-12");
    const auto& d = officer(r, dewi);
    REQUIRE(d.score.ratings == 1234);
    REQUIRE(d.score.casesLogged == 1234);
    REQUIRE(*d.score.index == 87.50);
    REQUIRE(d.signals.flags() == std::vector<std::string>{"fast_top_after_case", "identical_intervals"});
    REQUIRE(officer(r, agus).signals.flags() == std::vector<std::string>{"ratings_without_case"});
    const central::User admin{"admin", "admin", ""};
    using central::html::Lang;
    const auto pages = [&](Lang lang) {
        return std::vector<std::string>{
            central::html::overviewPage(lang, admin, r, central::monthlyTrendAll(db, r.period)),
            central::html::unitPage(lang, admin, r, "Bidang Perizinan Usaha", central::monthlyTrend(db, r.period, {budi, dewi})),
            central::html::officerPage(lang, admin, r, d, central::monthlyTrend(db, r.period, {dewi}), nlohmann::json::array()),
        };
    };
    // What a person reads: the text between tags, the stylesheet left out.
    const auto text = [](const std::string& html) {
        std::string out;
        const size_t styleEnd = html.find("</style>");
        for (size_t at = styleEnd == std::string::npos ? 0 : styleEnd; (at = html.find('>', at)) != std::string::npos;) {
            const size_t end = html.find('<', ++at);
            if (end == std::string::npos) break;
            out += html.substr(at, end - at) + "\n";
            at = end;
        }
        return out;
    };
    // The machine-readable attributes of the charts (coordinates, sizes): the same in both languages.
    const auto attributes = [](const std::string& html) {
        std::string out;
        const std::regex attr(R"re(\s(x|y|x1|x2|y1|y2|width|height|viewBox)="([^"]*)")re");
        for (std::sregex_iterator it(html.begin(), html.end(), attr), end; it != end; ++it) out += (*it)[0].str();
        return out;
    };
    const std::regex pointDecimal(R"(\d\.\d{1,2}(?!\d))"), commaDecimal(R"(\d,\d{1,2}(?!\d))"), commaInAttribute(R"re(="[^"]*\d,\d[^"]*")re");
    const auto id = pages(Lang::Id), en = pages(Lang::En);
    for (size_t i = 0; i < id.size(); ++i) {
        INFO("page " << i);
        const std::string idText = text(id[i]), enText = text(en[i]);
        CHECK_THAT(idText, Catch::Contains("87,50") && Catch::Contains("1.234"));
        CHECK_THAT(enText, Catch::Contains("87.50") && Catch::Contains("1,234"));
        CHECK_FALSE(std::regex_search(idText, pointDecimal));
        CHECK_FALSE(std::regex_search(enText, commaDecimal));
        CHECK(idText.find("1,234") == std::string::npos);
        CHECK(enText.find("1.234") == std::string::npos);
        CHECK_FALSE(std::regex_search(id[i], commaInAttribute));
        CHECK(attributes(id[i]) == attributes(en[i]));
        // The counters' word for a logged case is a service ("layanan tercatat", as on the kiosk).
        CHECK_THAT(idText, Catch::Contains("Layanan tercatat"));
        CHECK(idText.find("Kasus") == std::string::npos);
        CHECK(idText.find("kasus") == std::string::npos);
    }
    CHECK_THAT(text(id[0]), Catch::Contains("Tanpa layanan petugas") && Catch::Contains("tanpa layanan") && Catch::Contains("setelah layanan diserahkan"));
    // The charts on their own: the faces' shares, the NRR per unsur, the trend's index and counts.
    CHECK_THAT(central::html::facesChart(Lang::Id, d.score), Catch::Contains("617 (50,00%)") && Catch::Contains("width=\"150.00\""));
    CHECK_THAT(central::html::facesChart(Lang::En, d.score), Catch::Contains("617 (50.00%)") && Catch::Contains("width=\"150.00\""));
    // (NRR with the four decimals the IKM is computed from: docs/survey.md, "Figures that add up".)
    CHECK_THAT(central::html::nrrChart(Lang::Id, d.score), Catch::Contains(">3,5000<"));
    CHECK_THAT(central::html::nrrChart(Lang::En, d.score), Catch::Contains(">3.5000<"));
    const auto trend = central::monthlyTrend(db, r.period, {dewi});
    CHECK_THAT(central::html::trendChart(Lang::Id, trend), Catch::Contains(">87,50<") && Catch::Contains(">n=1.234<"));
    CHECK_THAT(central::html::trendChart(Lang::En, trend), Catch::Contains(">87.50<") && Catch::Contains(">n=1,234<"));
}
