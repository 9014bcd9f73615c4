#pragma once
// The photos of the roster in force on a kiosk, in DATA_DIR/photos/ under names made from their content
// (photoFileName, core/photo.hpp), so a file there never changes once written; roster::replaceRoster
// writes them and removes the ones no officer uses any more, and roster::photoPath finds an officer's.

#include <core/photo.hpp>

#include <filesystem>
#include <map>
#include <set>
#include <string>

namespace skm::roster {

// DATA_DIR/photos/.
[[nodiscard]] std::filesystem::path photosDir(const std::filesystem::path& dataDir);

// The two halves of installing a roster's photos (replaceRoster calls them; see there for the order).
// writePhotos puts each of `photos` (photoFileName -> bytes) that `dir` lacks there: a temporary file,
// fsynced, renamed, then the directory fsynced; files 0644 (nothing secret), `dir` made with the mode
// (and, for root, the owner) of its parent, the data directory. Throws std::system_error.
void writePhotos(const std::filesystem::path& dir, const std::map<std::string, std::string>& photos);
// Removes from `dir` the photo files (and leftover temporary files) whose names are not in `keep`;
// leaves anything else alone. Never throws: what is left is removed next time.
void removePhotosExcept(const std::filesystem::path& dir, const std::set<std::string>& keep);

} // namespace skm::roster
