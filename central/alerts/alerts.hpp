#pragma once
// Alerts at the central office (issue 21): the rules checked over what the kiosks upload, each breach
// raised once (alerts.open_key: every replica's INSERT of the same breach finds the one already
// there), with its deliveries written in the same transaction (delivery.hpp sends them), and the
// steps people take on it (acknowledge, comment, close), every one kept in alert_events. Both engines,
// through sql::Connection; the engine (engine.hpp) runs it on a connection of its own, never under the
// ingest's lock.
//
// The rules (alert_config.hpp): unhappy — more than a share of Kurang Baik / Tidak Baik among at least
// a minimum of counted ratings of one counter within a window (the window ends at each rating that
// arrived, so a breach in an upload that came late is found too, up to a day old); reason — a counted
// rating with a configured reason code (pungutan), to the integrity contacts; silent — a kiosk not heard
// from for N hours within office hours; chain — a rating that arrived altered. Suppressed presses and
// ratings with an implausible time never count.

#include "alert_config.hpp"

#include <central/reports/officers.hpp>
#include <core/sql.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace skm::central::alerts {

// The name the service itself signs its steps with in alert_events.
inline constexpr const char* kServiceUser = "skm-central";

struct Alert {
    std::string id, rule, ruleKey, unit, deviceId, counter, title;
    nlohmann::json detail;
    int64_t raisedAtMs = 0, lastBreachMs = 0;
    std::optional<int64_t> clearedAtMs;
    std::string status; // baru, diterima, ditutup
    int64_t rev = 0;
};

struct Delivery {
    std::string id, alertId, channel, target, status, lastError;
    int64_t attempts = 0, nextAttemptMs = 0;
    std::optional<int64_t> deliveredAtMs;
};

// baru (new), diterima (acknowledged), ditutup (closed).
inline const std::vector<std::string> kAlertStatuses = {"baru", "diterima", "ditutup"};
[[nodiscard]] const char* statusLabel(const std::string& status, bool english);
[[nodiscard]] const char* ruleLabel(const std::string& rule, bool english);

struct ScanResult {
    int raised = 0, cleared = 0, extended = 0;
    int64_t ratingsRead = 0;
};

// One pass: the ratings received or changed since the last pass (alert_scan; the first pass starts at
// `nowMs`, so that an office upgrading is not sent its history), then the silent kiosks and the ended
// breaches at `nowMs`. Safe to run on several replicas at once. Throws sql::Error.
ScanResult scan(sql::Connection& db, const AlertConfig& config, const std::map<std::string, OfficerInfo>& officers, int64_t nowMs);

// Office-hours milliseconds between `fromMs` and `toMs` (local time of this machine).
[[nodiscard]] int64_t officeMsBetween(int64_t fromMs, int64_t toMs, const AlertConfig& config);

// A step that cannot be taken: what() in Indonesian and English, nothing stored.
class AlertError : public std::runtime_error {
public:
    AlertError(const std::string& id, const std::string& en) : std::runtime_error(id + " / " + en), m_id(id), m_en(en) {}
    [[nodiscard]] const std::string& in(bool english) const noexcept { return english ? m_en : m_id; }

private:
    std::string m_id, m_en;
};

struct AlertFilter {
    std::optional<std::string> unit; // nullopt: every unit (an admin); else that unit's only
    bool closedToo = false;          // false: those not closed
    int limit = 200;
};
// Newest first.
[[nodiscard]] std::vector<Alert> listAlerts(sql::Connection& db, const AlertFilter& filter);
[[nodiscard]] std::optional<Alert> findAlert(sql::Connection& db, const std::string& id);
// Every step on alert `id`, oldest first: {"at_ms", "user", "action", "note"}.
[[nodiscard]] nlohmann::json alertEvents(sql::Connection& db, const std::string& id);
[[nodiscard]] std::vector<Delivery> alertDeliveries(sql::Connection& db, const std::string& id);
// A person's step on alert `id` at revision `expectedRev`: "acknowledge" (baru -> diterima), "comment"
// (a note, required), "close" (-> ditutup, with an optional note). One transaction: the alert's new
// status and revision and the alert_events row. Throws AlertError (unknown alert or step, a changed
// revision, a closed alert, a note too long or not text).
Alert actOnAlert(sql::Connection& db, const std::string& id, int64_t expectedRev, const std::string& step, const std::string& note, const std::string& user,
                 int64_t nowMs);

// Appends a step to alert_events (the service's own: delivered, delivery_failed, cleared ...).
void recordEvent(sql::Connection& db, const std::string& alertId, int64_t atMs, const std::string& user, const std::string& action, const std::string& note);

} // namespace skm::central::alerts
