#include "central_store.hpp"

#include "scores.hpp"

#include <protocol.hpp>
#include <store/rating_store.hpp>
#include <ikm/ikm.hpp>
#include <roster/roster.hpp>
#include <store/chain.hpp>
#include <store/migrations.hpp>
#include <store/uuid.hpp>

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

// The central office's schema history (PRAGMA user_version), applied by the same forward-only
// migrate() as the kiosk's store: each step in one transaction with its version bump.
const std::vector<store::Migration>& centralMigrations()
{
    static const std::vector<store::Migration> all = {
        {1, "devices, nonces, ratings", R"sql(
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
)sql"},
        {2, "rating hash chain; officer sessions, cases and audit events", R"sql(
-- The device's chain (kiosk/store/chain.hpp): its position, its predecessor's hash as the device
-- sent it, and the hash computed here from the fields received.
ALTER TABLE ratings ADD COLUMN chain_seq INTEGER;
ALTER TABLE ratings ADD COLUMN prev_hash TEXT;
ALTER TABLE ratings ADD COLUMN hash TEXT;
CREATE INDEX ratings_chain ON ratings (device_id, chain_seq);
-- Each record as the device last sent it (body, JSON), with the columns reports select on.
CREATE TABLE sessions (
    id              TEXT PRIMARY KEY,
    device_id       TEXT NOT NULL,
    nip             TEXT NOT NULL,
    counter         TEXT NOT NULL,
    state           TEXT NOT NULL,
    started_wall_ms INTEGER NOT NULL,
    ended_wall_ms   INTEGER,
    body            TEXT NOT NULL,
    received_at_ms  INTEGER NOT NULL,
    updated_at_ms   INTEGER
) WITHOUT ROWID;
CREATE TABLE cases (
    id             TEXT PRIMARY KEY,
    device_id      TEXT NOT NULL,
    session_id     TEXT NOT NULL,
    nip            TEXT NOT NULL,
    counter        TEXT NOT NULL,
    service_code   TEXT NOT NULL,
    status         TEXT NOT NULL,
    opened_wall_ms INTEGER NOT NULL,
    rating_id      TEXT,
    body           TEXT NOT NULL,
    received_at_ms INTEGER NOT NULL,
    updated_at_ms  INTEGER
) WITHOUT ROWID;
CREATE INDEX cases_by_officer ON cases (nip, opened_wall_ms);
CREATE TABLE audit_events (
    id             TEXT PRIMARY KEY,
    device_id      TEXT NOT NULL,
    kind           TEXT NOT NULL,
    nip            TEXT,
    at_wall_ms     INTEGER NOT NULL,
    body           TEXT NOT NULL,
    received_at_ms INTEGER NOT NULL,
    updated_at_ms  INTEGER
) WITHOUT ROWID;
)sql"},
        {3, "SKM survey responses", R"sql(
CREATE TABLE survey_responses (
    id               TEXT PRIMARY KEY,
    device_id        TEXT NOT NULL,
    survey_version   TEXT NOT NULL,
    counter          TEXT NOT NULL,
    status           TEXT NOT NULL,          -- complete or incomplete (only finished ones are sent)
    service_code     TEXT,
    officer_nip      TEXT,
    started_wall_ms  INTEGER NOT NULL,
    body             TEXT NOT NULL,          -- with "answers": {"U1": 1-4, ...} and "profile"
    received_at_ms   INTEGER NOT NULL,
    updated_at_ms    INTEGER
) WITHOUT ROWID;
CREATE INDEX survey_by_time ON survey_responses (status, started_wall_ms);
)sql"},
        {4, "report accounts and their web sessions; ratings by time", R"sql(
-- People who may read the reports (skm-central user add). Devices never can.
CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,               -- Argon2id (libsodium crypto_pwhash_str)
    role          TEXT NOT NULL CHECK (role IN ('admin', 'unit_head')),
    unit          TEXT,                        -- a unit head's unit
    created_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE web_sessions (
    token_hash    TEXT PRIMARY KEY,            -- SHA-256 of the cookie's token; the token itself is never stored
    user_name     TEXT NOT NULL REFERENCES users (name),
    expires_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
-- One-time sign-in links (skm-central user link): single use, short-lived, stored as a hash.
CREATE TABLE signin_links (
    token_hash    TEXT PRIMARY KEY,
    user_name     TEXT NOT NULL REFERENCES users (name),
    expires_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
-- Month-by-month trends read ratings by time; covering, so a month is one index range.
CREATE INDEX ratings_by_time ON ratings (created_wall_ms, suppressed, score, officer_nip);
)sql"},
        {5, "append-only history: refused re-sends kept beside the stored record", R"sql(
-- A record re-sent with its id but changed in a way the kiosk never changes it (history is
-- append-only): refused with `conflict`, the stored record untouched, and the offered version kept
-- here for the office. One row per distinct offered version; a repeat counts up `times`.
CREATE TABLE ingest_conflicts (
    seq                 INTEGER PRIMARY KEY,
    device_id           TEXT NOT NULL,
    kind                TEXT NOT NULL,          -- ratings, sessions, cases, audit, surveys
    record_id           TEXT NOT NULL,
    fields              TEXT NOT NULL,          -- JSON array: the fields that differ
    stored              TEXT NOT NULL,          -- the record as stored when the conflict arrived (JSON)
    offered             TEXT NOT NULL,          -- the version refused (JSON)
    offered_sha256      TEXT NOT NULL,
    received_at_ms      INTEGER NOT NULL,       -- first offered
    last_received_at_ms INTEGER NOT NULL,
    times               INTEGER NOT NULL DEFAULT 1,
    UNIQUE (device_id, kind, record_id, offered_sha256)
);
)sql"},
        {6, "ratings with an implausible time", R"sql(
-- 1: created_wall_ms cannot be when the rating was made (before 2020-01-01, or later than its arrival
-- plus the 300 s clock window): the device's clock was wrong. Stored, counted, shown in the report.
ALTER TABLE ratings ADD COLUMN time_suspect INTEGER NOT NULL DEFAULT 0;
UPDATE ratings SET time_suspect = 1 WHERE created_wall_ms < 1577836800000 OR created_wall_ms > received_at_ms + 300000;
CREATE INDEX ratings_time_suspect ON ratings (device_id) WHERE time_suspect = 1;
)sql"},
    };
    return all;
}

bool isString(const nlohmann::json& r, const char* k, size_t maxLen, bool nullable)
{
    const auto it = r.find(k);
    if (it == r.end()) return false;
    if (it->is_null()) return nullable;
    return it->is_string() && it->get_ref<const std::string&>().size() <= maxLen;
}

bool isInt(const nlohmann::json& r, const char* k) { return r.contains(k) && r[k].is_number_integer(); }

nlohmann::json orNull(const nlohmann::json& r, const char* k) { return r.contains(k) ? r[k] : nlohmann::json(nullptr); }

std::optional<std::string> optString(const nlohmann::json& r, const char* k)
{
    const auto it = r.find(k);
    if (it == r.end() || it->is_null()) return std::nullopt;
    return it->get<std::string>();
}

bool isHex64(const nlohmann::json& v)
{
    if (!v.is_string() || v.get_ref<const std::string&>().size() != 64) return false;
    return v.get_ref<const std::string&>().find_first_not_of("0123456789abcdef") == std::string::npos;
}

// An officer's NIP as every table and report keys it: exactly 18 ASCII digits.
bool isNip(const nlohmann::json& v)
{
    return v.is_string() && v.get_ref<const std::string&>().size() == 18 && v.get_ref<const std::string&>().find_first_not_of("0123456789") == std::string::npos;
}

// Whether `s` holds a control character: C0 (U+0000-U+001F), DEL, or C1 (U+0080-U+009F, in UTF-8
// C2 80-C2 9F; the JSON parser has already refused ill-formed UTF-8). `lineBreaks` allows tab, LF, CR.
bool hasControl(std::string_view s, bool lineBreaks)
{
    for (size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7f) {
            if (lineBreaks && (c == '\t' || c == '\n' || c == '\r')) continue;
            return true;
        }
        if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 && static_cast<unsigned char>(s[i + 1]) <= 0x9f) return true;
    }
    return false;
}

