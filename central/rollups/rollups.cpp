// The daily rollups (rollups.hpp). Why one file of about 550 lines: readRaw() is the one definition of
// every rollup figure, and the ingest's refresh, the rebuild, the reports' reads and verify() all sit
// beside it, so that what is written, read and checked cannot drift apart.

#include "rollups.hpp"

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

int64_t floorDiv(__int128 a, int64_t b)
{
    __int128 q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return static_cast<int64_t>(q);
}

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

std::string groupColumns()
{
    std::string cols = "day, device_id, counter, officer_nip, service_code, f1, f2, f3, f4, suppressed, without_case, fast_top, cases_logged, cases_rated, surveys";
    for (int i = 1; i <= ikm::kUnsurCount; ++i) cols += ", u" + std::to_string(i) + "_n, u" + std::to_string(i) + "_sum";
    return cols;
}

std::string groupSums()
{
    std::string sums = "sum(f1), sum(f2), sum(f3), sum(f4), sum(suppressed), sum(without_case), sum(fast_top), sum(cases_logged), sum(cases_rated), sum(surveys)";
    for (int i = 1; i <= ikm::kUnsurCount; ++i) sums += ", sum(u" + std::to_string(i) + "_n), sum(u" + std::to_string(i) + "_sum)";
    return sums;
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
        insertRows(db, "rollup_groups", groupColumns(), 15 + 2 * ikm::kUnsurCount, groups);
        insertRows(db, "rollup_reasons", "day, device_id, counter, officer_nip, service_code, code, low, high", 8, reasons);
        insertRows(db, "rollup_runs", "day, device_id, officer_nip, longest_run", 4, runs);
        insertRows(db, "rollup_devices", "day, device_id, chained, chain_starts, clock_jumps", 5, devices);
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

int64_t requireOffset(sql::Connection& db)
{
    const auto offset = dayOffsetMs(db);
    if (!offset) throw sql::Error(sql::Error::Kind::Other, "the rollups have not been built (rollup_meta is empty)");
    return *offset;
}

} // namespace

