// The daily rollups and chain states the reports read (central/rollups/rollups.hpp, issue 18) equal a
// recomputation from the raw rows, on SQLite and on a real PostgreSQL 15: after uploads spread over
// midnights, re-sent duplicates, later reasons and comments, cases closing, ratings arriving out of
// order (a gap opened, then filled), an altered rating (a break) and a clock set while the kiosk ran.
// A period cut at another hour than the rollups' midnight reads the same figures. A rollup changed by
// hand is found by `verify` and mended by `rebuild`. (The replicas crashing mid-batch: replicas_test.)
#include "support/central_engine.hpp"
#include "support/test_util.hpp"

#include <central/reports/chain_check.hpp>
#include <central/reports/office_report.hpp>
#include <central/rollups/rollups.hpp>
#include <central/rollups/stored.hpp>
#include <central/store/central_store.hpp>
#include <core/chain.hpp>
#include <core/uuid.hpp>

#include <catch2/catch.hpp>

#include <random>

using namespace skm;
namespace rollup = skm::central::rollup;

namespace {

const std::vector<std::string> kNips = {"198503302010011002", "199007152015032001", "198811202012121003"};
const std::vector<std::string> kReasons = {"ramah", "cepat", "waktu_lama", "tidak_jelas"};

std::string newId(int64_t ms)
{
    static store::UuidV7Generator gen;
    return gen.next(ms).str();
}

// One kiosk's records as it would upload them: its chain kept as the kiosk keeps it.
struct Kiosk {
    std::string device;
    std::string boot = "boot-1";
    int64_t seq = 0, mono = 0;
    int64_t bootWall = 1'700'000'000'000; // the wall clock at boot: the monotonic clock is the wall's time since then
    std::string prev = store::kChainGenesis;
    std::mt19937 rng;

    Kiosk(std::string id, unsigned seed) : device(std::move(id)), rng(seed) {}
    int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); }

    nlohmann::json rating(int64_t wall, std::optional<std::string> nip, std::optional<std::string> caseId, int score, bool suppressed)
    {
        mono = wall - bootWall;
        const std::string id = newId(wall > 0 ? wall : 1);
        const std::string counter = pick(2) ? "Loket 1" : "Loket 2";
        const std::optional<std::string> service = nip ? std::optional<std::string>(pick(2) ? "nib" : "kk") : std::nullopt;
        nlohmann::json r = {{"id", id},           {"score", score},     {"created_wall_ms", wall}, {"created_mono_ms", mono}, {"boot_id", boot},
                            {"device_id", device}, {"counter", counter}, {"officer_nip", nip ? nlohmann::json(*nip) : nlohmann::json(nullptr)},
                            {"case_id", caseId ? nlohmann::json(*caseId) : nlohmann::json(nullptr)},
                            {"service_code", service ? nlohmann::json(*service) : nlohmann::json(nullptr)},
                            {"reasons", nullptr}, {"comment", nullptr}, {"suppressed", suppressed}, {"language", "id"},
                            {"scope", nip ? "case" : "counter"}, {"chain_seq", ++seq}, {"prev_hash", prev}};
        prev = store::chainHash(prev, store::ChainFields{id, score, wall, mono, boot, counter, nip, caseId, service, suppressed, "id", r["scope"]});
        return r;
    }
    nlohmann::json kase(int64_t opened, const std::string& nip, const char* status)
    {
        return {{"id", newId(opened)}, {"session_id", "s-" + device}, {"nip", nip},         {"counter", "Loket 1"},   {"service_code", "nib"},
                {"ticket", nullptr},   {"boot_id", boot},             {"opened_wall_ms", opened}, {"opened_mono_ms", mono}, {"status", status},
                {"close_reason", nullptr}, {"rating_id", nullptr},    {"closed_wall_ms", nullptr}};
    }
    nlohmann::json survey(int64_t started, const nlohmann::json& nip, bool complete)
    {
        nlohmann::json answers = nlohmann::json::object();
        for (int u = 1; u <= 9; ++u) {
            if (pick(5)) answers["U" + std::to_string(u)] = 1 + pick(4);
        }
        return {{"id", newId(started)}, {"survey_version", "v1"}, {"counter", pick(2) ? "Loket 1" : "Loket 2"}, {"boot_id", boot},
                {"started_wall_ms", started}, {"started_mono_ms", mono}, {"language", "id"}, {"service_code", pick(3) ? nlohmann::json("nib") : nlohmann::json(nullptr)},
                {"officer_nip", nip}, {"case_id", nullptr}, {"status", complete ? "complete" : "incomplete"},
                {"finished_wall_ms", started + 60'000}, {"answers", answers}, {"profile", nlohmann::json::object()}};
    }
};

// Local midnight of a day in November 2026, in ms.
int64_t midnight(int day)
{
    std::tm t{};
    t.tm_year = 126;
    t.tm_mon = 10;
    t.tm_mday = day;
    t.tm_isdst = -1;
    return static_cast<int64_t>(std::mktime(&t)) * 1000;
}

// Everything the reports read must be what the raw rows say: every device-day, every chain state,
// every device's chain check, and a period's figures however it is cut.
void requireConsistent(central::CentralStore& store, const std::vector<std::string>& devices)
{
    sql::Connection& db = store.connection();
    const rollup::Verification v = rollup::verify(db);
    INFO(v.daysDiffering.size() << " device-days differ, " << v.chainStatesDiffering << " chain states");
    REQUIRE(v.ok());
    REQUIRE(v.daysChecked > 0);
    REQUIRE(v.monthsChecked > 0);
    for (const std::string& d : devices) REQUIRE(central::chainJson(central::checkChain(db, d)) == central::chainJson(central::checkChainFromRows(db, d)));
    const int64_t offset = *rollup::dayOffsetMs(db);
    // November whole (the monthly rollups), with days of October and December around it, from an hour
    // into October 20, to December 3, within days, within a day.
    for (const auto& [from, to] : {std::pair{midnight(1), midnight(31)}, std::pair{midnight(-10), midnight(45)},
                                    std::pair{midnight(-11) + 3'600'000, midnight(33)}, std::pair{midnight(1), midnight(4)},
                                    std::pair{midnight(2) + 3 * 3'600'000, midnight(5) - 7 * 3'600'000}, std::pair{midnight(3) + 1, midnight(3) + 2 * 3'600'000}}) {
        rollup::Slice raw;
        for (const auto& [day, s] : rollup::readRaw(db, offset, "", from, to)) raw.add(s);
        REQUIRE(rollup::readPeriod(db, from, to) == raw);
    }
}

} // namespace