// Whether any string or key anywhere in `j` holds a control character (depth is bounded by the
// upload's parse, protocol::kMaxJsonDepth).
bool anyControl(const nlohmann::json& j, bool lineBreaks)
{
    if (j.is_string()) return hasControl(j.get_ref<const std::string&>(), lineBreaks);
    if (j.is_object()) {
        for (const auto& [k, v] : j.items()) {
            if (hasControl(k, lineBreaks) || anyControl(v, lineBreaks)) return true;
        }
    }
    if (j.is_array()) {
        for (const auto& v : j) {
            if (anyControl(v, lineBreaks)) return true;
        }
    }
    return false;
}

// Free-form objects (an audit event's detail, a session event's): no NUL anywhere, and no other
// control character but tab and line breaks (an error message quoted there may span lines).
std::string detailProblem(const std::string& name, const nlohmann::json& j)
{
    return anyControl(j, true) ? name + " must not contain NUL or control characters (tab and line breaks aside)" : "";
}

std::string controlProblem(const std::string& name) { return name + " must not contain control characters"; }

} // namespace

// The record kinds that travel beside the ratings: what each field must be, how a re-send may change
// it, and the columns the central tables keep besides the whole body.
enum class Type { Id, Text, Nip, Int, Enum, Object, Events, Answers, Profile };
// How a field of a record already stored may differ in a re-send of it: only as the kiosk changes it
// (kiosk/roster/duty.cpp, kiosk/store/rating_store.cpp), never who or when.
enum class Change {
    Fixed,        // never (who, where, when it began, what was answered)
    SetOnce,      // null until set, then fixed (an end or close time, its reason, the rating of a case)
    Latest,       // a later value replaces it, and a value never goes back to null (a rating's reasons, comment)
    Ignored,      // not compared (a rating's language: the kiosk records the follow-up's)
    Grows,        // an array that is only appended to (a session's events)
    SessionState, // active <-> break, then ended for good
    CaseStatus,   // open, then rated or not_rated for good
};
struct Field {
    const char* name;
    Type type;
    bool nullable = false;
    size_t maxLen = 64;
    std::vector<std::string> allowed = {};
    Change change = Change::Fixed;
};
struct RecordKind {
    const char* key;   // in the request body and the answer
    const char* table;
    std::vector<Field> fields;
    std::vector<const char*> columns; // besides id, device_id, body, received_at_ms
    // A stored record whose `finalField` holds one of `finalValues` is final (an ended session, a
    // closed case): a re-send may repeat it or be an earlier version, never add to it.
    const char* finalField = nullptr;
    std::vector<std::string> finalValues = {};
};

