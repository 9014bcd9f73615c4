#include "stored.hpp"

#include <algorithm>
#include <limits>

namespace skm::central::rollup {

namespace {

// Days since 1970-01-01 of a civil date, and back (H. Hinnant's algorithms, proleptic Gregorian).
int64_t daysFromCivil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2 ? 1 : 0;
    const int64_t era = floorDiv(y, 400);
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

std::pair<int64_t, int64_t> yearMonthOfDays(int64_t z)
{
    z += 719468;
    const int64_t era = floorDiv(z, 146097);
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t m = mp < 10 ? mp + 3 : mp - 9;
    return {yoe + era * 400 + (m <= 2 ? 1 : 0), m};
}

std::string groupValues()
{
    std::string cols = "f1, f2, f3, f4, suppressed, without_case, fast_top, cases_logged, cases_rated, surveys";
    for (int i = 1; i <= ikm::kUnsurCount; ++i) cols += ", u" + std::to_string(i) + "_n, u" + std::to_string(i) + "_sum";
    return cols + ", s1, s2, s3, s4"; // session-level ratings per face (central.db 11)
}

std::string sumsOf(const std::string& columns)
{
    std::string out, rest = columns + ", ";
    for (size_t at = 0, comma; (comma = rest.find(", ", at)) != std::string::npos; at = comma + 2) {
        out += (out.empty() ? "sum(" : ", sum(") + rest.substr(at, comma - at) + ')';
    }
    return out;
}

// The text `SELECT <bucket> AS b, <columns> FROM ...` over the daily and monthly tables `from` names,
// its parameters appended to `params`; "" when it names none.
std::string rowsOf(const std::string& dayTable, const std::string& monthTable, const std::string& columns, const Source& from, std::vector<sql::Value>& params)
{
    auto param = [&](sql::Value v) {
        params.push_back(std::move(v));
        return "$" + std::to_string(params.size());
    };
    const std::string onDevice = from.device.empty() ? "" : " AND device_id = " + param(from.device);
    std::string text;
    if (!from.days.empty()) {
        std::string ranges;
        for (const auto& [a, b] : from.days) ranges += (ranges.empty() ? "(day >= " : " OR (day >= ") + param(a) + " AND day <= " + param(b) + ")";
        text = "SELECT day AS b, " + columns + " FROM " + dayTable + " WHERE (" + ranges + ")" + onDevice;
    }
    if (from.months) {
        if (!text.empty()) text += " UNION ALL ";
        text += "SELECT month AS b, " + columns + " FROM " + monthTable + " WHERE month >= " + param(from.months->first) + " AND month <= " +
                param(from.months->second) + onDevice;
    }
    return text;
}

// A period's whole days, the first starting at or after fromMs and the last ending at or before toMs,
// or nullopt when there is none; the part-days at either end are the caller's to read.
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

int64_t monthOfDay(int64_t day)
{
    const auto [y, m] = yearMonthOfDays(day);
    return (y - 1970) * 12 + (m - 1);
}

int64_t floorDiv(__int128 a, int64_t b)
{
    __int128 q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return static_cast<int64_t>(q);
}

int64_t monthFirstDay(int64_t month) { return daysFromCivil(1970 + floorDiv(month, 12), month - floorDiv(month, 12) * 12 + 1, 1); }

std::string monthLabel(int64_t month)
{
    const int64_t year = 1970 + floorDiv(month, 12), m = month - floorDiv(month, 12) * 12 + 1;
    return std::to_string(year) + (m < 10 ? "-0" : "-") + std::to_string(m);
}

const std::vector<Kind>& kinds()
{
    static const std::vector<Kind> all = {
        {"rollup_groups", "rollup_month_groups", "device_id, counter, officer_nip, service_code", groupValues(), sumsOf(groupValues())},
        {"rollup_reasons", "rollup_month_reasons", "device_id, counter, officer_nip, service_code, code", "low, high", "sum(low), sum(high)"},
        {"rollup_runs", "rollup_month_runs", "device_id, officer_nip", "longest_run", "max(longest_run)"},
        {"rollup_devices", "rollup_month_devices", "device_id", "chained, chain_starts, clock_jumps", "sum(chained), sum(chain_starts), sum(clock_jumps)"},
    };
    return all;
}

Source cover(int64_t firstDay, int64_t lastDay)
{
    int64_t m1 = monthOfDay(firstDay), m2 = monthOfDay(lastDay);
    if (monthFirstDay(m1) < firstDay) ++m1;
    if (monthFirstDay(m2 + 1) - 1 > lastDay) --m2;
    if (m1 > m2) return Source{{{firstDay, lastDay}}, std::nullopt, ""};
    Source s{{}, std::make_pair(m1, m2), ""};
    if (firstDay < monthFirstDay(m1)) s.days.emplace_back(firstDay, monthFirstDay(m1) - 1);
    if (monthFirstDay(m2 + 1) <= lastDay) s.days.emplace_back(monthFirstDay(m2 + 1), lastDay);
    return s;
}

std::map<int64_t, Slice> readStored(sql::Connection& db, const Source& from, bool perBucket)
{
    std::map<int64_t, Slice> out;
    const std::vector<Kind>& k = kinds();
    const size_t c = perBucket ? 1 : 0; // the first column after the bucket
    auto each = [&](const Kind& kind, auto&& fill) {
        std::vector<sql::Value> params;
        const std::string rows = rowsOf(kind.day, kind.month, kind.keys + ", " + kind.values, from, params);
        if (rows.empty()) return;
        const std::string bucket = perBucket ? "b, " : "";
        db.each("SELECT " + bucket + kind.keys + ", " + kind.sums + " FROM (" + rows + ") r GROUP BY " + bucket + kind.keys, params,
                [&](const sql::Row& q) { fill(out[perBucket ? q.integer(0) : 0], q); });
    };
    each(k[0], [&](Slice& s, const sql::Row& q) {
        Figures& f = s.groups[Key{q.text(c), q.text(c + 1), q.text(c + 2), q.text(c + 3)}];
        for (size_t i = 0; i < 4; ++i) f.faces[i] = q.integer(c + 4 + i);
        f.suppressed = q.integer(c + 8);
        f.withoutCase = q.integer(c + 9);
        f.fastTop = q.integer(c + 10);
        f.casesLogged = q.integer(c + 11);
        f.casesRated = q.integer(c + 12);
        f.surveys = q.integer(c + 13);
        for (size_t i = 0; i < f.unsur.size(); ++i) f.unsur[i] = ikm::Tally{q.integer(c + 14 + 2 * i), q.integer(c + 15 + 2 * i)};
        for (size_t i = 0; i < 4; ++i) f.sessionFaces[i] = q.integer(c + 14 + 2 * f.unsur.size() + i);
    });
    each(k[1], [&](Slice& s, const sql::Row& q) {
        s.reasons[{Key{q.text(c), q.text(c + 1), q.text(c + 2), q.text(c + 3)}, q.text(c + 4)}] = {q.integer(c + 5), q.integer(c + 6)};
    });
    each(k[2], [&](Slice& s, const sql::Row& q) { s.runs[{q.text(c), q.text(c + 1)}] = q.integer(c + 2); });
    each(k[3], [&](Slice& s, const sql::Row& q) { s.devices[q.text(c)] = DeviceDay{q.integer(c + 1), q.integer(c + 2), q.integer(c + 3)}; });
    return out;
}

void writeMonths(sql::Connection& db, const std::string& device, const std::set<int64_t>& months)
{
    for (const int64_t month : months) {
        for (const Kind& kind : kinds()) {
            std::vector<sql::Value> params = {month, monthFirstDay(month), monthFirstDay(month + 1) - 1};
            std::string onDevice;
            if (device.empty()) {
                db.query("DELETE FROM " + kind.month + " WHERE month = $1", {month});
            } else {
                db.query("DELETE FROM " + kind.month + " WHERE month = $1 AND device_id = $2", {month, device});
                params.emplace_back(device);
                onDevice = " AND device_id = $4";
            }
            db.query("INSERT INTO " + kind.month + " (month, " + kind.keys + ", " + kind.values + ") SELECT CAST($1 AS BIGINT), " + kind.keys + ", " + kind.sums +
                         " FROM " + kind.day + " WHERE day >= $2 AND day <= $3" + onDevice + " GROUP BY " + kind.keys,
                     params);
        }
    }
}

void buildMonths(sql::Connection& db)
{
    std::set<int64_t> months;
    std::string days;
    for (const Kind& kind : kinds()) {
        db.exec("DELETE FROM " + kind.month);
        days += (days.empty() ? "SELECT DISTINCT day FROM " : " UNION SELECT DISTINCT day FROM ") + kind.day;
    }
    db.each(days, {}, [&](const sql::Row& r) { months.insert(monthOfDay(r.integer(0))); });
    writeMonths(db, "", months);
    db.exec("UPDATE rollup_meta SET months_built = 1");
}

int64_t requireOffset(sql::Connection& db)
{
    const auto offset = dayOffsetMs(db);
    if (!offset) throw sql::Error(sql::Error::Kind::Other, "the rollups have not been built (rollup_meta is empty)");
    return *offset;
}

Slice readRollups(sql::Connection& db, int64_t firstDay, int64_t lastDay)
{
    if (firstDay > lastDay) return {};
    std::map<int64_t, Slice> all = readStored(db, cover(firstDay, lastDay), false);
    return all.empty() ? Slice{} : std::move(all.begin()->second);
}

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
        // The officer and the faces only: read from the covering indexes.
        std::vector<sql::Value> params;
        const std::string rows = rowsOf("rollup_groups", "rollup_month_groups", "officer_nip, f1, f2, f3, f4", cover(days->first, days->second), params);
        std::string sqlText = "SELECT coalesce(sum(f1 + f2 + f3 + f4), 0), coalesce(sum(f1 + 2 * f2 + 3 * f3 + 4 * f4), 0) FROM (" + rows + ") r";
        if (nips) {
            std::string list;
            for (const std::string& nip : *nips) {
                params.emplace_back(nip);
                list += (list.empty() ? "$" : ", $") + std::to_string(params.size());
            }
            sqlText += " WHERE officer_nip IN (" + list + ")";
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

} // namespace skm::central::rollup