// Two kiosks' four days, uploaded in batches of 9 ratings with their cases and surveys: taps around the
// clock and across midnight, a case before most rated taps (some rated within 2 s: fast 4s), counter-
// level taps, an officer's NIP with no case, surveys complete and not.
struct Office {
    test::Engine engine;
    test::TempDir dir;
    central::CentralStore store;
    const int64_t now = midnight(30);
    const std::vector<std::string> devices = {"kiosk-a", "kiosk-b"};
    std::vector<std::pair<std::string, nlohmann::json>> sent; // every upload, to re-send
    int64_t stored = 0;

    explicit Office(test::Engine e) : engine(std::move(e)), store(central::StoreLocation{dir.path(), engine.url, ""})
    {
        std::vector<Kiosk> kiosks = {Kiosk("kiosk-a", 7), Kiosk("kiosk-b", 11)};
        for (const auto& k : kiosks) store.addDevice(k.device, "00", 0);
        for (Kiosk& k : kiosks) {
            nlohmann::json ratings = nlohmann::json::array(), cases = nlohmann::json::array(), surveys = nlohmann::json::array();
            auto flush = [&] {
                nlohmann::json body = {{"cases", cases}, {"ratings", ratings}, {"surveys", surveys}};
                (void)store.ingest(k.device, body, now);
                sent.emplace_back(k.device, body);
                ratings = nlohmann::json::array();
                cases = nlohmann::json::array();
                surveys = nlohmann::json::array();
            };
            for (int64_t t = midnight(2) - 2 * 3'600'000; t < midnight(6); t += 17 * 60'000 + k.pick(40) * 60'000) {
                const int kind = k.pick(10);
                if (kind < 6) {
                    const std::string nip = kNips[static_cast<size_t>(k.pick(3))];
                    nlohmann::json c = k.kase(t, nip, "open");
                    const int score = kind == 0 ? 4 : 1 + k.pick(4);
                    ratings.push_back(k.rating(t + (kind == 0 ? 1'000 : 40'000), nip, c["id"].get<std::string>(), score, k.pick(8) == 0));
                    cases.push_back(c);
                } else if (kind < 8) {
                    ratings.push_back(k.rating(t, std::nullopt, std::nullopt, 1 + k.pick(4), false));
                } else if (kind == 8) {
                    ratings.push_back(k.rating(t, kNips[0], std::nullopt, 1 + k.pick(4), false));
                } else {
                    surveys.push_back(k.survey(t, k.pick(2) ? nlohmann::json(kNips[1]) : nlohmann::json(nullptr), k.pick(4) != 0));
                }
                if (ratings.size() == 9) flush();
            }
            flush();
        }
        stored = store.connection().queryInt("SELECT count(*) FROM ratings");
    }
};

