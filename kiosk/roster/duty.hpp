#pragma once
// An officer's duty at this counter, persisted as it happens:
//   session: start -> (break <-> resume)* -> end   (signed out, end of day, inactivity, replaced)
//   case:    logged by the officer -> handed to the citizen -> rated (by their next tap) or not rated
//            (expired, replaced by the next case, session ended).
// A rating tapped while a case is open is that case's (officer, case, service); one rating per case;
// a tap with no open case is a counter-level rating with no officer. The case is closed as rated in
// the same transaction as the rating (RatingStore::commit). One Duty per store, on the UI thread.

#include "roster_store.hpp"

#include <kiosk/store/rating_store.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace skm::roster {

struct DutyPolicy {
    int64_t caseExpiryMs = 10 * 60'000;     // a case nobody rates is closed as not rated
    int64_t sessionIdleMs = 2 * 3'600'000;  // no officer activity for this long ends the session
    int endOfDayMinutes = 17 * 60;          // local time of day that ends every session; -1: never
    bool sessionRatings = false;            // a tap in a session with no case is the officer's, scope 'session'
};

struct SessionInfo {
    std::string id;
    Officer officer;
    bool onBreak = false;
    int64_t startedWallMs = 0;
};

struct CaseInfo {
    std::string id;
    std::string serviceCode;
    std::optional<std::string> ticket;
    int64_t openedMonoMs = 0;
    std::optional<std::string> nip; // the officer's; none: a counter-level case (a queue system's, nobody on duty)
    std::string source = "officer"; // who opened it: "officer" (by hand) or "queue"
};

// A case found by its ticket (the queue system's calls are idempotent on it).
struct TicketCase {
    std::string id, serviceCode, status; // open, rated, not_rated
    std::optional<std::string> nip, closeReason, ratingId;
    int64_t openedWallMs = 0;
};

// An officer action that is not possible now (e.g. logging a case on a break).
class DutyError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Duty {
public:
    // Closes whatever a previous run left open at `counter` (ended/not rated: kiosk_restarted).
    Duty(store::RatingStore& store, std::string counter, DutyPolicy policy = {});

    [[nodiscard]] const std::optional<SessionInfo>& session() const noexcept { return m_session; }
    [[nodiscard]] const std::optional<CaseInfo>& openCase() const noexcept { return m_case; }

    // Starts `officer`'s session; a session in force is ended first (replaced). Throws store::SqliteError.
    void start(const Officer& officer);
    void takeBreak();
    void resume();
    // Ends the session (and closes an open case as not rated). `reason`: signed_out, end_of_day, inactive...
    void end(const std::string& reason);
    // Logs a served case and hands the screen to the citizen; an unrated open case is closed as not rated
    // (replaced). Throws DutyError without an active session or with an unknown service.
    const CaseInfo& logCase(const std::string& serviceCode, const std::optional<std::string>& ticket);
    // A case the queue system opened (kiosk/queue/queue_desk.hpp): the officer on duty's when `nip` is
    // empty or is theirs and they are not on a break, else counter-level. Replaces an unrated open
    // case, as logCase does. Throws DutyError for an unknown service.
    const CaseInfo& openQueueCase(const std::string& serviceCode, const std::string& ticket, const std::optional<std::string>& nip);
    // The latest case with `ticket` at this counter opened since `sinceWallMs`, if any.
    [[nodiscard]] std::optional<TicketCase> caseForTicket(const std::string& ticket, int64_t sinceWallMs) const;
    // Closes the open case as not rated, with `reason` (cancelled). False if it is not the open case.
    bool cancelOpenCase(const std::string& caseId, const char* reason);
    [[nodiscard]] bool serviceKnown(const std::string& serviceCode) const;
    // Officer activity (keeps the session from ending as inactive).
    void noteActivity();

    // Fills the officer, case and service of a rating tapped now, if a case is open.
    void attribute(store::PendingRating& rating) const;
    // After the rating for the open case committed (which closed it in the database).
    void ratingCommitted(const store::PendingRating& rating);

    // Case expiry, inactivity and end of day. Returns true if anything changed.
    bool tick();
    // The monotonic time (ms) of the next of those; INT64_MAX if none.
    [[nodiscard]] int64_t nextDeadlineMs() const;

private:
    void closeCase(const char* reason);
    const CaseInfo& insertCase(CaseInfo c, const std::optional<std::string>& sessionId);
    void setState(const char* state);
    void sessionEvent(const char* kind, const std::string& detail = "{}");
    [[nodiscard]] int64_t endOfDayWallMs(int64_t startedWallMs) const;

    store::RatingStore& m_store;
    std::string m_counter;
    DutyPolicy m_policy;
    std::optional<SessionInfo> m_session;
    std::optional<CaseInfo> m_case;
    int64_t m_lastActivityMono = 0;
    int64_t m_endOfDayWall = 0; // of the session in force
};

} // namespace skm::roster
