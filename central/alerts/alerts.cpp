#include "alerts.hpp"

#include <central/reports/period.hpp>
#include <core/complaint_ref.hpp>
#include <core/phone_link.hpp>
#include <core/text_controls.hpp>
#include <core/uuid.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <mutex>
#include <set>

namespace skm::central::alerts {

namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr int64_t kDayMs = 24 * kHourMs;
// A rating that committed just before the last pass's cursor may show up only now: read this far back.
constexpr int64_t kScanMarginMs = 5 * kMinuteMs;
// Windows of the unhappy rule are looked at up to this far back (an older upload is history: the report's).
constexpr int64_t kUnhappyHorizonMs = kDayMs;

std::string newId(int64_t nowMs)
{
    static std::mutex m;
    static store::UuidV7Generator ids;
    const std::lock_guard lock(m);
    return ids.next(nowMs).str();
}

std::string unitOf(const std::map<std::string, OfficerInfo>& officers, const std::string& nip)
{
    const auto it = officers.find(nip);
    return it == officers.end() ? std::string() : it->second.unit;
}

std::string nameOf(const std::map<std::string, OfficerInfo>& officers, const std::string& nip)
{
    const auto it = officers.find(nip);
    return it == officers.end() ? std::string() : it->second.name;
}

struct Scanned {
    std::string id, deviceId, counter, nip, service, caseId, comment, reasons;
    int score = 0;
    bool counted = false; // not suppressed, a plausible time
    int64_t createdMs = 0;
    int chainState = 0;
    int64_t chainSeq = 0;
};

// Inserts the alert and, when it is new, its `raised` event and its deliveries. Returns true if it was new.
bool raise(sql::Connection& db, const AlertConfig& config, Alert& a, bool integrity, int64_t nowMs)
{
    // Raised already: known without taking the write lock (the scan reads a rating again within its margin).
    if (db.one("SELECT 1 FROM alerts WHERE open_key = $1", {a.ruleKey})) return false;
    sql::Transaction tx(db);
    a.id = newId(nowMs);
    a.raisedAtMs = nowMs;
    a.status = "baru";
    a.rev = 1;
    const sql::Rows r = db.query("INSERT INTO alerts (id, rule, rule_key, open_key, unit, device_id, counter, title, detail, raised_at_ms, last_breach_ms, "
                                 "cleared_at_ms, status, rev) VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $10, NULL, 'baru', 1) "
                                 "ON CONFLICT (open_key) DO NOTHING",
                                 {a.id, a.rule, a.ruleKey, a.unit, a.deviceId, a.counter, a.title, a.detail.dump(), nowMs, a.lastBreachMs});
    if (r.affected != 1) return false; // raised already (here or by another replica)
    recordEvent(db, a.id, nowMs, kServiceUser, "raised", a.title);
    const Recipients to = config.recipientsFor(a.unit, a.counter);
    auto deliver = [&](const char* channel, const std::string& target) {
        db.query("INSERT INTO alert_deliveries (id, alert_id, channel, target, status, attempts, next_attempt_ms, lease_until_ms, last_error) "
                 "VALUES ($1, $2, $3, $4, 'pending', 0, $5, 0, '') ON CONFLICT (alert_id, channel, target) DO NOTHING",
                 {newId(nowMs), a.id, channel, target, nowMs});
    };
    // A reason alert (unofficial fees) goes to the integrity contacts; the rest to the unit's list.
    for (const std::string& e : integrity ? to.integrityTo : to.emailTo) deliver("email", e);
    for (const std::string& w : to.webhooks) deliver("webhook", w);
    tx.commit();
    spdlog::warn("alert {} raised: {}", a.id, a.title);
    return true;
}

std::string counterName(const std::string& deviceId, const std::string& counter)
{
    return counter.empty() ? deviceId : counter + " (" + deviceId + ")";
}

std::string reasonLabel(const std::string& code)
{
    return code == "pungutan" ? "Ada pungutan tidak resmi" : code;
}

// The reason codes of a rating's reasons text (a JSON array; anything else has none).
std::vector<std::string> reasonCodes(const std::string& text)
{
    std::vector<std::string> out;
    if (text.empty()) return out;
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_array()) return out;
    for (const auto& v : j) {
        if (v.is_string()) out.push_back(v.get<std::string>());
    }
    return out;
}

