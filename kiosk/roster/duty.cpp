#include "duty.hpp"

#include <nlohmann/json.hpp>

#include <ctime>
#include <limits>

namespace skm::roster {

namespace {
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

// Runs `body` in one write transaction; throws store::SqliteError if it cannot commit.
template <typename F>
void inTransaction(store::Database& db, const char* what, F&& body)
{
    store::Transaction tx(db);
    std::string message;
    if (int rc = tx.begin(&message); rc != SQLITE_OK) throw store::SqliteError(rc, std::string("cannot start ") + what + ": " + message);
    body();
    if (int rc = tx.commit(&message); rc != SQLITE_OK) throw store::SqliteError(rc, std::string(what) + " did not commit: " + message);
}
} // namespace

Duty::Duty(store::RatingStore& store, std::string counter, DutyPolicy policy)
    : m_store(store), m_counter(std::move(counter)), m_policy(policy)
{
    store::Database& db = m_store.database();
    const int64_t now = m_store.clock().wallMs();
    // Whatever a previous run left open on this kiosk is closed, whichever counter it was logged at: a
    // kiosk stands at one counter, and one renamed since (kiosk.counter) must not leave the old name's
    // session and case open beside the new one. A rename is said so, and audited.
    std::vector<std::string> otherCounters;
    {
        store::Statement c(db, "SELECT DISTINCT counter FROM officer_sessions WHERE state != 'ended' AND counter != ?1"
                               " UNION SELECT DISTINCT counter FROM cases WHERE status = 'open' AND counter != ?1");
        c.bind(1, std::string_view(m_counter));
        while (c.next()) otherCounters.push_back(c.columnText(0));
    }
    inTransaction(db, "closing the previous run's duty", [&] {
        auto reason = [&](const std::string& counter) { return counter == m_counter ? "kiosk_restarted" : "counter_changed"; };
        {
            store::Statement open(db, "SELECT id, counter FROM cases WHERE status = 'open'");
            std::vector<std::pair<std::string, std::string>> cases;
            while (open.next()) cases.emplace_back(open.columnText(0), open.columnText(1));
            for (const auto& [id, counter] : cases) {
                store::Statement c(db, "UPDATE cases SET status = 'not_rated', close_reason = ?1, closed_wall_ms = ?2 WHERE id = ?3");
                c.bind(1, std::string_view(reason(counter)));
                c.bind(2, now);
                c.bind(3, std::string_view(id));
                (void)c.next();
            }
        }
        store::Statement open(db, "SELECT id, counter FROM officer_sessions WHERE state != 'ended'");
        std::vector<std::pair<std::string, std::string>> sessions;
        while (open.next()) sessions.emplace_back(open.columnText(0), open.columnText(1));
        for (const auto& [id, counter] : sessions) {
            const std::string why = reason(counter);
            store::Statement e(db, "INSERT INTO session_events (session_id, kind, at_wall_ms, at_mono_ms, detail) VALUES (?1, 'end', ?2, ?3, ?4)");
            e.bind(1, std::string_view(id));
            e.bind(2, now);
            e.bind(3, m_store.clock().monoMs());
            const std::string detail = nlohmann::json{{"reason", why}}.dump();
            e.bind(4, std::string_view(detail));
            (void)e.next();
            store::Statement st(db, "UPDATE officer_sessions SET state = 'ended', end_reason = ?1, ended_wall_ms = ?2 WHERE id = ?3");
            st.bind(1, std::string_view(why));
            st.bind(2, now);
            st.bind(3, std::string_view(id));
            (void)st.next();
        }
        for (const std::string& from : otherCounters) {
            const int rc = m_store.recordAudit("duty_closed_counter_changed", std::nullopt, nlohmann::json{{"from", from}, {"to", m_counter}}.dump());
            if (rc != SQLITE_OK) throw store::SqliteError(rc, "cannot record the audit event duty_closed_counter_changed");
        }
    });
}

void Duty::sessionEvent(const char* kind, const std::string& detail)
{
    store::Statement e(m_store.database(), "INSERT INTO session_events (session_id, kind, at_wall_ms, at_mono_ms, detail) VALUES (?1, ?2, ?3, ?4, ?5)");
    e.bind(1, std::string_view(m_session->id));
    e.bind(2, std::string_view(kind));
    e.bind(3, m_store.clock().wallMs());
    e.bind(4, m_store.clock().monoMs());
    e.bind(5, std::string_view(detail));
    (void)e.next();
}

int64_t Duty::endOfDayWallMs(int64_t startedWallMs) const
{
    if (m_policy.endOfDayMinutes < 0) return kNever;
    time_t secs = static_cast<time_t>(startedWallMs / 1000);
    tm local{};
    localtime_r(&secs, &local);
    local.tm_hour = m_policy.endOfDayMinutes / 60;
    local.tm_min = m_policy.endOfDayMinutes % 60;
    local.tm_sec = 0;
    local.tm_isdst = -1;
    int64_t eod = static_cast<int64_t>(mktime(&local)) * 1000;
    if (eod <= startedWallMs) { // signed in after the end of the day: the next day's end
        local.tm_mday += 1;
        local.tm_isdst = -1;
        eod = static_cast<int64_t>(mktime(&local)) * 1000;
    }
    return eod;
}

void Duty::start(const Officer& officer)
{
    if (m_session) end("replaced");
    SessionInfo s{m_store.newId(), officer, false, m_store.clock().wallMs()};
    inTransaction(m_store.database(), "starting the session", [&] {
        store::Statement st(m_store.database(),
                            "INSERT INTO officer_sessions (id, nip, counter, device_id, boot_id, started_wall_ms, started_mono_ms, state)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'active')");
        st.bind(1, std::string_view(s.id));
        st.bind(2, std::string_view(officer.nip));
        st.bind(3, std::string_view(m_counter));
        st.bind(4, std::string_view(m_store.deviceId()));
        st.bind(5, std::string_view(store::bootId()));
        st.bind(6, s.startedWallMs);
        st.bind(7, m_store.clock().monoMs());
        (void)st.next();
        m_session = s;
        sessionEvent("start");
    });
    m_endOfDayWall = endOfDayWallMs(s.startedWallMs);
    noteActivity();
}

void Duty::setState(const char* state)
{
    store::Statement st(m_store.database(), "UPDATE officer_sessions SET state = ?1 WHERE id = ?2");
    st.bind(1, std::string_view(state));
    st.bind(2, std::string_view(m_session->id));
    (void)st.next();
}

void Duty::takeBreak()
{
    if (!m_session || m_session->onBreak) return;
    inTransaction(m_store.database(), "the break", [&] {
        if (m_case && m_case->nip) closeCase("session_break"); // a counter-level case is not the officer's
        setState("break");
        sessionEvent("break");
    });
    m_session->onBreak = true;
    noteActivity();
}

void Duty::resume()
{
    if (!m_session || !m_session->onBreak) return;
    inTransaction(m_store.database(), "the resume", [&] {
        setState("active");
        sessionEvent("resume");
    });
    m_session->onBreak = false;
    noteActivity();
}

void Duty::end(const std::string& reason)
{
    if (!m_session) return;
    inTransaction(m_store.database(), "ending the session", [&] {
        if (m_case && m_case->nip) closeCase("session_ended");
        store::Statement st(m_store.database(), "UPDATE officer_sessions SET state = 'ended', end_reason = ?1, ended_wall_ms = ?2 WHERE id = ?3");
        st.bind(1, std::string_view(reason));
        st.bind(2, m_store.clock().wallMs());
        st.bind(3, std::string_view(m_session->id));
        (void)st.next();
        sessionEvent("end", nlohmann::json{{"reason", reason}}.dump());
    });
    m_session.reset(); // a counter-level case stays open: it was never the officer's
}

void Duty::closeCase(const char* reason)
{
    store::Statement st(m_store.database(), "UPDATE cases SET status = 'not_rated', close_reason = ?1, closed_wall_ms = ?2 WHERE id = ?3 AND status = 'open'");
    st.bind(1, std::string_view(reason));
    st.bind(2, m_store.clock().wallMs());
    st.bind(3, std::string_view(m_case->id));
    (void)st.next();
    m_case.reset();
}

bool Duty::serviceKnown(const std::string& serviceCode) const
{
    store::Statement known(m_store.database(), "SELECT count(*) FROM roster_services WHERE code = ?1");
    known.bind(1, std::string_view(serviceCode));
    return known.next() && known.columnInt(0) > 0;
}

const CaseInfo& Duty::insertCase(CaseInfo c, const std::optional<std::string>& sessionId)
{
    store::Database& db = m_store.database();
    inTransaction(db, "logging the case", [&] {
        if (m_case) closeCase("replaced");
        store::Statement st(db, "INSERT INTO cases (id, session_id, nip, counter, service_code, ticket, boot_id, opened_wall_ms, opened_mono_ms, status, source)"
                                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'open', ?10)");
        st.bind(1, std::string_view(c.id));
        st.bind(2, sessionId);
        st.bind(3, c.nip);
        st.bind(4, std::string_view(m_counter));
        st.bind(5, std::string_view(c.serviceCode));
        st.bind(6, c.ticket);
        st.bind(7, std::string_view(store::bootId()));
        st.bind(8, m_store.clock().wallMs());
        st.bind(9, c.openedMonoMs);
        st.bind(10, std::string_view(c.source));
        (void)st.next();
    });
    m_case = std::move(c);
    return *m_case;
}

const CaseInfo& Duty::logCase(const std::string& serviceCode, const std::optional<std::string>& ticket)
{
    if (!m_session) throw DutyError("no officer is signed in");
    if (m_session->onBreak) throw DutyError("the session is on a break");
    if (!serviceKnown(serviceCode)) throw DutyError("unknown service '" + serviceCode + "'");
    const CaseInfo& c = insertCase(CaseInfo{m_store.newId(), serviceCode, ticket, m_store.clock().monoMs(), m_session->officer.nip, "officer"}, m_session->id);
    noteActivity();
    return c;
}

const CaseInfo& Duty::openQueueCase(const std::string& serviceCode, const std::string& ticket, const std::optional<std::string>& nip)
{
    if (!serviceKnown(serviceCode)) throw DutyError("unknown service '" + serviceCode + "'");
    const bool officers = m_session && !m_session->onBreak && (!nip || *nip == m_session->officer.nip);
    CaseInfo c{m_store.newId(), serviceCode, ticket, m_store.clock().monoMs(), std::nullopt, "queue"};
    if (officers) c.nip = m_session->officer.nip;
    // Not the officer's activity: a queue system calling tickets does not keep a session alive.
    return insertCase(std::move(c), officers ? std::optional<std::string>(m_session->id) : std::nullopt);
}

std::optional<TicketCase> Duty::caseForTicket(const std::string& ticket, int64_t sinceWallMs) const
{
    store::Statement st(m_store.database(), "SELECT id, service_code, status, nip, close_reason, rating_id, opened_wall_ms FROM cases"
                                            " WHERE counter = ?1 AND ticket = ?2 AND opened_wall_ms >= ?3 ORDER BY opened_wall_ms DESC, id DESC LIMIT 1");
    st.bind(1, std::string_view(m_counter));
    st.bind(2, std::string_view(ticket));
    st.bind(3, sinceWallMs);
    if (!st.next()) return std::nullopt;
    auto opt = [&](int col) { return st.columnIsNull(col) ? std::nullopt : std::optional<std::string>(st.columnText(col)); };
    return TicketCase{st.columnText(0), st.columnText(1), st.columnText(2), opt(3), opt(4), opt(5), st.columnInt(6)};
}

bool Duty::cancelOpenCase(const std::string& caseId, const char* reason)
{
    if (!m_case || m_case->id != caseId) return false;
    inTransaction(m_store.database(), "cancelling the case", [&] { closeCase(reason); });
    return true;
}

void Duty::noteActivity() { m_lastActivityMono = m_store.clock().monoMs(); }

void Duty::attribute(store::PendingRating& r) const
{
    if (m_case) {
        r.officerNip = m_case->nip; // none for a counter-level case
        r.caseId = m_case->id;
        r.serviceCode = m_case->serviceCode;
    } else if (m_policy.sessionRatings && m_session && !m_session->onBreak) {
        r.officerNip = m_session->officer.nip; // scope 'session': the officer's, never mixed with case ratings
    }
}

void Duty::ratingCommitted(const store::PendingRating& r)
{
    if (m_case && r.caseId && *r.caseId == m_case->id) m_case.reset(); // one rating per case
}

bool Duty::tick()
{
    bool changed = false;
    const int64_t mono = m_store.clock().monoMs();
    if (m_case && mono >= m_case->openedMonoMs + m_policy.caseExpiryMs) {
        inTransaction(m_store.database(), "expiring the case", [&] { closeCase("expired"); });
        changed = true;
    }
    if (m_session && m_store.clock().wallMs() >= m_endOfDayWall) {
        end("end_of_day");
        changed = true;
    } else if (m_session && mono >= m_lastActivityMono + m_policy.sessionIdleMs) {
        end("inactive");
        changed = true;
    }
    return changed;
}

int64_t Duty::nextDeadlineMs() const
{
    int64_t next = kNever;
    const int64_t mono = m_store.clock().monoMs();
    if (m_case) next = std::min(next, m_case->openedMonoMs + m_policy.caseExpiryMs);
    if (m_session) {
        next = std::min(next, m_lastActivityMono + m_policy.sessionIdleMs);
        if (m_endOfDayWall != kNever) next = std::min(next, mono + std::max<int64_t>(0, m_endOfDayWall - m_store.clock().wallMs()));
    }
    return next;
}

} // namespace skm::roster
