#pragma once
// The roster: the officers who may sign in at this kiosk, the service catalogue, and (optionally) the
// reason lists. Until sync delivers it from the central office it is imported from a TOML file
// (config/demo-roster.toml shows the format). An import is all or nothing: a file with any bad entry
// is refused whole, naming the entry, and the roster in force stays.

#include <config/config.hpp>
#include <store/db.hpp>

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
};

// A roster file that cannot be used. what() reads "FILE:LINE: ENTRY: problem".
class RosterError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Parses and validates a roster (TOML text; `name` stands for the file in messages). Throws RosterError.
[[nodiscard]] Roster parseRoster(const std::string& text, const std::string& name);
[[nodiscard]] Roster loadRosterFile(const std::string& path);

// Replaces the roster in `db` (schema 4 or later) with `roster` in one transaction. Throws
// store::SqliteError; on any failure the previous roster is untouched.
void replaceRoster(store::Database& db, const Roster& roster, int64_t nowWallMs);
// The roster in force, or nullopt if none was ever imported.
[[nodiscard]] std::optional<Roster> readRoster(store::Database& db);
// The roster's reason list of `kind` ("low" or "high"), in order; empty if the roster has none (then
// the configuration's list applies). Read at each rating, so a roster delivered by sync takes effect
// for the next citizen without a restart.
[[nodiscard]] std::vector<config::Reason> rosterReasons(store::Database& db, const std::string& kind);
[[nodiscard]] std::optional<Officer> findOfficer(store::Database& db, const std::string& nip);

} // namespace skm::roster
