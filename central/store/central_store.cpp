#include "central_store.hpp"

#include "records.hpp"
#include "schema.hpp"

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

} // namespace

CentralStore::CentralStore(const std::filesystem::path& dataDir) : m_dataDir(dataDir)
{
    prepareDataDir(dataDir);
    const std::filesystem::path file = dataDir / "central.db";
    createPrivate(file);
    try {
        m_db = store::Database(file.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        m_db.exec("PRAGMA busy_timeout = 5000");
        // Read before anything writes: a newer database is not touched, not even its journal mode.
        const int64_t found = m_db.queryInt("PRAGMA user_version");
        if (found > latestCentralSchema()) {
            throw CentralError("central.db has schema version " + std::to_string(found) + ", newer than this skm-central understands (" +
                               std::to_string(latestCentralSchema()) + "); it was left untouched");
        }
        if (store::switchToWal(m_db, 5000) != "wal") throw CentralError("central.db refused journal_mode=WAL");
        m_db.exec("PRAGMA synchronous = FULL");
        if (m_db.queryInt("PRAGMA synchronous") != 2) throw CentralError("central.db refused synchronous=FULL");
        m_db.exec("PRAGMA foreign_keys = ON"); // the accounts' sessions and links name their user
        if (m_db.queryInt("PRAGMA foreign_keys") != 1) throw CentralError("central.db refused foreign_keys=ON");
        const int from = store::migrate(m_db, centralMigrations(), latestCentralSchema());
        if (from != latestCentralSchema()) spdlog::info("central.db schema {} -> {}", from, latestCentralSchema());
    } catch (const store::SqliteError& e) {
        throw CentralError(std::string("cannot open the central database: ") + e.what());
    }
    for (const char* suffix : {"", "-wal", "-shm"}) makePrivate(file.string() + suffix);
}

void CentralStore::addDevice(const std::string& id, const std::string& secretHex, int64_t nowMs)
{
    std::lock_guard lock(m_mutex);
    if (std::string why = deviceIdProblem(id); !why.empty()) throw CentralError(why);
    store::Statement st(m_db, "INSERT INTO devices (id, secret, added_at_ms) VALUES (?1, ?2, ?3) ON CONFLICT (id) DO NOTHING");
    st.bind(1, std::string_view(id));
    st.bind(2, std::string_view(secretHex));
    st.bind(3, nowMs);
    (void)st.next();
    if (sqlite3_changes(m_db.handle()) == 0) throw CentralError("device " + id + " is already registered");
}

store::Database CentralStore::openReader() const
{
    try {
        store::Database db((m_dataDir / "central.db").string(), SQLITE_OPEN_READONLY);
        db.exec("PRAGMA busy_timeout = 5000");
        return db;
    } catch (const store::SqliteError& e) {
        throw CentralError(std::string("cannot open the central database to read: ") + e.what());
    }
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

UploadResults CentralStore::ingest(const std::string& deviceId, const nlohmann::json& body, int64_t nowMs)
{
    std::lock_guard lock(m_mutex);
    UploadResults out;
    store::Transaction tx(m_db);
    std::string message;
    if (int rc = tx.begin(&message); rc != SQLITE_OK) throw store::SqliteError(rc, "cannot start the ingest: " + message);
    if (body.contains("ratings")) out["ratings"] = ingestRatings(deviceId, body["ratings"], nowMs);
    for (const RecordKind& kind : recordKinds()) {
        if (body.contains(kind.key)) out[kind.key] = ingestRecords(kind, deviceId, body[kind.key], nowMs);
    }
    if (int rc = tx.commit(&message); rc != SQLITE_OK) throw store::SqliteError(rc, "the ingest did not commit: " + message);
    return out;
}

void CentralStore::recordConflict(const std::string& deviceId, const std::string& kind, const std::string& id, const nlohmann::json& fields,
                                  const std::string& stored, const std::string& offered, int64_t nowMs)
{
    store::Statement st(m_db,
                        "INSERT INTO ingest_conflicts (device_id, kind, record_id, fields, stored, offered, offered_sha256, received_at_ms, last_received_at_ms)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) ON CONFLICT (device_id, kind, record_id, offered_sha256)"
                        " DO UPDATE SET times = times + 1, last_received_at_ms = excluded.last_received_at_ms");
    const std::string fieldsText = fields.dump();
    const std::string hash = protocol::sha256Hex(offered);
    st.bind(1, std::string_view(deviceId));
    st.bind(2, std::string_view(kind));
    st.bind(3, std::string_view(id));
    st.bind(4, std::string_view(fieldsText));
    st.bind(5, std::string_view(stored));
    st.bind(6, std::string_view(offered));
    st.bind(7, std::string_view(hash));
    st.bind(8, nowMs);
    (void)st.next();
    spdlog::warn("device {}: {} {} re-sent with other {}: a conflict, the stored record kept and this version recorded", deviceId, kind, id, fieldsText);
}

std::vector<ItemResult> CentralStore::ingestRecords(const RecordKind& kind, const std::string& deviceId, const nlohmann::json& items, int64_t nowMs)
{
    std::vector<ItemResult> results;
    const std::string table = kind.table;
    std::string cols = "id, device_id, body, received_at_ms", params = "?1, ?2, ?3, ?4";
    for (size_t i = 0; i < kind.columns.size(); ++i) {
        cols += std::string(", ") + kind.columns[i];
        params += ", ?" + std::to_string(i + 5);
    }
    store::Statement existing(m_db, "SELECT device_id, body FROM " + table + " WHERE id = ?1");
    store::Statement insert(m_db, "INSERT INTO " + table + " (" + cols + ") VALUES (" + params + ")");
    std::string set = "body = ?3, updated_at_ms = ?4";
    for (size_t i = 0; i < kind.columns.size(); ++i) set += std::string(", ") + kind.columns[i] + " = ?" + std::to_string(i + 5);
    store::Statement update(m_db, "UPDATE " + table + " SET " + set + " WHERE id = ?1 AND device_id = ?2");
    const std::vector<Field> compared(kind.fields.begin() + 1, kind.fields.end()); // all but the id
    for (const nlohmann::json& r : items) {
        ItemResult res;
        res.id = r.is_object() && r.contains("id") && r["id"].is_string() ? r["id"].get<std::string>() : "";
        if (std::string why = validateRecord(kind, r); !why.empty()) {
            res.status = "rejected";
            res.reason = why;
            results.push_back(res);
            continue;
        }
        const std::string text = r.dump();
        existing.reset();
        existing.bind(1, std::string_view(res.id));
        store::Statement* write = nullptr;
        if (!existing.next()) {
            write = &insert;
            res.status = "stored";
        } else if (existing.columnText(0) != deviceId) {
            res.status = "rejected";
            res.reason = "this id belongs to another device";
        } else {
            const std::string storedText = existing.columnText(1);
            const nlohmann::json stored = nlohmann::json::parse(storedText, nullptr, false);
            const bool final = kind.finalField && stored.is_object() && stored.contains(kind.finalField) &&
                               std::find(kind.finalValues.begin(), kind.finalValues.end(), stored[kind.finalField]) != kind.finalValues.end();
            const Comparison c = compare(compared, stored, r, final);
            switch (c.verdict) {
            case Verdict::Same:
            case Verdict::Older: res.status = "duplicate"; break;
            case Verdict::Newer: // a case closed, a session paused, resumed or ended since the last upload
                write = &update;
                res.status = "updated";
                break;
            case Verdict::Conflict:
                recordConflict(deviceId, kind.key, res.id, c.fields, storedText, text, nowMs);
                res.status = "conflict";
                res.reason = conflictReason(c.fields);
                break;
            }
        }
        if (write) {
            write->reset();
            write->bind(1, std::string_view(res.id));
            write->bind(2, std::string_view(deviceId));
            write->bind(3, std::string_view(text));
            write->bind(4, nowMs);
            for (size_t i = 0; i < kind.columns.size(); ++i) {
                const nlohmann::json& v = r[kind.columns[i]];
                const int at = static_cast<int>(i + 5);
                if (v.is_null()) write->bindNull(at);
                else if (v.is_number_integer()) write->bind(at, v.get<int64_t>());
                else write->bind(at, std::string_view(v.get_ref<const std::string&>()));
            }
            (void)write->next();
        }
        results.push_back(res);
    }
    return results;
}

std::vector<ItemResult> CentralStore::ingestRatings(const std::string& deviceId, const nlohmann::json& ratings, int64_t nowMs)
{
    std::vector<ItemResult> results;
    store::Statement insert(m_db,
                            "INSERT INTO ratings (id, device_id, score, created_wall_ms, created_mono_ms, boot_id, counter, officer_nip, case_id,"
                            " service_code, reasons, comment, suppressed, language, scope, received_at_ms, chain_seq, prev_hash, hash, time_suspect)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20) ON CONFLICT (id) DO NOTHING");
    store::Statement existing(m_db, "SELECT device_id, score, created_wall_ms, created_mono_ms, boot_id, counter, officer_nip, case_id, service_code,"
                                    " reasons, comment, suppressed, language, scope, chain_seq, prev_hash FROM ratings WHERE id = ?1");
    // A rating stored before the chain existed gets its position once; the follow-up's text is the latest.
    store::Statement update(m_db, "UPDATE ratings SET reasons = ?2, comment = ?3, updated_at_ms = ?4, chain_seq = coalesce(chain_seq, ?5),"
                                  " prev_hash = coalesce(prev_hash, ?6), hash = coalesce(hash, ?7) WHERE id = ?1");
    auto optText = [](store::Statement& st, int i, const nlohmann::json& v) {
        if (v.is_null()) st.bindNull(i);
        else st.bind(i, std::string_view(v.get_ref<const std::string&>()));
    };
    auto textOrNull = [](const store::Statement& st, int col) { return st.columnIsNull(col) ? nlohmann::json(nullptr) : nlohmann::json(st.columnText(col)); };
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
        insert.reset();
        insert.bind(1, std::string_view(res.id));
        insert.bind(2, std::string_view(deviceId));
        insert.bind(3, r["score"].get<int64_t>());
        insert.bind(4, wallMs);
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
        insert.bind(17, r["chain_seq"].get<int64_t>());
        insert.bind(18, std::string_view(prevHash));
        insert.bind(19, std::string_view(hash));
        insert.bind(20, int64_t{timeSuspect ? 1 : 0});
        (void)insert.next();
        if (sqlite3_changes(m_db.handle()) == 1) {
            res.status = "stored";
            results.push_back(res);
            continue;
        }
        // Seen before: the same delivery again, a later reason or comment for the same tap, or a conflict.
        existing.reset();
        existing.bind(1, std::string_view(res.id));
        (void)existing.next();
        if (existing.columnText(0) != deviceId) {
            res.status = "rejected";
            res.reason = "this id belongs to another device";
            results.push_back(res);
            continue;
        }
        const nlohmann::json storedReasons = existing.columnIsNull(9) ? nlohmann::json(nullptr) : nlohmann::json::parse(existing.columnText(9), nullptr, false);
        nlohmann::json stored = {{"id", res.id},
                                 {"score", existing.columnInt(1)},
                                 {"created_wall_ms", existing.columnInt(2)},
                                 {"created_mono_ms", existing.columnInt(3)},
                                 {"boot_id", existing.columnText(4)},
                                 {"device_id", deviceId},
                                 {"counter", existing.columnText(5)},
                                 {"officer_nip", textOrNull(existing, 6)},
                                 {"case_id", textOrNull(existing, 7)},
                                 {"service_code", textOrNull(existing, 8)},
                                 {"reasons", storedReasons},
                                 {"comment", textOrNull(existing, 10)},
                                 {"suppressed", existing.columnInt(11) != 0},
                                 {"language", existing.columnText(12)},
                                 {"scope", existing.columnText(13)},
                                 {"chain_seq", existing.columnIsNull(14) ? nlohmann::json(nullptr) : nlohmann::json(existing.columnInt(14))},
                                 {"prev_hash", textOrNull(existing, 15)}};
        const Comparison c = compare(ratingFields(), stored, r, false);
        switch (c.verdict) {
        case Verdict::Same:
        case Verdict::Older: res.status = "duplicate"; break;
        case Verdict::Newer:
            update.reset();
            update.bind(1, std::string_view(res.id));
            if (reasons.empty()) update.bindNull(2);
            else update.bind(2, std::string_view(reasons));
            optText(update, 3, comment);
            update.bind(4, nowMs);
            update.bind(5, r["chain_seq"].get<int64_t>());
            update.bind(6, std::string_view(prevHash));
            update.bind(7, std::string_view(hash));
            (void)update.next();
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
    // Private from its first byte: VACUUM INTO writes into an empty file that exists, and SQLite would
    // create a new one 0644 less the umask.
    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) throw CentralError("cannot create " + out.string() + ": " + std::strerror(errno));
    (void)::fchmod(fd, 0600);
    ::close(fd);
    std::lock_guard lock(m_mutex);
    try {
        store::Statement st(m_db, "VACUUM INTO ?1");
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
