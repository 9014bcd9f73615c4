#include "roster_store.hpp"

#include "photo_files.hpp"

#include <sqlite3.h>

#include <filesystem>

namespace fs = std::filesystem;

namespace skm::roster {

namespace {

// The directory that holds `db`'s file, or nullopt for a database that is not a plain file.
std::optional<fs::path> dataDirOf(store::Database& db)
{
    const std::string& p = db.path();
    if (p.empty() || p.front() == ':' || p.rfind("file:", 0) == 0) return std::nullopt;
    const fs::path dir = fs::path(p).parent_path();
    return dir.empty() ? fs::path(".") : dir;
}

} // namespace

void replaceRoster(store::Database& db, const Roster& r, int64_t nowWallMs)
{
    const std::optional<fs::path> dataDir = dataDirOf(db);
    if (!dataDir && !r.photos.empty()) throw std::invalid_argument("a roster with photos needs a database in a data directory");
    store::Transaction tx(db);
    std::string message;
    if (int rc = tx.begin(&message); rc != SQLITE_OK) throw store::SqliteError(rc, "cannot start the roster import: " + message);
    // The files before the rows, under the write lock: the roster in force never names a photo that
    // is not on disk, and the clean-up below (also under the lock) never sees another import's files
    // before that import's rows.
    if (dataDir) writePhotos(photosDir(*dataDir), r.photos);
    for (const Officer& o : r.officers) {
        std::error_code ec;
        if (!o.photo.empty() && !(dataDir && isPhotoFileName(o.photo) && fs::is_regular_file(photosDir(*dataDir) / o.photo, ec))) {
            throw std::invalid_argument("officer " + o.nip + ": photo " + o.photo + " is neither in the roster nor in the photos directory");
        }
    }
    db.exec("DELETE FROM roster_officers; DELETE FROM roster_services; DELETE FROM roster_reasons;");
    {
        store::Statement st(db, "INSERT INTO roster_officers (nip, name, unit, pin_hash, photo) VALUES (?1, ?2, ?3, ?4, ?5)");
        for (const Officer& o : r.officers) {
            st.reset();
            st.bind(1, std::string_view(o.nip));
            st.bind(2, std::string_view(o.name));
            st.bind(3, std::string_view(o.unit));
            st.bind(4, std::string_view(o.pinHash));
            st.bind(5, std::string_view(o.photo));
            (void)st.next();
        }
    }
    {
        store::Statement st(db, "INSERT INTO roster_services (code, name_id, name_en) VALUES (?1, ?2, ?3)");
        for (const Service& s : r.services) {
            st.reset();
            st.bind(1, std::string_view(s.code));
            st.bind(2, std::string_view(s.nameId));
            st.bind(3, std::string_view(s.nameEn));
            (void)st.next();
        }
    }
    {
        store::Statement st(db, "INSERT INTO roster_reasons (kind, position, code, label_id, label_en, complaint) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        for (const auto& [kind, list] : {std::pair<const char*, const std::vector<config::Reason>*>{"low", &r.reasonsLow}, {"high", &r.reasonsHigh}}) {
            for (size_t i = 0; i < list->size(); ++i) {
                st.reset();
                st.bind(1, std::string_view(kind));
                st.bind(2, static_cast<int64_t>(i));
                st.bind(3, std::string_view((*list)[i].code));
                st.bind(4, std::string_view((*list)[i].labelId));
                st.bind(5, std::string_view((*list)[i].labelEn));
                st.bind(6, static_cast<int64_t>((*list)[i].complaint ? 1 : 0));
                (void)st.next();
            }
        }
    }
    store::Statement meta(db, "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    for (const auto& [k, v] : {std::pair<std::string, std::string>{"roster_version", r.version}, {"roster_imported_wall_ms", std::to_string(nowWallMs)}}) {
        meta.reset();
        meta.bind(1, std::string_view(k));
        meta.bind(2, std::string_view(v));
        (void)meta.next();
    }
    if (int rc = tx.commit(&message); rc != SQLITE_OK) throw store::SqliteError(rc, "the roster import did not commit: " + message);

    // The photos no officer in force uses any more (the previous roster's, or a crashed import's).
    // The roster is in force already: a failure here only leaves files for the next import to remove.
    if (!dataDir) return;
    try {
        store::Transaction lock(db);
        if (lock.begin() != SQLITE_OK) return;
        std::set<std::string> keep;
        store::Statement q(db, "SELECT photo FROM roster_officers WHERE photo <> ''");
        while (q.next()) keep.insert(q.columnText(0));
        removePhotosExcept(photosDir(*dataDir), keep);
        lock.rollback(); // nothing was written
    } catch (const std::exception&) {
    }
}

std::optional<Roster> readRoster(store::Database& db)
{
    Roster r;
    r.version = db.queryText("SELECT value FROM meta WHERE key = 'roster_version'");
    if (r.version.empty()) return std::nullopt;
    store::Statement o(db, "SELECT nip, name, unit, pin_hash, photo FROM roster_officers ORDER BY name, nip");
    while (o.next()) r.officers.push_back({o.columnText(0), o.columnText(1), o.columnText(2), o.columnText(3), o.columnText(4)});
    store::Statement s(db, "SELECT code, name_id, name_en FROM roster_services ORDER BY code");
    while (s.next()) r.services.push_back({s.columnText(0), s.columnText(1), s.columnText(2)});
    store::Statement q(db, "SELECT kind, code, label_id, label_en, complaint FROM roster_reasons ORDER BY kind, position");
    while (q.next()) {
        config::Reason reason{q.columnText(1), q.columnText(2), q.columnText(3), q.columnInt(4) != 0};
        (q.columnText(0) == "low" ? r.reasonsLow : r.reasonsHigh).push_back(std::move(reason));
    }
    return r;
}

std::vector<config::Reason> rosterReasons(store::Database& db, const std::string& kind)
{
    std::vector<config::Reason> out;
    store::Statement q(db, "SELECT code, label_id, label_en, complaint FROM roster_reasons WHERE kind = ?1 ORDER BY position");
    q.bind(1, std::string_view(kind));
    while (q.next()) out.push_back({q.columnText(0), q.columnText(1), q.columnText(2), q.columnInt(3) != 0});
    return out;
}

std::optional<Officer> findOfficer(store::Database& db, const std::string& nip)
{
    store::Statement o(db, "SELECT nip, name, unit, pin_hash, photo FROM roster_officers WHERE nip = ?1");
    o.bind(1, std::string_view(nip));
    if (!o.next()) return std::nullopt;
    return Officer{o.columnText(0), o.columnText(1), o.columnText(2), o.columnText(3), o.columnText(4)};
}

std::optional<fs::path> photoPath(const fs::path& dataDir, const Officer& officer)
{
    if (!isPhotoFileName(officer.photo)) return std::nullopt; // none (and never a path from elsewhere)
    fs::path file = photosDir(dataDir) / officer.photo;
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) return std::nullopt;
    return file;
}

} // namespace skm::roster
