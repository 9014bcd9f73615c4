// The rollups (rollups.hpp): readRaw(), the one definition of every rollup figure, and beside it the
// ingest's refresh, the rebuild and verify(), so that what is written and what is checked cannot drift
// apart. Reading the stored rollups back, and the monthly ones: stored.cpp.

#include "rollups.hpp"
#include "stored.hpp"

#include <core/chain.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <limits>
#include <unordered_map>

namespace skm::central::rollup {

namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min(), kMax = std::numeric_limits<int64_t>::max();

// pg_advisory_xact_lock's key for building the rollups once ("SKMR").
constexpr const char* kBuildLock = "SELECT pg_advisory_xact_lock(1397443922)";

// A rating's chain state, one SQL text for the ingest's refresh, the rebuild and verify(): linked (0)
// when its prev_hash is the hash of the device's rating one position earlier (the genesis value at
// position 1); else a gap (1) when no rating of that position arrived, else a break (2). chain_missing:
// the positions missing just before it. The checks as in checkChainFromRows (reports/chain_check.cpp).
const std::string kLinked = "(CASE WHEN ratings.chain_seq = 1 THEN ratings.prev_hash = $1 ELSE EXISTS (SELECT 1 FROM ratings p WHERE p.device_id = ratings.device_id"
                            " AND p.chain_seq = ratings.chain_seq - 1 AND p.hash = ratings.prev_hash) END)";
const std::string kMissing = "(ratings.chain_seq - 1 - coalesce((SELECT max(p.chain_seq) FROM ratings p WHERE p.device_id = ratings.device_id"
                             " AND p.chain_seq < ratings.chain_seq), 0))";
const std::string kState = "(CASE WHEN " + kLinked + " THEN 0 WHEN ratings.chain_seq > 1 AND " + kMissing + " > 0 THEN 1 ELSE 2 END)";
const std::string kSetChainState = "UPDATE ratings SET chain_state = " + kState + ", chain_missing = CASE WHEN " + kState + " = 1 THEN " + kMissing +
                                   " ELSE 0 END WHERE ratings.chain_seq IS NOT NULL";

// A device's chain totals from its days.
constexpr const char* kChainTotals = "INSERT INTO rollup_chain_totals (device_id, chained, chain_starts)"
                                     " SELECT device_id, sum(chained), sum(chain_starts) FROM rollup_devices";

int64_t localOffsetMs()
{
    const time_t now = std::time(nullptr);
    std::tm t{};
    localtime_r(&now, &t);
    return static_cast<int64_t>(t.tm_gmtoff) * 1000;
}

// The longest run of ratings at identical intervals (within 1 s, each under 10 minutes), as a number
// of ratings (a run of k equal gaps spans k + 1); 0 for fewer than 3.
int64_t longestEqualRun(std::vector<int64_t> times)
{
    if (times.size() < 3) return 0;
    std::sort(times.begin(), times.end());
    int64_t run = 1, best = 1;
    for (size_t i = 2; i < times.size(); ++i) {
        const int64_t gap = times[i] - times[i - 1], previous = times[i - 1] - times[i - 2];
        run = std::llabs(gap - previous) <= 1000 && gap < 10 * 60'000 ? run + 1 : 1;
        best = std::max(best, run);
    }
    return best + 1;
}

// The reason codes of a rating's `reasons` (a JSON array as uploaded) into `out`.
void reasonCodes(const std::string& text, std::vector<std::string>& out)
{
    out.clear();
    if (text.empty()) return;
    const nlohmann::json codes = nlohmann::json::parse(text, nullptr, false);
    if (!codes.is_array()) return;
    for (const auto& c : codes) {
        if (c.is_string()) out.push_back(c.get<std::string>());
    }
}

// Inserts `rows` (each `width` values) into `table` (`columns`), many rows per statement.
void insertRows(sql::Connection& db, const std::string& table, const std::string& columns, size_t width, const std::vector<sql::Value>& values)
{
    const size_t perStatement = 400;
    const size_t rows = values.size() / width;
    for (size_t first = 0; first < rows; first += perStatement) {
        const size_t n = std::min(perStatement, rows - first);
        std::string text = "INSERT INTO " + table + " (" + columns + ") VALUES ";
        std::vector<sql::Value> params(values.begin() + static_cast<std::ptrdiff_t>(first * width),
                                       values.begin() + static_cast<std::ptrdiff_t>((first + n) * width));
        for (size_t r = 0; r < n; ++r) {
            text += r ? ", (" : "(";
            for (size_t c = 0; c < width; ++c) text += (c ? ", $" : "$") + std::to_string(r * width + c + 1);
            text += ')';
        }
        db.query(text, params);
    }
}

// Rows for the four rollup tables, gathered over any number of device-days and inserted together.
struct RowBuffer {
    std::vector<sql::Value> groups, reasons, runs, devices;

