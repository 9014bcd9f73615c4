// The citizen's flow without a window: a real ImGui context (no renderer), the real screens and
// controller, taps on the named touch targets made of frames, and the rows in a real SQLite file.

#include "support/faulty_vfs.hpp"
#include "support/kiosk_rig.hpp"
#include "support/test_util.hpp"

#include <core/catalog.hpp>
#include <kiosk/config/config.hpp>
#include <kiosk/store/rating_store.hpp>
#include <kiosk/ui/controller.hpp>
#include <kiosk/ui/widgets.hpp>

#include <core/pin.hpp>
#include <kiosk/roster/roster_store.hpp>

#include <catch2/catch.hpp>

#include <functional>

using namespace skm;
using ui::ScreenId;

namespace {

struct Row {
    int score = 0;
    std::string reasons; // "" for NULL
    std::string comment; // "" for NULL
    std::string language;
    int suppressed = 0;
};

struct Rig : test::KioskRig {
    explicit Rig(ImVec2 display = ImVec2(1280, 800), std::string vfs = {}) : KioskRig(options(display, std::move(vfs))) {}
    static test::RigOptions options(ImVec2 display, std::string vfs)
    {
        test::RigOptions o;
        o.display = display;
        o.vfs = std::move(vfs);
        return o; // thanks 4 s, notice 8 s, follow-up idle 15 s, interval 3 s, 200 chars
    }

    void typeText(const std::string& text)
    {
        for (char c : text) {
            const bool digit = c >= '0' && c <= '9';
            if (digit) tap("key.layer");
            tap(c == ' ' ? std::string("key.space") : "key." + std::string(1, c));
            if (digit) tap("key.layer");
        }
    }

    std::vector<Row> rows()
    {
        std::vector<Row> out;
        store::Statement q(st->database(), "SELECT score, coalesce(reasons, ''), coalesce(comment, ''), language, suppressed FROM ratings ORDER BY seq");
        while (q.next()) out.push_back({static_cast<int>(q.columnInt(0)), q.columnText(1), q.columnText(2), q.columnText(3), static_cast<int>(q.columnInt(4))});
        return out;
    }
    Row only()
    {
        auto r = rows();
        REQUIRE(r.size() == 1);
        return r[0];
    }
};

} // namespace

TEST_CASE("a tap on a face is committed at once, before any follow-up", "[ui][flow]")
{
    Rig rig;
    REQUIRE(rig.controller->screen() == ScreenId::Attract);
    rig.tap("face.3");
    CHECK(rig.controller->screen() == ScreenId::FollowUp);
    const Row r = rig.only();
    CHECK(r.score == 3);
    CHECK(r.reasons.empty());
    CHECK(r.comment.empty());
    CHECK(r.language == "id");
    CHECK(r.suppressed == 0);
}

TEST_CASE("the whole flow: face, reason, comment on the on-screen keyboard, thanks, attract", "[ui][flow]")
{
    Rig rig;
    rig.tap("face.2");
    REQUIRE(rig.controller->screen() == ScreenId::FollowUp);
    rig.tap("reason.waktu_lama");
    REQUIRE(rig.controller->screen() == ScreenId::Comment);
    CHECK(rig.only().reasons == R"(["waktu_lama"])"); // its own transaction, before the comment
    rig.typeText("antri 2 jam");
    CHECK(rig.controller->snapshot().citizen.comment == "antri 2 jam");
    CHECK(rig.only().comment.empty()); // not sent yet
    rig.tap("comment.send");
    CHECK(rig.controller->screen() == ScreenId::Thanks);
    const Row r = rig.only();
    CHECK(r.score == 2);
    CHECK(r.reasons == R"(["waktu_lama"])");
    CHECK(r.comment == "antri 2 jam");
    rig.wait(3999);
    CHECK(rig.controller->screen() == ScreenId::Thanks);
    rig.wait(1);
    CHECK(rig.controller->screen() == ScreenId::Attract);
    CHECK(rig.controller->nextDeadlineMs() == std::numeric_limits<int64_t>::max()); // nothing scheduled: idle
}

