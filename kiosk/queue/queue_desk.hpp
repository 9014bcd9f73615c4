#pragma once
// What a queue system's call does to the counter's duty (docs/queue-integration.md), on the UI thread:
//   open    {ticket, service, counter, nip?}: opens the case for the ticket. Without a NIP it is the
//           officer on duty's; with one, it is theirs if they are on duty here. With nobody on duty
//           (or on a break, or another officer on duty) it is a counter-level case, and the answer
//           says so. Idempotent on the ticket: the same ticket again the same day is the same case,
//           whatever became of it; the same ticket for another service is refused.
//   cancel  {ticket, counter}: the ticket's case, if still open, is closed as not rated (cancelled).
//   status  the counter, the officer on duty and the open case.
// Every refusal leaves the duty as it was. Calls from the poller (queue_poller.hpp) come the same way.

#include <kiosk/roster/duty.hpp>
#include <kiosk/roster/roster_store.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>

namespace skm::queue {

struct Command {
    enum class Kind { Open, Cancel, Status } kind = Kind::Status;
    nlohmann::json body;  // as the queue system sent it (open, cancel)
    std::string origin;   // "endpoint 10.0.0.5" or "poller", for the log and the audit
};

struct Reply {
    int status = 200;
    nlohmann::json body = nlohmann::json::object();
    bool changed = false; // the open case changed: the citizen's screen follows
};

struct DeskOptions {
    std::string counter;        // this counter as the queue system names it
    std::string defaultService; // for a call that names none ("": the service is required)
    std::map<std::string, std::string> services; // the queue system's service codes -> the catalogue's
};

class QueueDesk {
public:
    // `duty` and `store` must outlive the desk.
    QueueDesk(roster::Duty& duty, store::RatingStore& store, DeskOptions options);
    [[nodiscard]] Reply apply(const Command& command);

private:
    [[nodiscard]] Reply open(const Command& command);
    [[nodiscard]] Reply cancel(const Command& command);
    [[nodiscard]] Reply status() const;
    [[nodiscard]] nlohmann::json caseJson(const roster::TicketCase& c) const;
    [[nodiscard]] int64_t startOfToday() const;
    [[nodiscard]] std::optional<std::string> officerName(const std::string& nip) const;

    roster::Duty& m_duty;
    store::RatingStore& m_store;
    DeskOptions m_options;
};

} // namespace skm::queue
