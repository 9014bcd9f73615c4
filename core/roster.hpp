#pragma once
// The roster: the officers who may sign in at this kiosk, the service catalogue, and (optionally) the
// reason lists. Until sync delivers it from the central office it is imported from a TOML file
// (config/demo-roster.toml shows the format). An import is all or nothing: a file with any bad entry
// is refused whole, naming the entry, and the roster in force stays. That includes the officers'
// photos (photo.hpp): a photo that is missing or fails its check refuses the whole roster.

#include "photo.hpp"
#include "reasons.hpp"

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

} // namespace skm::roster
