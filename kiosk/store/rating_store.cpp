// The rating store (rating_store.hpp). Why one file of about 500 lines: opening (the version check,
// quarantine and salvage, pragmas read back, migrations), the commit with its chain link, the update
// that re-queues a sent rating and the read-only status all work on the one writer connection and the
// same statements; salvage (salvage.cpp), the JSON of a record (rating_json.cpp, record_json.cpp), the
// export and the survey tables are in their own files already.

#include "rating_store.hpp"

#include <core/chain.hpp>
#include "instance_lock.hpp"
#include "migrations.hpp"
#include "salvage.hpp"
#include "survey_store.hpp"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <chrono>
#include <system_error>
#include <thread>
#include <tuple>
#include <utility>

namespace fs = std::filesystem;

namespace skm::store {

namespace {

bool isCorruption(int code)
{
    const int primary = code & 0xff;
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

void fsyncDirectory(const fs::path& dir)
{
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

const char* kInsertSql =
    "INSERT INTO ratings (id, score, created_wall_ms, created_mono_ms, boot_id, device_id, counter,"
    " officer_nip, case_id, service_code, suppressed, language, scope, reasons, comment, prev_hash, hash)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
    " ON CONFLICT (id) DO NOTHING";

// The chain's head: the newest rating's hash (read inside the inserting transaction).
const char* kChainHeadSql = "SELECT hash FROM ratings ORDER BY seq DESC LIMIT 1";

// A rating for a case closes the case in the same transaction: a crash cannot leave a rated case open.
const char* kCloseCaseSql =
    "UPDATE cases SET status = 'rated', close_reason = 'rated', rating_id = ?1, closed_wall_ms = ?2"
    " WHERE id = ?3 AND status = 'open'";

// An update re-queues a rating that was already uploaded, so the central office gets the change.
const char* kUpdateTail =
    " = ?2, language = ?3, updated_wall_ms = ?4, rev = rev + 1,"
    " upload_status = CASE upload_status WHEN 'sent' THEN 'pending' ELSE upload_status END"
    " WHERE id = ?1";

} // namespace

void applyPragmas(Database& db, const PragmaSettings& s)
{
    auto require = [](bool ok, const std::string& what) {
        if (!ok) throw StoreError("database " + what + "; refusing to run without it");
    };
    // busy_timeout first: switching to WAL needs a lock that another process may hold for a moment.
    db.exec("PRAGMA busy_timeout = " + std::to_string(s.busyTimeoutMs));
    require(db.queryInt("PRAGMA busy_timeout") == s.busyTimeoutMs, "did not accept busy_timeout");
    const std::string journal = switchToWal(db, s.busyTimeoutMs);
    require(journal == "wal", "did not accept journal_mode=WAL (it reports '" + journal + "')");
    db.exec("PRAGMA synchronous = FULL");
    require(db.queryInt("PRAGMA synchronous") == 2, "did not accept synchronous=FULL");
    db.exec("PRAGMA temp_store = MEMORY");
    require(db.queryInt("PRAGMA temp_store") == 2, "did not accept temp_store=MEMORY");
    db.exec("PRAGMA foreign_keys = ON");
    require(db.queryInt("PRAGMA foreign_keys") == 1, "did not accept foreign_keys=ON");
    if (s.maxPageCount) {
        // max_page_count never goes below the current page count; the read-back shows the real cap.
        (void)db.queryInt("PRAGMA max_page_count = " + std::to_string(*s.maxPageCount));
    }
}

RatingStore::RatingStore(const StoreOptions& options)
    : m_options(options), m_clock(options.clock ? options.clock : &SystemClock::instance())
{
    if (m_options.deviceId.empty()) throw StoreError("the rating store needs a device id");
    std::error_code ec;
    fs::create_directories(m_options.dataDir, ec);
    if (ec || !fs::is_directory(m_options.dataDir)) {
        throw StoreError("cannot create the data directory " + m_options.dataDir.string() + ": " + ec.message());
    }
    m_dbPath = m_options.dataDir / m_options.dbFileName;

    try {
        openChecked();
    } catch (const SqliteError& e) {
        if (!isCorruption(e.code())) throw StoreError(e.what());
        if (!holdsInstanceLock()) refuseDamaged(e.what());
        quarantine(e.what());
        try {
            openChecked();
        } catch (const SqliteError& again) {
            throw StoreError(std::string("cannot create a fresh database after quarantine: ") + again.what());
        }
        // The fresh file is whole; now what the corrupt one still holds goes into it, queued for upload.
        const SalvageReport salvaged = salvageInto(*m_report.quarantinedTo, m_db);
        m_report.salvagedRows = salvaged.rows;
        m_report.salvagedRatings = salvaged.ratings();
        m_report.unreadableRanges = salvaged.unreadableRanges;
        m_report.rosterRestored = salvaged.rosterRestored;
        m_report.salvageError = salvaged.error;
    }

    if (m_report.quarantinedTo) {
        nlohmann::json detail = {{"moved_to", m_report.quarantinedTo->string()}, {"reason", m_report.quarantineReason},
                                 {"salvaged", m_report.salvagedRows}, {"unreadable_ranges", m_report.unreadableRanges},
                                 {"roster_restored", m_report.rosterRestored}};
        if (!m_report.salvageError.empty()) detail["salvage_error"] = m_report.salvageError;
        (void)recordEvent("db_quarantined", detail.dump());
    }
    if (m_report.schemaFrom != m_report.schemaVersion && m_report.schemaFrom != 0) {
        nlohmann::json detail = {{"from", m_report.schemaFrom}, {"to", m_report.schemaVersion}};
        (void)recordEvent("schema_migrated", detail.dump());
    }
}

void RatingStore::closeConnection()
{
    // The prepared statements first: a connection with statements open does not close.
    m_insert = Statement();
    m_chainHead = Statement();
    m_closeCase = Statement();
    m_updateReasons = Statement();
    m_updateComment = Statement();
    m_db.close();
}

void RatingStore::openChecked()
{
    closeConnection();
    const char* vfs = m_options.vfs.empty() ? nullptr : m_options.vfs.c_str();
    m_db = Database(m_dbPath.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs);
    // Wait for another process (the sync job, a status query) rather than fail on its locks, from the
    // very first read; applyPragmas() sets it again and reads it back.
    sqlite3_busy_timeout(m_db.handle(), m_options.busyTimeoutMs);

    // The version is read before anything writes: a database newer than this binary is never altered,
    // not even by switching its journal mode.
    const int found = static_cast<int>(m_db.queryInt("PRAGMA user_version"));
    if (found > latestSchemaVersion()) {
        m_db.close();
        throw StoreError("database " + m_dbPath.string() + " has schema version " + std::to_string(found) +
                         ", newer than this skm-kiosk understands (" + std::to_string(latestSchemaVersion()) +
                         "); it was left untouched. Install the newer skm-kiosk that wrote it.");
    }

    Statement check(m_db, "PRAGMA quick_check");
    std::string verdict;
    while (check.next()) {
        if (!verdict.empty()) verdict += "; ";
        verdict += check.columnText(0);
        if (verdict.size() > 400) break;
    }
    check = Statement();
    if (verdict != "ok") throw SqliteError(SQLITE_CORRUPT, "quick_check failed: " + verdict);

    applyPragmas(m_db, PragmaSettings{m_options.busyTimeoutMs, m_options.maxPageCount});
    m_report.schemaFrom = migrate(m_db, latestSchemaVersion());
    m_report.schemaVersion = static_cast<int>(m_db.queryInt("PRAGMA user_version"));
    m_insert = Statement(m_db, kInsertSql);
    m_chainHead = Statement(m_db, kChainHeadSql);
    m_closeCase = Statement(m_db, kCloseCaseSql);
    m_updateReasons = Statement(m_db, std::string("UPDATE ratings SET reasons") + kUpdateTail);
    m_updateComment = Statement(m_db, std::string("UPDATE ratings SET comment") + kUpdateTail);
}

bool RatingStore::holdsInstanceLock() const
{
    std::error_code ec;
    return m_options.instanceLock && std::filesystem::equivalent(m_options.instanceLock->dataDir(), m_options.dataDir, ec);
}

void RatingStore::refuseDamaged(const std::string& reason)
{
    // Left as found: when this is the last connection, closing it must not checkpoint the WAL into
    // the damaged file either.
    if (m_db.isOpen()) (void)sqlite3_db_config(m_db.handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    m_db.close();
    throw StoreDamaged("database " + m_dbPath.string() + " is damaged (" + reason + "); it was left untouched: only the kiosk itself moves a " +
                       "damaged database aside and salvages it, and this process is not the kiosk. Restart the kiosk (switch it off and " +
                       "on, or systemctl restart skm-kiosk; start it if it is not running), then sync again");
}

void RatingStore::quarantine(const std::string& reason)
{
    closeConnection();
    const std::string base = m_dbPath.string() + ".corrupt-" + fileStampUtc(m_clock->wallMs());
    std::string target = base;
    for (int n = 2; fs::exists(target); ++n) target = base + "-" + std::to_string(n);

    std::error_code ec;
    fs::rename(m_dbPath, target, ec);
    if (ec) throw StoreError("database " + m_dbPath.string() + " is corrupt (" + reason + ") and cannot be moved aside: " + ec.message());
    // The WAL travels with its database, under the name SQLite looks for, so that a later recovery
    // of the quarantined file sees the same content.
    for (const char* suffix : {"-wal", "-shm"}) {
        fs::path side = m_dbPath.string() + suffix;
        if (fs::exists(side)) fs::rename(side, target + suffix, ec);
    }
    fsyncDirectory(m_dbPath.parent_path());
    m_report.quarantinedTo = fs::path(target);
    m_report.quarantineReason = reason;
}

PendingRating RatingStore::stamp(int score)
{
    PendingRating r;
    r.wallMs = m_clock->wallMs();
    r.monoMs = m_clock->monoMs();
    r.id = m_ids.next(r.wallMs).str();
    r.score = score;
    return r;
}

CommitResult commitFailure(int rc, const std::string& message)
{
    CommitResult result;
    result.sqliteCode = rc;
    result.diskFull = (rc & 0xff) == SQLITE_FULL;
    result.error = result.diskFull ? "the disk is full: " + message : message;
    return result;
}

namespace {
CommitResult failure(int rc, const std::string& message) { return commitFailure(rc, message); }
} // namespace

// Inserts one rating (and closes its case) inside the caller's transaction. Returns the SQLite result
// code; `alreadyStored` tells whether the id was there before.
int RatingStore::insertOne(const PendingRating& r, bool& alreadyStored, std::string& message)
{
    m_insert.reset();
    m_insert.bind(1, std::string_view(r.id));
    m_insert.bind(2, int64_t{r.score});
    m_insert.bind(3, r.wallMs);
    m_insert.bind(4, r.monoMs);
    m_insert.bind(5, std::string_view(bootId()));
    m_insert.bind(6, std::string_view(m_options.deviceId));
    m_insert.bind(7, std::string_view(m_options.counter));
    m_insert.bind(8, r.officerNip);
    m_insert.bind(9, r.caseId);
    m_insert.bind(10, r.serviceCode);
    m_insert.bind(11, int64_t{r.suppressed ? 1 : 0});
    m_insert.bind(12, std::string_view(r.language));
    // An officer's case; the officer's session with no case (an office's [officer] session_ratings);
    // or the counter (no officer, or a counter-level case a queue system opened with nobody on duty).
    const std::string scope = r.officerNip ? (r.caseId ? "case" : "session") : "counter";
    m_insert.bind(13, std::string_view(scope));
    m_insert.bind(14, r.reasonsJson);
    m_insert.bind(15, r.comment);
    m_chainHead.reset();
    const std::string prev = m_chainHead.next() && !m_chainHead.columnIsNull(0) ? m_chainHead.columnText(0) : std::string(kChainGenesis);
    m_chainHead.reset();
    const std::string hash = chainHash(prev, ChainFields{r.id, r.score, r.wallMs, r.monoMs, bootId(), m_options.counter, r.officerNip, r.caseId,
                                                         r.serviceCode, r.suppressed, r.language, scope});
    m_insert.bind(16, std::string_view(prev));
    m_insert.bind(17, std::string_view(hash));
    int rc = m_insert.step();
    if (rc != SQLITE_DONE) {
        message = m_db.errorMessage();
        m_insert.reset();
        return rc;
    }
    alreadyStored = sqlite3_changes(m_db.handle()) == 0;
    m_insert.reset();
    if (r.caseId && !alreadyStored) {
        m_closeCase.reset();
        m_closeCase.bind(1, std::string_view(r.id));
        m_closeCase.bind(2, r.wallMs);
        m_closeCase.bind(3, std::string_view(*r.caseId));
        rc = m_closeCase.step();
        if (rc != SQLITE_DONE) message = m_db.errorMessage();
        m_closeCase.reset();
        if (rc != SQLITE_DONE) return rc;
    }
    return SQLITE_OK;
}

CommitResult RatingStore::commit(const PendingRating& r) { return commitBatch({r}); }

CommitResult RatingStore::commitBatch(const std::vector<PendingRating>& ratings)
{
    CommitResult result;
    for (const PendingRating& r : ratings) {
        if (r.score < 1 || r.score > 4) {
            result.sqliteCode = SQLITE_CONSTRAINT;
            result.error = "score " + std::to_string(r.score) + " is outside 1..4";
            return result;
        }
    }
    Transaction tx(m_db);
    std::string message;
    if (int rc = tx.begin(&message); rc != SQLITE_OK) return failure(rc, message);
    bool allThere = true;
    for (const PendingRating& r : ratings) {
        bool already = false;
        if (int rc = insertOne(r, already, message); rc != SQLITE_OK) {
            tx.rollback();
            return failure(rc, message);
        }
        allThere = allThere && already;
    }
    if (int crc = tx.commit(&message); crc != SQLITE_OK) return failure(crc, message);
    result.ok = true;
    result.alreadyStored = allThere;
    return result;
}

CommitResult RatingStore::update(const RatingUpdate& u)
{
    Statement& st = u.field == RatingUpdate::Field::Reasons ? m_updateReasons : m_updateComment;
    Transaction tx(m_db);
    std::string message;
    if (int rc = tx.begin(&message); rc != SQLITE_OK) return failure(rc, message);
    st.reset();
    st.bind(1, std::string_view(u.id));
    st.bind(2, std::string_view(u.value));
    st.bind(3, std::string_view(u.language));
    st.bind(4, m_clock->wallMs());
    const int rc = st.step();
    if (rc != SQLITE_DONE) {
        message = m_db.errorMessage();
        st.reset();
        tx.rollback();
        return failure(rc, message);
    }
    const bool found = sqlite3_changes(m_db.handle()) > 0;
    st.reset();
    if (int crc = tx.commit(&message); crc != SQLITE_OK) return failure(crc, message);
    CommitResult result;
    result.ok = true;
    result.notFound = !found;
    return result;
}

int RatingStore::schemaVersion() { return static_cast<int>(m_db.queryInt("PRAGMA user_version")); }

int RatingStore::recordEvent(const std::string& kind, const std::string& detailJson)
{
    try {
        Statement st(m_db, "INSERT INTO store_events (at_wall_ms, kind, detail) VALUES (?1, ?2, ?3)");
        st.bind(1, m_clock->wallMs());
        st.bind(2, std::string_view(kind));
        st.bind(3, std::string_view(detailJson));
        int rc = st.step();
        return rc == SQLITE_DONE ? SQLITE_OK : rc;
    } catch (const SqliteError& e) {
        return e.code();
    }
}

namespace {
// Counts and the newest rating's wall time, for whatever columns `version` has.
std::pair<Counts, std::optional<int64_t>> readCounts(Database& db, int version)
{
    Counts c;
    std::optional<int64_t> last;
    if (version < 1) return {c, last};
    const std::string suppressed = version >= 3 ? "coalesce(sum(suppressed), 0)" : "0";
    Statement st(db, "SELECT count(*), coalesce(sum(upload_status = 'pending'), 0), coalesce(sum(upload_status = 'sent'), 0),"
                     " coalesce(sum(upload_status = 'rejected'), 0), " + suppressed + ", max(created_wall_ms) FROM ratings");
    if (st.next()) {
        c = {st.columnInt(0), st.columnInt(1), st.columnInt(2), st.columnInt(3), st.columnInt(4)};
        if (!st.columnIsNull(5)) last = st.columnInt(5);
    }
    return {c, last};
}

std::vector<StoreEvent> readEvents(Database& db, int limit)
{
    std::vector<StoreEvent> out;
    Statement st(db, "SELECT at_wall_ms, kind, detail FROM store_events ORDER BY seq DESC LIMIT ?1");
    st.bind(1, int64_t{limit});
    while (st.next()) out.push_back({st.columnInt(0), st.columnText(1), st.columnText(2)});
    return out;
}
} // namespace

int RatingStore::recordAudit(const std::string& kind, const std::optional<std::string>& nip, const std::string& detailJson)
{
    try {
        Statement st(m_db, "INSERT INTO audit_events (id, at_wall_ms, at_mono_ms, boot_id, device_id, kind, nip, detail)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        const int64_t wall = m_clock->wallMs();
        st.bind(1, std::string_view(m_ids.next(wall).str()));
        st.bind(2, wall);
        st.bind(3, m_clock->monoMs());
        st.bind(4, std::string_view(bootId()));
        st.bind(5, std::string_view(m_options.deviceId));
        st.bind(6, std::string_view(kind));
        st.bind(7, nip);
        st.bind(8, std::string_view(detailJson));
        const int rc = st.step();
        return rc == SQLITE_DONE ? SQLITE_OK : rc;
    } catch (const SqliteError& e) {
        return e.code();
    }
}

std::vector<StoreEvent> RatingStore::recentEvents(int limit) { return readEvents(m_db, limit); }

Counts RatingStore::counts()
{
    return readCounts(m_db, schemaVersion()).first;
}


StoreStatus readStatus(const fs::path& dataDir, const std::string& dbFileName)
{
    StoreStatus s;
    s.dbPath = dataDir / dbFileName;
    s.latestSchemaVersion = latestSchemaVersion();
    std::error_code ec;
    if (!fs::exists(s.dbPath, ec)) return s;
    s.exists = true;
    s.dbBytes = static_cast<int64_t>(fs::file_size(s.dbPath, ec));
    for (const char* suffix : {"-wal"}) {
        auto side = fs::file_size(s.dbPath.string() + suffix, ec);
        if (!ec) s.dbBytes += static_cast<int64_t>(side);
    }
    try {
        Database db(s.dbPath.string(), SQLITE_OPEN_READONLY);
        db.exec("PRAGMA busy_timeout = 5000");
        s.schemaVersion = static_cast<int>(db.queryInt("PRAGMA user_version"));
        if (s.schemaVersion > s.latestSchemaVersion) {
            s.error = "schema version " + std::to_string(s.schemaVersion) + " is newer than this binary understands";
            return s;
        }
        std::tie(s.counts, s.lastRatingWallMs) = readCounts(db, s.schemaVersion);
        if (s.schemaVersion >= 2) s.events = readEvents(db, 10);
        if (s.schemaVersion >= 1) s.lastSyncJson = db.queryText("SELECT value FROM meta WHERE key = 'last_sync'");
        if (s.schemaVersion >= 5) {
            Statement on(db, "SELECT nip, state FROM officer_sessions WHERE state != 'ended' ORDER BY started_wall_ms DESC LIMIT 1");
            if (on.next()) {
                s.officerOnDuty = on.columnText(0);
                s.officerState = on.columnText(1);
            }
            Statement oc(db, "SELECT id, nip, service_code, ticket FROM cases WHERE status = 'open' ORDER BY opened_wall_ms DESC LIMIT 1");
            if (oc.next()) {
                s.openCase = StoreStatus::OpenCase{oc.columnText(0), oc.columnText(1), oc.columnText(2), std::nullopt};
                if (!oc.columnIsNull(3)) s.openCase->ticket = oc.columnText(3);
            }
        }
        if (s.schemaVersion >= 7) {
            Statement sv(db, "SELECT coalesce(sum(status = 'complete'), 0), coalesce(sum(status = 'incomplete'), 0), coalesce(sum(status = 'in_progress'), 0),"
                             " coalesce(sum(upload_status = 'pending' AND " + kSurveyClosed + "), 0), coalesce(sum(upload_status = 'rejected'), 0)"
                             " FROM survey_responses");
            if (sv.next()) s.surveys = {sv.columnInt(0), sv.columnInt(1), sv.columnInt(2), sv.columnInt(3), sv.columnInt(4)};
        }
    } catch (const SqliteError& e) {
        s.error = e.what();
    }
    return s;
}

std::string loadOrCreateDeviceId(const fs::path& dataDir)
{
    const fs::path file = dataDir / "device-id";
    {
        std::ifstream in(file);
        std::string id;
        if (in && std::getline(in, id) && !id.empty()) return id;
    }
    std::error_code ec;
    fs::create_directories(dataDir, ec);
    if (sodium_init() < 0) throw StoreError("libsodium failed to initialise");
    unsigned char raw[6];
    randombytes_buf(raw, sizeof raw);
    char hex[13];
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    const std::string id = std::string("skm-") + hex;

    // Write a private temporary file, then link() it into place: link fails if another process made
    // the id first, and then that id is the one to use.
    std::string tmp = (dataDir / "device-id.XXXXXX").string();
    int fd = ::mkstemp(tmp.data());
    if (fd < 0) throw StoreError("cannot create a file in " + dataDir.string() + ": " + std::strerror(errno));
    const std::string line = id + "\n";
    const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
    ::close(fd);
    const int linked = written ? ::link(tmp.c_str(), file.c_str()) : -1;
    const int linkErr = errno;
    ::unlink(tmp.c_str());
    if (!written) throw StoreError("cannot write " + file.string());
    if (linked != 0) {
        if (linkErr != EEXIST) throw StoreError("cannot write " + file.string() + ": " + std::strerror(linkErr));
        std::ifstream in(file);
        std::string other;
        if (in && std::getline(in, other) && !other.empty()) return other;
        throw StoreError(file.string() + " exists but holds no device id");
    }
    fsyncDirectory(dataDir);
    return id;
}

} // namespace skm::store