    void add(int64_t day, const Slice& s)
    {
        for (const auto& [k, f] : s.groups) {
            for (sql::Value x : {sql::Value(day), sql::Value(k.device), sql::Value(k.counter), sql::Value(k.nip), sql::Value(k.service)}) groups.push_back(std::move(x));
            for (const int64_t n : f.faces) groups.emplace_back(n);
            for (const int64_t n : {f.suppressed, f.withoutCase, f.fastTop, f.casesLogged, f.casesRated, f.surveys}) groups.emplace_back(n);
            for (const ikm::Tally& t : f.unsur) {
                groups.emplace_back(t.count);
                groups.emplace_back(t.sum);
            }
            for (const int64_t n : f.sessionFaces) groups.emplace_back(n);
        }
        for (const auto& [kc, n] : s.reasons) {
            for (sql::Value x : {sql::Value(day), sql::Value(kc.first.device), sql::Value(kc.first.counter), sql::Value(kc.first.nip), sql::Value(kc.first.service),
                                 sql::Value(kc.second), sql::Value(n[0]), sql::Value(n[1])}) {
                reasons.push_back(std::move(x));
            }
        }
        for (const auto& [dn, run] : s.runs) {
            for (sql::Value x : {sql::Value(day), sql::Value(dn.first), sql::Value(dn.second), sql::Value(run)}) runs.push_back(std::move(x));
        }
        for (const auto& [d, dd] : s.devices) {
            for (sql::Value x : {sql::Value(day), sql::Value(d), sql::Value(dd.chained), sql::Value(dd.starts), sql::Value(dd.clockJumps)}) devices.push_back(std::move(x));
        }
    }
    void flush(sql::Connection& db)
    {
        const std::vector<Kind>& k = kinds(); // the columns in the order add() puts them
        insertRows(db, k[0].day, "day, " + k[0].keys + ", " + k[0].values, 19 + 2 * ikm::kUnsurCount, groups);
        insertRows(db, k[1].day, "day, " + k[1].keys + ", " + k[1].values, 8, reasons);
        insertRows(db, k[2].day, "day, " + k[2].keys + ", " + k[2].values, 4, runs);
        insertRows(db, k[3].day, "day, " + k[3].keys + ", " + k[3].values, 5, devices);
        groups.clear();
        reasons.clear();
        runs.clear();
        devices.clear();
    }
};

void writeDay(sql::Connection& db, const std::string& device, int64_t day, const Slice& s)
{
    for (const char* table : {"rollup_groups", "rollup_reasons", "rollup_runs", "rollup_devices"}) {
        db.query(std::string("DELETE FROM ") + table + " WHERE day = $1 AND device_id = $2", {day, device});
    }
    RowBuffer rows;
    rows.add(day, s);
    rows.flush(db);
}


} // namespace

void Figures::add(const Figures& o)
{
    for (size_t i = 0; i < faces.size(); ++i) faces[i] += o.faces[i];
    for (size_t i = 0; i < sessionFaces.size(); ++i) sessionFaces[i] += o.sessionFaces[i];
    suppressed += o.suppressed;
    withoutCase += o.withoutCase;
    fastTop += o.fastTop;
    casesLogged += o.casesLogged;
    casesRated += o.casesRated;
    surveys += o.surveys;
    for (size_t i = 0; i < unsur.size(); ++i) {
        unsur[i].count += o.unsur[i].count;
        unsur[i].sum += o.unsur[i].sum;
    }
}

bool Figures::operator==(const Figures& o) const
{
    for (size_t i = 0; i < unsur.size(); ++i) {
        if (unsur[i].count != o.unsur[i].count || unsur[i].sum != o.unsur[i].sum) return false;
    }
    return faces == o.faces && sessionFaces == o.sessionFaces && std::tie(suppressed, withoutCase, fastTop, casesLogged, casesRated, surveys) ==
                                   std::tie(o.suppressed, o.withoutCase, o.fastTop, o.casesLogged, o.casesRated, o.surveys);
}