void reasonRule(sql::Connection& db, const AlertConfig& config, const std::map<std::string, OfficerInfo>& officers, const Scanned& s, int64_t nowMs,
                ScanResult& out)
{
    if (!s.counted || s.reasons.empty()) return;
    const std::string unit = unitOf(officers, s.nip);
    const Rules rules = config.rulesFor(unit, s.counter);
    for (const std::string& code : reasonCodes(s.reasons)) {
        if (std::find(rules.reasons.begin(), rules.reasons.end(), code) == rules.reasons.end()) continue;
        Alert a;
        a.rule = "reason";
        a.ruleKey = "reason:" + s.id; // one alert per rating
        a.unit = unit;
        a.deviceId = s.deviceId;
        a.counter = s.counter;
        const std::string officer = nameOf(officers, s.nip);
        a.title = reasonLabel(code) + ": penilaian di " + counterName(s.deviceId, s.counter) +
                  (s.nip.empty() ? std::string(", tanpa petugas") : ", petugas " + (officer.empty() ? s.nip : officer + " (" + s.nip + ")"));
        a.detail = {{"rating_id", s.id}, {"reason", code}, {"score", s.score}, {"at_ms", s.createdMs}, {"officer_nip", s.nip}, {"officer_name", officer},
                    {"service", s.service}, {"case_id", s.caseId}, {"comment", text::readable(s.comment)},
                    {"complaint_ref", complaint::referenceFor(s.id)}}; // the code the kiosk showed, if it offered SP4N-LAPOR!
        a.lastBreachMs = s.createdMs;
        out.raised += raise(db, config, a, true, nowMs) ? 1 : 0;
        return;
    }
}

void chainRule(sql::Connection& db, const AlertConfig& config, const Scanned& s, int64_t nowMs, ScanResult& out)
{
    if (s.chainState != 2) return;
    // A device's records altered: the technician's and the admin's, not the unit's (whose kiosk it may be).
    const std::string unit;
    if (!config.rulesFor(unit, s.counter).chainBreak) return;
    Alert a;
    a.rule = "chain";
    const std::string day = localDate(nowMs);
    a.ruleKey = "chain:" + s.deviceId + ":" + day; // at most one a day per device
    a.unit = unit;
    a.deviceId = s.deviceId;
    a.counter = s.counter;
    a.title = "Rantai penilaian kiosk " + s.deviceId + " terputus: penilaian tiba dalam keadaan berubah (" + counterName(s.deviceId, s.counter) + ")";
    a.detail = {{"rating_id", s.id}, {"chain_seq", s.chainSeq}, {"day", day}};
    a.lastBreachMs = s.createdMs;
    out.raised += raise(db, config, a, false, nowMs) ? 1 : 0;
}

struct Counted {
    int64_t t;
    int score;
    std::string nip;
};

