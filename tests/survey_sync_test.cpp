// Survey responses travel like ratings, against a real skm-central on 127.0.0.1: finished responses
// exactly once (a response in progress waits), and `skm-central report` computes the IKM overall, per
// unit and per service from the complete ones, checked against figures worked by hand.

#include "support/sync_fixture.hpp"
#include "support/test_util.hpp"

#include <kiosk/store/survey_store.hpp>

#include <catch2/catch.hpp>

#include <fstream>

using namespace skm;
using test::Central;
using test::Kiosk;

namespace {

std::string respond(store::RatingStore& st, std::optional<std::string> nip, std::optional<std::string> service, const std::vector<int>& unsur,
                    const char* status)
{
    store::SurveyStart s;
    s.surveyVersion = "permenpanrb-14-2017/1";
    s.officerNip = std::move(nip);
    s.serviceCode = std::move(service);
    std::string id;
    REQUIRE(store::beginSurvey(st, s, id).ok);
    for (size_t i = 0; i < unsur.size(); ++i) REQUIRE(store::answerSurvey(st, id, "U" + std::to_string(i + 1), std::to_string(unsur[i])).ok);
    REQUIRE(store::answerSurvey(st, id, "jenis_kelamin", "L").ok);
    if (status) REQUIRE(store::finishSurvey(st, id, status).ok);
    return id;
}

} // namespace

