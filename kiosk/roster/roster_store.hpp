#pragma once
// The roster in force on a kiosk: the tables roster_officers, roster_services and roster_reasons of its
// store, and the officers' photos in DATA_DIR/photos/. The roster itself and its parsing are
// core/roster.hpp.

#include <core/db.hpp>
#include <core/roster.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace skm::roster {

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