namespace {

const std::vector<RecordKind>& recordKinds()
{
    static const std::vector<RecordKind> kinds = {
        // A session: its officer, counter and start are fixed; it pauses and resumes, and ends once.
        {"sessions", "sessions",
         {{"id", Type::Id}, {"nip", Type::Nip}, {"counter", Type::Text, false, 40}, {"boot_id", Type::Text},
          {"started_wall_ms", Type::Int}, {"started_mono_ms", Type::Int},
          {"state", Type::Enum, false, 0, {"active", "break", "ended"}, Change::SessionState},
          {"ended_wall_ms", Type::Int, true, 64, {}, Change::SetOnce}, {"end_reason", Type::Text, true, 32, {}, Change::SetOnce},
          {"events", Type::Events, false, 64, {}, Change::Grows}},
         {"nip", "counter", "state", "started_wall_ms", "ended_wall_ms"},
         "state",
         {"ended"}},
        // A case: who served whom, where, for what and when are fixed; it closes once.
        {"cases", "cases",
         {{"id", Type::Id}, {"session_id", Type::Text, false, 36}, {"nip", Type::Nip}, {"counter", Type::Text, false, 40},
          {"service_code", Type::Text, false, 32}, {"ticket", Type::Text, true, 64}, {"boot_id", Type::Text}, {"opened_wall_ms", Type::Int},
          {"opened_mono_ms", Type::Int}, {"status", Type::Enum, false, 0, {"open", "rated", "not_rated"}, Change::CaseStatus},
          {"close_reason", Type::Text, true, 32, {}, Change::SetOnce}, {"rating_id", Type::Text, true, 36, {}, Change::SetOnce},
          {"closed_wall_ms", Type::Int, true, 64, {}, Change::SetOnce}},
         {"session_id", "nip", "counter", "service_code", "status", "opened_wall_ms", "rating_id"},
         "status",
         {"rated", "not_rated"}},
        // A survey response travels once it is finished, and the kiosk never changes it after that.
        {"surveys", "survey_responses",
         {{"id", Type::Id}, {"survey_version", Type::Text}, {"counter", Type::Text, false, 40}, {"boot_id", Type::Text},
          {"started_wall_ms", Type::Int}, {"started_mono_ms", Type::Int}, {"language", Type::Enum, false, 0, {"id", "en"}},
          {"service_code", Type::Text, true, 32}, {"officer_nip", Type::Nip, true}, {"case_id", Type::Text, true, 36},
          {"status", Type::Enum, false, 0, {"complete", "incomplete"}}, {"finished_wall_ms", Type::Int, true}, {"answers", Type::Answers},
          {"profile", Type::Profile}},
         {"survey_version", "counter", "status", "service_code", "officer_nip", "started_wall_ms"}},
        // An audit event is a fact: never changed. Its `nip` is what was typed at a sign-in (an
        // officer's NIP, "technician", or a malformed attempt the kiosk keeps at most 32 characters of).
        {"audit", "audit_events",
         {{"id", Type::Id}, {"at_wall_ms", Type::Int}, {"at_mono_ms", Type::Int}, {"boot_id", Type::Text}, {"kind", Type::Text, false, 32},
          {"nip", Type::Text, true, 32}, {"detail", Type::Object}},
         {"kind", "nip", "at_wall_ms"}},
    };
    return kinds;
}

bool isUuidV7(const nlohmann::json& v)
{
    if (!v.is_string() || v.get_ref<const std::string&>().size() != 36) return false;
    const auto u = store::Uuid::parse(v.get<std::string>());
    return u && u->version() == 7;
}

std::string validateRecord(const RecordKind& kind, const nlohmann::json& r)
{
    if (!r.is_object()) return "not an object";
    if (r.dump().size() > 64 * 1024) return "larger than 64 KiB";
    for (const Field& f : kind.fields) {
        const auto it = r.find(f.name);
        const std::string name = f.name;
        if (it == r.end()) return name + " is missing";
        if (it->is_null()) {
            if (f.nullable) continue;
            return name + " must not be null";
        }
        switch (f.type) {
        case Type::Id:
            if (!isUuidV7(*it)) return name + " must be a UUIDv7";
            break;
        case Type::Text:
            if (!it->is_string() || it->get_ref<const std::string&>().size() > f.maxLen) return name + " must be text of at most " + std::to_string(f.maxLen) + " characters";
            if (hasControl(it->get_ref<const std::string&>(), false)) return controlProblem(name);
            break;
        case Type::Nip:
            if (!isNip(*it)) return name + (f.nullable ? " must be 18 digits or null" : " must be 18 digits");
            break;
        case Type::Int:
            if (!it->is_number_integer()) return name + " must be an integer";
            break;
        case Type::Enum:
            if (!it->is_string() || std::find(f.allowed.begin(), f.allowed.end(), it->get<std::string>()) == f.allowed.end()) return name + " has an unknown value";
            break;
        case Type::Object:
            if (!it->is_object()) return name + " must be an object";
            if (std::string why = detailProblem(name, *it); !why.empty()) return why;
            break;
        case Type::Answers:
            if (!it->is_object()) return name + " must be an object of U1..U9: 1-4";
            for (const auto& [k, v] : it->items()) {
                const bool code = k.size() == 2 && k[0] == 'U' && k[1] >= '1' && k[1] <= '9';
                if (!code || !v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 4) return name + " must map U1..U9 to 1-4";
            }
            break;
        case Type::Profile:
            if (!it->is_object() || it->size() > 16) return name + " must be an object of at most 16 answers";
            for (const auto& [k, v] : it->items()) {
                if (k.size() > 32 || !v.is_string() || v.get_ref<const std::string&>().size() > 32) return name + " must map codes to codes";
                if (hasControl(k, false) || hasControl(v.get_ref<const std::string&>(), false)) return controlProblem(name);
            }
            break;
        case Type::Events:
            if (!it->is_array() || it->size() > 1000) return name + " must be an array of at most 1000 events";
            for (const auto& e : *it) {
                if (!e.is_object() || !e.contains("kind") || !e["kind"].is_string() || !isInt(e, "at_wall_ms") || !isInt(e, "at_mono_ms")) {
                    return name + " must hold {kind, at_wall_ms, at_mono_ms, detail} objects";
                }
                if (e["kind"].get_ref<const std::string&>().size() > 32) return name + " kinds must be text of at most 32 characters";
                if (hasControl(e["kind"].get_ref<const std::string&>(), false)) return controlProblem(name);
                if (e.contains("detail") && anyControl(e["detail"], true)) return detailProblem(name, e["detail"]);
            }
            break;
        }
    }
    return {};
}

// How a re-sent record compares with the stored one, field by field under each field's Change rule.
enum class Verdict {
    Same,     // nothing the protocol carries differs: duplicate
    Newer,    // only changes the kiosk makes, forwards: updated
    Older,    // an earlier version of the stored record (the slower of two concurrent runs): duplicate, nothing changes
    Conflict, // anything else: the stored record is kept, the offered version recorded
};
struct Comparison {
    Verdict verdict = Verdict::Same;
    nlohmann::json fields = nlohmann::json::array(); // the fields that differ (the Ignored ones aside)
};

nlohmann::json valueOrNull(const nlohmann::json& r, const char* k)
{
    const auto it = r.find(k);
    return it == r.end() ? nlohmann::json(nullptr) : *it;
}

enum class Dir { Same, Newer, Older, Either, Conflict };

Dir direction(Change rule, const nlohmann::json& stored, const nlohmann::json& offered)
{
    if (stored == offered) return Dir::Same;
    switch (rule) {
    case Change::Fixed: return Dir::Conflict;
    case Change::Ignored: return Dir::Same;
    case Change::SetOnce: return stored.is_null() ? Dir::Newer : offered.is_null() ? Dir::Older : Dir::Conflict;
    case Change::Latest: return offered.is_null() ? Dir::Older : Dir::Newer;
    case Change::Grows: {
        if (!stored.is_array() || !offered.is_array() || stored.size() == offered.size()) return Dir::Conflict;
        const bool grew = stored.size() < offered.size();
        const nlohmann::json& shorter = grew ? stored : offered;
        const nlohmann::json& longer = grew ? offered : stored;
        for (size_t i = 0; i < shorter.size(); ++i) {
            if (shorter[i] != longer[i]) return Dir::Conflict; // an entry rewritten, not appended
        }
        return grew ? Dir::Newer : Dir::Older;
    }
    case Change::SessionState:
        if (stored == "ended") return Dir::Older;
        if (offered == "ended") return Dir::Newer;
        return Dir::Either; // active <-> break: the events tell which is newer
    case Change::CaseStatus:
        if (stored == "open") return Dir::Newer;
        if (offered == "open") return Dir::Older;
        return Dir::Conflict; // rated <-> not_rated
    }
    return Dir::Conflict;
}

// `final`: the stored record is in a final state (nothing newer is accepted).
Comparison compare(const std::vector<Field>& fields, const nlohmann::json& stored, const nlohmann::json& offered, bool final)
{
    Comparison c;
    bool newer = false, older = false, either = false, conflict = false;
    for (const Field& f : fields) {
        const nlohmann::json s = valueOrNull(stored, f.name), o = valueOrNull(offered, f.name);
        if (s == o || f.change == Change::Ignored) continue;
        c.fields.push_back(f.name);
        switch (direction(f.change, s, o)) {
        case Dir::Same: break;
        case Dir::Newer: newer = true; break;
        case Dir::Older: older = true; break;
        case Dir::Either: either = true; break;
        case Dir::Conflict: conflict = true; break;
        }
    }
    // Newer and older at once is no version the kiosk ever had; a state toggled without a new event
    // is not how the kiosk changes a session; a final record does not change any more.
    if (conflict || (newer && older) || (either && !newer && !older) || (final && newer)) c.verdict = Verdict::Conflict;
    else if (newer) c.verdict = Verdict::Newer;
    else if (older) c.verdict = Verdict::Older;
    return c;
}

std::string conflictReason(const nlohmann::json& fields)
{
    std::string list;
    for (const auto& f : fields) list += (list.empty() ? "" : ", ") + f.get<std::string>();
    return "differs from the record already received (" + list + "): history is append-only, the stored record is kept";
}

// A rating's fields under the same rules: fixed at the tap but for the follow-up's reasons and comment
// (and its language, which the kiosk records anew with them). A chain position arrives once.
const std::vector<Field>& ratingFields()
{
    static const std::vector<Field> fields = {
        {"score", Type::Int},           {"created_wall_ms", Type::Int}, {"created_mono_ms", Type::Int}, {"boot_id", Type::Text},
        {"counter", Type::Text},        {"officer_nip", Type::Nip},     {"case_id", Type::Text},         {"service_code", Type::Text},
        {"suppressed", Type::Int},      {"scope", Type::Text},
        {"chain_seq", Type::Int, true, 64, {}, Change::SetOnce},        {"prev_hash", Type::Text, true, 64, {}, Change::SetOnce},
        {"reasons", Type::Text, true, 64, {}, Change::Latest},          {"comment", Type::Text, true, 64, {}, Change::Latest},
        {"language", Type::Text, false, 64, {}, Change::Ignored},
    };
    return fields;
}

} // namespace