void DeviceDay::add(const DeviceDay& o)
{
    chained += o.chained;
    starts += o.starts;
    clockJumps += o.clockJumps;
}

void Slice::add(const Slice& o)
{
    for (const auto& [k, f] : o.groups) groups[k].add(f);
    for (const auto& [k, n] : o.reasons) {
        auto& mine = reasons[k];
        mine[0] += n[0];
        mine[1] += n[1];
    }
    for (const auto& [k, run] : o.runs) runs[k] = std::max(runs[k], run);
    for (const auto& [d, dd] : o.devices) devices[d].add(dd);
}

bool Slice::operator==(const Slice& o) const { return groups == o.groups && reasons == o.reasons && runs == o.runs && devices == o.devices; }

std::optional<int64_t> dayOffsetMs(sql::Connection& db)
{
    const auto row = db.one("SELECT day_offset_ms FROM rollup_meta");
    if (!row) return std::nullopt;
    return row->integer(0);
}

int64_t dayOf(int64_t ms, int64_t offsetMs) { return floorDiv(static_cast<__int128>(ms) + offsetMs, kDayMs); }

int64_t dayStart(int64_t day, int64_t offsetMs)
{
    const __int128 ms = static_cast<__int128>(day) * kDayMs - offsetMs;
    return ms < kMin ? kMin : ms > kMax ? kMax : static_cast<int64_t>(ms);
}