TEST_CASE("rollups: after uploads across midnights, they and the chain states equal a recomputation from the records", "[rollups][postgres]")
{
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    Office o(engine);
    central::CentralStore& store = o.store;
    const std::vector<std::string>& devices = o.devices;
    requireConsistent(store, devices);
    REQUIRE(o.stored > 250); // 291: the seeds fix the workload
}

TEST_CASE("rollups: re-sent duplicates, later reasons and comments, and cases closing keep them equal to the records", "[rollups][postgres]")
{
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    Office o(engine);
    central::CentralStore& store = o.store;
    const int64_t now = o.now;
    const std::vector<std::string>& devices = o.devices;
    for (size_t i = 0; i < o.sent.size(); i += 3) {
        for (const auto& [unused, a] : store.ingest(o.sent[i].first, o.sent[i].second, now)) {
            for (const auto& item : a) REQUIRE(item.status == "duplicate");
        }
    }
    requireConsistent(store, devices);
    // Every fourth rating gets its follow-up; every open case closes, rated or not.
    int closing = 0;
    for (const auto& [device, body] : o.sent) {
        nlohmann::json later = nlohmann::json::array();
        for (size_t j = 0; j < body["ratings"].size(); j += 4) {
            nlohmann::json r = body["ratings"][j];
            r["reasons"] = nlohmann::json::array({kReasons[j % kReasons.size()], kReasons[(j + 1) % kReasons.size()]});
            r["comment"] = "komentar " + std::to_string(j);
            later.push_back(r);
        }
        nlohmann::json closed = nlohmann::json::array();
        for (nlohmann::json c : body["cases"]) {
            c["status"] = ++closing % 2 ? "rated" : "not_rated";
            c["closed_wall_ms"] = c["opened_wall_ms"].get<int64_t>() + 120'000;
            closed.push_back(c);
        }
        const auto answers = store.ingest(device, {{"ratings", later}, {"cases", closed}}, now);
        for (const auto& a : answers.at("ratings")) REQUIRE(a.status == "updated");
        for (const auto& a : answers.at("cases")) REQUIRE(a.status == "updated");
    }
    REQUIRE(store.connection().queryInt("SELECT count(*) FROM ratings") == o.stored);
    requireConsistent(store, devices);
    // The update reached the reports: the reasons are in the period's rollups.
    const rollup::Slice month = rollup::readPeriod(store.connection(), midnight(1), midnight(31));
    int64_t reasons = 0;
    for (const auto& [unused, n] : month.reasons) reasons += n[0] + n[1];
    CHECK(reasons > 0);
}