TEST_CASE("survey responses reach the central office once, and its report computes the IKM per unit and service", "[survey][sync]")
{
    test::TempDir dir;
    Central central(dir / "central");
    std::filesystem::create_directories(dir / "central" / "publish");
    std::ofstream(dir / "central" / "publish" / "roster.toml") << test::readFile(test::sourceDir() / "config" / "demo-roster.toml");
    Kiosk kiosk(dir / "kiosk", central.addDevice("kiosk-svy"));
    const std::string budi = "198503302010011002", agus = "198811202012121003"; // Bidang Perizinan Usaha, Bidang Kependudukan
    respond(*kiosk.st, budi, "nib", {4, 4, 3, 4, 3, 3, 4, 3, 3}, "complete");
    respond(*kiosk.st, agus, "kk", {3, 3, 3, 4, 3, 4, 4, 3, 3}, "complete");
    respond(*kiosk.st, std::nullopt, "nib", {3, 2, 3, 4, 3, 3, 3, 2, 3}, "complete");
    respond(*kiosk.st, std::nullopt, "nib", {1}, "incomplete");
    const std::string open = respond(*kiosk.st, std::nullopt, std::nullopt, {2}, nullptr); // someone is still answering

    auto r = kiosk.sync();
    INFO(r.error());
    CHECK(r.ok());
    CHECK(r.eventsSent == 4 + 1); // the four finished responses, and the audit event of the roster this run brought
    CHECK(kiosk.st->database().queryInt("SELECT count(*) FROM survey_responses WHERE upload_status = 'sent'") == 4);
    CHECK(r.eventsPendingLeft == 0); // the open one is not waiting to be sent: it is not finished
    auto rep = central.report();
    auto ikm = rep["ikm"];
    INFO(ikm.dump(1));
    CHECK(ikm["complete_responses"] == 3);
    CHECK(ikm["incomplete_responses"] == 1);
    // Overall, three complete responses:
    //   sums U1..U9 = 10 9 9 12 9 10 11 8 9 -> NRR (4 decimals) 3.3333 3.0000 3.0000 4.0000 3.0000
    //   3.3333 3.6667 2.6667 3.0000; NRR tertimbang (÷ 9, 6 decimals) 0.370367 0.333333 0.333333 0.444444
    //   0.333333 0.370367 0.407411 0.296300 0.333333; IKM = their sum = 3.222221; × 25 = 80.555… -> 80.56 B
    CHECK(ikm["overall"]["converted"] == 80.56);
    CHECK(ikm["overall"]["mutu"] == "B");
    CHECK(ikm["overall"]["nrr"]["U1"] == 3.3333);
    CHECK(ikm["overall"]["nrr"]["U8"] == 2.6667);
    CHECK(ikm["overall"]["nrr_weighted"]["U8"] == 0.2963);
    CHECK(ikm["overall"]["unsur"][7]["name"] == "Penanganan Pengaduan, Saran dan Masukan");
    CHECK(ikm["overall"]["weight"] == "1/9");
    CHECK(ikm["overall"]["ikm"] == 3.222221);
    // Per unit (the officer's, from the published roster):
    //   Bidang Perizinan Usaha: 31/9 = 3.4444 -> 86.11 B; Bidang Kependudukan: 30/9 -> 83.33 B;
    //   no officer: 26/9 = 2.8889 -> 72.22 C
    CHECK(ikm["by_unit"]["Bidang Perizinan Usaha"]["converted"] == 86.11);
    CHECK(ikm["by_unit"]["Bidang Kependudukan"]["converted"] == 83.33);
    CHECK(ikm["by_unit"]["(tanpa petugas)"]["converted"] == 72.22);
    CHECK(ikm["by_unit"]["(tanpa petugas)"]["mutu"] == "C");
    CHECK(ikm["by_unit"]["(tanpa petugas)"]["mutu_label"] == "Kurang Baik");
    // Per service: nib (two responses): NRR 3.5 3 3 4 3 3 3.5 2.5 3 = 28.5/9 = 3.1667 -> 79.17 B; kk: 83.33
    CHECK(ikm["by_service"]["nib"]["responses"] == 2);
    CHECK(ikm["by_service"]["nib"]["converted"] == 79.17);
    CHECK(ikm["by_service"]["kk"]["converted"] == 83.33);
    // The IKM object and the scores come from the same tallies: every unit and service the scores
    // show with responses has the same IKM, response count and NRR in both.
    for (const char* kind : {"units", "services"}) {
        const auto& groups = rep["scores"][kind];
        const auto& listed = ikm[std::string("by_") + (std::string(kind) == "units" ? "unit" : "service")];
        int compared = 0;
        for (const auto& [name, s] : groups.items()) {
            if (s["survey_responses"] == 0) continue;
            INFO(kind << " " << name);
            REQUIRE(listed.contains(name));
            CHECK(listed[name]["converted"] == s["ikm"]);
            CHECK(listed[name]["responses"] == s["survey_responses"]);
            CHECK(listed[name]["nrr"] == s["nrr"]);
            ++compared;
        }
        CHECK(compared == 2);
    }

    // The open one ends (the citizen walked away); it goes up as incomplete.
    REQUIRE(store::finishSurvey(*kiosk.st, open, "incomplete").ok);
    r = kiosk.sync();
    CHECK(r.eventsSent == 1);
    // Delivered again (a crash before marking): counted once.
    kiosk.st->database().exec("UPDATE survey_responses SET upload_status = 'pending'");
    r = kiosk.sync();
    CHECK(r.ok());
    rep = central.report();
    CHECK(rep["ikm"]["complete_responses"] == 3);
    CHECK(rep["ikm"]["incomplete_responses"] == 2);
    store::Database cdb((dir / "central" / "central.db").string(), SQLITE_OPEN_READONLY);
    CHECK(cdb.queryInt("SELECT count(*) FROM survey_responses") == 5);
    CHECK(cdb.queryText("SELECT json_extract(body, '$.profile.jenis_kelamin') FROM survey_responses LIMIT 1") == "L");

    // A period with nothing in it.
    const auto empty = test::run({(test::binDir() / "skm-central").string(), "report", "--data-dir", (dir / "central").string(), "--from", "2099-01-01"});
    REQUIRE(empty.exitCode == 0);
    const auto e = nlohmann::json::parse(empty.out)["ikm"];
    CHECK(e["complete_responses"] == 0);
    CHECK(e["overall"]["converted"].is_null());
    CHECK(test::run({(test::binDir() / "skm-central").string(), "report", "--data-dir", (dir / "central").string(), "--from", "yesterday"}).exitCode == 2);
}

TEST_CASE("a malformed survey response is refused by the central office and kept on the kiosk as rejected", "[survey][sync]")
{
    test::TempDir dir;
    Central central(dir / "central");
    Kiosk kiosk(dir / "kiosk", central.addDevice("kiosk-svy2"));
    const std::string id = respond(*kiosk.st, std::nullopt, std::nullopt, {4, 4}, "incomplete");
    kiosk.st->database().exec("UPDATE survey_answers SET value = '7' WHERE item = 'U2'"); // not on the 1-4 scale
    const auto r = kiosk.sync();
    CHECK(r.eventsRejected == 1);
    CHECK(kiosk.st->database().queryText("SELECT last_error FROM survey_responses") == "answers must map U1..U9 to 1-4");
    CHECK(kiosk.st->database().queryText("SELECT upload_status FROM survey_responses") == "rejected");
    CHECK(central.report()["ikm"]["incomplete_responses"] == 0);
}
