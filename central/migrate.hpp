#pragma once
// `skm-central migrate --from DATA_DIR --to postgresql://...` (issue 18): moves an office's records
// from SQLite's central.db to PostgreSQL. In one PostgreSQL transaction: every table copied (devices,
// ratings, sessions, cases, audit events, survey responses, ingest conflicts, accounts), then compared
// before it commits: the row counts, every device's hash chain, and a full report (the office report
// and the scores with their IKM over all time) must be identical on both sides, or nothing is kept.
//
// Rerunnable: a run that stopped half-way kept nothing, and a run after a finished one copies nothing
// and finds both sides equal. A target holding anything else (another office's devices, a record the
// source does not have, or one it has otherwise) is refused, and left as it was.
// Not copied: the nonces of recent requests and the web sessions and sign-in links, all short-lived
// (a report reader signs in again).

#include <central/store/central_store.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>

namespace skm::central {

struct MigrationSummary {
    std::map<std::string, int64_t> sourceRows;  // per table, in central.db
    std::map<std::string, int64_t> copiedRows;  // per table, new in the target this run
    int64_t devicesChecked = 0;                 // chains compared
    bool alreadyMigrated = false;               // nothing new: the target already held all of it
};

class MigrationError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Throws MigrationError (a difference, a target with other data: nothing kept) or CentralError.
[[nodiscard]] MigrationSummary migrateToPostgres(const std::filesystem::path& dataDir, const std::string& url);
// The command: prints what it did or why not. 0 done, 1 refused or failed (nothing kept), 2 usage.
int runMigrate(const std::filesystem::path& dataDir, const std::string& url);

} // namespace skm::central