int latestCentralSchema() { return static_cast<int>(centralMigrations().size()); }

int64_t ingestConflictCount(store::Database& db) { return db.queryInt("SELECT count(*) FROM ingest_conflicts"); }

int64_t timeSuspectCount(store::Database& db) { return db.queryInt("SELECT count(*) FROM ratings WHERE time_suspect = 1"); }

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
        const int from = store::migrate(m_db, centralMigrations(), latestCentralSchema());
        if (from != latestCentralSchema()) spdlog::info("central.db schema {} -> {}", from, latestCentralSchema());
    } catch (const store::SqliteError& e) {
        throw CentralError(std::string("cannot open the central database: ") + e.what());
    }
    for (const char* suffix : {"", "-wal", "-shm"}) makePrivate(file.string() + suffix);
}

std::string deviceIdProblem(const std::string& id)
{
    const bool charset = !id.empty() && id.size() <= 64 &&
                         id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == std::string::npos;
    if (charset && id[0] != '.' && id[0] != '-') return {};
    std::string shown; // as typed, with anything unprintable written as \xNN
    for (const char c : id.substr(0, 80)) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f) {
            shown += c;
        } else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", u);
            shown += hex;
        }
    }
    return "a device id is 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-', not starting with '.' or '-' (got '" + shown + "')";
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
    if (!r["officer_nip"].is_null() && !isNip(r["officer_nip"])) return "officer_nip must be 18 digits or null";
    if (r.contains("reasons") && !r["reasons"].is_null()) {
        if (!r["reasons"].is_array() || r["reasons"].size() > 8) return "reasons must be an array of at most 8 codes";
        for (const auto& c : r["reasons"]) {
            if (!c.is_string() || c.get_ref<const std::string&>().size() > 32) return "reasons must be codes";
            if (hasControl(c.get_ref<const std::string&>(), false)) return controlProblem("reasons");
        }
    }
    if (!isString(r, "comment", 4000, true)) return "comment must be a string of at most 4000 bytes, or null";
    if (!r.contains("suppressed") || !r["suppressed"].is_boolean()) return "suppressed must be true or false";
    if (!r.contains("language") || (r["language"] != "id" && r["language"] != "en")) return "language must be id or en";
    if (!r.contains("scope") || (r["scope"] != "case" && r["scope"] != "counter")) return "scope must be case or counter";
    if (!isInt(r, "chain_seq") || r["chain_seq"].get<int64_t>() < 1) return "chain_seq must be a positive integer";
    if (!r.contains("prev_hash") || !isHex64(r["prev_hash"])) return "prev_hash must be 64 lower-case hex digits";
    // Text a report prints: no NUL (it cut names short in the table report) and no other control character.
    for (const char* k : {"boot_id", "counter", "case_id", "service_code", "comment"}) {
        if (r[k].is_string() && hasControl(r[k].get_ref<const std::string&>(), false)) return controlProblem(k);
    }
    return {};
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