std::map<int64_t, Slice> readRaw(sql::Connection& db, int64_t offsetMs, const std::string& device, int64_t fromMs, int64_t toMs)
{
    std::map<int64_t, Slice> days;
    std::vector<sql::Value> params = {fromMs, toMs};
    const std::string below = toMs == kMax ? " <= $2" : " < $2"; // all of time includes its last millisecond
    std::string onDevice;
    if (!device.empty()) {
        params.emplace_back(device);
        onDevice = " AND device_id = $3";
    }
    // Ratings: faces, suppressed, reasons, ratings without a case, fast 4s, chain positions, clock jumps.
    // Differences of two clock readings are taken as NUMERIC: a kiosk's clock may say anything a 64-bit
    // integer holds, and PostgreSQL refuses a bigint that overflows (SQLite turns it into a REAL).
    std::unordered_map<std::string, std::vector<int64_t>> tapTimes; // "day device nip" -> counted ratings' tap times
    std::vector<std::string> codes;
    db.each("SELECT device_id, counter, coalesce(officer_nip, ''), coalesce(service_code, ''), score, suppressed, CASE WHEN case_id IS NULL THEN 1 ELSE 0 END,"
            " coalesce(reasons, ''), created_wall_ms, CASE WHEN chain_seq IS NULL THEN 0 ELSE 1 END, CASE WHEN chain_seq = 1 THEN 1 ELSE 0 END,"
            " CASE WHEN EXISTS (SELECT 1 FROM ratings p WHERE p.device_id = r.device_id AND p.chain_seq = r.chain_seq - 1 AND p.boot_id = r.boot_id"
            "   AND abs((CAST(r.created_wall_ms AS NUMERIC) - p.created_wall_ms) - (CAST(r.created_mono_ms AS NUMERIC) - p.created_mono_ms)) > 60000) THEN 1 ELSE 0 END,"
            " CASE WHEN r.score = 4 AND r.suppressed = 0 AND r.officer_nip IS NOT NULL AND EXISTS (SELECT 1 FROM cases c WHERE c.id = r.case_id"
            "   AND c.device_id = r.device_id AND r.created_wall_ms >= c.opened_wall_ms AND CAST(r.created_wall_ms AS NUMERIC) - c.opened_wall_ms < 2000) THEN 1 ELSE 0 END,"
            " CASE WHEN r.scope = 'session' THEN 1 ELSE 0 END"
            " FROM ratings r WHERE created_wall_ms >= $1 AND created_wall_ms" + below + onDevice,
            params, [&](const sql::Row& q) {
                const int64_t when = q.integer(8), day = dayOf(when, offsetMs);
                Slice& s = days[day];
                Key k{q.text(0), q.text(1), q.text(2), q.text(3)};
                const int score = static_cast<int>(q.integer(4));
                const bool suppressed = q.integer(5) != 0;
                DeviceDay& d = s.devices[k.device];
                d.chained += q.integer(9);
                d.starts += q.integer(10);
                d.clockJumps += q.integer(11);
                if (score < 1 || score > 4) return;
                if (suppressed) {
                    ++s.groups[k].suppressed;
                    return;
                }
                reasonCodes(q.text(7), codes);
                for (const std::string& code : codes) ++s.reasons[{k, code}][score <= 2 ? 0 : 1];
                Figures& f = s.groups[k];
                if (q.integer(13) != 0) { // session-level: the officer's, apart, never a case rating
                    ++f.sessionFaces[static_cast<size_t>(score - 1)];
                    return;
                }
                ++f.faces[static_cast<size_t>(score - 1)];
                if (!k.nip.empty()) {
                    f.withoutCase += q.integer(6);
                    f.fastTop += q.integer(12);
                    tapTimes[std::to_string(day) + ' ' + k.device + ' ' + k.nip].push_back(when);
                }
            });
    for (auto& [key, times] : tapTimes) {
        const size_t a = key.find(' '), b = key.rfind(' ');
        const int64_t run = longestEqualRun(std::move(times));
        if (run > 0) days[std::stoll(key.substr(0, a))].runs[{key.substr(a + 1, b - a - 1), key.substr(b + 1)}] = run;
    }
    // Devices with no chained rating that day are not listed.
    for (auto& [day, s] : days) {
        for (auto it = s.devices.begin(); it != s.devices.end();) it = it->second == DeviceDay{} ? s.devices.erase(it) : std::next(it);
    }
    // Cases logged and rated, by the day they were opened.
    db.each("SELECT device_id, counter, coalesce(nip, ''), service_code, CASE WHEN status = 'rated' THEN 1 ELSE 0 END, opened_wall_ms FROM cases"
            " WHERE opened_wall_ms >= $1 AND opened_wall_ms" + below + onDevice,
            params, [&](const sql::Row& c) {
                Figures& f = days[dayOf(c.integer(5), offsetMs)].groups[Key{c.text(0), c.text(1), c.text(2), c.text(3)}];
                ++f.casesLogged;
                f.casesRated += c.integer(4);
            });
    // Complete survey responses, by the day they were begun; a unit's posters' are not tied to a case
    // and are kept apart (office_report.cpp), never in these figures.
    db.each("SELECT device_id, counter, coalesce(officer_nip, ''), coalesce(service_code, ''), body, started_wall_ms FROM survey_responses"
            " WHERE status = 'complete' AND coalesce(channel, 'kiosk') <> 'poster' AND started_wall_ms >= $1 AND started_wall_ms" + below + onDevice,
            params, [&](const sql::Row& sv) {
                const nlohmann::json body = nlohmann::json::parse(sv.text(4), nullptr, false);
                if (!body.is_object() || !body.contains("answers") || !body["answers"].is_object()) return;
                Figures& f = days[dayOf(sv.integer(5), offsetMs)].groups[Key{sv.text(0), sv.text(1), sv.text(2), sv.text(3)}];
                ++f.surveys;
                for (int i = 0; i < ikm::kUnsurCount; ++i) {
                    const auto a = body["answers"].find("U" + std::to_string(i + 1));
                    if (a != body["answers"].end() && a->is_number_integer()) f.unsur[static_cast<size_t>(i)].add(a->get<int>());
                }
            });
    return days;
}

