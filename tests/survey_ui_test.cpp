// The SKM questionnaire on the kiosk, headless (the real screens and controller, no window): a full
// response, going back, an idle timeout mid-way (stored as incomplete), the language switch, an open
// case giving the officer and the service, a definition file that changes or is refused.

#include "support/kiosk_rig.hpp"

#include <core/survey.hpp>
#include <kiosk/roster/duty.hpp>
#include <core/pin.hpp>
#include <kiosk/roster/roster_store.hpp>
#include <kiosk/store/record_json.hpp>
#include <kiosk/store/survey_store.hpp>
#include <kiosk/ui/controller.hpp>
#include <kiosk/ui/widgets.hpp>

#include <catch2/catch.hpp>

#include <fstream>

using namespace skm;

namespace {

struct Rig : test::KioskRig {
    Rig() : KioskRig(options())
    {
        roster::Roster r;
        r.version = "t";
        r.officers = {{"198503302010011002", "Budi Santoso", "Perizinan", roster::hashPin("2468")}};
        r.services = {{"kk", "Kartu Keluarga", "Family card"}, {"nib", "NIB", "Business number"}};
        roster::replaceRoster(st->database(), r, 0);
        officer = r.officers[0];
    }
    static test::RigOptions options()
    {
        test::RigOptions o;
        o.deviceId = "survey-test";
        o.config.counter = "Loket 2";
        o.surveySource = true;
        return o;
    }
    const ui::SurveyView& view() { return controller->snapshot().survey; }
    std::map<std::string, std::string> answers() { return store::surveyAnswers(st->database(), q("SELECT id FROM survey_responses ORDER BY started_wall_ms DESC LIMIT 1")); }

    roster::Officer officer;
};

} // namespace

