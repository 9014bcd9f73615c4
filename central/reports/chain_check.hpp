#pragma once
// The chain check of one device's ratings (docs/sync-protocol.md, "The chain"): every rating carries
// the hash of the one before it on its device, so the central office sees exactly which ratings are
// missing (gaps), which were altered (breaks) and when a device's database was replaced (restarts).
// The one implementation: `skm-central report` and the scores' device signals both read it.

#include <core/sql.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace skm::central {

struct ChainGap {
    int64_t from = 0, to = 0; // the missing chain positions, inclusive
    std::string nextId;       // the rating after them
};
struct ChainBreak {
    int64_t chainSeq = 0;
    std::string id;
};

struct ChainCheck {
    int64_t checked = 0;    // ratings with a chain position
    int64_t gapCount = 0;   // ratings whose predecessor never arrived
    int64_t missing = 0;    // positions missing in all
    int64_t breakCount = 0; // ratings whose predecessor arrived with another hash
    int64_t restarts = 0;   // chains begun again at position 1
    std::vector<ChainGap> gaps;     // the first 100
    std::vector<ChainBreak> breaks; // the first 100
    [[nodiscard]] int64_t linked() const { return checked - gapCount - breakCount; }
    [[nodiscard]] bool ok() const { return gapCount == 0 && breakCount == 0 && restarts == 0; }
};

// Checks `deviceId`'s ratings in `db` (read-only is enough) from what each upload keeps: the chain
// state on each rating and the daily rollups (central/store/rollups.hpp). Reads only the ratings that
// are not linked, however long the chain.
[[nodiscard]] ChainCheck checkChain(sql::Connection& db, const std::string& deviceId);
// The same check recomputed from every rating of the device (`skm-central migrate` compares the two
// copies with it, and the tests compare it with checkChain).
[[nodiscard]] ChainCheck checkChainFromRows(sql::Connection& db, const std::string& deviceId);
// The chain checks of one report: every device's read at the first asking, in two queries (the office
// report and the scores' device signals ask for the same devices in one read transaction).
class ChainChecks {
public:
    explicit ChainChecks(sql::Connection& db) : m_db(db) {}
    [[nodiscard]] const ChainCheck& of(const std::string& deviceId);

private:
    sql::Connection& m_db;
    bool m_loaded = false;
    std::map<std::string, ChainCheck> m_checked;
};

// {"checked", "linked", "gap_count", "missing", "gaps": [{from, to, next_id}], "break_count",
//  "breaks": [{chain_seq, id}], "restarts", "ok"}
[[nodiscard]] nlohmann::json chainJson(const ChainCheck& c);

} // namespace skm::central
