// What the central office keeps of an upload, against a real skm-central on 127.0.0.1: history is
// append-only (an audit event, a rating's score, who served a case and when cannot be changed by a
// later upload: a differing re-send is a `conflict`, the stored record stays and both versions are
// kept for the office), hostile text is refused (NIPs, control characters), a rating's implausible
// time is flagged, device ids are restricted, and the files holding the device secrets are private.
// One file of about 600 lines: each case is one rule of append-only history or hostile text, all
// against the same real server and kiosk fixtures (support/sync_fixture.hpp).

#include "support/sync_fixture.hpp"
#include "support/test_util.hpp"

#include <central/html_report.hpp>
#include <central/reports/listings.hpp>
#include <central/reports/office_report.hpp>
#include <central/reports/score_formats.hpp>
#include <central/reports/scores.hpp>

#include <core/uuid.hpp>

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <limits>

using namespace skm;
using test::Central;
using test::Kiosk;
using test::nowSeconds;
using test::signedUpload;

// Named rather than anonymous: not every helper is used by every case.
namespace ingest_support {

const std::string kNip = "198503302010011002";
const std::string kOtherNip = "198811202012121003";

int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string newId()
{
    static store::UuidV7Generator gen;
    return gen.next(nowMs()).str();
}

// A device of a real skm-central that uploads hand-made records, each request signed correctly.
struct Device {
    sync::Provisioning prov;
    // The answer to an upload with `kind`: [records] (and an empty ratings array unless it is ratings).
    nlohmann::json upload(const std::string& kind, const nlohmann::json& records)
    {
        nlohmann::json body = {{"protocol", 1}, {"device_id", prov.deviceId}, {"batch_id", newId()}, {"ratings", nlohmann::json::array()}};
        body[kind] = records;
        const auto r = sync::curlSend(signedUpload(prov, body.dump(), nowSeconds(), protocol::randomHex(16)));
        INFO(r.status << " " << r.body);
        REQUIRE(r.status == 200);
        return nlohmann::json::parse(r.body)[kind == "ratings" ? "results" : kind];
    }
    // The one answer to an upload of one record.
    nlohmann::json one(const std::string& kind, const nlohmann::json& record)
    {
        const auto answers = upload(kind, nlohmann::json::array({record}));
        REQUIRE(answers.size() == 1);
        return answers[0];
    }
    std::string status(const std::string& kind, const nlohmann::json& record) { return one(kind, record)["status"].get<std::string>(); }
};

nlohmann::json rating(const std::string& device, int score, int64_t wallMs)
{
    return {{"id", newId()},          {"score", score},         {"created_wall_ms", wallMs},          {"created_mono_ms", 5000},
            {"boot_id", "boot-1"},    {"device_id", device},    {"counter", "Loket 1"},               {"officer_nip", kNip},
            {"case_id", nullptr},     {"service_code", "nib"},  {"reasons", nullptr},                 {"comment", nullptr},
            {"suppressed", false},    {"language", "id"},       {"scope", "case"},                    {"chain_seq", 1},
            {"prev_hash", std::string(64, '0')}};
}

nlohmann::json event(const char* kind, int64_t wallMs, int64_t monoMs) { return {{"kind", kind}, {"at_wall_ms", wallMs}, {"at_mono_ms", monoMs}, {"detail", nlohmann::json::object()}}; }

nlohmann::json session(int64_t startedMs)
{
    return {{"id", newId()},        {"nip", kNip},         {"counter", "Loket 1"}, {"boot_id", "boot-1"}, {"started_wall_ms", startedMs},
            {"started_mono_ms", 1000}, {"state", "active"}, {"ended_wall_ms", nullptr}, {"end_reason", nullptr},
            {"events", nlohmann::json::array({event("start", startedMs, 1000)})}};
}

nlohmann::json caseRecord(const std::string& sessionId, int64_t openedMs)
{
    return {{"id", newId()},          {"session_id", sessionId}, {"nip", kNip},       {"counter", "Loket 1"}, {"service_code", "nib"},
            {"ticket", "A-017"},      {"boot_id", "boot-1"},     {"opened_wall_ms", openedMs}, {"opened_mono_ms", 2000}, {"status", "open"},
            {"close_reason", nullptr}, {"rating_id", nullptr},   {"closed_wall_ms", nullptr}};
}

nlohmann::json audit(const char* kind, const nlohmann::json& nip, int64_t atMs)
{
    return {{"id", newId()}, {"at_wall_ms", atMs}, {"at_mono_ms", 3000}, {"boot_id", "boot-1"}, {"kind", kind}, {"nip", nip}, {"detail", {{"channel", "keyboard"}}}};
}

nlohmann::json survey(const nlohmann::json& nip, int64_t startedMs)
{
    return {{"id", newId()},       {"survey_version", "permenpanrb-14-2017/1"}, {"counter", "Loket 1"}, {"boot_id", "boot-1"},
            {"started_wall_ms", startedMs}, {"started_mono_ms", 4000}, {"language", "id"}, {"service_code", "nib"}, {"officer_nip", nip},
            {"case_id", nullptr},  {"status", "complete"}, {"finished_wall_ms", startedMs + 60'000},
            {"answers", {{"U1", 4}, {"U2", 3}}}, {"profile", {{"jenis_kelamin", "P"}}}};
}

store::Database centralDb(const std::filesystem::path& dir) { return store::Database((dir / "central.db").string(), SQLITE_OPEN_READONLY); }

std::string bodyOf(const Central& central, const std::string& table, const std::string& id)
{
    const auto row = central.db()->one("SELECT body FROM " + table + " WHERE id = $1", {id});
    return row ? row->text(0) : "";
}

// Sets the process umask for a scope (the children it starts inherit it).
struct UmaskGuard {
    explicit UmaskGuard(mode_t m) : old(umask(m)) {}
    ~UmaskGuard() { umask(old); }
    mode_t old;
};

unsigned modeOf(const std::filesystem::path& p)
{
    struct stat st {};
    REQUIRE(stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

} // namespace ingest_support

using namespace ingest_support;

TEST_CASE("an audit event re-sent with another kind, NIP and time is a conflict: the stored event stays and both versions are kept", "[ingest][conflict]")
{
    test::TempDir dir;
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    Central central(dir / "central", {}, engine);
    Device dev{central.addDevice("kiosk-audit")};
    const int64_t t = nowMs();
    const nlohmann::json original = audit("signin_ok", kNip, t);
    CHECK(dev.status("audit", original) == "stored");
    CHECK(dev.status("audit", original) == "duplicate");
    const std::string storedBody = bodyOf(central, "audit_events", original["id"]);
    REQUIRE_FALSE(storedBody.empty());

    nlohmann::json rewritten = original;
    rewritten["kind"] = "lockout";
    rewritten["nip"] = kOtherNip;
    rewritten["at_wall_ms"] = t - 3600'000;
    const auto answer = dev.one("audit", rewritten);
    INFO(answer.dump());
    CHECK(answer["status"] == "conflict");
    CHECK(answer.value("reason", "").find("kind") != std::string::npos);
    CHECK(bodyOf(central, "audit_events", original["id"]) == storedBody); // untouched
    {
        auto db = central.db();
        CHECK(db->queryText("SELECT kind || ' ' || nip FROM audit_events") == "signin_ok " + kNip);
        CHECK(db->queryInt("SELECT count(*) FROM ingest_conflicts") == 1);
        const auto c = db->one("SELECT device_id, kind, record_id, stored, offered, times FROM ingest_conflicts");
        REQUIRE(c);
        CHECK(c->text(0) == "kiosk-audit");
        CHECK(c->text(1) == "audit");
        CHECK(c->text(2) == original["id"].get<std::string>());
        CHECK(nlohmann::json::parse(c->text(3))["kind"] == "signin_ok");
        CHECK(nlohmann::json::parse(c->text(4))["kind"] == "lockout");
        CHECK(c->integer(5) == 1);
    }
    // The same refused version again: still a conflict, recorded once (counted twice).
    CHECK(dev.status("audit", rewritten) == "conflict");
    // Only the detail differs: a conflict too.
    nlohmann::json detail = original;
    detail["detail"] = {{"channel", "touch"}};
    CHECK(dev.status("audit", detail) == "conflict");
    {
        auto db = central.db();
        CHECK(db->queryInt("SELECT count(*) FROM ingest_conflicts") == 2);
        CHECK(db->queryInt("SELECT max(times) FROM ingest_conflicts") == 2);
        CHECK(db->queryText("SELECT body FROM audit_events") == storedBody);
    }
    const auto rep = central.report();
    INFO(rep.dump());
    CHECK(rep["ingest_conflicts_total"] == 2);
    CHECK(rep["devices"]["kiosk-audit"]["ingest_conflicts"] == 2);
    REQUIRE(rep["ingest_conflicts"].size() == 2);
    CHECK(rep["ingest_conflicts"][0]["kind"] == "audit");
    CHECK(rep["ingest_conflicts"][0]["id"] == original["id"]);
    CHECK(rep["audit_total"] == 1);
}

TEST_CASE("a case may close once, and never move to another officer, counter or time", "[ingest][conflict]")
{
    test::TempDir dir;
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    Central central(dir / "central", {}, engine);
    Device dev{central.addDevice("kiosk-case")};
    const int64_t t = nowMs();
    const nlohmann::json s = session(t - 60'000);
    CHECK(dev.status("sessions", s) == "stored");
    const nlohmann::json open = caseRecord(s["id"], t);
    CHECK(dev.status("cases", open) == "stored");

    nlohmann::json moved = open;
    moved["nip"] = kOtherNip;
    moved["opened_wall_ms"] = t - 30LL * 24 * 3600'000; // another officer, 30 days back
    CHECK(dev.status("cases", moved) == "conflict");
    nlohmann::json counter = open;
    counter["counter"] = "Loket 9";
    CHECK(dev.status("cases", counter) == "conflict");
    nlohmann::json service = open;
    service["service_code"] = "kk";
    CHECK(dev.status("cases", service) == "conflict");
    {
        auto db = central.db();
        CHECK(db->queryText("SELECT nip || ' ' || counter || ' ' || service_code || ' ' || opened_wall_ms FROM cases") ==
              kNip + " Loket 1 nib " + std::to_string(t));
    }

    // The kiosk's own change: the citizen rated it.
    nlohmann::json rated = open;
    rated["status"] = "rated";
    rated["close_reason"] = "rated";
    rated["rating_id"] = newId();
    rated["closed_wall_ms"] = t + 90'000;
    CHECK(dev.status("cases", rated) == "updated");
    CHECK(dev.status("cases", rated) == "duplicate");
    // The earlier, open version arriving late (a slower concurrent run): nothing new, nothing changes.
    CHECK(dev.status("cases", open) == "duplicate");
    // Closed again otherwise: another time, another rating, not rated after all, reopened with another ticket.
    nlohmann::json later = rated;
    later["closed_wall_ms"] = t + 999'000;
    CHECK(dev.status("cases", later) == "conflict");
    nlohmann::json otherRating = rated;
    otherRating["rating_id"] = newId();
    CHECK(dev.status("cases", otherRating) == "conflict");
    nlohmann::json notRated = rated;
    notRated["status"] = "not_rated";
    notRated["close_reason"] = "expired";
    notRated["rating_id"] = nullptr;
    CHECK(dev.status("cases", notRated) == "conflict");
    nlohmann::json reopened = open;
    reopened["ticket"] = "B-001";
    CHECK(dev.status("cases", reopened) == "conflict");

    auto db = central.db();
    CHECK(db->queryText("SELECT status || ' ' || rating_id FROM cases") == "rated " + rated["rating_id"].get<std::string>());
    CHECK(nlohmann::json::parse(db->queryText("SELECT body FROM cases")) == rated);
    CHECK(db->queryInt("SELECT count(*) FROM ingest_conflicts WHERE kind = 'cases'") == 7);
}

TEST_CASE("a session may take breaks and end once, its events only grow, and who and when never change", "[ingest][conflict]")
{
    test::TempDir dir;
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    Central central(dir / "central", {}, engine);
    Device dev{central.addDevice("kiosk-sess")};
    const int64_t t = nowMs() - 3600'000;
    const nlohmann::json active = session(t);
    CHECK(dev.status("sessions", active) == "stored");

    nlohmann::json onBreak = active;
    onBreak["state"] = "break";
    onBreak["events"].push_back(event("break", t + 600'000, 601'000));
    CHECK(dev.status("sessions", onBreak) == "updated");

    nlohmann::json earlier = onBreak;
    earlier["started_wall_ms"] = t - 8 * 3600'000;
    earlier["events"][0]["at_wall_ms"] = t - 8 * 3600'000;
    CHECK(dev.status("sessions", earlier) == "conflict");
    nlohmann::json otherOfficer = onBreak;
    otherOfficer["nip"] = kOtherNip;
    CHECK(dev.status("sessions", otherOfficer) == "conflict");
    nlohmann::json rewrittenEvents = onBreak;
    rewrittenEvents["events"][1]["at_wall_ms"] = t + 60'000; // the break moved
    CHECK(dev.status("sessions", rewrittenEvents) == "conflict");

    nlohmann::json ended = onBreak;
    ended["state"] = "ended";
    ended["ended_wall_ms"] = t + 1800'000;
    ended["end_reason"] = "signed_out";
    ended["events"].push_back(event("end", t + 1800'000, 1801'000));
    CHECK(dev.status("sessions", ended) == "updated");
    CHECK(dev.status("sessions", onBreak) == "duplicate"); // the earlier version, late: nothing changes

    nlohmann::json endedLater = ended;
    endedLater["ended_wall_ms"] = t + 7200'000;
    CHECK(dev.status("sessions", endedLater) == "conflict");
    nlohmann::json otherReason = ended;
    otherReason["end_reason"] = "inactive";
    CHECK(dev.status("sessions", otherReason) == "conflict");
    nlohmann::json resumed = ended; // an ended session does not come back
    resumed["state"] = "active";
    resumed["events"].push_back(event("resume", t + 1900'000, 1901'000));
    CHECK(dev.status("sessions", resumed) == "conflict");

    auto db = central.db();
    CHECK(nlohmann::json::parse(db->queryText("SELECT body FROM sessions")) == ended);
    CHECK(db->queryText("SELECT state || ' ' || ended_wall_ms || ' ' || started_wall_ms FROM sessions") ==
          "ended " + std::to_string(t + 1800'000) + " " + std::to_string(t));
    CHECK(db->queryInt("SELECT count(*) FROM ingest_conflicts WHERE kind = 'sessions'") == 6);
}

TEST_CASE("a rating's score and who and when are fixed: a changed one is a conflict shown to the office, and the comment may still follow", "[ingest][conflict]")
{
    test::TempDir dir;
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    Central central(dir / "central", {}, engine);
    Device dev{central.addDevice("kiosk-rate")};
    const nlohmann::json r = rating("kiosk-rate", 4, nowMs());
    CHECK(dev.status("ratings", r) == "stored");

    nlohmann::json lower = r;
    lower["score"] = 1;
    const auto answer = dev.one("ratings", lower);
    INFO(answer.dump());
    CHECK(answer["status"] == "conflict");
    CHECK(answer.value("reason", "").find("score") != std::string::npos);

    nlohmann::json commented = r;
    commented["comment"] = "cepat dan ramah";
    commented["reasons"] = {"cepat"};
    CHECK(dev.status("ratings", commented) == "updated");
    // The version without the comment, late (a slower concurrent run): the comment stays.
    CHECK(dev.status("ratings", r) == "duplicate");
    // The follow-up in English after the tap in Indonesian: the kiosk records the language anew.
    nlohmann::json english = commented;
    english["language"] = "en";
    CHECK(dev.status("ratings", english) == "duplicate");
    nlohmann::json otherOfficer = commented;
    otherOfficer["officer_nip"] = kOtherNip;
    CHECK(dev.status("ratings", otherOfficer) == "conflict");
    nlohmann::json earlier = commented;
    earlier["created_wall_ms"] = r["created_wall_ms"].get<int64_t>() - 30LL * 24 * 3600'000;
    CHECK(dev.status("ratings", earlier) == "conflict");

    {
        auto db = central.db();
        CHECK(db->queryText("SELECT score || ' ' || officer_nip || ' ' || created_wall_ms || ' ' || comment FROM ratings") ==
              "4 " + kNip + " " + std::to_string(r["created_wall_ms"].get<int64_t>()) + " cepat dan ramah");
        const auto c = db->one("SELECT stored, offered FROM ingest_conflicts WHERE kind = 'ratings' ORDER BY seq");
        REQUIRE(c);
        CHECK(nlohmann::json::parse(c->text(0))["score"] == 4);
        CHECK(nlohmann::json::parse(c->text(1))["score"] == 1);
    }
    const auto rep = central.report();
    CHECK(rep["ingest_conflicts_total"] == 3);
    CHECK(rep["ratings_total"] == 1);
    CHECK(rep["scores"]["ingest_conflicts"] == 3);
    // The text report says so too.
    std::vector<std::string> tableArgs = {(test::binDir() / "skm-central").string(), "report", "--data-dir", (dir / "central").string(), "--format", "table"};
    for (const auto& a : engine.args()) tableArgs.push_back(a);
    const auto table = test::run(tableArgs);
    REQUIRE(table.exitCode == 0);
    INFO(table.out);
    CHECK(table.out.find("ingest conflicts: 3") != std::string::npos);
    // And the HTML overview.
    auto db = central.db();
    const central::Period all{0, std::numeric_limits<int64_t>::max(), "all"};
    const auto scores = central::computeScores(*db, all, {}, ikm::Weighting::Exact);
    CHECK(central::scoresJson(scores)["ingest_conflicts"] == 3);
    const std::string html = central::html::overviewPage(central::html::Lang::En, {"admin", "admin", ""}, scores, {});
    CHECK(html.find("3 re-sent records differed") != std::string::npos);
}

TEST_CASE("a survey response is never changed by a re-send", "[ingest][conflict]")
{
    test::TempDir dir;
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    Central central(dir / "central", {}, engine);
    Device dev{central.addDevice("kiosk-svy")};
    const nlohmann::json s = survey(kNip, nowMs());
    CHECK(dev.status("surveys", s) == "stored");
    CHECK(dev.status("surveys", s) == "duplicate");
    nlohmann::json better = s;
    better["answers"]["U2"] = 4;
    CHECK(dev.status("surveys", better) == "conflict");
    nlohmann::json more = s;
    more["answers"]["U3"] = 4;
    CHECK(dev.status("surveys", more) == "conflict");
    nlohmann::json otherOfficer = s;
    otherOfficer["officer_nip"] = kOtherNip;
    CHECK(dev.status("surveys", otherOfficer) == "conflict");
    auto db = central.db();
    CHECK(nlohmann::json::parse(db->queryText("SELECT body FROM survey_responses")) == s);
    CHECK(db->queryInt("SELECT count(*) FROM ingest_conflicts WHERE kind = 'surveys'") == 3);
}

TEST_CASE("the kiosk takes a conflict as final: kept as rejected with the reason, audited, not sent again", "[ingest][conflict][sync]")
{
    test::TempDir dir;
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    Central central(dir / "central", {}, engine);
    Kiosk kiosk(dir / "kiosk", central.addDevice("kiosk-final"));
    const auto ids = kiosk.rate(3);
    REQUIRE(kiosk.sync().ok());
    // Someone with the kiosk's file improves a score that was already delivered, and queues it again.
    kiosk.st->database().exec("UPDATE ratings SET score = 4, upload_status = 'pending' WHERE id = '" + ids[0] + "'");
    auto r = kiosk.sync();
    INFO(r.error());
    CHECK(r.ok()); // nothing left to send: the conflict is final for this record
    CHECK(r.rejected == 1);
    CHECK(r.conflicts == 1);
    CHECK(kiosk.st->database().queryText("SELECT upload_status FROM ratings WHERE id = '" + ids[0] + "'") == "rejected");
    const std::string why = kiosk.st->database().queryText("SELECT last_error FROM ratings WHERE id = '" + ids[0] + "'");
    CHECK(why.rfind("conflict: ", 0) == 0);
    CHECK(why.find("score") != std::string::npos);
    CHECK(kiosk.st->database().queryInt("SELECT count(*) FROM audit_events WHERE kind = 'upload_conflict' AND json_extract(detail, '$.id') = '" + ids[0] + "'") == 1);
    CHECK(kiosk.st->database().queryText("SELECT json_extract(last_sync, '$.conflicts') FROM (SELECT value AS last_sync FROM meta WHERE key = 'last_sync')") == "1");
    // The next run sends nothing again, and the audit event has reached the office.
    r = kiosk.sync();
    CHECK(r.ok());
    CHECK(r.sent == 0);
    CHECK(r.rejected == 0);
    auto db = central.db();
    CHECK(db->queryInt("SELECT score FROM ratings WHERE id = '" + ids[0] + "'") == 1); // kiosk.rate(3) gave the first a 1
    CHECK(db->queryInt("SELECT count(*) FROM audit_events WHERE kind = 'upload_conflict'") == 1);
    CHECK(db->queryInt("SELECT count(*) FROM ingest_conflicts") == 1);
}

TEST_CASE("officer NIPs are 18 digits and no text carries control characters", "[ingest][validation]")
{
    test::TempDir dir;
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    Central central(dir / "central", {}, engine);
    Device dev{central.addDevice("kiosk-val")};
    const int64_t t = nowMs();
    auto expectRejected = [&](const std::string& kind, const nlohmann::json& record, const std::string& reasonPart) {
        const auto a = dev.one(kind, record);
        INFO(kind << " " << record.dump() << " -> " << a.dump());
        CHECK(a["status"] == "rejected");
        CHECK(a.value("reason", "").find(reasonPart) != std::string::npos);
    };
    // 18 characters, but not digits: HTML in the NIP.
    nlohmann::json r = rating("kiosk-val", 3, t);
    r["officer_nip"] = "<b>1234567890</b>1";
    REQUIRE(r["officer_nip"].get<std::string>().size() == 18);
    expectRejected("ratings", r, "officer_nip must be 18 digits");
    r = rating("kiosk-val", 3, t);
    r["officer_nip"] = "19850330201001100";
    expectRejected("ratings", r, "officer_nip must be 18 digits");
    r = rating("kiosk-val", 3, t);
    r["counter"] = std::string("Loket\0 1", 8);
    expectRejected("ratings", r, "counter must not contain control characters");
    r = rating("kiosk-val", 3, t);
    r["comment"] = "bagus\x07";
    expectRejected("ratings", r, "comment must not contain control characters");
    r = rating("kiosk-val", 3, t);
    r["reasons"] = {"cepat", "ra\x1bmah"};
    expectRejected("ratings", r, "reasons must not contain control characters");
    r = rating("kiosk-val", 3, t);
    r["boot_id"] = "boot\x7f";
    expectRejected("ratings", r, "boot_id must not contain control characters");
    r = rating("kiosk-val", 3, t);
    r["service_code"] = "nib\xc2\x85"; // U+0085, a C1 control (next line)
    expectRejected("ratings", r, "service_code must not contain control characters");

    nlohmann::json s = session(t);
    s["nip"] = "19850330201001100X";
    expectRejected("sessions", s, "nip must be 18 digits");
    s = session(t);
    s["counter"] = std::string("Loket 1\0<script>", 16);
    expectRejected("sessions", s, "counter must not contain control characters");
    s = session(t);
    s["events"][0]["kind"] = std::string("start\0", 6);
    expectRejected("sessions", s, "events must not contain control characters");
    nlohmann::json c = caseRecord(newId(), t);
    c["nip"] = "<i>85033020100110</i>";
    expectRejected("cases", c, "nip must be 18 digits");
    c = caseRecord(newId(), t);
    c["ticket"] = "A-01\n7";
    expectRejected("cases", c, "ticket must not contain control characters");
    nlohmann::json sv = survey("1985033020100110xx", t);
    expectRejected("surveys", sv, "officer_nip must be 18 digits");
    sv = survey(kNip, t);
    sv["profile"]["pendidikan"] = std::string("S1\0", 3);
    expectRejected("surveys", sv, "profile must not contain control characters");
    nlohmann::json a = audit("signin_ok", kNip, t);
    a["kind"] = std::string("sign\0in", 7);
    expectRejected("audit", a, "kind must not contain control characters");
    a = audit("sign_in_failed", kNip, t);
    a["detail"] = {{"note", std::string("a\0b", 3)}};
    expectRejected("audit", a, "detail must not contain NUL");

    // What an honest kiosk sends is stored: a failed sign-in audits what was typed (not a NIP), a
    // detail's text may span lines, a counter-level rating has no NIP.
    CHECK(dev.status("audit", audit("sign_in_failed", "12345abc", t)) == "stored");
    CHECK(dev.status("audit", audit("admin_sign_in_failed", "technician", t)) == "stored");
    CHECK(dev.status("audit", audit("sign_in_failed", std::string(32, '9'), t)) == "stored");
    a = audit("config_refused", nullptr, t);
    a["detail"] = {{"reason", "roster.toml:3: line one\nline two\ttabbed"}};
    CHECK(dev.status("audit", a) == "stored");
    r = rating("kiosk-val", 2, t);
    r["officer_nip"] = nullptr;
    r["scope"] = "counter";
    r["comment"] = "Pelayanan <cepat> & \"ramah\" — terima kasih 🙏";
    CHECK(dev.status("ratings", r) == "stored");
    CHECK(dev.status("sessions", session(t)) == "stored");
    CHECK(dev.status("surveys", survey(nullptr, t)) == "stored");

    auto db = central.db();
    CHECK(db->queryInt("SELECT count(*) FROM ratings") == 1);
    CHECK(db->queryInt("SELECT count(*) FROM sessions") == 1);
    CHECK(db->queryInt("SELECT count(*) FROM cases") == 0);
    CHECK(db->queryInt("SELECT count(*) FROM survey_responses") == 1);
    CHECK(db->queryInt("SELECT count(*) FROM audit_events") == 4);
    CHECK(db->queryInt("SELECT count(*) FROM ratings WHERE counter <> 'Loket 1' OR officer_nip LIKE '%<%'") == 0);
}

TEST_CASE("a rating with an implausible time is stored flagged and counted for the office", "[ingest][validation]")
{
    test::TempDir dir;
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    Central central(dir / "central", {}, engine);
    Device dev{central.addDevice("kiosk-clock")};
    const int64_t t = nowMs();
    const int64_t year2200 = 7258118400000; // 2200-01-01T00:00:00Z
    nlohmann::json list = nlohmann::json::array();
    for (const int64_t wall : {int64_t{0}, int64_t{-5}, int64_t{86'400'000}, year2200, t + 3600'000, t, t - 3600'000}) list.push_back(rating("kiosk-clock", 3, wall));
    const auto answers = dev.upload("ratings", list);
    REQUIRE(answers.size() == 7);
    for (const auto& a : answers) CHECK(a["status"] == "stored");
    auto db = central.db();
    CHECK(db->queryInt("SELECT count(*) FROM ratings") == 7);
    std::string suspect;
    for (const auto& row : db->query("SELECT created_wall_ms FROM ratings WHERE time_suspect = 1 ORDER BY created_wall_ms").rows) {
        suspect += (suspect.empty() ? "" : ",") + row.text(0);
    }
    CHECK(suspect == "-5,0,86400000," + std::to_string(t + 3600'000) + "," + std::to_string(year2200));
    const auto rep = central.report();
    INFO(rep.dump());
    CHECK(rep["devices"]["kiosk-clock"]["time_suspect"] == 5);
    CHECK(rep["time_suspect_total"] == 5);
    CHECK(rep["scores"]["time_suspect_ratings"] == 5);
    std::vector<std::string> tableArgs = {(test::binDir() / "skm-central").string(), "report", "--data-dir", (dir / "central").string(), "--format", "table"};
    for (const auto& a : engine.args()) tableArgs.push_back(a);
    const auto table = test::run(tableArgs);
    INFO(table.out);
    CHECK(table.out.find("ratings with an implausible time: 5") != std::string::npos);
    // A re-send of a flagged rating is a duplicate like any other.
    CHECK(dev.status("ratings", list[3]) == "duplicate");
}

TEST_CASE("device add takes ids of letters, digits, dot, underscore and hyphen, not starting with a dot or hyphen, at most 64", "[ingest][cli]")
{
    test::TempDir dir;
    const std::string bin = (test::binDir() / "skm-central").string();
    const auto data = dir / "central";
    auto add = [&](const std::string& id) {
        // After "--", so that an id beginning with '-' reaches the check rather than the option parser.
        return test::run({bin, "device", "add", "--out", (dir / "prov.json").string(), "--url", "http://127.0.0.1:8443", "--data-dir", data.string(), "--", id});
    };
    for (const std::string& bad : std::vector<std::string>{".", "..", ".hidden", "-x", "a/b", "../x", "a b", "a%2e", "%2e%2e", "kiosk\x01", "kiosk\t1", "ki<b>", std::string(65, 'a'),
                                  std::string("k\xc3\xa9"), std::string("")}) {
        const auto r = add(bad);
        INFO("'" << bad << "': " << r.exitCode << " " << r.err);
        CHECK(r.exitCode == 2);
        CHECK(r.err.find("device id") != std::string::npos);
        CHECK_FALSE(std::filesystem::exists(dir / "prov.json"));
    }
    for (const std::string& good : std::vector<std::string>{"kiosk-01", "K.1_a", "a..b", std::string(64, 'z'), "0"}) {
        const auto r = add(good);
        INFO("'" << good << "': " << r.exitCode << " " << r.err);
        CHECK(r.exitCode == 0);
        std::filesystem::remove(dir / "prov.json");
    }
    auto db = centralDb(data);
    CHECK(db.queryInt("SELECT count(*) FROM devices") == 5);
}

TEST_CASE("the data directory, central.db and its WAL are private whatever the umask, and so is a backup", "[ingest][modes]")
{
    test::TempDir dir;
    const auto data = dir / "fresh" / "central";
    const std::string bin = (test::binDir() / "skm-central").string();
    UmaskGuard permissive(0); // the most permissive caller
    REQUIRE(test::run({bin, "device", "add", "kiosk-m", "--out", (dir / "prov.json").string(), "--url", "http://127.0.0.1:1", "--data-dir", data.string()})
                .exitCode == 0);
    CHECK(modeOf(data) == 0750);
    CHECK(modeOf(data / "central.db") == 0600);
    CHECK(modeOf(dir / "prov.json") == 0600);
    {
        Central central(data);
        sync::Provisioning live = sync::readProvisioning(dir / "prov.json");
        live.centralUrl = central.url();
        Kiosk k2(dir / "kiosk2", live);
        k2.rate(3);
        REQUIRE(k2.sync().ok());
        CHECK(modeOf(data / "central.db") == 0600);
        REQUIRE(std::filesystem::exists(data / "central.db-wal"));
        CHECK(modeOf(data / "central.db-wal") == 0600);
        CHECK(modeOf(data / "central.db-shm") == 0600);
        const auto backup = test::run({bin, "backup", "--out", (dir / "backup.db").string(), "--data-dir", data.string()});
        INFO(backup.err);
        REQUIRE(backup.exitCode == 0);
        CHECK(modeOf(dir / "backup.db") == 0600);
    }
    // A central.db left readable by an older skm-central is made private at the next open.
    for (const char* f : {"central.db", "central.db-wal", "central.db-shm"}) {
        if (std::filesystem::exists(data / f)) REQUIRE(chmod((data / f).c_str(), 0644) == 0);
    }
    REQUIRE(test::run({bin, "report", "--data-dir", data.string()}).exitCode == 0);
    CHECK(modeOf(data / "central.db") == 0600);
    if (std::filesystem::exists(data / "central.db-wal")) CHECK(modeOf(data / "central.db-wal") == 0600);
    if (std::filesystem::exists(data / "central.db-shm")) CHECK(modeOf(data / "central.db-shm") == 0600);
    // An existing data directory is the operator's: its mode is left as it is.
    REQUIRE(chmod(data.c_str(), 0755) == 0);
    REQUIRE(test::run({bin, "report", "--data-dir", data.string()}).exitCode == 0);
    CHECK(modeOf(data) == 0755);
}

TEST_CASE("a queue system's counter-level case and a session-level rating are stored, and session-level ratings are their own figure in every score", "[ingest][queue][scores]")
{
    test::TempDir dir;
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    Central central(dir / "central", {}, engine);
    Device dev{central.addDevice("kiosk-queue")};
    const int64_t t = nowMs() - 3'600'000;
    // A case the queue system opened with nobody on duty: no session, no NIP.
    nlohmann::json counterCase = caseRecord("", t);
    counterCase["session_id"] = nullptr;
    counterCase["nip"] = nullptr;
    counterCase["source"] = "queue";
    CHECK(dev.status("cases", counterCase) == "stored");
    // One without the other is refused, with the reason.
    nlohmann::json half = caseRecord(newId(), t);
    half["nip"] = nullptr;
    const auto refused = dev.one("cases", half);
    CHECK(refused["status"] == "rejected");
    CHECK_THAT(refused["reason"].get<std::string>(), Catch::Contains("both be null"));
    // Ratings: one case rating, two session-level ones (a 4 and a 2), one session-level with a case (refused).
    nlohmann::json caseRating = rating(dev.prov.deviceId, 3, t);
    caseRating["case_id"] = newId();
    nlohmann::json s4 = rating(dev.prov.deviceId, 4, t + 1000), s2 = rating(dev.prov.deviceId, 2, t + 2000), bad = rating(dev.prov.deviceId, 4, t + 3000);
    s4["scope"] = s2["scope"] = bad["scope"] = "session";
    s4["chain_seq"] = 2;
    s2["chain_seq"] = 3;
    bad["chain_seq"] = 4;
    bad["case_id"] = newId();
    const auto answers = dev.upload("ratings", nlohmann::json::array({caseRating, s4, s2, bad}));
    REQUIRE(answers.size() == 4);
    CHECK(answers[0]["status"] == "stored");
    CHECK(answers[1]["status"] == "stored");
    CHECK(answers[2]["status"] == "stored");
    CHECK(answers[3]["status"] == "rejected");
    CHECK_THAT(answers[3]["reason"].get<std::string>(), Catch::Contains("session-level"));

    auto db = central.db();
    const central::Period all{0, std::numeric_limits<int64_t>::max(), "all"};
    const auto scores = central::computeScores(*db, all, {{kNip, {"Budi Santoso", "Perizinan"}}}, ikm::Weighting::Exact);
    REQUIRE(scores.officers.size() == 1);
    const central::Score& s = scores.officers[0].score;
    CHECK(s.ratings == 1); // the case rating alone
    CHECK(s.index == Approx(75.0));
    CHECK(s.sessionRatings == 2);
    CHECK(s.sessionIndex == Approx(75.0)); // (4 + 2) / 2 x 25
    CHECK(s.sessionFaces == std::array<int64_t, 4>{0, 1, 0, 1});
    CHECK(scores.office.ratings == 1);
    CHECK(scores.office.sessionRatings == 2);
    const auto j = central::scoresJson(scores);
    CHECK(j["officers"][0]["session_level"]["ratings"] == 2);
    CHECK(j["officers"][0]["ratings"] == 1);
    CHECK_THAT(central::scoresCsv(scores), Catch::Contains(",2,75.00,C\r\n"));
    CHECK_THAT(central::scoresTable(scores), Catch::Contains("session-level ratings"));
    // The rollups hold them apart too, and agree with the records.
    std::vector<std::string> verify = {(test::binDir() / "skm-central").string(), "rollups", "verify", "--data-dir", (dir / "central").string()};
    for (const auto& a : engine.args()) verify.push_back(a);
    const auto v = test::run(verify);
    INFO(v.out << v.err);
    CHECK(v.exitCode == 0);
}
