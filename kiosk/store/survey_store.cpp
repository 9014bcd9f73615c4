#include "survey_store.hpp"

#include <functional>

namespace skm::store {

namespace {

// Runs `statements` in one IMMEDIATE transaction: all or nothing, the store usable after a failure.
// `statements` returns an SQLite result code (SQLITE_OK to commit).
CommitResult transact(RatingStore& st, const std::function<int(Database&)>& statements)
{
    Database& db = st.database();
    Transaction tx(db);
    std::string message;
    if (int rc = tx.begin(&message); rc != SQLITE_OK) return commitFailure(rc, message);
    int rc = SQLITE_OK;
    try {
        rc = statements(db);
        if (rc != SQLITE_OK) message = db.errorMessage();
    } catch (const SqliteError& e) {
        rc = e.code();
        message = e.what();
    }
    if (rc != SQLITE_OK) {
        tx.rollback();
        return commitFailure(rc, message);
    }
    if (int crc = tx.commit(&message); crc != SQLITE_OK) return commitFailure(crc, message);
    CommitResult ok;
    ok.ok = true;
    return ok;
}

int step(Statement& st)
{
    const int rc = st.step();
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

} // namespace

CommitResult beginSurvey(RatingStore& st, const SurveyStart& s, std::string& id)
{
    const std::string newId = st.newId();
    const CommitResult r = transact(st, [&](Database& db) {
        Statement ins(db, "INSERT INTO survey_responses (id, survey_version, device_id, counter, boot_id, started_wall_ms, started_mono_ms, language,"
                          " service_code, officer_nip, case_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
        ins.bind(1, std::string_view(newId));
        ins.bind(2, std::string_view(s.surveyVersion));
        ins.bind(3, std::string_view(st.deviceId()));
        ins.bind(4, std::string_view(st.counter()));
        ins.bind(5, std::string_view(bootId()));
        ins.bind(6, st.clock().wallMs());
        ins.bind(7, st.clock().monoMs());
        ins.bind(8, std::string_view(s.language));
        ins.bind(9, s.serviceCode);
        ins.bind(10, s.officerNip);
        ins.bind(11, s.caseId);
        return step(ins);
    });
    if (r.ok) id = newId;
    return r;
}

CommitResult answerSurvey(RatingStore& st, const std::string& id, const std::string& item, const std::string& value)
{
    return transact(st, [&](Database& db) {
        Statement up(db, "INSERT INTO survey_answers (response_id, item, value, answered_wall_ms) VALUES (?1, ?2, ?3, ?4)"
                         " ON CONFLICT (response_id, item) DO UPDATE SET value = excluded.value, answered_wall_ms = excluded.answered_wall_ms"
                         " WHERE value <> excluded.value");
        up.bind(1, std::string_view(id));
        up.bind(2, std::string_view(item));
        up.bind(3, std::string_view(value));
        up.bind(4, st.clock().wallMs());
        return step(up);
    });
}

CommitResult clearSurveyAnswer(RatingStore& st, const std::string& id, const std::string& item)
{
    return transact(st, [&](Database& db) {
        Statement del(db, "DELETE FROM survey_answers WHERE response_id = ?1 AND item = ?2");
        del.bind(1, std::string_view(id));
        del.bind(2, std::string_view(item));
        if (int rc = step(del); rc != SQLITE_OK) return rc;
        if (sqlite3_changes(db.handle()) == 0) return SQLITE_OK;
        Statement bump(db, "UPDATE survey_responses SET rev = rev + 1, upload_status = 'pending' WHERE id = ?1");
        bump.bind(1, std::string_view(id));
        return step(bump);
    });
}

namespace {
CommitResult setColumn(RatingStore& st, const char* sql, const std::string& id, const std::string& value)
{
    return transact(st, [&](Database& db) {
        Statement up(db, sql);
        up.bind(1, std::string_view(id));
        up.bind(2, std::string_view(value));
        return step(up);
    });
}
} // namespace

CommitResult setSurveyService(RatingStore& st, const std::string& id, const std::string& serviceCode)
{
    return setColumn(st, "UPDATE survey_responses SET service_code = ?2 WHERE id = ?1 AND service_code IS NOT ?2", id, serviceCode);
}

CommitResult setSurveyLanguage(RatingStore& st, const std::string& id, const std::string& language)
{
    return setColumn(st, "UPDATE survey_responses SET language = ?2 WHERE id = ?1 AND language <> ?2", id, language);
}

CommitResult finishSurvey(RatingStore& st, const std::string& id, const std::string& status)
{
    return transact(st, [&](Database& db) {
        Statement up(db, "UPDATE survey_responses SET status = ?2, finished_wall_ms = ?3 WHERE id = ?1 AND status = 'in_progress'");
        up.bind(1, std::string_view(id));
        up.bind(2, std::string_view(status));
        up.bind(3, st.clock().wallMs());
        return step(up);
    });
}

int closeStaleSurveys(RatingStore& st)
{
    int closed = 0;
    (void)transact(st, [&](Database& db) {
        Statement up(db, "UPDATE survey_responses SET status = 'incomplete', finished_wall_ms = ?1 WHERE status = 'in_progress'");
        up.bind(1, st.clock().wallMs());
        const int rc = step(up);
        closed = sqlite3_changes(db.handle());
        return rc;
    });
    return closed;
}

std::map<std::string, std::string> surveyAnswers(Database& db, const std::string& id)
{
    std::map<std::string, std::string> out;
    Statement q(db, "SELECT item, value FROM survey_answers WHERE response_id = ?1");
    q.bind(1, std::string_view(id));
    while (q.next()) out[q.columnText(0)] = q.columnText(1);
    return out;
}

CounterSurveyTally counterSurveyTally(Database& db, const std::string& counter, int64_t fromWallMs, int64_t toWallMs)
{
    CounterSurveyTally t;
    Statement q(db, "SELECT a.item, count(*), sum(CAST(a.value AS INTEGER)) FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id"
                    " WHERE r.counter = ?1 AND r.status = 'complete' AND r.started_wall_ms >= ?2 AND r.started_wall_ms < ?3"
                    " AND a.item IN ('U1','U2','U3','U4','U5','U6','U7','U8','U9') GROUP BY a.item");
    q.bind(1, std::string_view(counter));
    q.bind(2, fromWallMs);
    q.bind(3, toWallMs);
    while (q.next()) {
        const int i = q.columnText(0)[1] - '1';
        if (i >= 0 && i < 9) t.unsur[static_cast<size_t>(i)] = {q.columnInt(1), q.columnInt(2)};
    }
    Statement n(db, "SELECT coalesce(sum(status = 'complete'), 0), coalesce(sum(status = 'incomplete'), 0) FROM survey_responses"
                    " WHERE counter = ?1 AND started_wall_ms >= ?2 AND started_wall_ms < ?3");
    n.bind(1, std::string_view(counter));
    n.bind(2, fromWallMs);
    n.bind(3, toWallMs);
    if (n.next()) {
        t.complete = n.columnInt(0);
        t.incomplete = n.columnInt(1);
    }
    Statement c(db, "SELECT count(*) FROM cases WHERE counter = ?1 AND opened_wall_ms >= ?2 AND opened_wall_ms < ?3");
    c.bind(1, std::string_view(counter));
    c.bind(2, fromWallMs);
    c.bind(3, toWallMs);
    if (c.next()) t.casesLogged = c.columnInt(0);
    return t;
}

} // namespace skm::store