// The unhappy rule over one counter's new ratings (`anchors`, oldest first).
void unhappyRule(sql::Connection& db, const AlertConfig& config, const std::map<std::string, OfficerInfo>& officers, const std::string& deviceId,
                 const std::string& counter, std::vector<const Scanned*> anchors, int64_t nowMs, ScanResult& out)
{
    std::sort(anchors.begin(), anchors.end(), [](const Scanned* a, const Scanned* b) { return a->createdMs < b->createdMs; });
    // The window's rules come from the newest rating's unit (the officer serving there now); the alert
    // belongs to the unit whose officers most of the breach's unhappy ratings rated.
    std::string unit;
    for (auto it = anchors.rbegin(); it != anchors.rend() && unit.empty(); ++it) unit = unitOf(officers, (*it)->nip);
    const Rules rules = config.rulesFor(unit, counter);
    const int64_t windowMs = rules.unhappyWindowMinutes * kMinuteMs;
    std::vector<Counted> all;
    db.each("SELECT created_wall_ms, score, coalesce(officer_nip, '') FROM ratings WHERE device_id = $1 AND counter = $2 AND created_wall_ms > $3 "
            "AND created_wall_ms <= $4 AND suppressed = 0 AND time_suspect = 0 ORDER BY created_wall_ms",
            {deviceId, counter, anchors.front()->createdMs - windowMs, anchors.back()->createdMs},
            [&](const sql::Row& r) { all.push_back({r.integer(0), static_cast<int>(r.integer(1)), r.text(2)}); });
    const std::string key = "unhappy:" + deviceId + "/" + counter;
    size_t lo = 0, hi = 0;
    int64_t n = 0, unhappy = 0;
    for (const Scanned* anchor : anchors) {
        const int64_t t = anchor->createdMs;
        while (hi < all.size() && all[hi].t <= t) {
            ++n;
            unhappy += all[hi].score <= 2;
            ++hi;
        }
        while (lo < hi && all[lo].t <= t - windowMs) {
            --n;
            unhappy -= all[lo].score <= 2;
            ++lo;
        }
        if (n < rules.unhappyMinCount || static_cast<double>(unhappy) <= rules.unhappyShare * static_cast<double>(n)) continue;
        // A breach at t. Part of the last one if that was seen within a window of t.
        const auto last = db.one("SELECT id, last_breach_ms, open_key FROM alerts WHERE rule_key = $1 ORDER BY last_breach_ms DESC LIMIT 1", {key});
        if (last && t <= last->integer(1)) continue;
        if (last && t - last->integer(1) < windowMs) {
            db.query("UPDATE alerts SET last_breach_ms = $2 WHERE id = $1 AND last_breach_ms < $2", {last->text(0), t});
            ++out.extended;
            continue;
        }
        if (last && !last->isNull(2)) {
            // The last breach ended more than a window ago and was not yet seen to end: end it now.
            sql::Transaction tx(db);
            if (db.query("UPDATE alerts SET open_key = NULL, cleared_at_ms = $2 WHERE id = $1 AND open_key IS NOT NULL", {last->text(0), nowMs}).affected == 1) {
                recordEvent(db, last->text(0), nowMs, kServiceUser, "cleared", "");
                ++out.cleared;
            }
            tx.commit();
        }
        std::set<std::string> nips;
        std::map<std::string, int> unhappyByUnit; // the alert is the unit's whose officers most of the unhappy ratings rated
        for (size_t i = lo; i < hi; ++i) {
            if (!all[i].nip.empty()) nips.insert(all[i].nip);
            if (all[i].score <= 2) ++unhappyByUnit[unitOf(officers, all[i].nip)];
        }
        std::string breachUnit;
        int most = 0;
        for (const auto& [u, k] : unhappyByUnit) {
            if (k > most) {
                most = k;
                breachUnit = u;
            }
        }
        nlohmann::json officersJson = nlohmann::json::array();
        std::string names;
        for (const std::string& nip : nips) {
            const std::string name = nameOf(officers, nip);
            officersJson.push_back({{"nip", nip}, {"name", name}});
            names += (names.empty() ? "" : ", ") + (name.empty() ? nip : name);
        }
        Alert a;
        a.rule = "unhappy";
        a.ruleKey = key;
        a.unit = breachUnit;
        a.deviceId = deviceId;
        a.counter = counter;
        a.title = counterName(deviceId, counter) + ": " + std::to_string(unhappy) + " dari " + std::to_string(n) + " penilaian Kurang Baik/Tidak Baik dalam " +
                  std::to_string(rules.unhappyWindowMinutes) + " menit" + (names.empty() ? "" : " (petugas: " + names + ")");
        a.detail = {{"window_minutes", rules.unhappyWindowMinutes}, {"from_ms", t - windowMs}, {"to_ms", t}, {"counted", n}, {"unhappy", unhappy},
                    {"share", static_cast<double>(unhappy) / static_cast<double>(n)}, {"threshold", rules.unhappyShare}, {"min_count", rules.unhappyMinCount},
                    {"officers", officersJson}};
        a.lastBreachMs = t;
        out.raised += raise(db, config, a, false, nowMs) ? 1 : 0;
    }
}