void refresh(sql::Connection& db, const std::string& device, const Touched& touched)
{
    if (touched.empty()) return;
    const int64_t offset = requireOffset(db);
    std::set<int64_t> days;
    for (const int64_t t : touched.times) days.insert(dayOf(t, offset));
    if (!touched.chainSeqs.empty()) {
        const auto [lo, hi] = std::minmax_element(touched.chainSeqs.begin(), touched.chainSeqs.end());
        // A rating's state depends on its predecessor and on the nearest position below it: an arrival
        // changes those of its own and of the next rating above it. Every rating from the lowest
        // arrival to the one after the highest (in order, just the upload's own).
        const auto next = db.one("SELECT min(chain_seq) FROM ratings WHERE device_id = $1 AND chain_seq > $2", {device, *hi});
        const int64_t top = next && !next->isNull(0) ? next->integer(0) : *hi;
        db.query(kSetChainState + " AND ratings.device_id = $2 AND ratings.chain_seq >= $3 AND ratings.chain_seq <= $4",
                 {std::string(store::kChainGenesis), device, *lo, top});
        // Their days too: a rating's clock jump is measured from its predecessor.
        db.each("SELECT created_wall_ms FROM ratings WHERE device_id = $1 AND chain_seq >= $2 AND chain_seq <= $3", {device, *lo, top},
                [&](const sql::Row& r) { days.insert(dayOf(r.integer(0), offset)); });
    }
    std::set<int64_t> months;
    for (const int64_t day : days) {
        std::map<int64_t, Slice> raw = readRaw(db, offset, device, dayStart(day, offset), dayStart(day + 1, offset));
        writeDay(db, device, day, raw[day]);
        months.insert(monthOfDay(day));
    }
    writeMonths(db, device, months);
    if (!touched.chainSeqs.empty()) {
        db.query("DELETE FROM rollup_chain_totals WHERE device_id = $1", {device});
        db.query(std::string(kChainTotals) + " WHERE device_id = $1 GROUP BY device_id", {device});
    }
}

int64_t rebuild(sql::Connection& db, std::optional<int64_t> offsetMs)
{
    (void)db.query(std::string("SELECT id FROM devices ORDER BY id") + db.forUpdate()); // uploads wait until this commits
    const std::optional<int64_t> was = dayOffsetMs(db);
    const int64_t offset = offsetMs ? *offsetMs : was ? *was : localOffsetMs();
    db.exec("DELETE FROM rollup_meta");
    db.query("INSERT INTO rollup_meta (one, day_offset_ms) VALUES (1, $1)", {offset});
    db.query(kSetChainState, {std::string(store::kChainGenesis)});
    for (const char* table : {"rollup_groups", "rollup_reasons", "rollup_runs", "rollup_devices"}) db.exec(std::string("DELETE FROM ") + table);
    // (rollup_chain_totals: remade from rollup_devices at the end)
    int64_t built = 0;
    std::vector<std::string> devices;
    db.each("SELECT DISTINCT device_id FROM ratings UNION SELECT DISTINCT device_id FROM cases UNION SELECT DISTINCT device_id FROM survey_responses", {},
            [&](const sql::Row& r) { devices.push_back(r.text(0)); });
    RowBuffer rows; // the tables are empty: a device's days inserted together
    for (const std::string& device : devices) {
        for (const auto& [day, slice] : readRaw(db, offset, device, kMin, kMax)) {
            rows.add(day, slice);
            ++built;
        }
        rows.flush(db);
    }
    db.exec("DELETE FROM rollup_chain_totals");
    db.exec(std::string(kChainTotals) + " GROUP BY device_id");
    buildMonths(db);
    return built;
}

void ensureBuilt(sql::Connection& db)
{
    auto built = [&] { return db.queryInt("SELECT count(*) FROM rollup_meta WHERE months_built = 1") == 1; };
    if (built()) return;
    sql::Transaction tx(db);
    if (db.engine() == sql::Engine::Postgres) db.exec(kBuildLock);
    if (built()) return; // another replica built them meanwhile
    if (dayOffsetMs(db)) {
        // Days built by an skm-central from before the monthly rollups: the months from them.
        (void)db.query(std::string("SELECT id FROM devices ORDER BY id") + db.forUpdate());
        buildMonths(db);
        tx.commit();
        spdlog::info("{}: monthly rollups built from the daily ones", db.name());
        return;
    }
    const int64_t days = rebuild(db);
    tx.commit();
    if (days > 0) spdlog::info("{}: daily rollups built from the records ({} device-days)", db.name(), days);
}

