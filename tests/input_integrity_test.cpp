// Every stored answer is one a person meant: double taps and bursts across screen changes, on every
// screen, headless (the real screens and controller). Each case first checks that the second touch
// really lands on something of the next screen, so that it would store or change something if it
// fell through (as it did before the touch gate).

#include "support/kiosk_rig.hpp"

#include <core/pin.hpp>
#include <kiosk/ui/widgets.hpp>

#include <catch2/catch.hpp>

#include <optional>

using namespace skm;
using ui::Rect;
using ui::ScreenId;

namespace {

const std::string kNip = "198503302010011002";

// The name of the touch target under `p` in the last frame ("" for none).
std::string targetAt(ImVec2 p)
{
    for (const ui::Target& t : ui::lastTargets()) {
        if (p.x >= t.rect.min.x && p.x < t.rect.max.x && p.y >= t.rect.min.y && p.y < t.rect.max.y) return t.name;
    }
    return "";
}

// The citizen's kiosk on `display`, with the demo roster (its services for the questionnaire).
test::RigOptions citizenOptions(ImVec2 display)
{
    test::RigOptions o;
    o.display = display;
    o.demoRoster = true;
    return o;
}

test::RigOptions deskOptions(ImVec2 display = ImVec2(1280, 800))
{
    test::RigOptions o;
    o.display = display;
    o.demoRoster = true;
    o.desk = true;
    o.config.adminPinHash = roster::hashPin("909090");
    return o;
}

const ImVec2 kDisplays[] = {ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080), ImVec2(1080, 1920)};

} // namespace

TEST_CASE("a double tap on a face stores the face once, and no reason", "[ui][input]")
{
    for (ImVec2 display : kDisplays) {
        for (int gapMs : {150, 250, 300}) {
            DYNAMIC_SECTION("display " << display.x << "x" << display.y << ", taps " << gapMs << " ms apart")
            {
                test::RigOptions o;
                o.display = display;
                test::KioskRig rig(o);
                const ImVec2 p = rig.centre("face.2");
                rig.tapAfter(0, p);
                REQUIRE(rig.screen() == ScreenId::FollowUp);
                const std::string under = targetAt(p);
                INFO("under the finger on the follow-up: " << under);
                rig.tapAfter(gapMs, p);
                CHECK(rig.screen() == ScreenId::FollowUp);
                CHECK(rig.count("ratings WHERE suppressed = 0") == 1);
                CHECK(rig.q("SELECT score FROM ratings WHERE suppressed = 0") == "2");
                CHECK(rig.count("ratings WHERE reasons IS NOT NULL OR comment IS NOT NULL") == 0);
                // The second press is counted as a repeated press of the same face, never as an answer.
                CHECK(rig.count("ratings WHERE suppressed = 1 AND score = 2") == 1);
                CHECK(rig.controller->voidPresses() == 1);
                // Once the finger is still, the follow-up takes a deliberate touch.
                rig.tap(rig.snap().citizen.reasons.empty() ? "skip" : "reason." + rig.snap().citizen.reasons.front().code);
                CHECK(rig.screen() == ScreenId::Comment);
            }
        }
    }
}

TEST_CASE("eight quick taps on one face store one rating, the rest are suppressed presses and nothing falls through", "[ui][input]")
{
    test::KioskRig rig;
    const ImVec2 p = rig.centre("face.2");
    rig.tapAfter(0, p);
    for (int i = 0; i < 7; ++i) rig.tapAfter(80 + (i * 10) % 71, p); // 80..150 ms apart: ~0.8 s in all, longer than the guard
    CHECK(rig.screen() == ScreenId::FollowUp);
    CHECK(rig.count("ratings") == 8);
    CHECK(rig.count("ratings WHERE suppressed = 0") == 1);
    CHECK(rig.count("ratings WHERE suppressed = 1 AND score = 2") == 7);
    CHECK(rig.count("ratings WHERE reasons IS NOT NULL OR comment IS NOT NULL") == 0);
    CHECK(rig.snap().citizen.comment.empty());
    // Still unarmed right after the burst; armed once the finger has been still for the guard time.
    CHECK(rig.controller->touchArmedAtMs() > rig.clock.monoMs());
    rig.wait(rig.settings.touchGuardMs);
    CHECK(rig.controller->touchArmedAtMs() <= rig.clock.monoMs());
    rig.tapAfter(0, rig.centre("reason.pungutan"));
    CHECK(rig.screen() == ScreenId::Comment);
    CHECK(rig.q("SELECT reasons FROM ratings WHERE suppressed = 0") == R"(["pungutan"])");
}