void silentRule(sql::Connection& db, const AlertConfig& config, int64_t nowMs, ScanResult& out)
{
    struct Contact {
        std::string device;
        int64_t lastSeen;
    };
    // A kiosk is watched once it has been heard from within office hours (in the last week): a kiosk that
    // syncs only at night (no skm-sync-live) is never "silent" by day. The last contact of each device
    // that fell within office hours is noted here, pass by pass.
    std::vector<std::pair<std::string, int64_t>> inHours;
    db.each("SELECT device_id, last_seen_ms FROM device_contacts WHERE office_seen_ms IS NULL OR office_seen_ms < last_seen_ms", {}, [&](const sql::Row& r) {
        const int64_t seen = r.integer(1);
        if (officeMsBetween(seen - 1, seen, config) > 0) inHours.emplace_back(r.text(0), seen);
    });
    for (const auto& [device, seen] : inHours) {
        db.query("UPDATE device_contacts SET office_seen_ms = $2 WHERE device_id = $1 AND coalesce(office_seen_ms, 0) < $2", {device, seen});
    }
    std::vector<Contact> quiet;
    // A device heard from within the last hour is not silent under any setting (1 hour is the least).
    db.each("SELECT device_id, last_seen_ms FROM device_contacts WHERE last_seen_ms < $1 AND device_id <> $2 AND office_seen_ms > $3",
            {nowMs - kHourMs, phone::kPosterDevice, nowMs - 7 * kDayMs}, [&](const sql::Row& r) { quiet.push_back({r.text(0), r.integer(1)}); });
    for (const Contact& c : quiet) {
        const auto latest = db.one("SELECT counter FROM ratings WHERE device_id = $1 ORDER BY created_wall_ms DESC LIMIT 1", {c.device});
        const std::string counter = latest ? latest->text(0) : "";
        const Rules rules = config.rulesFor("", counter);
        if (rules.silentHours == 0) continue;
        const int64_t silentMs = officeMsBetween(c.lastSeen, nowMs, config);
        if (silentMs < rules.silentHours * kHourMs) continue;
        Alert a;
        a.rule = "silent";
        a.ruleKey = "silent:" + c.device;
        a.deviceId = c.device;
        a.counter = counter;
        a.title = "Kiosk " + counterName(c.device, counter) + " tidak terhubung selama " + std::to_string(silentMs / kHourMs) + " jam kerja (terakhir " +
                  localDate(c.lastSeen) + ")";
        a.detail = {{"last_seen_ms", c.lastSeen}, {"office_hours_silent", static_cast<double>(silentMs) / kHourMs}, {"threshold_hours", rules.silentHours}};
        a.lastBreachMs = nowMs;
        out.raised += raise(db, config, a, false, nowMs) ? 1 : 0;
    }
}

// Breaches that ended: an unhappy counter a whole window after its last breach, a silent kiosk heard from again.
void clearEnded(sql::Connection& db, const AlertConfig& config, int64_t nowMs, ScanResult& out)
{
    struct Open {
        std::string id, rule, unit, counter, device;
        int64_t lastBreach, raised;
    };
    std::vector<Open> open;
    db.each("SELECT id, rule, unit, counter, device_id, last_breach_ms, raised_at_ms FROM alerts WHERE open_key IS NOT NULL AND rule IN ('unhappy', 'silent')",
            {}, [&](const sql::Row& r) { open.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.integer(5), r.integer(6)}); });
    for (const Open& o : open) {
        bool ended = false;
        if (o.rule == "unhappy") {
            ended = nowMs - o.lastBreach >= config.rulesFor(o.unit, o.counter).unhappyWindowMinutes * kMinuteMs;
        } else {
            const auto seen = db.one("SELECT last_seen_ms FROM device_contacts WHERE device_id = $1", {o.device});
            ended = seen && seen->integer(0) > o.raised;
        }
        if (!ended) continue;
        sql::Transaction tx(db);
        if (db.query("UPDATE alerts SET open_key = NULL, cleared_at_ms = $2 WHERE id = $1 AND open_key IS NOT NULL", {o.id, nowMs}).affected == 1) {
            recordEvent(db, o.id, nowMs, kServiceUser, "cleared", o.rule == "silent" ? "kiosk terhubung lagi" : "");
            ++out.cleared;
        }
        tx.commit();
    }
}

Alert alertOf(const sql::Row& r)
{
    Alert a;
    a.id = r.text(0);
    a.rule = r.text(1);
    a.ruleKey = r.text(2);
    a.unit = r.text(3);
    a.deviceId = r.text(4);
    a.counter = r.text(5);
    a.title = r.text(6);
    a.detail = nlohmann::json::parse(r.text(7), nullptr, false);
    a.raisedAtMs = r.integer(8);
    a.lastBreachMs = r.integer(9);
    a.clearedAtMs = r.optInteger(10);
    a.status = r.text(11);
    a.rev = r.integer(12);
    return a;
}

constexpr const char* kAlertColumns =
    "SELECT id, rule, rule_key, unit, device_id, counter, title, detail, raised_at_ms, last_breach_ms, cleared_at_ms, status, rev FROM alerts";

} // namespace

const char* statusLabel(const std::string& status, bool english)
{
    if (status == "baru") return english ? "new" : "baru";
    if (status == "diterima") return english ? "acknowledged" : "diterima";
    if (status == "ditutup") return english ? "closed" : "ditutup";
    return "?";
}

const char* ruleLabel(const std::string& rule, bool english)
{
    if (rule == "unhappy") return english ? "Many unhappy ratings" : "Banyak penilaian buruk";
    if (rule == "reason") return english ? "Integrity (reason)" : "Integritas (alasan)";
    if (rule == "silent") return english ? "Kiosk silent" : "Kiosk tidak terhubung";
    if (rule == "chain") return english ? "Chain broken" : "Rantai terputus";
    return "?";
}