TEST_CASE("rollups: ratings out of order (a gap opened, then filled), an altered rating and a clock set while running", "[rollups][postgres]")
{
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    Office o(engine);
    central::CentralStore& store = o.store;
    const int64_t now = o.now;
    Kiosk c("kiosk-c", 3);
    store.addDevice("kiosk-c", "00", 0);
    std::vector<nlohmann::json> r;
    for (int i = 0; i < 15; ++i) r.push_back(c.rating(midnight(4) - 30 * 60'000 + i * 5 * 60'000, kNips[2], std::nullopt, 1 + i % 4, false));
    // The clock set 2 h forward between positions 16 and 17, 30 s apart on the monotonic clock.
    r.push_back(c.rating(midnight(4) + 2 * 3'600'000, kNips[2], std::nullopt, 3, false));
    c.bootWall += 2 * 3'600'000;
    r.push_back(c.rating(midnight(4) + 4 * 3'600'000 + 30'000, kNips[2], std::nullopt, 4, false));
    auto send = [&](size_t from, size_t to) {
        nlohmann::json items = nlohmann::json::array();
        for (size_t i = from; i < to; ++i) items.push_back(r[i]);
        (void)store.ingest("kiosk-c", {{"ratings", items}}, now);
    };
    send(0, 5);
    send(10, 15); // positions 6-10 not yet: a gap
    requireConsistent(store, {"kiosk-c"});
    REQUIRE(central::checkChain(store.connection(), "kiosk-c").gapCount == 1);
    send(15, 17);
    send(5, 10); // the gap filled
    requireConsistent(store, {"kiosk-c"});
    REQUIRE(central::checkChain(store.connection(), "kiosk-c").ok());
    // A rating altered on its way: its successor no longer links (a break).
    nlohmann::json altered = c.rating(midnight(5) + 3'600'000, kNips[2], std::nullopt, 1, false);
    nlohmann::json after = c.rating(midnight(5) + 3'700'000, kNips[2], std::nullopt, 2, false);
    altered["score"] = 4;
    (void)store.ingest("kiosk-c", {{"ratings", nlohmann::json::array({after})}}, now);
    (void)store.ingest("kiosk-c", {{"ratings", nlohmann::json::array({altered})}}, now);
    requireConsistent(store, {"kiosk-a", "kiosk-b", "kiosk-c"}); // the others untouched
    const central::ChainCheck chain = central::checkChain(store.connection(), "kiosk-c");
    CHECK(chain.breakCount == 1);
    CHECK(chain.gapCount == 0);
    CHECK(chain.checked == 19);
    // A rating naming a case another kiosk logged (nothing cross-checks the two): counted as a fast 4
    // only for a case of its own kiosk, so the case's later arrival elsewhere changes nothing here.
    Kiosk x("kiosk-x", 5), y("kiosk-y", 6);
    store.addDevice("kiosk-x", "00", 0);
    store.addDevice("kiosk-y", "00", 0);
    nlohmann::json elsewhere = y.kase(midnight(10) + 3 * 3'600'000, kNips[1], "rated");
    (void)store.ingest("kiosk-x", {{"ratings", nlohmann::json::array({x.rating(midnight(10) + 3 * 3'600'000 + 1'000, kNips[1], elsewhere["id"].get<std::string>(), 4, false)})}}, now);
    (void)store.ingest("kiosk-y", {{"cases", nlohmann::json::array({elsewhere})}}, now);
    requireConsistent(store, {"kiosk-c", "kiosk-x", "kiosk-y"});
    CHECK(rollup::readPeriod(store.connection(), midnight(10), midnight(11)).groups.begin()->second.fastTop == 0);
    int64_t jumps = 0;
    for (const auto& [unused, day] : rollup::readRaw(store.connection(), *rollup::dayOffsetMs(store.connection()), "kiosk-c", midnight(1), midnight(31))) {
        if (day.devices.count("kiosk-c")) jumps += day.devices.at("kiosk-c").clockJumps;
    }
    CHECK(jumps == 1);
}

TEST_CASE("rollups: one changed by hand is found by `skm-central rollups verify` and mended by `rebuild`", "[rollups][postgres][cli]")
{
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    Office o(engine);
    central::CentralStore& store = o.store;
    const std::vector<std::string>& devices = o.devices;
    sql::Connection& db = store.connection();
    db.exec("UPDATE rollup_groups SET f4 = f4 + 1 WHERE day = (SELECT min(day) FROM rollup_groups)");
    db.exec("UPDATE ratings SET chain_state = 2 WHERE chain_seq = 3");
    db.exec("UPDATE rollup_chain_totals SET chained = chained + 1 WHERE device_id = 'kiosk-b'");
    {
        const rollup::Verification v = rollup::verify(db);
        CHECK(v.daysDiffering.size() == 2); // the first day's rows of both kiosks
        CHECK(v.monthsDiffering.empty());   // their months were made from the days as they were
    }
    db.exec("UPDATE rollup_month_groups SET u3_sum = u3_sum + 4 WHERE device_id = 'kiosk-a' AND u3_n > 0");
    db.exec("INSERT INTO rollup_month_devices (device_id, month, chained, chain_starts, clock_jumps) VALUES ('ghost-4', 671, 3, 0, 0)");
    {
        const rollup::Verification v = rollup::verify(db);
        REQUIRE(v.monthsDiffering.size() == 2);
        CHECK(v.monthsDiffering[0] == std::pair<std::string, int64_t>{"ghost-4", 671});
        CHECK(v.monthsDiffering[1] == std::pair<std::string, int64_t>{"kiosk-a", (2026 - 1970) * 12 + 10});
        // A report of the whole of November reads the month's rows; one of November 2 to 29, the days'.
        const int64_t offset = *rollup::dayOffsetMs(db);
        auto raw = [&](int64_t from, int64_t to) {
            rollup::Slice s;
            for (const auto& [day, d] : rollup::readRaw(db, offset, "", from, to)) s.add(d);
            return s;
        };
        CHECK_FALSE(rollup::readPeriod(db, midnight(1), midnight(31)) == raw(midnight(1), midnight(31)));
        CHECK(rollup::readPeriod(db, midnight(3), midnight(30)) == raw(midnight(3), midnight(30)));
    }
    // Rows for a device with no records at all are found too.
    db.exec("INSERT INTO rollup_reasons (day, device_id, counter, officer_nip, service_code, code, low, high) VALUES (20400, 'ghost', 'L', '', '', 'bohong', 50, 0)");
    db.exec("INSERT INTO rollup_runs (day, device_id, officer_nip, longest_run) VALUES (20400, 'ghost-2', '198503302010011002', 12)");
    db.exec("INSERT INTO rollup_chain_totals (device_id, chained, chain_starts) VALUES ('ghost-3', 5, 1)");
    const rollup::Verification v = rollup::verify(db);
    CHECK_FALSE(v.ok());
    CHECK(v.daysDiffering.size() == 4);
    CHECK(v.chainTotalsDiffering == std::vector<std::string>{"ghost-3", "kiosk-b"});
    CHECK(v.chainStatesDiffering == 2);
    auto args = [&](const char* action) {
        std::vector<std::string> a = {(test::binDir() / "skm-central").string(), "rollups", action, "--data-dir", o.dir.path().string()};
        for (const auto& e : engine.args()) a.push_back(e);
        return a;
    };
    auto r = test::run(args("verify"));
    CHECK(r.exitCode == 1);
    CHECK_THAT(r.out, Catch::Contains("4 device-days, 2 device-months, 2 devices' chain totals and 2 chain states differ") &&
                          Catch::Contains("kiosk-a 2026-11 (the month)") && Catch::Contains("ghost-4 2025-12 (the month)") &&
                          Catch::Contains("skm-central rollups rebuild"));
    r = test::run(args("rebuild"));
    CHECK(r.exitCode == 0);
    // A data directory without central.db is named, not made.
    r = test::run({(test::binDir() / "skm-central").string(), "rollups", "verify", "--data-dir", (o.dir / "nothing-here").string()});
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Catch::Contains("no central.db in"));
    CHECK_FALSE(std::filesystem::exists(o.dir / "nothing-here"));
    r = test::run(args("verify"));
    CHECK(r.exitCode == 0);
    CHECK_THAT(r.out, Catch::Contains("identical"));
    requireConsistent(store, devices);
}

TEST_CASE("rollups: a day's calendar month, and a month's first day, as the C library counts them", "[rollups]")
{
    // Every day from 1900 to 2100 (leap years, the century rule), and either side of the epoch.
    for (int64_t day = -25567; day <= 47482; ++day) {
        const time_t t = static_cast<time_t>(day) * 86'400;
        std::tm c{};
        gmtime_r(&t, &c);
        const int64_t month = (c.tm_year + 1900 - 1970) * 12 + c.tm_mon;
        REQUIRE(rollup::monthOfDay(day) == month);
        if (c.tm_mday == 1) REQUIRE(rollup::monthFirstDay(month) == day);
    }
    CHECK(rollup::monthFirstDay((2024 - 1970) * 12 + 2) - rollup::monthFirstDay((2024 - 1970) * 12 + 1) == 29);
    CHECK(rollup::monthFirstDay((2100 - 1970) * 12 + 2) - rollup::monthFirstDay((2100 - 1970) * 12 + 1) == 28);
}

TEST_CASE("rollups: a database whose daily rollups were built before the monthly ones gets its months when opened", "[rollups][postgres][migrations]")
{
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    Office o(engine);
    sql::Connection& db = o.store.connection();
    const rollup::Slice before = rollup::readPeriod(db, midnight(1), midnight(31));
    // As schema 9 (PostgreSQL's 4) leaves a database whose days were built: no months, none built.
    for (const char* t : {"rollup_month_groups", "rollup_month_reasons", "rollup_month_runs", "rollup_month_devices"}) db.exec(std::string("DELETE FROM ") + t);
    db.exec("UPDATE rollup_meta SET months_built = 0");
    const int64_t offset = *rollup::dayOffsetMs(db);
    CHECK_FALSE(rollup::verify(db).ok());
    rollup::ensureBuilt(db);
    CHECK(*rollup::dayOffsetMs(db) == offset); // the days kept, not rebuilt on another offset
    CHECK(db.queryInt("SELECT months_built FROM rollup_meta") == 1);
    CHECK(db.queryInt("SELECT count(*) FROM rollup_month_groups") > 0);
    CHECK(rollup::verify(db).ok());
    CHECK(rollup::readPeriod(db, midnight(1), midnight(31)) == before);
}

TEST_CASE("rollups: a period's days are read once each, from whole months where they fit and from days elsewhere", "[rollups]")
{
    std::mt19937 rng(5);
    const int64_t base = rollup::monthFirstDay((2026 - 1970) * 12); // 2026-01-01
    for (int i = 0; i < 3000; ++i) {
        const int64_t first = base + std::uniform_int_distribution<int64_t>(-400, 400)(rng);
        const int64_t last = first + std::uniform_int_distribution<int64_t>(-1, 800)(rng);
        if (first > last) continue;
        const rollup::Source s = rollup::cover(first, last);
        std::map<int64_t, int> read; // day -> times read
        for (const auto& [a, b] : s.days) {
            for (int64_t d = a; d <= b; ++d) ++read[d];
        }
        if (s.months) {
            for (int64_t m = s.months->first; m <= s.months->second; ++m) {
                for (int64_t d = rollup::monthFirstDay(m); d < rollup::monthFirstDay(m + 1); ++d) ++read[d];
            }
            // No whole month left to the days.
            for (const auto& [a, b] : s.days) REQUIRE(rollup::monthFirstDay(rollup::monthOfDay(b) + 1) - rollup::monthFirstDay(rollup::monthOfDay(a)) > b - a + 1);
        }
        INFO(first << ".." << last);
        REQUIRE(static_cast<int64_t>(read.size()) == last - first + 1);
        REQUIRE(read.begin()->first == first);
        REQUIRE(read.rbegin()->first == last);
        for (const auto& [d, n] : read) REQUIRE(n == 1);
    }
}

TEST_CASE("rollups: the office inventory's ratings per device, read from them, are the records' counts, at the ends of time too", "[rollups][postgres]")
{
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    Office o(engine);
    sql::Connection& db = o.store.connection();
    // A kiosk whose clock said the last and (nearly) the first millisecond there is: stored, flagged.
    Kiosk k("kiosk-c", 3);
    o.store.addDevice(k.device, "00", 0);
    nlohmann::json ratings = nlohmann::json::array();
    for (const int64_t wall : {std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min() + 2'000'000'000'000, o.now}) {
        nlohmann::json r = k.rating(wall, kNips[0], std::nullopt, 2, wall != o.now);
        r["id"] = newId(o.now); // (a UUIDv7 holds 48 bits of time)
        ratings.push_back(r);
    }
    for (const auto& a : o.store.ingest(k.device, {{"ratings", ratings}}, o.now).at("ratings")) REQUIRE(a.status == "stored");
    REQUIRE(rollup::verify(db).ok());
    const nlohmann::json inventory = central::officeReport(db);
    for (const std::string d : {"kiosk-a", "kiosk-b", "kiosk-c"}) {
        INFO(d);
        const nlohmann::json& dev = inventory.at("devices").at(d);
        CHECK(dev.at("ratings").get<int64_t>() == db.queryInt("SELECT count(*) FROM ratings WHERE device_id = $1", {d}));
        CHECK(dev.at("suppressed").get<int64_t>() == db.queryInt("SELECT count(*) FROM ratings WHERE device_id = $1 AND suppressed = 1", {d}));
        CHECK(dev.at("time_suspect").get<int64_t>() == db.queryInt("SELECT count(*) FROM ratings WHERE device_id = $1 AND time_suspect = 1", {d}));
        CHECK(dev.at("cases").get<int64_t>() == db.queryInt("SELECT count(*) FROM cases WHERE device_id = $1", {d}));
    }
    CHECK(inventory.at("devices").at("kiosk-c").at("ratings") == 3);
    CHECK(inventory.at("devices").at("kiosk-c").at("time_suspect") == 2);
    CHECK(inventory.at("devices").at("kiosk-a").at("suppressed").get<int64_t>() > 0);
}
