#include "followups.hpp"

#include <central/reports/period.hpp>
#include <core/uuid.hpp>

#include <algorithm>
#include <mutex>
#include <regex>

namespace skm::central {

namespace {

std::string newId(int64_t nowMs)
{
    static std::mutex m;
    static store::UuidV7Generator ids;
    const std::lock_guard lock(m);
    return ids.next(nowMs).str();
}

bool hasControl(const std::string& s)
{
    for (unsigned char c : s) {
        if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) return true;
    }
    return false;
}

size_t characters(const std::string& s)
{
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

std::string trimmed(const std::string& s)
{
    const size_t a = s.find_first_not_of(" \t\r\n");
    if (a == std::string::npos) return "";
    return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

// Well-formed UTF-8 (what a browser sends; anything else cannot be stored as text or shown).
bool validUtf8(const std::string& s)
{
    for (size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > s.size() || (n == 2 && c < 0xC2)) return false;
        for (size_t k = 1; k < n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        }
        i += n;
    }
    return true;
}

void checkText(const std::string& v, size_t max, bool required, const std::string& nameId, const std::string& nameEn)
{
    if (!validUtf8(v)) throw FollowupError(nameId + " bukan teks UTF-8 yang sah", "The " + nameEn + " is not valid UTF-8 text");
    if (required && v.empty()) throw FollowupError(nameId + " kosong", "The " + nameEn + " is empty");
    if (characters(v) > max) throw FollowupError(nameId + " lebih dari " + std::to_string(max) + " karakter", "The " + nameEn + " is longer than " + std::to_string(max) + " characters");
    if (hasControl(v)) throw FollowupError(nameId + " memuat karakter kendali", "The " + nameEn + " holds control characters");
}

void checkStatus(const std::string& status)
{
    if (std::find(kFollowupStatuses.begin(), kFollowupStatuses.end(), status) == kFollowupStatuses.end()) {
        throw FollowupError("Status tidak dikenal: " + status, "Unknown status: " + status);
    }
}

nlohmann::json stateOf(const Followup& f)
{
    return {{"unit", f.unit},     {"period", f.period}, {"unsur", f.unsur},   {"action", f.action},
            {"responsible", f.responsible}, {"due_date", f.dueDate}, {"status", f.status}, {"evidence", f.evidence}};
}

const char* kColumns = "id, unit, period, unsur, action, responsible, due_date, status, evidence, rev, created_by, created_at_ms, updated_by, updated_at_ms";

Followup fromRow(const sql::Row& r)
{
    return {r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5), r.text(6), r.text(7), r.text(8), r.integer(9), r.text(10), r.text(12),
            r.integer(11), r.integer(13)};
}

void history(sql::Connection& db, const Followup& f, const std::string& user, int64_t nowMs)
{
    db.query("INSERT INTO followup_history (id, followup_id, rev, at_ms, username, state) VALUES ($1, $2, $3, $4, $5, $6)",
             {f.id + "/" + std::to_string(f.rev), f.id, f.rev, nowMs, user, stateOf(f).dump()});
}

} // namespace

const char* followupStatusLabel(const std::string& status, bool english)
{
    if (status == "rencana") return english ? "planned" : "rencana";
    if (status == "berjalan") return english ? "under way" : "berjalan";
    if (status == "selesai") return english ? "done" : "selesai";
    if (status == "batal") return english ? "given up" : "batal";
    return "?";
}

std::vector<Followup> listFollowups(sql::Connection& db, const std::string& unit, const std::string& period)
{
    std::vector<Followup> out;
    for (const sql::Row& r : db.query(std::string("SELECT ") + kColumns + " FROM followups WHERE unit = $1 AND period = $2 ORDER BY created_at_ms, id", {unit, period}).rows) {
        out.push_back(fromRow(r));
    }
    return out;
}

std::optional<Followup> findFollowup(sql::Connection& db, const std::string& id)
{
    const auto r = db.one(std::string("SELECT ") + kColumns + " FROM followups WHERE id = $1", {id});
    if (!r) return std::nullopt;
    return fromRow(*r);
}