nlohmann::json CentralStore::report()
{
    std::lock_guard lock(m_mutex);
    nlohmann::json out;
    out["ratings_total"] = m_db.queryInt("SELECT count(*) FROM ratings");
    out["sessions_total"] = m_db.queryInt("SELECT count(*) FROM sessions");
    out["cases_total"] = m_db.queryInt("SELECT count(*) FROM cases");
    out["audit_total"] = m_db.queryInt("SELECT count(*) FROM audit_events");
    out["ingest_conflicts_total"] = ingestConflictCount(m_db);
    out["time_suspect_total"] = timeSuspectCount(m_db);
    // Both versions of each conflict, newest first: what the device sent first (stored) and later (offered).
    nlohmann::json conflicts = nlohmann::json::array();
    store::Statement c(m_db, "SELECT device_id, kind, record_id, fields, received_at_ms, last_received_at_ms, times, stored, offered"
                             " FROM ingest_conflicts ORDER BY last_received_at_ms DESC, seq DESC LIMIT 50");
    auto parsed = [](const std::string& text) {
        nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
        return j.is_discarded() ? nlohmann::json(text) : j;
    };
    while (c.next()) {
        conflicts.push_back({{"device", c.columnText(0)},
                             {"kind", c.columnText(1)},
                             {"id", c.columnText(2)},
                             {"fields", parsed(c.columnText(3))},
                             {"first_received_at_ms", c.columnInt(4)},
                             {"last_received_at_ms", c.columnInt(5)},
                             {"times", c.columnInt(6)},
                             {"stored", parsed(c.columnText(7))},
                             {"offered", parsed(c.columnText(8))}});
    }
    out["ingest_conflicts"] = conflicts;
    nlohmann::json devices = nlohmann::json::object();
    store::Statement d(m_db, "SELECT d.id,"
                             " (SELECT count(*) FROM ratings r WHERE r.device_id = d.id),"
                             " (SELECT coalesce(sum(r.suppressed), 0) FROM ratings r WHERE r.device_id = d.id),"
                             " (SELECT count(*) FROM sessions s WHERE s.device_id = d.id),"
                             " (SELECT count(*) FROM cases c WHERE c.device_id = d.id),"
                             " (SELECT count(*) FROM audit_events a WHERE a.device_id = d.id),"
                             " (SELECT count(*) FROM ingest_conflicts k WHERE k.device_id = d.id),"
                             " (SELECT count(*) FROM ratings r WHERE r.device_id = d.id AND r.time_suspect = 1)"
                             " FROM devices d ORDER BY d.id");
    while (d.next()) {
        devices[d.columnText(0)] = {{"ratings", d.columnInt(1)},          {"suppressed", d.columnInt(2)},   {"sessions", d.columnInt(3)},
                                    {"cases", d.columnInt(4)},            {"audit", d.columnInt(5)},        {"ingest_conflicts", d.columnInt(6)},
                                    {"time_suspect", d.columnInt(7)},     {"chain", verifyChainLocked(d.columnText(0))}};
    }
    out["devices"] = devices;
    return out;
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

nlohmann::json CentralStore::verifyChain(const std::string& deviceId)
{
    std::lock_guard lock(m_mutex);
    return verifyChainLocked(deviceId);
}

nlohmann::json CentralStore::verifyChainLocked(const std::string& deviceId)
{
    // A rating is linked when its prev_hash is the hash computed here of the device's rating one
    // position earlier (or the genesis value at position 1). Otherwise: a gap if no rating of that
    // position arrived (not sent yet, rejected, or deleted on the device), a break if one did and its
    // hash differs (altered, or a chain forged around a deletion). A second chain starting at 1 is a
    // restart: the device's database was replaced (e.g. a corrupt file moved aside).
    constexpr size_t kListMax = 100;
    nlohmann::json chain;
    store::Statement counts(m_db, "SELECT count(*), coalesce(sum(chain_seq = 1), 0) FROM ratings WHERE device_id = ?1 AND chain_seq IS NOT NULL");
    counts.bind(1, std::string_view(deviceId));
    (void)counts.next();
    const int64_t checked = counts.columnInt(0), starts = counts.columnInt(1);
    store::Statement bad(m_db,
                         "SELECT r.id, r.chain_seq,"
                         " (SELECT max(p.chain_seq) FROM ratings p WHERE p.device_id = ?1 AND p.chain_seq < r.chain_seq)"
                         " FROM ratings r WHERE r.device_id = ?1 AND r.chain_seq IS NOT NULL AND NOT ("
                         "  CASE WHEN r.chain_seq = 1 THEN r.prev_hash = ?2"
                         "  ELSE EXISTS (SELECT 1 FROM ratings p WHERE p.device_id = ?1 AND p.chain_seq = r.chain_seq - 1 AND p.hash = r.prev_hash) END)"
                         " ORDER BY r.chain_seq, r.id");
    bad.bind(1, std::string_view(deviceId));
    bad.bind(2, std::string_view(store::kChainGenesis));
    nlohmann::json gaps = nlohmann::json::array(), breaks = nlohmann::json::array();
    int64_t gapCount = 0, breakCount = 0, missing = 0;
    while (bad.next()) {
        const int64_t seq = bad.columnInt(1);
        const int64_t before = bad.columnIsNull(2) ? 0 : bad.columnInt(2);
        if (seq > 1 && before < seq - 1) {
            ++gapCount;
            missing += seq - 1 - before;
            if (gaps.size() < kListMax) gaps.push_back({{"from", before + 1}, {"to", seq - 1}, {"next_id", bad.columnText(0)}});
        } else {
            ++breakCount;
            if (breaks.size() < kListMax) breaks.push_back({{"chain_seq", seq}, {"id", bad.columnText(0)}});
        }
    }
    chain["checked"] = checked;
    chain["linked"] = checked - gapCount - breakCount;
    chain["gap_count"] = gapCount;
    chain["missing"] = missing;
    chain["gaps"] = gaps;
    chain["break_count"] = breakCount;
    chain["breaks"] = breaks;
    chain["restarts"] = starts > 1 ? starts - 1 : 0;
    chain["ok"] = gapCount == 0 && breakCount == 0 && starts <= 1;
    return chain;
}

namespace {

struct IkmGroup {
    std::array<ikm::Tally, ikm::kUnsurCount> unsur{};
    int64_t responses = 0;
};

nlohmann::json ikmJson(const IkmGroup& g)
{
    const ikm::Result r = ikm::compute(g.unsur);
    nlohmann::json nrr = nlohmann::json::object();
    for (int i = 0; i < ikm::kUnsurCount; ++i) {
        nrr["U" + std::to_string(i + 1)] = r.nrr[static_cast<size_t>(i)] ? nlohmann::json(ikm::round2(*r.nrr[static_cast<size_t>(i)])) : nlohmann::json(nullptr);
    }
    nlohmann::json out = {{"responses", g.responses}, {"nrr", nrr}};
    out["ikm"] = r.ikm ? nlohmann::json(std::round(*r.ikm * 10000) / 10000) : nlohmann::json(nullptr);
    out["converted"] = r.converted ? nlohmann::json(*r.converted) : nlohmann::json(nullptr);
    out["mutu"] = r.mutu ? nlohmann::json(std::string(1, ikm::mutuLetter(*r.mutu))) : nlohmann::json(nullptr);
    out["mutu_label"] = r.mutu ? nlohmann::json(ikm::mutuLabel(*r.mutu)) : nlohmann::json(nullptr);
    return out;
}

} // namespace

nlohmann::json CentralStore::surveyReport(int64_t fromMs, int64_t toMs)
{
    std::map<std::string, std::string> units;
    for (const auto& [nip, info] : publishedOfficers(m_dataDir)) units.emplace(nip, info.unit);
    std::lock_guard lock(m_mutex);
    IkmGroup overall;
    std::map<std::string, IkmGroup> byUnit, byService;
    store::Statement q(m_db, "SELECT body, officer_nip, service_code FROM survey_responses WHERE status = 'complete' AND started_wall_ms >= ?1 AND started_wall_ms < ?2");
    q.bind(1, fromMs);
    q.bind(2, toMs);
    while (q.next()) {
        const nlohmann::json body = nlohmann::json::parse(q.columnText(0), nullptr, false);
        if (!body.is_object() || !body.contains("answers")) continue;
        const std::string nip = q.columnIsNull(1) ? "" : q.columnText(1);
        const auto unitIt = units.find(nip);
        const std::string unit = nip.empty() ? "(tanpa petugas)" : unitIt != units.end() ? unitIt->second : "(unit tidak diketahui)";
        const std::string service = q.columnIsNull(2) ? "(tidak diketahui)" : q.columnText(2);
        for (IkmGroup* g : {&overall, &byUnit[unit], &byService[service]}) {
            ++g->responses;
            for (int i = 0; i < ikm::kUnsurCount; ++i) {
                const auto a = body["answers"].find("U" + std::to_string(i + 1));
                if (a != body["answers"].end() && a->is_number_integer()) g->unsur[static_cast<size_t>(i)].add(a->get<int>());
            }
        }
    }
    store::Statement n(m_db, "SELECT coalesce(sum(status = 'incomplete'), 0) FROM survey_responses WHERE started_wall_ms >= ?1 AND started_wall_ms < ?2");
    n.bind(1, fromMs);
    n.bind(2, toMs);
    (void)n.next();
    nlohmann::json out = {{"complete_responses", overall.responses}, {"incomplete_responses", n.columnInt(0)}, {"overall", ikmJson(overall)}};
    nlohmann::json u = nlohmann::json::object(), sv = nlohmann::json::object();
    for (const auto& [k, g] : byUnit) u[k] = ikmJson(g);
    for (const auto& [k, g] : byService) sv[k] = ikmJson(g);
    out["by_unit"] = u;
    out["by_service"] = sv;
    return out;
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