void Figures::add(const Figures& o)
{
    for (size_t i = 0; i < faces.size(); ++i) faces[i] += o.faces[i];
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
    return faces == o.faces && std::tie(suppressed, withoutCase, fastTop, casesLogged, casesRated, surveys) ==
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
    std::string onDevice;
    if (!device.empty()) {
        params.emplace_back(device);
        onDevice = " AND device_id = $3";
    }
    // Ratings: faces, suppressed, reasons, ratings without a case, fast 4s, chain positions, clock jumps.
    std::unordered_map<std::string, std::vector<int64_t>> tapTimes; // "day device nip" -> counted ratings' tap times
    std::vector<std::string> codes;
    db.each("SELECT device_id, counter, coalesce(officer_nip, ''), coalesce(service_code, ''), score, suppressed, CASE WHEN case_id IS NULL THEN 1 ELSE 0 END,"
            " coalesce(reasons, ''), created_wall_ms, CASE WHEN chain_seq IS NULL THEN 0 ELSE 1 END, CASE WHEN chain_seq = 1 THEN 1 ELSE 0 END,"
            " CASE WHEN EXISTS (SELECT 1 FROM ratings p WHERE p.device_id = r.device_id AND p.chain_seq = r.chain_seq - 1 AND p.boot_id = r.boot_id"
            "   AND abs((r.created_wall_ms - p.created_wall_ms) - (r.created_mono_ms - p.created_mono_ms)) > 60000) THEN 1 ELSE 0 END,"
            " CASE WHEN r.score = 4 AND r.suppressed = 0 AND r.officer_nip IS NOT NULL AND EXISTS (SELECT 1 FROM cases c WHERE c.id = r.case_id"
            "   AND c.device_id = r.device_id AND r.created_wall_ms - c.opened_wall_ms >= 0 AND r.created_wall_ms - c.opened_wall_ms < 2000) THEN 1 ELSE 0 END"
            " FROM ratings r WHERE created_wall_ms >= $1 AND created_wall_ms < $2" + onDevice,
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
    db.each("SELECT device_id, counter, nip, service_code, CASE WHEN status = 'rated' THEN 1 ELSE 0 END, opened_wall_ms FROM cases"
            " WHERE opened_wall_ms >= $1 AND opened_wall_ms < $2" + onDevice,
            params, [&](const sql::Row& c) {
                Figures& f = days[dayOf(c.integer(5), offsetMs)].groups[Key{c.text(0), c.text(1), c.text(2), c.text(3)}];
                ++f.casesLogged;
                f.casesRated += c.integer(4);
            });
    // Complete survey responses, by the day they were begun.
    db.each("SELECT device_id, counter, coalesce(officer_nip, ''), coalesce(service_code, ''), body, started_wall_ms FROM survey_responses"
            " WHERE status = 'complete' AND started_wall_ms >= $1 AND started_wall_ms < $2" + onDevice,
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

Slice readRollups(sql::Connection& db, int64_t firstDay, int64_t lastDay)
{
    Slice s;
    const std::vector<sql::Value> range = {firstDay, lastDay};
    db.each("SELECT device_id, counter, officer_nip, service_code, " + groupSums() +
                " FROM rollup_groups WHERE day >= $1 AND day <= $2 GROUP BY device_id, counter, officer_nip, service_code",
            range, [&](const sql::Row& q) {
                Figures& f = s.groups[Key{q.text(0), q.text(1), q.text(2), q.text(3)}];
                for (size_t i = 0; i < 4; ++i) f.faces[i] = q.integer(4 + i);
                f.suppressed = q.integer(8);
                f.withoutCase = q.integer(9);
                f.fastTop = q.integer(10);
                f.casesLogged = q.integer(11);
                f.casesRated = q.integer(12);
                f.surveys = q.integer(13);
                for (size_t i = 0; i < f.unsur.size(); ++i) f.unsur[i] = ikm::Tally{q.integer(14 + 2 * i), q.integer(15 + 2 * i)};
            });
    db.each("SELECT device_id, counter, officer_nip, service_code, code, sum(low), sum(high) FROM rollup_reasons WHERE day >= $1 AND day <= $2"
            " GROUP BY device_id, counter, officer_nip, service_code, code",
            range, [&](const sql::Row& q) { s.reasons[{Key{q.text(0), q.text(1), q.text(2), q.text(3)}, q.text(4)}] = {q.integer(5), q.integer(6)}; });
    db.each("SELECT device_id, officer_nip, max(longest_run) FROM rollup_runs WHERE day >= $1 AND day <= $2 GROUP BY device_id, officer_nip", range,
            [&](const sql::Row& q) { s.runs[{q.text(0), q.text(1)}] = q.integer(2); });
    db.each("SELECT device_id, sum(chained), sum(chain_starts), sum(clock_jumps) FROM rollup_devices WHERE day >= $1 AND day <= $2 GROUP BY device_id", range,
            [&](const sql::Row& q) { s.devices[q.text(0)] = DeviceDay{q.integer(1), q.integer(2), q.integer(3)}; });
    return s;
}

namespace {

// The whole days inside [fromMs, toMs) (the first starting at or after fromMs, the last ending at or
// before toMs), or nullopt when there is none; the part-days at either end are the caller's to read.
std::optional<std::pair<int64_t, int64_t>> wholeDays(int64_t offset, int64_t fromMs, int64_t toMs)
{
    int64_t first = dayOf(fromMs, offset);
    if (dayStart(first, offset) < fromMs) ++first;
    const int64_t last = dayOf(toMs, offset) - 1;
    if (first > last) return std::nullopt;
    return std::make_pair(first, last);
}

// Calls `part(from, to)` for the part-days of [fromMs, toMs) that `days` leaves out.
template <class F>
void partDays(int64_t offset, int64_t fromMs, int64_t toMs, const std::optional<std::pair<int64_t, int64_t>>& days, F&& part)
{
    if (!days) {
        if (fromMs < toMs) part(fromMs, toMs);
        return;
    }
    if (fromMs < dayStart(days->first, offset)) part(fromMs, dayStart(days->first, offset));
    if (dayStart(days->second + 1, offset) < toMs) part(dayStart(days->second + 1, offset), toMs);
}

} // namespace

Slice readPeriod(sql::Connection& db, int64_t fromMs, int64_t toMs)
{
    const int64_t offset = requireOffset(db);
    const auto days = wholeDays(offset, fromMs, toMs);
    Slice s = days ? readRollups(db, days->first, days->second) : Slice{};
    partDays(offset, fromMs, toMs, days, [&](int64_t from, int64_t to) {
        for (const auto& [unused, day] : readRaw(db, offset, "", from, to)) s.add(day);
    });
    return s;
}

FaceTotal faceTotal(sql::Connection& db, int64_t fromMs, int64_t toMs, const std::vector<std::string>* nips)
{
    const int64_t offset = requireOffset(db);
    const auto days = wholeDays(offset, fromMs, toMs);
    FaceTotal t;
    auto counts = [&](const std::string& nip) { return !nips || std::find(nips->begin(), nips->end(), nip) != nips->end(); };
    if (days && (!nips || !nips->empty())) {
        std::vector<sql::Value> params = {days->first, days->second};
        std::string sqlText = "SELECT coalesce(sum(f1 + f2 + f3 + f4), 0), coalesce(sum(f1 + 2 * f2 + 3 * f3 + 4 * f4), 0) FROM rollup_groups"
                              " WHERE day >= $1 AND day <= $2";
        if (nips) {
            std::string list;
            for (const std::string& nip : *nips) {
                params.emplace_back(nip);
                list += (list.empty() ? "$" : ", $") + std::to_string(params.size());
            }
            sqlText += " AND officer_nip IN (" + list + ")";
        }
        const sql::Row r = *db.one(sqlText, params);
        t.ratings = r.integer(0);
        t.sum = r.integer(1);
    }
    partDays(offset, fromMs, toMs, days, [&](int64_t from, int64_t to) {
        for (const auto& [unused, day] : readRaw(db, offset, "", from, to)) {
            for (const auto& [k, f] : day.groups) {
                if (!counts(k.nip)) continue;
                for (size_t i = 0; i < f.faces.size(); ++i) {
                    t.ratings += f.faces[i];
                    t.sum += static_cast<int64_t>(i + 1) * f.faces[i];
                }
            }
        }
    });
    return t;
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
    for (const int64_t day : days) {
        std::map<int64_t, Slice> raw = readRaw(db, offset, device, dayStart(day, offset), dayStart(day + 1, offset));
        writeDay(db, device, day, raw[day]);
    }
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
    return built;
}

void ensureBuilt(sql::Connection& db)
{
    if (dayOffsetMs(db)) return;
    sql::Transaction tx(db);
    if (db.engine() == sql::Engine::Postgres) db.exec(kBuildLock);
    if (dayOffsetMs(db)) return; // another replica built them meanwhile
    const int64_t days = rebuild(db);
    tx.commit();
    if (days > 0) spdlog::info("{}: daily rollups built from the records ({} device-days)", db.name(), days);
}

Verification verify(sql::Connection& db)
{
    Verification v;
    const int64_t offset = requireOffset(db);
    std::vector<std::string> devices;
    db.each("SELECT DISTINCT device_id FROM ratings UNION SELECT DISTINCT device_id FROM cases UNION SELECT DISTINCT device_id FROM survey_responses"
            " UNION SELECT DISTINCT device_id FROM rollup_groups UNION SELECT DISTINCT device_id FROM rollup_reasons UNION SELECT DISTINCT device_id FROM rollup_runs"
            " UNION SELECT DISTINCT device_id FROM rollup_devices UNION SELECT DISTINCT device_id FROM rollup_chain_totals ORDER BY 1",
            {}, [&](const sql::Row& r) { devices.push_back(r.text(0)); });
    for (const std::string& device : devices) {
        const std::map<int64_t, Slice> raw = readRaw(db, offset, device, kMin, kMax);
        std::set<int64_t> days;
        for (const auto& [day, unused] : raw) days.insert(day);
        for (const char* table : {"rollup_groups", "rollup_reasons", "rollup_runs", "rollup_devices"}) {
            db.each(std::string("SELECT DISTINCT day FROM ") + table + " WHERE device_id = $1", {device}, [&](const sql::Row& r) { days.insert(r.integer(0)); });
        }
        DeviceDay total;
        for (const auto& [day, slice] : raw) {
            if (const auto d = slice.devices.find(device); d != slice.devices.end()) total.add(d->second);
        }
        const auto kept = db.one("SELECT chained, chain_starts FROM rollup_chain_totals WHERE device_id = $1", {device});
        if ((kept ? std::make_pair(kept->integer(0), kept->integer(1)) : std::make_pair(int64_t{0}, int64_t{0})) != std::make_pair(total.chained, total.starts)) {
            v.chainTotalsDiffering.push_back(device);
        }
        for (const int64_t day : days) {
            ++v.daysChecked;
            Slice stored = readRollups(db, day, day);
            for (auto it = stored.groups.begin(); it != stored.groups.end();) it = it->first.device != device ? stored.groups.erase(it) : std::next(it);
            for (auto it = stored.reasons.begin(); it != stored.reasons.end();) it = it->first.first.device != device ? stored.reasons.erase(it) : std::next(it);
            for (auto it = stored.runs.begin(); it != stored.runs.end();) it = it->first.first != device ? stored.runs.erase(it) : std::next(it);
            for (auto it = stored.devices.begin(); it != stored.devices.end();) it = it->first != device ? stored.devices.erase(it) : std::next(it);
            const auto found = raw.find(day);
            if (!(stored == (found == raw.end() ? Slice{} : found->second))) v.daysDiffering.emplace_back(device, day);
        }
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
    std::cout << v.daysChecked << " device-days and every rating's chain state compared with a recomputation from the records: ";
    if (v.ok()) {
        std::cout << "identical\n";
        return 0;
    }
    std::cout << v.daysDiffering.size() << " device-days, " << v.chainTotalsDiffering.size() << " devices' chain totals and " << v.chainStatesDiffering
              << " chain states differ\n";
    for (size_t i = 0; i < v.daysDiffering.size() && i < 20; ++i) {
        const auto offset = dayOffsetMs(db).value_or(0);
        const time_t s = static_cast<time_t>(dayStart(v.daysDiffering[i].second, offset) / 1000 + offset / 1000);
        std::tm t{};
        gmtime_r(&s, &t);
        char buf[16];
        std::strftime(buf, sizeof buf, "%Y-%m-%d", &t);
        std::cout << "  " << v.daysDiffering[i].first << " " << buf << '\n';
    }
    std::cout << "`skm-central rollups rebuild` recomputes them (uploads wait meanwhile)\n";
    return 1;
}

} // namespace skm::central::rollup
