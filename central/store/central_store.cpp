#include "central_store.hpp"

#include "records.hpp"
#include "pg_schema.hpp"
#include "schema.hpp"

#include <central/rollups/rollups.hpp>

#include <core/chain.hpp>
#include <core/protocol.hpp>

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <iostream>
#include <limits>

namespace skm::central {

namespace {

// The data directory: made 0750 when this creates it, whatever the umask (a directory an operator made
// is theirs; one that others may enter is said so, once, since central.db holds every device secret).
void prepareDataDir(const std::filesystem::path& dir)
{
    std::error_code ec;
    const bool existed = std::filesystem::exists(dir, ec);
    std::filesystem::create_directories(dir, ec);
    struct stat st {};
    if (!existed) {
        if (::chmod(dir.c_str(), 0750) != 0) spdlog::warn("cannot make {} 0750: {}", dir.string(), std::strerror(errno));
    } else if (::stat(dir.c_str(), &st) == 0 && (st.st_mode & 0007) != 0) {
        spdlog::warn("data directory {} is open to other users (mode {:o}); central.db is kept 0600, but 0750 is advised", dir.string(), st.st_mode & 07777);
    }
}

// A database file of central.db (it, -wal, -shm): 0600, owner only. SQLite creates a new file 0644
// less the umask, and makes -wal and -shm with the database's mode, so central.db is created 0600
// before SQLite first opens it, and any of the three found otherwise (an older skm-central) is set so.
void makePrivate(const std::filesystem::path& file)
{
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0 || (st.st_mode & 07777) == 0600) return;
    if (::chmod(file.c_str(), 0600) != 0) spdlog::warn("cannot make {} 0600: {}", file.string(), std::strerror(errno));
}

void createPrivate(const std::filesystem::path& file)
{
    const int fd = ::open(file.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return; // it exists (kept, made private after the version check), or SQLite will say why it cannot be made
    (void)::fchmod(fd, 0600); // the umask may have taken more than 0177; 0600 exactly
    ::close(fd);
}

// What an upload changed, for the rollups: the chain positions and times of the records it stored or
// updated (a case also on the day 2 s after it opened, where a fast 4 for it would fall).
rollup::Touched touchedBy(const nlohmann::json& body, const UploadResults& out)
{
    rollup::Touched t;
    auto changed = [&](const char* kind, size_t i) {
        const auto it = out.find(kind);
        return it != out.end() && i < it->second.size() && (it->second[i].status == "stored" || it->second[i].status == "updated");
    };
    auto each = [&](const char* kind, const auto& f) {
        if (!body.contains(kind) || !body[kind].is_array()) return;
        for (size_t i = 0; i < body[kind].size(); ++i) {
            if (changed(kind, i)) f(body[kind][i]);
        }
    };
    each("ratings", [&](const nlohmann::json& r) {
        t.chainSeqs.push_back(r["chain_seq"].get<int64_t>());
        t.times.push_back(r["created_wall_ms"].get<int64_t>());
    });
    each("cases", [&](const nlohmann::json& c) {
        const int64_t opened = c["opened_wall_ms"].get<int64_t>();
        t.times.push_back(opened);
        if (opened < std::numeric_limits<int64_t>::max() - 2000) t.times.push_back(opened + 1999);
    });
    each("surveys", [&](const nlohmann::json& s) { t.times.push_back(s["started_wall_ms"].get<int64_t>()); });
    return t;
}

} // namespace

std::string StoreLocation::name() const { return postgres() ? pg::redactUrl(databaseUrl) : (dataDir / "central.db").string(); }

namespace {

std::unique_ptr<sql::Connection> openSqlite(const std::filesystem::path& dataDir)
{
    prepareDataDir(dataDir);
    const std::filesystem::path file = dataDir / "central.db";
    createPrivate(file);
    try {
        store::Database db(file.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        db.exec("PRAGMA busy_timeout = 5000");
        // Read before anything writes: a newer database is not touched, not even its journal mode.
        const int64_t found = db.queryInt("PRAGMA user_version");
        if (found > latestCentralSchema()) {
            throw CentralError("central.db has schema version " + std::to_string(found) + ", newer than this skm-central understands (" +
                               std::to_string(latestCentralSchema()) + "); it was left untouched");
        }
        if (store::switchToWal(db, 5000) != "wal") throw CentralError("central.db refused journal_mode=WAL");
        db.exec("PRAGMA synchronous = FULL");
        if (db.queryInt("PRAGMA synchronous") != 2) throw CentralError("central.db refused synchronous=FULL");
        db.exec("PRAGMA foreign_keys = ON"); // the accounts' sessions and links name their user
        if (db.queryInt("PRAGMA foreign_keys") != 1) throw CentralError("central.db refused foreign_keys=ON");
        const int from = store::migrate(db, centralMigrations(), latestCentralSchema());
        if (from != latestCentralSchema()) spdlog::info("central.db schema {} -> {}", from, latestCentralSchema());
        for (const char* suffix : {"", "-wal", "-shm"}) makePrivate(file.string() + suffix);
        return sql::sqlite(std::move(db));
    } catch (const store::SqliteError& e) {
        throw CentralError(std::string("cannot open the central database: ") + e.what());
    }
}

std::unique_ptr<sql::Connection> openPostgres(const std::string& url)
{
    try {
        std::unique_ptr<sql::Connection> c = sql::postgres(url);
        (void)migratePg(*c);
        return c;
    } catch (const sql::Error& e) {
        throw CentralError(std::string("cannot open the central database: ") + e.what());
    }
}

} // namespace

CentralStore::CentralStore(const StoreLocation& where) : m_where(where)
{
    if (where.postgres()) {
        if (!pg::isPostgresUrl(where.databaseUrl)) throw CentralError("--database takes postgresql://USER@HOST/DB (got " + pg::redactUrl(where.databaseUrl) + ")");
        prepareDataDir(where.dataDir); // the published configuration's, shared by the replicas (docs/operations.md)
        m_db = openPostgres(where.databaseUrl);
    } else {
        m_db = openSqlite(where.dataDir);
    }
    try {
        rollup::ensureBuilt(*m_db); // once, for a database from before them
    } catch (const sql::Error& e) {
        throw CentralError(std::string("cannot build the daily rollups: ") + e.what());
    }
}

void CentralStore::addDevice(const std::string& id, const std::string& secretHex, int64_t nowMs)
{
    std::lock_guard lock(m_mutex);
    if (std::string why = deviceIdProblem(id); !why.empty()) throw CentralError(why);
    const sql::Rows r = m_db->query("INSERT INTO devices (id, secret, added_at_ms) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING", {id, secretHex, nowMs});
    if (r.affected == 0) throw CentralError("device " + id + " is already registered");
}

std::unique_ptr<sql::Connection> CentralStore::openReader() const
{
    if (m_where.postgres()) {
        const std::string& url = m_where.reportDatabaseUrl.empty() ? m_where.databaseUrl : m_where.reportDatabaseUrl;
        try {
            return sql::postgres(url);
        } catch (const sql::Error& e) {
            throw CentralError(std::string("cannot open the report database: ") + e.what());
        }
    }
    try {
        store::Database db((m_where.dataDir / "central.db").string(), SQLITE_OPEN_READONLY);
        db.exec("PRAGMA busy_timeout = 5000");
        return sql::sqlite(std::move(db));
    } catch (const store::SqliteError& e) {
        throw CentralError(std::string("cannot open the central database to read: ") + e.what());
    }
}

std::unique_ptr<sql::Connection> CentralStore::openWriter() const
{
    if (m_where.postgres()) {
        try {
            return sql::postgres(m_where.databaseUrl);
        } catch (const sql::Error& e) {
            throw CentralError(std::string("cannot open the central database: ") + e.what());
        }
    }
    try {
        store::Database db((m_where.dataDir / "central.db").string(), SQLITE_OPEN_READWRITE);
        db.exec("PRAGMA busy_timeout = 5000");
        db.exec("PRAGMA synchronous = FULL");
        return sql::sqlite(std::move(db));
    } catch (const store::SqliteError& e) {
        throw CentralError(std::string("cannot open the central database: ") + e.what());
    }
}

store::Database& CentralStore::database()
{
    store::Database* db = sql::sqliteDatabase(*m_db);
    if (!db) throw CentralError("not a SQLite store: " + m_where.name());
    return *db;
}

std::optional<std::string> CentralStore::deviceSecret(const std::string& id)
{
    std::lock_guard lock(m_mutex);
    const auto row = m_db->one("SELECT secret FROM devices WHERE id = $1", {id});
    if (!row) return std::nullopt;
    return row->text(0);
}

std::string CentralStore::posterSecret(int64_t nowMs)
{
    std::lock_guard lock(m_mutex);
    m_db->query("INSERT INTO devices (id, secret, added_at_ms) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING", {kPosterDevice, protocol::newSecret(), nowMs});
    return m_db->one("SELECT secret FROM devices WHERE id = $1", {kPosterDevice})->text(0);
}

bool CentralStore::recordNonce(const std::string& deviceId, const std::string& nonce, int64_t nowSeconds)
{
    std::lock_guard lock(m_mutex);
    // In the database, so that a request replayed to another replica is refused there too.
    m_db->query("DELETE FROM nonces WHERE at_s < $1", {nowSeconds - 2 * protocol::kClockWindowSeconds});
    if (m_db->query("INSERT INTO nonces (device_id, nonce, at_s) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", {deviceId, nonce, nowSeconds}).affected != 1) {
        return false;
    }
    // The device was heard from (a silent kiosk is an alert): written at most once a minute per device.
    m_db->query("INSERT INTO device_contacts (device_id, last_seen_ms) VALUES ($1, $2) ON CONFLICT (device_id) DO UPDATE "
                "SET last_seen_ms = excluded.last_seen_ms WHERE device_contacts.last_seen_ms < excluded.last_seen_ms - 60000",
                {deviceId, nowSeconds * 1000});
    return true;
}

UploadResults CentralStore::ingest(const std::string& deviceId, const nlohmann::json& body, int64_t nowMs)
{
    std::lock_guard lock(m_mutex);
    UploadResults out;
    sql::Transaction tx(*m_db);
    // One upload of a device at a time, on every replica: its days' rollups are recomputed below from
    // what is stored, and two uploads recomputing the same day at once would each miss the other's rows.
    (void)m_db->query(std::string("SELECT id FROM devices WHERE id = $1") + m_db->forUpdate(), {deviceId});
    if (body.contains("ratings")) out["ratings"] = ingestRatings(deviceId, body["ratings"], nowMs);
    for (const RecordKind& kind : recordKinds()) {
        if (body.contains(kind.key)) out[kind.key] = ingestRecords(kind, deviceId, body[kind.key], nowMs);
    }
    rollup::refresh(*m_db, deviceId, touchedBy(body, out));
    tx.commit();
    return out;
}

void CentralStore::recordConflict(const std::string& deviceId, const std::string& kind, const std::string& id, const nlohmann::json& fields,
                                  const std::string& stored, const std::string& offered, int64_t nowMs)
{
    const std::string fieldsText = fields.dump();
    m_db->query("INSERT INTO ingest_conflicts (device_id, kind, record_id, fields, stored, offered, offered_sha256, received_at_ms, last_received_at_ms)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (device_id, kind, record_id, offered_sha256)"
                " DO UPDATE SET times = ingest_conflicts.times + 1, last_received_at_ms = excluded.last_received_at_ms",
                {deviceId, kind, id, fieldsText, stored, offered, protocol::sha256Hex(offered), nowMs});
    spdlog::warn("device {}: {} {} re-sent with other {}: a conflict, the stored record kept and this version recorded", deviceId, kind, id, fieldsText);
}

std::vector<ItemResult> CentralStore::ingestRecords(const RecordKind& kind, const std::string& deviceId, const nlohmann::json& items, int64_t nowMs)
{
    std::vector<ItemResult> results;
    const std::string table = kind.table;
    std::string cols = "id, device_id, body, received_at_ms", params = "$1, $2, $3, $4";
    std::string set = "body = $3, updated_at_ms = $4";
    for (size_t i = 0; i < kind.columns.size(); ++i) {
        cols += std::string(", ") + kind.columns[i];
        params += ", $" + std::to_string(i + 5);
        set += std::string(", ") + kind.columns[i] + " = $" + std::to_string(i + 5);
    }
    // Inserted first: a record another replica is storing at this instant waits on the key, then reads
    // as stored (the row locked until this transaction ends, so two newer versions cannot cross).
    const std::string insert = "INSERT INTO " + table + " (" + cols + ") VALUES (" + params + ") ON CONFLICT (id) DO NOTHING";
    const std::string existing = "SELECT device_id, body FROM " + table + " WHERE id = $1" + m_db->forUpdate();
    const std::string update = "UPDATE " + table + " SET " + set + " WHERE id = $1 AND device_id = $2";
    const std::vector<Field> compared(kind.fields.begin() + 1, kind.fields.end()); // all but the id
    for (const nlohmann::json& r : items) {
        ItemResult res;
        res.id = r.is_object() && r.contains("id") && r["id"].is_string() ? r["id"].get<std::string>() : "";
        std::string why = validateRecord(kind, r);
        // A poster's responses are the office's own (web_phone.cpp), and only they are: a kiosk's
        // upload cannot pass its answers off as a poster's, nor a poster's as a kiosk's.
        if (why.empty() && kind.key == std::string("surveys") && (r.value("channel", "") == "poster") != (deviceId == kPosterDevice)) {
            why = deviceId == kPosterDevice ? "the office's poster device stores only channel \"poster\"" : "channel \"poster\" is the office's own (its posters)";
        }
        // One complete survey response per case, whichever way it came (the kiosk's questionnaire, the
        // phone through the thanks screen's code or the attract screen's): the first one stays.
        if (why.empty() && kind.key == std::string("surveys") && r.value("status", "") == "complete" && r.contains("case_id") && r["case_id"].is_string()) {
            const std::string caseId = r["case_id"].get<std::string>();
            const int64_t since = r["started_wall_ms"].get<int64_t>() - 8 * 86'400'000LL; // (a link lives 168 h at most)
            const auto first = m_db->one("SELECT id FROM survey_responses WHERE device_id = $1 AND id <> $2 AND status = 'complete' AND started_wall_ms >= $3"
                                         " AND body LIKE $4 LIMIT 1",
                                         {deviceId, res.id, since, "%\"case_id\":\"" + caseId + "\"%"});
            if (first) why = "case " + caseId + " already has a complete survey response (" + first->text(0) + ")";
        }
        if (!why.empty()) {
            res.status = "rejected";
            res.reason = why;
            results.push_back(res);
            continue;
        }
        const std::string text = r.dump();
        std::vector<sql::Value> values = {res.id, deviceId, text, nowMs};
        for (const char* column : kind.columns) {
            // A column of a field later kiosks added (mayBeAbsent) may be missing from the body: NULL.
            const auto v = r.find(column);
            if (v == r.end() || v->is_null()) values.emplace_back();
            else if (v->is_number_integer()) values.emplace_back(v->get<int64_t>());
            else values.emplace_back(v->get<std::string>());
        }
        if (m_db->query(insert, values).affected == 1) {
            res.status = "stored";
            results.push_back(res);
            continue;
        }
        const sql::Row row = *m_db->one(existing, {res.id});
        if (row.text(0) != deviceId) {
            res.status = "rejected";
            res.reason = "this id belongs to another device";
            results.push_back(res);
            continue;
        }
        const std::string storedText = row.text(1);
        const nlohmann::json stored = nlohmann::json::parse(storedText, nullptr, false);
        const bool final = kind.finalField && stored.is_object() && stored.contains(kind.finalField) &&
                           std::find(kind.finalValues.begin(), kind.finalValues.end(), stored[kind.finalField]) != kind.finalValues.end();
        const Comparison c = compare(compared, stored, r, final);
        switch (c.verdict) {
        case Verdict::Same:
        case Verdict::Older: res.status = "duplicate"; break;
        case Verdict::Newer: // a case closed, a session paused, resumed or ended since the last upload
            m_db->query(update, values);
            res.status = "updated";
            break;
        case Verdict::Conflict:
            recordConflict(deviceId, kind.key, res.id, c.fields, storedText, text, nowMs);
            res.status = "conflict";
            res.reason = conflictReason(c.fields);
            break;
        }
        results.push_back(res);
    }
    return results;
}

std::vector<ItemResult> CentralStore::ingestRatings(const std::string& deviceId, const nlohmann::json& ratings, int64_t nowMs)
{
    std::vector<ItemResult> results;
    const std::string insert =
        "INSERT INTO ratings (id, device_id, score, created_wall_ms, created_mono_ms, boot_id, counter, officer_nip, case_id,"
        " service_code, reasons, comment, suppressed, language, scope, received_at_ms, chain_seq, prev_hash, hash, time_suspect)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) ON CONFLICT (id) DO NOTHING";
    const std::string existing = std::string("SELECT device_id, score, created_wall_ms, created_mono_ms, boot_id, counter, officer_nip, case_id, service_code,"
                                             " reasons, comment, suppressed, language, scope, chain_seq, prev_hash FROM ratings WHERE id = $1") +
                                 m_db->forUpdate();
    // A rating stored before the chain existed gets its position once; the follow-up's text is the latest.
    const std::string update = "UPDATE ratings SET reasons = $2, comment = $3, updated_at_ms = $4, chain_seq = coalesce(chain_seq, $5),"
                               " prev_hash = coalesce(prev_hash, $6), hash = coalesce(hash, $7) WHERE id = $1";
    auto json = [](const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
    auto text = [](const nlohmann::json& v) { return v.is_null() ? sql::null : sql::Value(v.get<std::string>()); };
    for (const nlohmann::json& r : ratings) {
        ItemResult res;
        res.id = r.is_object() && r.contains("id") && r["id"].is_string() ? r["id"].get<std::string>() : "";
        if (std::string why = validateRating(r, deviceId); !why.empty()) {
            res.status = "rejected";
            res.reason = why;
            results.push_back(res);
            continue;
        }
        const sql::Value reasons = r.contains("reasons") && !r["reasons"].is_null() ? sql::Value(r["reasons"].dump()) : sql::null;
        const sql::Value comment = text(orNull(r, "comment"));
        const int64_t wallMs = r["created_wall_ms"].get<int64_t>();
        // A rating is made before it arrives, and no kiosk of this product rated before 2020: outside
        // that the device's clock was wrong. Kept (a citizen's real answer), flagged and counted.
        const bool timeSuspect = wallMs < kEarliestPlausibleWallMs || wallMs > nowMs + protocol::kClockWindowSeconds * 1000;
        const std::string prevHash = r["prev_hash"].get<std::string>();
        // The hash is computed here from what arrived: a rating altered on the way, or on the device
        // after it was chained, no longer matches its successor's prev_hash.
        const std::string hash = store::chainHash(prevHash, store::ChainFields{res.id, r["score"].get<int64_t>(), wallMs,
                                                                                r["created_mono_ms"].get<int64_t>(), r["boot_id"].get<std::string>(),
                                                                                r["counter"].get<std::string>(), optString(r, "officer_nip"),
                                                                                optString(r, "case_id"), optString(r, "service_code"),
                                                                                r["suppressed"].get<bool>(), r["language"].get<std::string>(),
                                                                                r["scope"].get<std::string>()});
        const sql::Rows inserted = m_db->query(
            insert, {res.id, deviceId, r["score"].get<int64_t>(), wallMs, r["created_mono_ms"].get<int64_t>(), r["boot_id"].get<std::string>(),
                     r["counter"].get<std::string>(), text(orNull(r, "officer_nip")), text(orNull(r, "case_id")), text(orNull(r, "service_code")), reasons,
                     comment, int64_t{r["suppressed"].get<bool>() ? 1 : 0}, r["language"].get<std::string>(), r["scope"].get<std::string>(), nowMs,
                     r["chain_seq"].get<int64_t>(), prevHash, hash, int64_t{timeSuspect ? 1 : 0}});
        if (inserted.affected == 1) {
            res.status = "stored";
            results.push_back(res);
            continue;
        }
        // Seen before: the same delivery again, a later reason or comment for the same tap, or a conflict.
        const sql::Row e = *m_db->one(existing, {res.id});
        if (e.text(0) != deviceId) {
            res.status = "rejected";
            res.reason = "this id belongs to another device";
            results.push_back(res);
            continue;
        }
        const nlohmann::json storedReasons = e.isNull(9) ? nlohmann::json(nullptr) : nlohmann::json::parse(e.text(9), nullptr, false);
        nlohmann::json stored = {{"id", res.id},
                                 {"score", e.integer(1)},
                                 {"created_wall_ms", e.integer(2)},
                                 {"created_mono_ms", e.integer(3)},
                                 {"boot_id", e.text(4)},
                                 {"device_id", deviceId},
                                 {"counter", e.text(5)},
                                 {"officer_nip", json(e.optText(6))},
                                 {"case_id", json(e.optText(7))},
                                 {"service_code", json(e.optText(8))},
                                 {"reasons", storedReasons},
                                 {"comment", json(e.optText(10))},
                                 {"suppressed", e.integer(11) != 0},
                                 {"language", e.text(12)},
                                 {"scope", e.text(13)},
                                 {"chain_seq", e.isNull(14) ? nlohmann::json(nullptr) : nlohmann::json(e.integer(14))},
                                 {"prev_hash", json(e.optText(15))}};
        const Comparison c = compare(ratingFields(), stored, r, false);
        switch (c.verdict) {
        case Verdict::Same:
        case Verdict::Older: res.status = "duplicate"; break;
        case Verdict::Newer:
            m_db->query(update, {res.id, reasons, comment, nowMs, r["chain_seq"].get<int64_t>(), prevHash, hash});
            res.status = "updated";
            break;
        case Verdict::Conflict:
            recordConflict(deviceId, "ratings", res.id, c.fields, stored.dump(), r.dump(), nowMs);
            res.status = "conflict";
            res.reason = conflictReason(c.fields);
            break;
        }
        results.push_back(res);
    }
    return results;
}

void CentralStore::backupTo(const std::filesystem::path& out)
{
    if (m_where.postgres()) {
        throw CentralError("a PostgreSQL database is backed up with pg_dump (and the server's WAL archive): see docs/operations.md");
    }
    // Private from its first byte: VACUUM INTO writes into an empty file that exists, and SQLite would
    // create a new one 0644 less the umask.
    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) throw CentralError("cannot create " + out.string() + ": " + std::strerror(errno));
    (void)::fchmod(fd, 0600);
    ::close(fd);
    std::lock_guard lock(m_mutex);
    try {
        store::Statement st(database(), "VACUUM INTO ?1");
        st.bind(1, std::string_view(out.string()));
        (void)st.next();
    } catch (const store::SqliteError& e) {
        std::error_code ec;
        std::filesystem::remove(out, ec);
        throw CentralError(std::string("the backup failed: ") + e.what());
    }
}

int restoreBackup(const std::filesystem::path& backup, const std::filesystem::path& dataDir, bool force)
{
    namespace fs = std::filesystem;
    try {
        store::Database db(backup.string(), SQLITE_OPEN_READONLY);
        const std::string check = db.queryText("PRAGMA integrity_check");
        if (check != "ok") {
            std::cerr << "skm-central: " << backup.string() << " fails integrity_check (" << check << "); nothing restored\n";
            return 1;
        }
        const int64_t version = db.queryInt("PRAGMA user_version");
        if (version < 1 || version > latestCentralSchema()) {
            std::cerr << "skm-central: " << backup.string() << " has schema " << version << ", not one this skm-central knows; nothing restored\n";
            return 1;
        }
    } catch (const std::exception& e) {
        std::cerr << "skm-central: " << backup.string() << " is not a central database (" << e.what() << "); nothing restored\n";
        return 1;
    }
    std::error_code ec;
    prepareDataDir(dataDir);
    const fs::path target = dataDir / "central.db";
    if (fs::exists(target)) {
        if (!force) {
            std::cerr << "skm-central: " << target.string() << " exists; stop the service and pass --force to replace it\n";
            return 2;
        }
        fs::rename(target, fs::path(target.string() + ".before-restore"), ec);
        makePrivate(target.string() + ".before-restore");
        for (const char* side : {"-wal", "-shm"}) fs::remove(fs::path(target.string() + side), ec);
    }
    const fs::path tmp = target.string() + ".restoring";
    fs::copy_file(backup, tmp, fs::copy_options::overwrite_existing, ec);
    if (ec) {
        std::cerr << "skm-central: cannot copy " << backup.string() << ": " << ec.message() << '\n';
        return 1;
    }
    makePrivate(tmp); // every device secret: 0600, whatever the backup file's mode was
    fs::rename(tmp, target, ec);
    if (ec) {
        std::cerr << "skm-central: cannot put the backup in place: " << ec.message() << '\n';
        return 1;
    }
    std::cout << "restored " << backup.string() << " as " << target.string() << '\n';
    return 0;
}

} // namespace skm::central