TEST_CASE("every step after the tap can be skipped", "[ui][flow]")
{
    Rig rig;
    SECTION("skip the reasons, then the comment")
    {
        rig.tap("face.4");
        rig.tap("skip");
        REQUIRE(rig.controller->screen() == ScreenId::Comment);
        rig.tap("comment.skip");
        CHECK(rig.controller->screen() == ScreenId::Thanks);
        const Row r = rig.only();
        CHECK(r.score == 4);
        CHECK(r.reasons.empty());
        CHECK(r.comment.empty());
    }
    SECTION("a reason, then skip the comment: what was typed is discarded")
    {
        rig.tap("face.1");
        rig.tap("reason.kurang_ramah");
        rig.typeText("tidak jadi");
        rig.tap("comment.skip");
        CHECK(rig.controller->screen() == ScreenId::Thanks);
        const Row r = rig.only();
        CHECK(r.reasons == R"(["kurang_ramah"])");
        CHECK(r.comment.empty());
    }
    SECTION("send with an empty comment is the same as skipping it")
    {
        rig.tap("face.3");
        rig.tap("skip");
        rig.tap("comment.send");
        CHECK(rig.controller->screen() == ScreenId::Thanks);
        CHECK(rig.only().comment.empty());
    }
}

TEST_CASE("the idle timeout returns every step to the attract screen, keeping what was committed", "[ui][timeout]")
{
    Rig rig;
    SECTION("on the follow-up")
    {
        rig.tap("face.2");
        rig.wait(rig.settings.followupIdleMs - 1);
        CHECK(rig.controller->screen() == ScreenId::FollowUp);
        rig.wait(1);
        CHECK(rig.controller->screen() == ScreenId::Attract);
        CHECK(rig.only().score == 2);
    }
    SECTION("on the comment, with text typed: the draft is kept")
    {
        rig.tap("face.1");
        rig.tap("reason.prosedur_rumit");
        rig.typeText("lama");
        rig.wait(rig.settings.followupIdleMs);
        CHECK(rig.controller->screen() == ScreenId::Attract);
        const Row r = rig.only();
        CHECK(r.reasons == R"(["prosedur_rumit"])");
        CHECK(r.comment == "lama");
    }
    SECTION("on the comment, nothing typed")
    {
        rig.tap("face.4");
        rig.tap("skip");
        rig.wait(rig.settings.followupIdleMs);
        CHECK(rig.controller->screen() == ScreenId::Attract);
        CHECK(rig.only().comment.empty());
    }
    SECTION("activity restarts the idle timer")
    {
        rig.tap("face.3");
        rig.tap("skip");
        rig.wait(rig.settings.followupIdleMs - 1'000);
        rig.tap("key.a");
        rig.wait(rig.settings.followupIdleMs - 1'000);
        CHECK(rig.controller->screen() == ScreenId::Comment);
        rig.wait(1'000);
        CHECK(rig.controller->screen() == ScreenId::Attract);
        CHECK(rig.only().comment == "a");
    }
    SECTION("the thanks screen resets after thanks_seconds")
    {
        rig.tap("face.4");
        rig.tap("skip");
        rig.tap("comment.skip");
        rig.wait(4'000);
        CHECK(rig.controller->screen() == ScreenId::Attract);
    }
}

TEST_CASE("English is one tap away, and the next citizen starts in Bahasa Indonesia", "[ui][language]")
{
    Rig rig;
    CHECK(rig.controller->snapshot().lang == config::Lang::Id);
    rig.tap("language");
    CHECK(rig.controller->snapshot().lang == config::Lang::En);
    CHECK(rig.controller->snapshot().t("attract.question") == rig.catalog.text(config::Lang::En, "attract.question"));
    CHECK(rig.catalog.text(config::Lang::En, "attract.question") != rig.catalog.text(config::Lang::Id, "attract.question"));

    SECTION("the choice holds through the flow and resets after thanks")
    {
        rig.tap("face.4");
        REQUIRE(rig.controller->screen() == ScreenId::FollowUp);
        CHECK(rig.controller->snapshot().citizen.reasons.front().label == config::KioskConfig{}.reasonsHigh.front().labelEn);
        rig.tap("language"); // back to Indonesian mid-way: the chips follow
        CHECK(rig.controller->snapshot().citizen.reasons.front().label == config::KioskConfig{}.reasonsHigh.front().labelId);
        rig.tap("language");
        rig.tap("reason.cepat");
        rig.tap("comment.skip");
        rig.wait(4'000);
        CHECK(rig.controller->screen() == ScreenId::Attract);
        CHECK(rig.controller->snapshot().lang == config::Lang::Id);
        CHECK(rig.only().language == "en");
    }
    SECTION("a citizen who switched and walked away: the idle timeout resets the language")
    {
        rig.wait(30'000);
        CHECK(rig.controller->snapshot().lang == config::Lang::Id);
        CHECK(rig.rows().empty());
    }
}

TEST_CASE("low and high scores get their own reason lists, laid out alike", "[ui][privacy]")
{
    std::vector<std::vector<ui::Target>> layouts;
    for (int score : {1, 2, 3, 4}) {
        Rig rig;
        rig.tap("face." + std::to_string(score));
        std::vector<std::string> codes;
        for (const auto& c : rig.controller->snapshot().citizen.reasons) codes.push_back(c.code);
        const auto& expected = score <= 2 ? config::KioskConfig{}.reasonsLow : config::KioskConfig{}.reasonsHigh;
        REQUIRE(codes.size() == expected.size());
        for (size_t i = 0; i < codes.size(); ++i) CHECK(codes[i] == expected[i].code);
        std::vector<ui::Target> rects = ui::lastTargets();
        for (auto& t : rects) t.name.clear(); // the codes differ; where things are must not
        layouts.push_back(rects);
    }
    for (const auto& l : layouts) {
        REQUIRE(l.size() == layouts[0].size());
        for (size_t i = 0; i < l.size(); ++i) {
            CHECK(l[i].rect.min.x == layouts[0][i].rect.min.x);
            CHECK(l[i].rect.min.y == layouts[0][i].rect.min.y);
            CHECK(l[i].rect.max.x == layouts[0][i].rect.max.x);
            CHECK(l[i].rect.max.y == layouts[0][i].rect.max.y);
        }
    }
}

TEST_CASE("a roster's reason lists replace the configuration's from the next citizen on, without a restart", "[ui][roster]")
{
    Rig rig;
    auto codes = [&] {
        std::vector<std::string> out;
        for (const auto& c : rig.controller->snapshot().citizen.reasons) out.push_back(c.code);
        return out;
    };
    auto rateAndLeave = [&](int score) {
        rig.tap("face." + std::to_string(score));
        auto got = codes();
        rig.tap("skip");
        rig.tap("comment.skip");
        rig.wait(5'000); // thanks -> attract
        REQUIRE(rig.controller->screen() == ui::ScreenId::Attract);
        return got;
    };
    const auto fromConfig = rateAndLeave(1);
    CHECK(fromConfig.size() == config::KioskConfig{}.reasonsLow.size());

    // A roster arrives (here imported; sync applies it the same way) with its own low list only.
    roster::Roster r;
    r.version = "central-2026-12";
    r.officers = {{"198503302010011002", "Budi Santoso", "Perizinan", roster::hashPin("2468")}};
    r.services = {{"nib", "NIB", "NIB"}};
    r.reasonsLow = {{"antre_lama", "Antre terlalu lama", "Queue too long"}, {"berkas_hilang", "Berkas hilang", "Papers lost"}};
    roster::replaceRoster(rig.st->database(), r, 0);
    rig.wait(4'000); // past the response interval
    CHECK(rateAndLeave(2) == std::vector<std::string>{"antre_lama", "berkas_hilang"});
    rig.wait(4'000);
    CHECK(rateAndLeave(4).size() == config::KioskConfig{}.reasonsHigh.size()); // no high list in the roster: the configuration's
    rig.wait(4'000);
    rig.tap("face.1");
    rig.tap("reason.berkas_hilang");
    CHECK(rig.rows().back().reasons == R"(["berkas_hilang"])");
}

TEST_CASE("the thanks screen is drawn identically whichever face was chosen", "[ui][privacy]")
{
    auto thanksVertices = [](int score) {
        Rig rig;
        rig.controller->pressFace(score);
        rig.controller->pressFace(score); // within the response interval: straight to thanks
        REQUIRE(rig.controller->screen() == ScreenId::Thanks);
        rig.frame();
        rig.frame();
        std::vector<float> v;
        const ImDrawData* dd = ImGui::GetDrawData();
        for (int l = 0; l < dd->CmdListsCount; ++l) {
            for (const ImDrawVert& vert : dd->CmdLists[l]->VtxBuffer) {
                v.push_back(vert.pos.x);
                v.push_back(vert.pos.y);
                v.push_back(static_cast<float>(vert.col));
            }
        }
        return v;
    };
    const auto reference = thanksVertices(1);
    REQUIRE_FALSE(reference.empty());
    for (int score : {2, 3, 4}) CHECK(thanksVertices(score) == reference);
}

TEST_CASE("the on-screen keyboard types, deletes, switches layers and stops at the length limit", "[ui][keyboard]")
{
    Rig rig;
    rig.tap("face.3");
    rig.tap("skip");
    REQUIRE(rig.controller->screen() == ScreenId::Comment);
    rig.typeText("ok");
    rig.tap("key.backspace");
    CHECK(rig.controller->snapshot().citizen.comment == "o");
    rig.tap("key.layer");
    CHECK(rig.controller->snapshot().citizen.keyboardDigits);
    REQUIRE(ui::findTarget("key.7") != nullptr);
    CHECK(ui::findTarget("key.q") == nullptr);
    rig.tap("key.7");
    rig.tap("key.!");
    rig.tap("key.layer");
    rig.tap("key.space");
    rig.tap("key.?");
    CHECK(rig.controller->snapshot().citizen.comment == "o7! ?");
    CHECK(rig.controller->snapshot().citizen.commentChars == 5);

    for (int i = 0; i < 250; ++i) rig.frame(); // frames without input type nothing
    CHECK(rig.controller->snapshot().citizen.commentChars == 5);
    while (rig.controller->snapshot().citizen.commentChars < 200) rig.tap("key.x");
    rig.tap("key.y"); // over the limit: refused
    CHECK(rig.controller->snapshot().citizen.commentChars == 200);
    CHECK(rig.controller->snapshot().citizen.comment.back() == 'x');
    rig.tap("comment.send");
    CHECK(rig.only().comment.size() == 200);
}

TEST_CASE("presses closer than the response interval are stored, marked suppressed", "[ui][suppressed]")
{
    Rig rig;
    rig.controller->pressFace(4);
    CHECK(rig.controller->screen() == ScreenId::FollowUp);
    rig.clock.advance(500);
    rig.controller->pressFace(4); // a second press half a second later
    CHECK(rig.controller->screen() == ScreenId::Thanks); // a suppressed press skips the follow-up
    rig.clock.advance(2'499);
    rig.controller->pressFace(1); // still inside 3 s of the previous press
    rig.clock.advance(3'000);
    rig.controller->pressFace(2); // 3 s after the previous: counts
    const auto r = rig.rows();
    REQUIRE(r.size() == 4); // nothing dropped
    CHECK(r[0].suppressed == 0);
    CHECK(r[1].suppressed == 1);
    CHECK(r[2].suppressed == 1);
    CHECK(r[3].suppressed == 0);
    CHECK(rig.st->counts().suppressed == 2);
}

TEST_CASE("each face stores its own score, at every supported resolution", "[ui]")
{
    for (ImVec2 display : {ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080), ImVec2(1080, 1920)}) {
        DYNAMIC_SECTION("display " << display.x << "x" << display.y)
        {
            Rig rig(display);
            for (int score : {4, 3, 2, 1}) {
                rig.tap("face." + std::to_string(score));
                REQUIRE(rig.controller->screen() == ScreenId::FollowUp);
                rig.tap("skip");
                rig.tap("comment.skip");
                rig.wait(4'000);
                REQUIRE(rig.controller->screen() == ScreenId::Attract);
            }
            std::vector<int> scores;
            for (const Row& r : rig.rows()) scores.push_back(r.score);
            CHECK(scores == std::vector<int>{4, 3, 2, 1});
        }
    }
}

TEST_CASE("a tap outside the touch targets stores nothing", "[ui]")
{
    Rig rig;
    rig.driver.tap(ImVec2(640, 20), [&] { rig.controller->drawFrame(rig.driver.theme()); });   // the header
    rig.driver.tap(ImVec2(640, 790), [&] { rig.controller->drawFrame(rig.driver.theme()); });  // the status line
    CHECK(rig.rows().empty());
    CHECK(rig.controller->screen() == ScreenId::Attract);
}

TEST_CASE("a failed commit shows no thanks, keeps the tap, and saves it on retry", "[ui][ioerr]")
{
    test::registerFaultyVfs();
    Rig rig(ImVec2(1280, 800), test::kFaultyVfsName);
    test::InjectedFault fault(test::InjectedFault::FullWrites);
    rig.tap("face.2");
    fault.end();
    CHECK(rig.controller->screen() == ScreenId::Notice);
    CHECK(rig.controller->snapshot().noticeDiskFull);
    CHECK(rig.controller->pendingRetries() == 1);
    CHECK(rig.rows().empty());

    rig.wait(5'000); // the retry is due
    CHECK(rig.controller->pendingRetries() == 0);
    CHECK(rig.only().score == 2);
    rig.wait(3'000); // the notice times out
    CHECK(rig.controller->screen() == ScreenId::Attract);
}

TEST_CASE("a follow-up that cannot be written is retried, and the citizen goes on", "[ui][ioerr]")
{
    test::registerFaultyVfs();
    Rig rig(ImVec2(1280, 800), test::kFaultyVfsName);
    rig.tap("face.1");
    test::InjectedFault fault(test::InjectedFault::FailSyncs);
    rig.tap("reason.pungutan");
    fault.end();
    CHECK(rig.controller->screen() == ScreenId::Comment);
    CHECK(rig.controller->pendingRetries() == 1);
    CHECK(rig.only().reasons.empty());
    rig.wait(5'000);
    CHECK(rig.controller->pendingRetries() == 0);
    CHECK(rig.only().reasons == R"(["pungutan"])");
}