Followup addFollowup(sql::Connection& db, Followup f, const std::string& user, int64_t nowMs)
{
    f.action = trimmed(f.action);
    f.responsible = trimmed(f.responsible);
    f.evidence = trimmed(f.evidence);
    if (!std::regex_match(f.unsur, std::regex("U[1-9]"))) throw FollowupError("Pilih unsur U1–U9", "Choose an unsur, U1-U9");
    checkText(f.action, 1000, true, "Tindakan", "action");
    checkText(f.responsible, 200, true, "Penanggung jawab", "person responsible");
    checkText(f.evidence, 2000, false, "Catatan bukti", "evidence note");
    if (!localDay(f.dueDate)) throw FollowupError("Batas waktu bukan tanggal (YYYY-MM-DD): " + f.dueDate, "The due date is not a date (YYYY-MM-DD): " + f.dueDate);
    if (f.status.empty()) f.status = "rencana";
    checkStatus(f.status);
    if (!parsePeriod(f.period, nullptr)) throw FollowupError("Periode tidak dikenal: " + f.period, "Unknown period: " + f.period);
    f.id = newId(nowMs);
    f.rev = 1;
    f.createdBy = f.updatedBy = user;
    f.createdAtMs = f.updatedAtMs = nowMs;
    sql::Transaction tx(db);
    db.query(std::string("INSERT INTO followups (") + kColumns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
             {f.id, f.unit, f.period, f.unsur, f.action, f.responsible, f.dueDate, f.status, f.evidence, f.rev, f.createdBy, f.createdAtMs, f.updatedBy,
              f.updatedAtMs});
    history(db, f, user, nowMs);
    tx.commit();
    return f;
}

Followup updateFollowup(sql::Connection& db, const std::string& id, int64_t expectedRev, const std::string& status, const std::string& evidenceIn,
                        const std::string& user, int64_t nowMs)
{
    const std::string evidence = trimmed(evidenceIn);
    checkStatus(status);
    checkText(evidence, 2000, false, "Catatan bukti", "evidence note");
    sql::Transaction tx(db);
    auto f = findFollowup(db, id);
    if (!f) throw FollowupError("Tindak lanjut tidak ditemukan", "No such follow-up item");
    if (f->rev != expectedRev) {
        throw FollowupError("Tindak lanjut ini sudah diubah oleh " + f->updatedBy + "; muat ulang halaman lalu ulangi",
                            "This item was changed meanwhile by " + f->updatedBy + "; reload the page and try again");
    }
    if (f->status == status && f->evidence == evidence) return *f;
    f->status = status;
    f->evidence = evidence;
    f->rev += 1;
    f->updatedBy = user;
    f->updatedAtMs = nowMs;
    // The revision in the condition too: two replicas changing it at once, one wins, the other is told.
    const auto changed = db.query("UPDATE followups SET status = $1, evidence = $2, rev = $3, updated_by = $4, updated_at_ms = $5 WHERE id = $6 AND rev = $7",
                                  {f->status, f->evidence, f->rev, user, nowMs, id, expectedRev});
    if (changed.affected != 1) throw FollowupError("Tindak lanjut ini sudah diubah; muat ulang halaman", "This item was changed meanwhile; reload the page");
    history(db, *f, user, nowMs);
    tx.commit();
    return *f;
}

nlohmann::json followupHistory(sql::Connection& db, const std::string& id)
{
    nlohmann::json out = nlohmann::json::array();
    for (const sql::Row& r : db.query("SELECT rev, at_ms, username, state FROM followup_history WHERE followup_id = $1 ORDER BY rev", {id}).rows) {
        out.push_back({{"rev", r.integer(0)}, {"at_ms", r.integer(1)}, {"user", r.text(2)}, {"state", nlohmann::json::parse(r.text(3), nullptr, false)}});
    }
    return out;
}

std::optional<int64_t> enteredPopulation(sql::Connection& db, const std::string& unit, const std::string& period)
{
    const auto r = db.one("SELECT population FROM populations WHERE unit = $1 AND period = $2", {unit, period});
    if (!r) return std::nullopt;
    return r->integer(0);
}

void setPopulation(sql::Connection& db, const std::string& unit, const std::string& period, int64_t population, const std::string& user, int64_t nowMs)
{
    if (population < 0 || population > kMaxPopulation) {
        throw FollowupError("Populasi harus 0 sampai " + std::to_string(kMaxPopulation), "The population must be 0 to " + std::to_string(kMaxPopulation));
    }
    if (!parsePeriod(period, nullptr)) throw FollowupError("Periode tidak dikenal: " + period, "Unknown period: " + period);
    sql::Transaction tx(db);
    db.query("INSERT INTO populations (id, unit, period, population, entered_by, entered_at_ms) VALUES ($1, $2, $3, $4, $5, $6)"
             " ON CONFLICT (unit, period) DO UPDATE SET population = excluded.population, entered_by = excluded.entered_by, entered_at_ms = excluded.entered_at_ms",
             {newId(nowMs), unit, period, population, user, nowMs});
    db.query("INSERT INTO population_history (id, unit, period, population, entered_by, entered_at_ms) VALUES ($1, $2, $3, $4, $5, $6)",
             {newId(nowMs), unit, period, population, user, nowMs});
    tx.commit();
}

} // namespace skm::central