Verification verify(sql::Connection& db)
{
    Verification v;
    const int64_t offset = requireOffset(db);
    std::vector<std::string> devices;
    std::string every = "SELECT DISTINCT device_id FROM ratings UNION SELECT DISTINCT device_id FROM cases UNION SELECT DISTINCT device_id FROM survey_responses"
                        " UNION SELECT DISTINCT device_id FROM rollup_chain_totals";
    for (const Kind& kind : kinds()) every += " UNION SELECT DISTINCT device_id FROM " + kind.day + " UNION SELECT DISTINCT device_id FROM " + kind.month;
    db.each(every + " ORDER BY 1", {}, [&](const sql::Row& r) { devices.push_back(r.text(0)); });
    // Each bucket (a day, a month) of `stored` and of `computed`, either side's missing one empty.
    auto compare = [](const std::map<int64_t, Slice>& stored, const std::map<int64_t, Slice>& computed, const std::string& device, int64_t& checked,
                      std::vector<std::pair<std::string, int64_t>>& differing) {
        std::set<int64_t> buckets;
        for (const auto& [b, unused] : stored) buckets.insert(b);
        for (const auto& [b, unused] : computed) buckets.insert(b);
        for (const int64_t b : buckets) {
            ++checked;
            const auto s = stored.find(b), c = computed.find(b);
            if (!((s == stored.end() ? Slice{} : s->second) == (c == computed.end() ? Slice{} : c->second))) differing.emplace_back(device, b);
        }
    };
    for (const std::string& device : devices) {
        const std::map<int64_t, Slice> raw = readRaw(db, offset, device, kMin, kMax);
        std::map<int64_t, Slice> rawMonths;
        DeviceDay total;
        for (const auto& [day, slice] : raw) {
            rawMonths[monthOfDay(day)].add(slice);
            if (const auto d = slice.devices.find(device); d != slice.devices.end()) total.add(d->second);
        }
        const auto kept = db.one("SELECT chained, chain_starts FROM rollup_chain_totals WHERE device_id = $1", {device});
        if ((kept ? std::make_pair(kept->integer(0), kept->integer(1)) : std::make_pair(int64_t{0}, int64_t{0})) != std::make_pair(total.chained, total.starts)) {
            v.chainTotalsDiffering.push_back(device);
        }
        compare(readStored(db, Source{{{kMin, kMax}}, std::nullopt, device}, true), raw, device, v.daysChecked, v.daysDiffering);
        compare(readStored(db, Source{{}, std::make_pair(kMin, kMax), device}, true), rawMonths, device, v.monthsChecked, v.monthsDiffering);
    }
    v.chainStatesDiffering = db.queryInt("SELECT count(*) FROM ratings WHERE ratings.chain_seq IS NOT NULL AND (chain_state IS NULL OR chain_state <> " + kState +
                                             " OR chain_missing <> CASE WHEN " + kState + " = 1 THEN " + kMissing + " ELSE 0 END)",
                                         {std::string(store::kChainGenesis)});
    return v;
}

int runCommand(sql::Connection& db, const std::string& action)
{
    if (action == "rebuild") {
        sql::Transaction tx(db);
        const int64_t days = rebuild(db);
        tx.commit();
        std::cout << "rebuilt the daily rollups and chain states of " << db.name() << ": " << days << " device-days\n";
        return 0;
    }
    sql::Transaction snapshot(db, sql::Transaction::Mode::ReadSnapshot);
    const Verification v = verify(db);
    std::cout << v.daysChecked << " device-days, " << v.monthsChecked
              << " device-months and every rating's chain state compared with a recomputation from the records: ";
    if (v.ok()) {
        std::cout << "identical\n";
        return 0;
    }
    std::cout << v.daysDiffering.size() << " device-days, " << v.monthsDiffering.size() << " device-months, " << v.chainTotalsDiffering.size()
              << " devices' chain totals and " << v.chainStatesDiffering << " chain states differ\n";
    for (size_t i = 0; i < v.daysDiffering.size() && i < 20; ++i) {
        const auto offset = dayOffsetMs(db).value_or(0);
        const time_t s = static_cast<time_t>(dayStart(v.daysDiffering[i].second, offset) / 1000 + offset / 1000);
        std::tm t{};
        gmtime_r(&s, &t);
        char buf[16];
        std::strftime(buf, sizeof buf, "%Y-%m-%d", &t);
        std::cout << "  " << v.daysDiffering[i].first << " " << buf << '\n';
    }
    for (size_t i = 0; i < v.monthsDiffering.size() && i < 20; ++i) {
        std::cout << "  " << v.monthsDiffering[i].first << " " << monthLabel(v.monthsDiffering[i].second) << " (the month)\n";
    }
    std::cout << "`skm-central rollups rebuild` recomputes them (uploads wait meanwhile)\n";
    return 1;
}

} // namespace skm::central::rollup