TEST_CASE("a double tap on a reason chip chooses the reason and types nothing on the keyboard", "[ui][input]")
{
    test::KioskRig rig;
    rig.tap("face.1");
    const ImVec2 p = rig.centre("reason.pungutan");
    rig.tap("reason.pungutan");
    REQUIRE(rig.screen() == ScreenId::Comment);
    REQUIRE_FALSE(targetAt(p).empty()); // a key, the text box's buttons: something to hit
    rig.tapAfter(200, p);
    CHECK(rig.snap().citizen.comment.empty());
    CHECK(rig.screen() == ScreenId::Comment);
    CHECK(rig.q("SELECT coalesce(comment, '-') FROM ratings") == "-");
}

TEST_CASE("typing on the on-screen keyboard is never slowed once the keyboard is up", "[ui][input]")
{
    test::KioskRig rig;
    rig.tap("face.4");
    rig.tap("skip");
    REQUIRE(rig.screen() == ScreenId::Comment);
    rig.waitUntilArmed();
    for (const char* k : {"key.b", "key.a", "key.i", "key.k"}) rig.tapAfter(120, k); // a fast typist
    CHECK(rig.snap().citizen.comment == "baik");
}

TEST_CASE("a double tap on Isi survei lengkap starts the questionnaire and does not leave it", "[ui][input][survey]")
{
    for (ImVec2 display : kDisplays) {
        DYNAMIC_SECTION("display " << display.x << "x" << display.y)
        {
            test::KioskRig rig(citizenOptions(display));
            const ImVec2 p = rig.centre("survey.start");
            rig.tapAfter(0, p);
            REQUIRE(rig.screen() == ScreenId::Survey);
            INFO("under the finger on the first question: " << targetAt(p));
            REQUIRE_FALSE(targetAt(p).empty());
            rig.tapAfter(250, p);
            CHECK(rig.screen() == ScreenId::Survey);
            CHECK(rig.snap().survey.step == 0);
            CHECK(rig.q("SELECT status FROM survey_responses") == "in_progress");
        }
    }
}

TEST_CASE("a double tap on a survey answer answers one question, never the next one too", "[ui][input][survey]")
{
    for (ImVec2 display : kDisplays) {
        DYNAMIC_SECTION("display " << display.x << "x" << display.y)
        {
            test::KioskRig rig(citizenOptions(display));
            rig.tap("survey.start");
            rig.tap("answer." + rig.snap().survey.options.front().code); // the service (the first on the first page)
            REQUIRE(rig.snap().survey.step == 1);
            int answerUnderFinger = 0; // the next question's answers may lie elsewhere on a small panel
            for (const char* answer : {"answer.4", "answer.1", "answer.3"}) {
                const int step = rig.snap().survey.step;
                const ImVec2 p = rig.centre(answer);
                rig.tap(answer);
                REQUIRE(rig.snap().survey.step == step + 1);
                answerUnderFinger += targetAt(p).rfind("answer.", 0) == 0;
                rig.tapAfter(200, p);
                CHECK(rig.snap().survey.step == step + 1);
            }
            CHECK(answerUnderFinger > 0); // else this case could not fail
            CHECK(rig.count("survey_answers") == 3);
            // And in the profile: one answer, or one skip, per deliberate touch.
            while (rig.snap().survey.step < 10) rig.tap("answer.3");
            rig.tap("answer.L");
            REQUIRE(rig.snap().survey.step == 11); // age
            // An age whose place, on the next question (education), holds an answer too.
            rig.tap("skip");
            const std::vector<ui::Target> education = ui::lastTargets();
            rig.tap("survey.back");
            REQUIRE(rig.snap().survey.step == 11);
            std::string age;
            for (const auto& o : rig.snap().survey.options) {
                const ImVec2 c = rig.centre("answer." + o.code);
                for (const ui::Target& e : education) {
                    if (e.name.rfind("answer.", 0) == 0 && c.x >= e.rect.min.x && c.x < e.rect.max.x && c.y >= e.rect.min.y && c.y < e.rect.max.y) age = o.code;
                }
                if (!age.empty()) break;
            }
            // On a tall panel the age's six answers and the education's seven lie in different grids:
            // no age lies on an education answer there, and a second tap answers nothing by the layout.
            // On the others one does, and the second tap is the touch guard's to refuse.
            CHECK(age.empty() == (display.y > display.x));
            if (age.empty()) age = rig.snap().survey.options.front().code;
            const ImVec2 p = rig.centre("answer." + age);
            rig.tap("answer." + age);
            rig.tapAfter(200, p);
            CHECK(rig.snap().survey.step == 12);
            const ImVec2 skip = rig.centre("skip");
            rig.tap("skip");
            REQUIRE(targetAt(skip) == "skip");
            rig.tapAfter(200, skip);
            CHECK(rig.snap().survey.step == 13);
            CHECK(rig.count("survey_answers") == 11);
        }
    }
}

