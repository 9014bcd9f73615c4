#include "central_store.hpp"

#include <protocol.hpp>
#include <store/rating_store.hpp>
#include <store/uuid.hpp>

namespace skm::central {

namespace {
const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS devices (
    id          TEXT PRIMARY KEY,
    secret      TEXT NOT NULL,       -- hex, 32 bytes; the HMAC key of this device
    added_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS nonces (
    device_id TEXT NOT NULL,
    nonce     TEXT NOT NULL,
    at_s      INTEGER NOT NULL,
    PRIMARY KEY (device_id, nonce)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ratings (
    id              TEXT PRIMARY KEY,   -- the kiosk's UUIDv7: the de-duplication key
    device_id       TEXT NOT NULL,
    score           INTEGER NOT NULL CHECK (score BETWEEN 1 AND 4),
    created_wall_ms INTEGER NOT NULL,
    created_mono_ms INTEGER NOT NULL,
    boot_id         TEXT NOT NULL,
    counter         TEXT NOT NULL,
    officer_nip     TEXT,
    case_id         TEXT,
    service_code    TEXT,
    reasons         TEXT,
    comment         TEXT,
    suppressed      INTEGER NOT NULL,
    language        TEXT NOT NULL,
    scope           TEXT NOT NULL,
    received_at_ms  INTEGER NOT NULL,
    updated_at_ms   INTEGER
) WITHOUT ROWID;
PRAGMA user_version = 1;
)sql";

bool isString(const nlohmann::json& r, const char* k, size_t maxLen, bool nullable)
{
    const auto it = r.find(k);
    if (it == r.end()) return false;
    if (it->is_null()) return nullable;
    return it->is_string() && it->get_ref<const std::string&>().size() <= maxLen;
}

bool isInt(const nlohmann::json& r, const char* k) { return r.contains(k) && r[k].is_number_integer(); }

nlohmann::json orNull(const nlohmann::json& r, const char* k) { return r.contains(k) ? r[k] : nlohmann::json(nullptr); }
} // namespace

CentralStore::CentralStore(const std::filesystem::path& dataDir)
{
    std::error_code ec;
    std::filesystem::create_directories(dataDir, ec);
    try {
        m_db = store::Database((dataDir / "central.db").string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        m_db.exec("PRAGMA busy_timeout = 5000");
        if (store::switchToWal(m_db, 5000) != "wal") throw CentralError("central.db refused journal_mode=WAL");
        m_db.exec("PRAGMA synchronous = FULL");
        if (m_db.queryInt("PRAGMA synchronous") != 2) throw CentralError("central.db refused synchronous=FULL");
        if (m_db.queryInt("PRAGMA user_version") > 1) throw CentralError("central.db is newer than this skm-central");
        m_db.exec(kSchema);
    } catch (const store::SqliteError& e) {
        throw CentralError(std::string("cannot open the central database: ") + e.what());
    }
}

void CentralStore::addDevice(const std::string& id, const std::string& secretHex, int64_t nowMs)
{
    std::lock_guard lock(m_mutex);
    if (id.empty() || id.size() > 64 || id.find_first_of(" \t\r\n/") != std::string::npos) throw CentralError("a device id is 1-64 characters without spaces or '/'");
    store::Statement st(m_db, "INSERT INTO devices (id, secret, added_at_ms) VALUES (?1, ?2, ?3) ON CONFLICT (id) DO NOTHING");
    st.bind(1, std::string_view(id));
    st.bind(2, std::string_view(secretHex));
    st.bind(3, nowMs);
    (void)st.next();
    if (sqlite3_changes(m_db.handle()) == 0) throw CentralError("device " + id + " is already registered");
}

std::optional<std::string> CentralStore::deviceSecret(const std::string& id)
{
    std::lock_guard lock(m_mutex);
    store::Statement st(m_db, "SELECT secret FROM devices WHERE id = ?1");
    st.bind(1, std::string_view(id));
    if (!st.next()) return std::nullopt;
    return st.columnText(0);
}

bool CentralStore::recordNonce(const std::string& deviceId, const std::string& nonce, int64_t nowSeconds)
{
    std::lock_guard lock(m_mutex);
    store::Statement purge(m_db, "DELETE FROM nonces WHERE at_s < ?1");
    purge.bind(1, nowSeconds - 2 * protocol::kClockWindowSeconds);
    (void)purge.next();
    store::Statement st(m_db, "INSERT INTO nonces (device_id, nonce, at_s) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING");
    st.bind(1, std::string_view(deviceId));
    st.bind(2, std::string_view(nonce));
    st.bind(3, nowSeconds);
    (void)st.next();
    return sqlite3_changes(m_db.handle()) == 1;
}

std::string validateRating(const nlohmann::json& r, const std::string& deviceId)
{
    if (!r.is_object()) return "not an object";
    if (!isString(r, "id", 36, false) || !store::Uuid::parse(r["id"].get<std::string>()) || store::Uuid::parse(r["id"].get<std::string>())->version() != 7) {
        return "id must be a UUIDv7";
    }
    if (!isInt(r, "score") || r["score"].get<int64_t>() < 1 || r["score"].get<int64_t>() > 4) return "score must be 1 to 4";
    if (!isString(r, "device_id", 64, false) || r["device_id"] != deviceId) return "device_id does not match the signing device";
    if (!isInt(r, "created_wall_ms") || !isInt(r, "created_mono_ms")) return "created_wall_ms and created_mono_ms must be integers";
    if (!isString(r, "boot_id", 64, false) || !isString(r, "counter", 40, false)) return "boot_id and counter must be strings";
    if (!isString(r, "officer_nip", 18, true) || !isString(r, "case_id", 36, true) || !isString(r, "service_code", 32, true)) {
        return "officer_nip, case_id and service_code must be strings or null";
    }
    if (r.contains("reasons") && !r["reasons"].is_null()) {
        if (!r["reasons"].is_array() || r["reasons"].size() > 8) return "reasons must be an array of at most 8 codes";
        for (const auto& c : r["reasons"]) {
            if (!c.is_string() || c.get_ref<const std::string&>().size() > 32) return "reasons must be codes";
        }
    }
    if (!isString(r, "comment", 4000, true)) return "comment must be a string or null";
    if (!r.contains("suppressed") || !r["suppressed"].is_boolean()) return "suppressed must be true or false";
    if (!r.contains("language") || (r["language"] != "id" && r["language"] != "en")) return "language must be id or en";
    if (!r.contains("scope") || (r["scope"] != "case" && r["scope"] != "counter")) return "scope must be case or counter";
    return {};
}

std::vector<ItemResult> CentralStore::ingest(const std::string& deviceId, const nlohmann::json& ratings, int64_t nowMs)
{
    std::lock_guard lock(m_mutex);
    std::vector<ItemResult> results;
    store::Transaction tx(m_db);
    std::string message;
    if (int rc = tx.begin(&message); rc != SQLITE_OK) throw store::SqliteError(rc, "cannot start the ingest: " + message);
    store::Statement insert(m_db,
                            "INSERT INTO ratings (id, device_id, score, created_wall_ms, created_mono_ms, boot_id, counter, officer_nip, case_id,"
                            " service_code, reasons, comment, suppressed, language, scope, received_at_ms)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) ON CONFLICT (id) DO NOTHING");
    store::Statement existing(m_db, "SELECT device_id, coalesce(reasons, ''), coalesce(comment, '') FROM ratings WHERE id = ?1");
    store::Statement update(m_db, "UPDATE ratings SET reasons = ?2, comment = ?3, updated_at_ms = ?4 WHERE id = ?1");
    auto optText = [](store::Statement& st, int i, const nlohmann::json& v) {
        if (v.is_null()) st.bindNull(i);
        else st.bind(i, std::string_view(v.get_ref<const std::string&>()));
    };
    for (const nlohmann::json& r : ratings) {
        ItemResult res;
        res.id = r.is_object() && r.contains("id") && r["id"].is_string() ? r["id"].get<std::string>() : "";
        if (std::string why = validateRating(r, deviceId); !why.empty()) {
            res.status = "rejected";
            res.reason = why;
            results.push_back(res);
            continue;
        }
        const std::string reasons = r.contains("reasons") && !r["reasons"].is_null() ? r["reasons"].dump() : "";
        const nlohmann::json comment = orNull(r, "comment");
        insert.reset();
        insert.bind(1, std::string_view(res.id));
        insert.bind(2, std::string_view(deviceId));
        insert.bind(3, r["score"].get<int64_t>());
        insert.bind(4, r["created_wall_ms"].get<int64_t>());
        insert.bind(5, r["created_mono_ms"].get<int64_t>());
        insert.bind(6, std::string_view(r["boot_id"].get_ref<const std::string&>()));
        insert.bind(7, std::string_view(r["counter"].get_ref<const std::string&>()));
        optText(insert, 8, orNull(r, "officer_nip"));
        optText(insert, 9, orNull(r, "case_id"));
        optText(insert, 10, orNull(r, "service_code"));
        if (reasons.empty()) insert.bindNull(11);
        else insert.bind(11, std::string_view(reasons));
        optText(insert, 12, comment);
        insert.bind(13, int64_t{r["suppressed"].get<bool>() ? 1 : 0});
        insert.bind(14, std::string_view(r["language"].get_ref<const std::string&>()));
        insert.bind(15, std::string_view(r["scope"].get_ref<const std::string&>()));
        insert.bind(16, nowMs);
        (void)insert.next();
        if (sqlite3_changes(m_db.handle()) == 1) {
            res.status = "stored";
        } else {
            // Seen before: the same delivery again, or a later reason/comment for the same tap.
            existing.reset();
            existing.bind(1, std::string_view(res.id));
            (void)existing.next();
            const std::string commentText = comment.is_null() ? "" : comment.get<std::string>();
            if (existing.columnText(0) != deviceId) {
                res.status = "rejected";
                res.reason = "this id belongs to another device";
            } else if (existing.columnText(1) != reasons || existing.columnText(2) != commentText) {
                update.reset();
                update.bind(1, std::string_view(res.id));
                if (reasons.empty()) update.bindNull(2);
                else update.bind(2, std::string_view(reasons));
                optText(update, 3, comment);
                update.bind(4, nowMs);
                (void)update.next();
                res.status = "updated";
            } else {
                res.status = "duplicate";
            }
        }
        results.push_back(res);
    }
    if (int rc = tx.commit(&message); rc != SQLITE_OK) throw store::SqliteError(rc, "the ingest did not commit: " + message);
    return results;
}

nlohmann::json CentralStore::report()
{
    std::lock_guard lock(m_mutex);
    nlohmann::json out;
    out["ratings_total"] = m_db.queryInt("SELECT count(*) FROM ratings");
    nlohmann::json devices = nlohmann::json::object();
    store::Statement d(m_db, "SELECT d.id, count(r.id), coalesce(sum(r.suppressed), 0) FROM devices d LEFT JOIN ratings r ON r.device_id = d.id GROUP BY d.id ORDER BY d.id");
    while (d.next()) devices[d.columnText(0)] = {{"ratings", d.columnInt(1)}, {"suppressed", d.columnInt(2)}};
    out["devices"] = devices;
    return out;
}

} // namespace skm::central