int64_t officeMsBetween(int64_t fromMs, int64_t toMs, const AlertConfig& config)
{
    if (toMs <= fromMs) return 0;
    int64_t total = 0;
    // Day by day in local time, from the local midnight of `fromMs` (at most 400 days: far past any threshold).
    time_t t = static_cast<time_t>(fromMs / 1000);
    std::tm day{};
    localtime_r(&t, &day);
    day.tm_hour = 0;
    day.tm_min = 0;
    day.tm_sec = 0;
    day.tm_isdst = -1;
    for (int i = 0; i < 400; ++i) {
        std::tm d = day;
        d.tm_mday += i;
        d.tm_isdst = -1;
        const time_t midnight = mktime(&d); // normalises d (its weekday too)
        const int64_t midnightMs = static_cast<int64_t>(midnight) * 1000;
        if (midnightMs >= toMs) break;
        const int iso = d.tm_wday == 0 ? 7 : d.tm_wday;
        if (std::find(config.officeDays.begin(), config.officeDays.end(), iso) == config.officeDays.end()) continue;
        const int64_t start = std::max(fromMs, midnightMs + config.officeStartMinute * kMinuteMs);
        const int64_t end = std::min(toMs, midnightMs + config.officeEndMinute * kMinuteMs);
        if (end > start) total += end - start;
    }
    return total;
}

ScanResult scan(sql::Connection& db, const AlertConfig& config, const std::map<std::string, OfficerInfo>& officers, int64_t nowMs)
{
    ScanResult out;
    db.query("INSERT INTO alert_scan (one, scanned_ms) VALUES (1, $1) ON CONFLICT (one) DO NOTHING", {nowMs});
    const int64_t from = db.queryInt("SELECT scanned_ms FROM alert_scan WHERE one = 1") - kScanMarginMs;
    std::vector<Scanned> rows;
    db.each("SELECT id, device_id, counter, coalesce(officer_nip, ''), coalesce(service_code, ''), coalesce(case_id, ''), coalesce(comment, ''), "
            "coalesce(reasons, ''), score, suppressed, time_suspect, created_wall_ms, coalesce(chain_state, 0), coalesce(chain_seq, 0) FROM ratings "
            "WHERE received_at_ms >= $1 OR updated_at_ms >= $1",
            {from}, [&](const sql::Row& r) {
                Scanned s;
                s.id = r.text(0);
                s.deviceId = r.text(1);
                s.counter = r.text(2);
                s.nip = r.text(3);
                s.service = r.text(4);
                s.caseId = r.text(5);
                s.comment = r.text(6);
                s.reasons = r.text(7);
                s.score = static_cast<int>(r.integer(8));
                s.counted = r.integer(9) == 0 && r.integer(10) == 0;
                s.createdMs = r.integer(11);
                s.chainState = static_cast<int>(r.integer(12));
                s.chainSeq = r.integer(13);
                rows.push_back(std::move(s));
            });
    out.ratingsRead = static_cast<int64_t>(rows.size());
    std::map<std::pair<std::string, std::string>, std::vector<const Scanned*>> byCounter;
    for (const Scanned& s : rows) {
        reasonRule(db, config, officers, s, nowMs, out);
        chainRule(db, config, s, nowMs, out);
        if (s.counted && s.createdMs > nowMs - kUnhappyHorizonMs) byCounter[{s.deviceId, s.counter}].push_back(&s);
    }
    for (const auto& [where, anchors] : byCounter) unhappyRule(db, config, officers, where.first, where.second, anchors, nowMs, out);
    silentRule(db, config, nowMs, out);
    clearEnded(db, config, nowMs, out);
    db.query("UPDATE alert_scan SET scanned_ms = $1 WHERE one = 1 AND scanned_ms < $1", {nowMs});
    return out;
}

std::vector<Alert> listAlerts(sql::Connection& db, const AlertFilter& f)
{
    std::vector<Alert> out;
    std::string sql = std::string(kAlertColumns) + " WHERE 1 = 1";
    std::vector<sql::Value> params;
    if (f.unit) {
        params.push_back(*f.unit);
        sql += " AND unit = $" + std::to_string(params.size());
    }
    if (!f.closedToo) sql += " AND status <> 'ditutup'";
    params.push_back(static_cast<int64_t>(f.limit));
    sql += " ORDER BY raised_at_ms DESC, id DESC LIMIT $" + std::to_string(params.size());
    db.each(sql, params, [&](const sql::Row& r) { out.push_back(alertOf(r)); });
    return out;
}

