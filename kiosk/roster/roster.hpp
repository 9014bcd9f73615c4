#pragma once
// The roster: the officers who may sign in at this kiosk, the service catalogue, and (optionally) the
// reason lists. Until sync delivers it from the central office it is imported from a TOML file
// (config/demo-roster.toml shows the format). An import is all or nothing: a file with any bad entry
// is refused whole, naming the entry, and the roster in force stays. That includes the officers'
// photos (photo.hpp): a photo that is missing or fails its check refuses the whole roster.

#include "photo.hpp"

#include <config/config.hpp>
#include <store/db.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace skm::roster {

struct Officer {
    std::string nip;
    std::string name;
    std::string unit;
    std::string pinHash; // Argon2id
    std::string photo{}; // the photo's file name in DATA_DIR/photos/ (photoFileName), "" if none: see photoPath
};

struct Service {
    std::string code;
    std::string nameId;
    std::string nameEn;
};

struct Roster {
    std::string version;
    std::vector<Officer> officers;
    std::vector<Service> services;
    std::vector<config::Reason> reasonsLow;  // empty: the configuration's lists apply
    std::vector<config::Reason> reasonsHigh;
    // The officers' photos, checked: photoFileName -> bytes. Filled by parseRoster from its source,
    // written by replaceRoster; readRoster leaves it empty (the files are in DATA_DIR/photos/).
    std::map<std::string, std::string> photos;
};

// A roster file that cannot be used. what() reads "FILE:LINE: ENTRY: problem".
class RosterError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Parses and validates a roster (TOML text; `name` stands for the file in messages). Each officer's
// `photo` path must be plain and relative; `photos` is asked for its bytes, which must pass
// photoProblem (and all of them together stay within kMaxPhotosBytes). With no source (nullptr) the
// paths are checked but nothing is read and every Officer::photo stays "": for readers that want
// names only. Throws RosterError naming the entry (for a photo: the officer and the reason).
[[nodiscard]] Roster parseRoster(const std::string& text, const std::string& name, const PhotoSource& photos);
// The text alone, which has no directory to read photos from: parseRoster(text, name, nullptr).
[[nodiscard]] Roster parseRoster(const std::string& text, const std::string& name);
// The roster file at `path`, its photos read relative to the file's directory.
[[nodiscard]] Roster loadRosterFile(const std::string& path);
// The same with photos from `photos` (nullptr: not read, as in parseRoster).
[[nodiscard]] Roster loadRosterFile(const std::string& path, const PhotoSource& photos);

// Replaces the roster in `db` (schema 9 or later) with `roster` in one transaction, and its photos
// in DATA_DIR/photos/ (DATA_DIR: the directory of `db`'s file). Under the transaction's write lock
// the new photo files are written first (new names only: a file in use is never changed), then the
// rows; after the commit, the photo files no officer in force uses are removed, again under the
// write lock, so a concurrent import never loses its files. On any failure the previous roster and
// its photos stay in force. Throws store::SqliteError, std::system_error for a photo not written, or
// std::invalid_argument for an officer whose photo is neither in `roster.photos` nor on disk.
void replaceRoster(store::Database& db, const Roster& roster, int64_t nowWallMs);
// The roster in force, or nullopt if none was ever imported.
[[nodiscard]] std::optional<Roster> readRoster(store::Database& db);
// The roster's reason list of `kind` ("low" or "high"), in order; empty if the roster has none (then
// the configuration's list applies). Read at each rating, so a roster delivered by sync takes effect
// for the next citizen without a restart.
[[nodiscard]] std::vector<config::Reason> rosterReasons(store::Database& db, const std::string& kind);
[[nodiscard]] std::optional<Officer> findOfficer(store::Database& db, const std::string& nip);

// The file of `officer`'s photo for the screen to show: DATA_DIR/photos/NAME, or nullopt when the
// roster gives the officer none (or the file is gone). The file passed photoProblem when it was
// installed: a PNG or JPEG of at most kMaxPhotoSide pixels a side and kMaxPhotoBytes. It is never
// rewritten (a changed photo gets a new name), so a texture may be cached by path; a roster change may
// remove it, so a reader must still cope with a failed open. Touches the file system (one stat); any
// thread. On the kiosk, DATA_DIR is store::RatingStore::dbPath().parent_path().
[[nodiscard]] std::optional<std::filesystem::path> photoPath(const std::filesystem::path& dataDir, const Officer& officer);

} // namespace skm::roster
