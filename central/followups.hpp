#pragma once
// The follow-up plan (rencana tindak lanjut) a unit records for a period (issue 19): per item the unsur
// it answers, the action, who, by when, its status and an evidence note; every change a new revision
// kept in followup_history with who made it and when (nothing is ever deleted: an item given up is
// "batal"). And the population a unit enters for a period, which the laporan's sample is judged
// against. Both engines, through sql::Connection.

#include <core/sql.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace skm::central {

struct Followup {
    std::string id;
    std::string unit, period; // the period's label (semester:2026-S1)
    std::string unsur;        // U1..U9
    std::string action, responsible, dueDate, status, evidence;
    int64_t rev = 0;
    std::string createdBy, updatedBy;
    int64_t createdAtMs = 0, updatedAtMs = 0;
};

// rencana (planned), berjalan (under way), selesai (done), batal (given up).
inline const std::vector<std::string> kFollowupStatuses = {"rencana", "berjalan", "selesai", "batal"};
[[nodiscard]] const char* followupStatusLabel(const std::string& status, bool english);

// A form that cannot be stored: what() says which field and why, in Indonesian and English
// ("Tindakan kosong / The action is empty"). Nothing is stored then.
class FollowupError : public std::runtime_error {
public:
    FollowupError(const std::string& id, const std::string& en) : std::runtime_error(id + " / " + en), m_id(id), m_en(en) {}
    [[nodiscard]] const std::string& in(bool english) const noexcept { return english ? m_en : m_id; }

private:
    std::string m_id, m_en;
};

// The items of `unit` for the period labelled `period`, oldest first.
[[nodiscard]] std::vector<Followup> listFollowups(sql::Connection& db, const std::string& unit, const std::string& period);
// One item, if it exists.
[[nodiscard]] std::optional<Followup> findFollowup(sql::Connection& db, const std::string& id);
// A new item (status "rencana" unless given), revision 1, with its first history row; in one transaction.
// Throws FollowupError for a bad field.
Followup addFollowup(sql::Connection& db, Followup item, const std::string& user, int64_t nowMs);
// A new status and evidence note for item `id`, when it is still at revision `expectedRev` (else it
// was changed meanwhile: FollowupError, nothing stored). A change that changes nothing is not a revision.
Followup updateFollowup(sql::Connection& db, const std::string& id, int64_t expectedRev, const std::string& status, const std::string& evidence,
                        const std::string& user, int64_t nowMs);
// Every revision of item `id`, oldest first: {"rev", "at_ms", "user", "state"}.
[[nodiscard]] nlohmann::json followupHistory(sql::Connection& db, const std::string& id);

// The population `unit` entered for `period`, if any; setPopulation replaces it, every value entered
// kept in population_history with who and when. 0 to kMaxPopulation (no unit serves more in a year).
inline constexpr int64_t kMaxPopulation = 100'000'000;
[[nodiscard]] std::optional<int64_t> enteredPopulation(sql::Connection& db, const std::string& unit, const std::string& period);
void setPopulation(sql::Connection& db, const std::string& unit, const std::string& period, int64_t population, const std::string& user, int64_t nowMs);

} // namespace skm::central