std::optional<Alert> findAlert(sql::Connection& db, const std::string& id)
{
    const auto r = db.one(std::string(kAlertColumns) + " WHERE id = $1", {id});
    if (!r) return std::nullopt;
    return alertOf(*r);
}

nlohmann::json alertEvents(sql::Connection& db, const std::string& id)
{
    nlohmann::json out = nlohmann::json::array();
    db.each("SELECT at_ms, username, action, note FROM alert_events WHERE alert_id = $1 ORDER BY at_ms, id", {id}, [&](const sql::Row& r) {
        out.push_back({{"at_ms", r.integer(0)}, {"user", r.text(1)}, {"action", r.text(2)}, {"note", r.text(3)}});
    });
    return out;
}

std::vector<Delivery> alertDeliveries(sql::Connection& db, const std::string& id)
{
    std::vector<Delivery> out;
    db.each("SELECT id, alert_id, channel, target, status, last_error, attempts, next_attempt_ms, delivered_at_ms FROM alert_deliveries WHERE alert_id = $1 "
            "ORDER BY channel, target",
            {id}, [&](const sql::Row& r) {
                out.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5), r.integer(6), r.integer(7), r.optInteger(8)});
            });
    return out;
}

void recordEvent(sql::Connection& db, const std::string& alertId, int64_t atMs, const std::string& user, const std::string& action, const std::string& note)
{
    db.query("INSERT INTO alert_events (id, alert_id, at_ms, username, action, note) VALUES ($1, $2, $3, $4, $5, $6)",
             {newId(atMs), alertId, atMs, user, action, note});
}

Alert actOnAlert(sql::Connection& db, const std::string& id, int64_t expectedRev, const std::string& step, const std::string& noteIn, const std::string& user,
                 int64_t nowMs)
{
    std::string note = noteIn;
    while (!note.empty() && std::isspace(static_cast<unsigned char>(note.back()))) note.pop_back();
    note.erase(0, note.find_first_not_of(" \t\r\n") == std::string::npos ? note.size() : note.find_first_not_of(" \t\r\n"));
    if (note.size() > 2000) throw AlertError("Catatan terlalu panjang (paling banyak 2000 byte)", "The note is too long (2000 bytes at most)");
    for (size_t i = 0; i < note.size();) {
        const auto c = static_cast<unsigned char>(note[i]);
        const size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > note.size() || (n == 2 && c < 0xC2)) throw AlertError("Catatan bukan teks UTF-8", "The note is not UTF-8 text");
        for (size_t k = 1; k < n; ++k) {
            if ((static_cast<unsigned char>(note[i + k]) & 0xC0) != 0x80) throw AlertError("Catatan bukan teks UTF-8", "The note is not UTF-8 text");
        }
        i += n;
    }
    if (text::hasControl(note, {true, true})) throw AlertError("Catatan memuat karakter kendali", "The note holds a control or bidirectional character");
    sql::Transaction tx(db);
    const auto found = db.one(std::string(kAlertColumns) + " WHERE id = $1" + db.forUpdate(), {id});
    if (!found) throw AlertError("Peringatan tidak ditemukan", "No such alert");
    Alert a = alertOf(*found);
    if (a.rev != expectedRev) throw AlertError("Peringatan ini baru saja diubah orang lain; muat ulang halaman", "Someone changed this alert meanwhile; reload the page");
    std::string status = a.status, action;
    if (step == "acknowledge") {
        if (a.status != "baru") throw AlertError("Peringatan ini sudah diterima atau ditutup", "This alert was already acknowledged or closed");
        status = "diterima";
        action = "acknowledged";
    } else if (step == "comment") {
        if (note.empty()) throw AlertError("Catatan kosong", "The note is empty");
        action = "commented";
    } else if (step == "close") {
        if (a.status == "ditutup") throw AlertError("Peringatan ini sudah ditutup", "This alert is already closed");
        status = "ditutup";
        action = "closed";
    } else {
        throw AlertError("Langkah tidak dikenal", "Unknown step");
    }
    db.query("UPDATE alerts SET status = $2, rev = rev + 1 WHERE id = $1", {id, status});
    recordEvent(db, id, nowMs, user, action, note);
    tx.commit();
    a.status = status;
    a.rev += 1;
    return a;
}

} // namespace skm::central::alerts