TEST_CASE("a full questionnaire by touch: service, the nine unsur, the profile, the saran, thanks, every answer committed as given", "[survey][ui]")
{
    Rig rig;
    rig.tap("survey.start");
    REQUIRE(rig.controller->screen() == ui::ScreenId::Survey);
    CHECK(rig.q("SELECT status FROM survey_responses") == "in_progress");
    CHECK(rig.q("SELECT survey_version FROM survey_responses") == config::defaultSurvey().version);
    CHECK(rig.view().steps == 1 + 9 + 4 + 1); // the service, the unsur, the profile, the saran
    CHECK(rig.view().question == rig.t("survey.service"));
    rig.tap("answer.nib");
    CHECK(rig.q("SELECT service_code FROM survey_responses") == "nib");
    const int values[9] = {4, 3, 3, 2, 4, 4, 3, 1, 3};
    for (int i = 0; i < 9; ++i) {
        INFO("unsur " << i + 1);
        const config::SurveyUnsur& u = config::defaultSurvey().unsur[static_cast<size_t>(i)];
        CHECK(rig.view().section == rig.catalog.format(config::Lang::Id, "survey.question_of", {{"n", std::to_string(i + 1)}, {"total", "9"}, {"name", u.name.id}}));
        CHECK(rig.view().question == u.question.id);
        // In the faces' direction: the best answer first (on the left), down to the worst.
        REQUIRE(rig.view().options.size() == 4);
        CHECK(rig.view().scale);
        for (size_t k = 0; k < 4; ++k) CHECK(rig.view().options[k].code == std::to_string(4 - k));
        CHECK(rig.view().options[0].label == u.answers[3].id);
        rig.tap("answer." + std::to_string(values[i]));
        // On disk at once, before the next question.
        CHECK(rig.answers().at("U" + std::to_string(i + 1)) == std::to_string(values[i]));
    }
    CHECK(rig.view().question == config::defaultSurvey().profile[0].question.id);
    CHECK_FALSE(rig.view().scale);
    CHECK(rig.view().canSkip);
    rig.tap("answer.P");
    rig.tap("skip"); // age: declined
    rig.tap("answer.sma");
    rig.tap("answer.wirausaha");
    // The saran: typed on the on-screen keyboard, kept only when sent.
    REQUIRE(rig.controller->screen() == ui::ScreenId::Survey);
    CHECK(rig.view().saran);
    CHECK(rig.view().question == config::defaultSurvey().saran->question.id);
    CHECK(rig.view().textMax == 500);
    for (const char* k : {"key.a", "key.n", "key.t", "key.r", "key.i", "key.space", "key.l", "key.a", "key.m", "key.a", "key.x", "key.backspace"}) rig.tap(k);
    rig.tap("key.layer");
    rig.tap("key.!");
    CHECK(rig.view().text == "antri lama!");
    CHECK(rig.view().textChars == 11);
    CHECK(rig.answers().count("saran") == 0); // not yet sent
    rig.tap("saran.send");
    CHECK(rig.controller->screen() == ui::ScreenId::Thanks);
    CHECK(rig.controller->snapshot().citizen.thanksForSurvey);
    CHECK(rig.controller->snapshot().citizen.surveyOffered == false);
    CHECK(rig.q("SELECT status FROM survey_responses") == "complete");
    const auto a = rig.answers();
    CHECK(a.at("saran") == "antri lama!");
    // Uploaded as the response's "saran", apart from its profile.
    const auto records = store::selectRecordsJson(rig.st->database(), 4, store::Unsent::Pending);
    REQUIRE(records.size() == 1);
    CHECK(records[0].json["saran"] == "antri lama!");
    CHECK_FALSE(records[0].json["profile"].contains("saran"));
    CHECK(a.size() == 13);
    CHECK(a.count("usia") == 0);
    CHECK(a.at("jenis_kelamin") == "P");
    CHECK(rig.q("SELECT count(*) FROM ratings") == "0"); // a survey is not a face rating
    rig.wait(5'000);
    CHECK(rig.controller->screen() == ui::ScreenId::Attract);
    CHECK(rig.controller->snapshot().citizen.surveyOffered);
}

TEST_CASE("back shows the answer given and replaces it, and keys 1-4 and Backspace work like taps", "[survey][ui]")
{
    Rig rig;
    rig.controller->surveyKey(); // key S on the attract screen
    REQUIRE(rig.controller->screen() == ui::ScreenId::Survey);
    rig.controller->pressFace(1); // service: the first of the catalogue (kk)
    rig.controller->pressFace(2); // U1 = 2
    rig.controller->pressFace(4); // U2 = 4
    CHECK(rig.view().step == 3); // U3
    rig.controller->backKey();
    CHECK(rig.view().step == 2); // U2
    CHECK(rig.view().selected == "4");
    rig.frame();
    rig.tap("survey.back");
    CHECK(rig.view().selected == "2");
    rig.controller->pressFace(3); // U1 is now 3
    CHECK(rig.answers().at("U1") == "3");
    CHECK(rig.answers().at("U2") == "4");
    CHECK(rig.q("SELECT count(*) FROM survey_answers") == "2");
    CHECK(rig.q("SELECT service_code FROM survey_responses") == "kk");
    rig.controller->pressFace(7); // no seventh answer: nothing happens
    CHECK(rig.view().step == 2); // U2
    rig.frame();
    CHECK(ui::findTarget("survey.back") != nullptr);
    // On the first question there is no way further back.
    rig.controller->backKey();
    rig.controller->backKey();
    rig.controller->backKey();
    CHECK(rig.view().step == 0);
}

TEST_CASE("an idle timeout mid-way ends the response as incomplete, keeping its answers", "[survey][ui][timeout]")
{
    Rig rig;
    rig.tap("survey.start");
    rig.tap("answer.kk");
    rig.tap("answer.4");
    rig.tap("answer.3");
    rig.wait(59'000); // twice the 30 s idle timeout for a survey question
    CHECK(rig.controller->screen() == ui::ScreenId::Survey);
    rig.wait(2'000);
    CHECK(rig.controller->screen() == ui::ScreenId::Attract);
    CHECK(rig.q("SELECT status FROM survey_responses") == "incomplete");
    CHECK(rig.answers().size() == 2);
    CHECK(rig.q("SELECT upload_status FROM survey_responses") == "pending"); // it goes up like the rest
    // "Berhenti", confirmed, does the same at once.
    rig.tap("survey.start");
    rig.tap("answer.kk");
    rig.tap("survey.quit");
    rig.tap("confirm.yes");
    CHECK(rig.controller->screen() == ui::ScreenId::Attract);
    CHECK(rig.q("SELECT count(*) FROM survey_responses WHERE status = 'incomplete'") == "2");
}

TEST_CASE("the language switches mid-questionnaire, and the next citizen starts in Bahasa Indonesia", "[survey][ui][language]")
{
    Rig rig;
    rig.tap("survey.start");
    rig.tap("answer.kk");
    CHECK(rig.view().question == config::defaultSurvey().unsur[0].question.id);
    rig.tap("language");
    CHECK(rig.view().question == config::defaultSurvey().unsur[0].question.en);
    CHECK(rig.view().options[0].label == config::defaultSurvey().unsur[0].answers[3].en); // the best answer, first
    CHECK(rig.view().section ==
          rig.catalog.format(config::Lang::En, "survey.question_of", {{"n", "1"}, {"total", "9"}, {"name", config::defaultSurvey().unsur[0].name.en}}));
    CHECK(rig.q("SELECT language FROM survey_responses") == "en");
    rig.tap("answer.4");
    rig.tap("survey.quit");
    rig.tap("confirm.yes");
    CHECK(rig.controller->snapshot().lang == config::Lang::Id);
}

TEST_CASE("with an officer's case open, the response carries the officer, the case and its service", "[survey][ui][duty]")
{
    Rig rig;
    roster::Duty duty(*rig.st, "Loket 2");
    duty.start(rig.officer);
    const std::string caseId = duty.logCase("nib", std::nullopt).id;
    roster::Authenticator auth(*rig.st);
    rig.controller->attachOfficerDesk(auth, duty);
    rig.frame();
    rig.tap("survey.start");
    CHECK(rig.view().steps == 9 + 4 + 1); // no service question: the case says it (the unsur, the profile, the saran)
    CHECK(rig.view().step == 0);
    CHECK(rig.view().scale); // straight to U1
    CHECK(rig.q("SELECT officer_nip || ' ' || case_id || ' ' || service_code FROM survey_responses") == rig.officer.nip + " " + caseId + " nib");
    CHECK(rig.q("SELECT status FROM cases") == "open"); // the survey does not use up the case's rating
}

TEST_CASE("a new definition file is used from the next questionnaire, and a malformed one is refused", "[survey][ui][config]")
{
    Rig rig;
    std::string text = config::defaultSurveyText();
    const size_t at = text.find("version = \"");
    text.replace(at, text.find('\n', at) - at, "version = \"kantor-uji/2\"");
    const std::string& u3 = config::defaultSurvey().unsur[2].question.id;
    const size_t q = text.find(u3);
    REQUIRE(q != std::string::npos);
    text.replace(q, u3.size(), "Seberapa cepat layanan kami hari ini, menurut Anda?");
    std::ofstream(rig.dir / "data" / "survey.toml") << text;
    rig.tap("survey.start");
    rig.tap("answer.kk");
    rig.tap("answer.4");
    rig.tap("answer.4");
    CHECK(rig.view().question.rfind("Seberapa cepat layanan kami hari ini", 0) == 0);
    CHECK(rig.q("SELECT survey_version FROM survey_responses") == "kantor-uji/2");
    rig.tap("survey.quit");
    rig.tap("confirm.yes");

    // A definition with an unsur missing: refused, naming the problem; the previous one stays.
    std::string bad = text;
    const size_t u9 = bad.find("[[unsur]]\ncode = \"U9\"");
    bad.erase(u9, bad.find("[[profile]]") - u9);
    std::ofstream(rig.dir / "data" / "survey.toml") << bad;
    // A new modification time for certain (two writes can share a timestamp on a coarse clock).
    std::filesystem::last_write_time(rig.dir / "data" / "survey.toml", std::filesystem::file_time_type::clock::now() + std::chrono::seconds(10));
    rig.tap("survey.start");
    CHECK_THAT(rig.source->error(), Catch::Contains("nine [[unsur]]") && Catch::Contains("it has 8"));
    CHECK(rig.q("SELECT survey_version FROM survey_responses ORDER BY started_wall_ms DESC LIMIT 1") == "kantor-uji/2");
}

TEST_CASE("the admin screen shows this counter's IKM this month and whether the sample is large enough", "[survey][admin]")
{
    Rig rig;
    roster::Duty duty(*rig.st, "Loket 2");
    duty.start(rig.officer);
    for (int i = 0; i < 3; ++i) (void)duty.logCase("kk", std::nullopt);
    duty.end("signed_out");
    // Two complete responses: all 4s and all 3s -> every NRR 3.5 -> IKM 3.5 -> 87.50 B.
    for (const char* answer : {"4", "3"}) {
        rig.tap("survey.start");
        rig.tap("answer.kk");
        for (int u = 0; u < 9; ++u) rig.tap(std::string("answer.") + answer);
        for (int p = 0; p < 4; ++p) rig.tap("skip");
        rig.tap("saran.skip"); // no suggestion
        REQUIRE(rig.controller->screen() == ui::ScreenId::Thanks);
        rig.wait(5'000);
    }
    rig.tap("survey.start"); // an incomplete one does not count
    rig.tap("answer.kk");
    rig.tap("answer.1");
    rig.tap("survey.quit");
    rig.tap("confirm.yes");

    config::KioskConfig cfg;
    cfg.counter = "Loket 2";
    cfg.adminPinHash = roster::hashPin("909090");
    rig.controller = std::make_unique<ui::Controller>(*rig.st, ui::UiSettings::from(cfg), rig.clock, rig.catalog);
    roster::Authenticator auth(*rig.st);
    rig.controller->attachOfficerDesk(auth, duty);
    rig.frame();
    rig.controller->adminKey();
    rig.frame();
    for (char c : std::string("909090")) rig.tap(std::string("pad.") + c);
    rig.tap("pad.ok");
    REQUIRE(rig.controller->screen() == ui::ScreenId::Admin);
    std::string line, nrr, sample, records;
    for (const auto& l : rig.controller->snapshot().admin.lines) {
        if (l.key == "admin.ikm") line = l.value;
        if (l.key == "admin.nrr") nrr = l.value;
        if (l.key == "admin.sample") sample = l.value;
        if (l.key == "admin.events") records = l.value;
    }
    // The records beside the ratings line counts what an upload would send, survey responses too
    // (it left them out: one count for the admin screen, another for skm-sync).
    size_t unsent = 0;
    for (size_t k = 1; k < store::kUnsentKinds.size(); ++k) unsent += store::selectRecordsJson(rig.st->database(), k, store::Unsent::Pending).size();
    CHECK(unsent >= 3); // the three finished questionnaires at least
    CHECK(records == config::formatCount(static_cast<long long>(unsent), config::Lang::Id) + " / 0");
    // Written the Indonesian way: 87,50.
    // Weighed as the built-in definition says (exact, 1/9): 9 × 3.5/9 = 9 × 0.388889 = 3.500001 -> 87.50.
    CHECK(line == rig.catalog.format(config::Lang::Id, "admin.ikm_value", {{"score", "87,50"}, {"mutu", "B"}, {"weight", "1/9"}, {"n", "2"}}));
    // Every NRR is 3.5: the first is the weakest and the strongest, to four decimals as the reports print it.
    CHECK(nrr == rig.catalog.format(config::Lang::Id, "admin.nrr_value", {{"low", "U1"}, {"low_nrr", "3,5000"}, {"high", "U1"}, {"high_nrr", "3,5000"}}));
    // Krejcie-Morgan for 3 cases: 3.841 × 3 × 0.25 / (0.0025 × 2 + 0.96025) = 2.98 -> 3; 2 complete < 3.
    CHECK(sample == rig.catalog.format(config::Lang::Id, "admin.sample_value", {{"n", "2"}, {"sample", "3"}, {"cases", "3"}, {"enough", rig.t("admin.sample_short")}}));
}

TEST_CASE("keys pressed in one burst are taken in order: S, a service, an answer", "[survey][ui]")
{
    Rig rig;
    using A = ui::KeyPress::Action;
    // As the window hands them over when all three arrive within one frame.
    rig.controller->pressKeys({{A::Survey}, {A::Face, 2}, {A::Face, 4}});
    rig.frame();
    CHECK(rig.controller->screen() == ui::ScreenId::Survey);
    CHECK(rig.q("SELECT status || ' ' || service_code FROM survey_responses") == "in_progress nib");
    CHECK(rig.answers() == std::map<std::string, std::string>{{"U1", "4"}});
    CHECK(rig.st->counts().total == 0); // no rating 2 or 4 slipped in before the questionnaire
}