TEST_CASE("a press that began before the screen appeared does nothing when it is lifted", "[ui][input]")
{
    test::KioskRig rig;
    const ImVec2 face = rig.centre("face.3");
    rig.tap("face.4");
    rig.tap("skip");
    rig.tap("comment.skip");
    REQUIRE(rig.screen() == ScreenId::Thanks);
    rig.waitUntilArmed();
    // A finger comes down on the thanks screen where a face will be, and stays while the screen resets.
    rig.press(face);
    rig.wait(rig.settings.thanksMs);
    REQUIRE(rig.screen() == ScreenId::Attract);
    REQUIRE(targetAt(face) == "face.3");
    rig.release();
    CHECK(rig.count("ratings") == 1);
    // Lifting it counts as the end of a burst: the next touch right after does nothing either.
    rig.tapAfter(100, face);
    CHECK(rig.count("ratings") == 1);
    rig.tap("face.3");
    CHECK(rig.count("ratings") == 2);
}

TEST_CASE("the officer's double taps: the sign-in pad, the hand-over and the break do nothing twice", "[ui][input][officer]")
{
    test::KioskRig rig(deskOptions());
    rig.controller->officerKey();
    rig.frame();
    for (char c : kNip) rig.tap(std::string("pad.") + c);
    for (char c : std::string("2468")) rig.tap(std::string("pad.") + c);
    const ImVec2 ok = rig.centre("pad.ok");
    rig.tap("pad.ok");
    REQUIRE(rig.screen() == ScreenId::Officer);
    INFO("under the finger on the officer screen: " << targetAt(ok));
    rig.tapAfter(200, ok);
    CHECK(rig.snap().desk.selectedService.empty());
    CHECK(rig.snap().desk.ticket.empty());

    // Where, on the citizen's screen with a case open, a face lies under "Serahkan ke warga".
    rig.tap("service.kk");
    const Rect hand = ui::findTarget("officer.hand_over")->rect;
    rig.tap("officer.hand_over");
    REQUIRE(rig.screen() == ScreenId::Attract);
    std::optional<ImVec2> spot;
    for (const ui::Target& f : ui::lastTargets()) {
        if (f.name.rfind("face.", 0) != 0) continue;
        const ImVec2 a(std::max(f.rect.min.x, hand.min.x), std::max(f.rect.min.y, hand.min.y));
        const ImVec2 b(std::min(f.rect.max.x, hand.max.x), std::min(f.rect.max.y, hand.max.y));
        if (a.x + 2 < b.x && a.y + 2 < b.y) spot = ImVec2((a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f);
    }
    REQUIRE(spot); // the officer's second tap would rate the case
    rig.controller->officerKey();
    rig.frame();
    rig.tap("service.kk");
    rig.waitUntilArmed();
    rig.tapAfter(0, *spot); // hands over (a new case)
    REQUIRE(rig.screen() == ScreenId::Attract);
    rig.tapAfter(250, *spot);
    CHECK(rig.count("ratings") == 0);
    CHECK(rig.count("cases WHERE status = 'open'") == 1);
}

TEST_CASE("the technician's double taps: the screen test advances one step per touch, and closing rates nothing", "[ui][input][admin]")
{
    test::KioskRig rig(deskOptions());
    rig.controller->adminKey();
    rig.frame();
    rig.type("909090");
    rig.key(ImGuiKey_Enter);
    REQUIRE(rig.screen() == ScreenId::Admin);
    const ImVec2 p = rig.centre("admin.screen_test");
    rig.tap("admin.screen_test");
    REQUIRE(rig.snap().admin.screenTest == 1);
    rig.tapAfter(200, p);
    CHECK(rig.snap().admin.screenTest == 1);
    rig.tap("admin.screen_test_next");
    CHECK(rig.snap().admin.screenTest == 2);
    rig.tapAfter(150, p);
    CHECK(rig.snap().admin.screenTest == 2);
    while (rig.snap().admin.screenTest != 0) rig.tap("admin.screen_test_next");

    const ImVec2 close = rig.centre("admin.close");
    rig.tap("admin.close");
    REQUIRE(rig.screen() == ScreenId::Attract);
    const std::string under = targetAt(close);
    INFO("under the finger on the citizen's screen: " << under);
    REQUIRE_FALSE(under.empty());
    rig.tapAfter(200, close);
    CHECK(rig.count("ratings") == 0);
    CHECK(rig.screen() == ScreenId::Attract);
}

TEST_CASE("keys 1-4 rate as before, whatever the touch guard", "[ui][input]")
{
    test::KioskRig rig;
    rig.controller->pressFace(4);
    REQUIRE(rig.screen() == ScreenId::FollowUp);
    rig.clock.advance(100);
    rig.controller->pressFace(4); // a repeated key inside the response interval: stored, suppressed, thanked
    CHECK(rig.screen() == ScreenId::Thanks);
    CHECK(rig.count("ratings WHERE suppressed = 1") == 1);
    CHECK(rig.count("ratings WHERE suppressed = 0") == 1);
}

TEST_CASE("a control acts on release inside the control that took the press: sliding off one face onto another rates nothing", "[ui][input]")
{
    test::KioskRig rig;
    rig.waitUntilArmed();
    rig.press(rig.centre("face.3"));
    ImGui::GetIO().MousePos = rig.centre("face.2"); // the finger slides to the next face
    rig.frame();
    rig.release();
    CHECK(rig.count("ratings") == 0);
    CHECK(rig.screen() == ScreenId::Attract);
    // Released back where it began, the press counts.
    rig.wait(rig.settings.touchGuardMs);
    rig.press(rig.centre("face.3"));
    ImGui::GetIO().MousePos = rig.centre("face.2");
    rig.frame();
    ImGui::GetIO().MousePos = rig.centre("face.3");
    rig.frame();
    rig.release();
    CHECK(rig.q("SELECT group_concat(score) FROM ratings") == "3");
}

TEST_CASE("a double tap on Istirahat takes a break and does not resume it at once", "[ui][input][officer]")
{
    test::KioskRig rig(deskOptions());
    rig.controller->officerKey();
    rig.frame();
    rig.type(kNip);
    rig.type("2468");
    rig.key(ImGuiKey_Enter);
    REQUIRE(rig.screen() == ScreenId::Officer);
    const ImVec2 p = rig.centre("officer.break");
    rig.tap("officer.break");
    REQUIRE(rig.snap().desk.onBreak);
    REQUIRE(targetAt(p) == "officer.resume"); // "Lanjutkan bertugas" lies where "Istirahat" was
    rig.tapAfter(200, p);
    CHECK(rig.snap().desk.onBreak);
    CHECK(rig.q("SELECT group_concat(kind, ',') FROM (SELECT kind FROM session_events ORDER BY seq)") == "start,break");
}

TEST_CASE("a key held or mashed on a survey question answers it once, and different keys answer in turn", "[ui][input][survey]")
{
    test::KioskRig rig(citizenOptions(ImVec2(1280, 800)));
    rig.controller->surveyKey();
    rig.controller->pressFace(1); // the service
    for (int i = 0; i < 3; ++i) {
        rig.controller->pressFace(4); // a 4 pressed three times, 150 ms apart
        rig.clock.advance(150);
    }
    CHECK(rig.count("survey_answers") == 1);
    CHECK(rig.snap().survey.step == 2);
    rig.controller->pressFace(3); // another key at once: the next question's answer
    CHECK(rig.count("survey_answers") == 2);
    rig.clock.advance(rig.settings.touchGuardMs);
    rig.controller->pressFace(3); // the same key again after a pause: deliberate
    CHECK(rig.count("survey_answers") == 3);
}
