// The citizen's screen without a window: a real ImGui context (no renderer), the real screens and
// controller, taps made of frames, and the rows in a real SQLite file.

#include "support/faulty_vfs.hpp"
#include "support/imgui_driver.hpp"
#include "support/test_util.hpp"

#include <store/rating_store.hpp>
#include <ui/controller.hpp>
#include <ui/layout.hpp>
#include <ui/strings.hpp>

#include <catch2/catch.hpp>

using namespace skm;

namespace {

struct Rig {
    explicit Rig(ImVec2 display, std::string vfs = {}) : driver(display)
    {
        store::StoreOptions o;
        o.dataDir = dir / "data";
        o.deviceId = "ui-test";
        o.counter = "Loket 3";
        o.clock = &clock;
        o.vfs = std::move(vfs);
        st = std::make_unique<store::RatingStore>(o);
        ui::UiSettings s;
        s.officeName = "Kantor Uji";
        s.counter = "Loket 3";
        s.thanksMs = 4000;
        s.noticeMs = 8000;
        s.retryEveryMs = 5000;
        controller = std::make_unique<ui::Controller>(*st, s, clock);
        driver.frame([&] { controller->drawFrame(driver.theme()); }); // first frame: the attract screen
    }

    ImVec2 faceCenter(int score) const
    {
        const auto L = ui::layoutAttract(ImGui::GetIO().DisplaySize, driver.theme(), ui::text::kQuestion);
        return L.target[score - 1].center();
    }
    void tap(ImVec2 p) { driver.tap(p, [&] { controller->drawFrame(driver.theme()); }); }
    std::vector<int> scores()
    {
        std::vector<int> out;
        store::Statement q(st->database(), "SELECT score FROM ratings ORDER BY seq");
        while (q.next()) out.push_back(static_cast<int>(q.columnInt(0)));
        return out;
    }

    test::TempDir dir;
    store::ManualClock clock;
    test::ImGuiDriver driver;
    std::unique_ptr<store::RatingStore> st;
    std::unique_ptr<ui::Controller> controller;
};

} // namespace

TEST_CASE("a tap on a face commits that score, then thanks, then the screen resets", "[ui]")
{
    Rig rig(ImVec2(1280, 800));
    REQUIRE(rig.controller->screen() == ui::ScreenId::Attract);
    rig.tap(rig.faceCenter(3));
    CHECK(rig.scores() == std::vector<int>{3});
    CHECK(rig.controller->screen() == ui::ScreenId::Thanks);

    rig.clock.advance(3999);
    CHECK_FALSE(rig.controller->tick());
    CHECK(rig.controller->screen() == ui::ScreenId::Thanks);
    rig.clock.advance(1);
    CHECK(rig.controller->tick());
    CHECK(rig.controller->screen() == ui::ScreenId::Attract);
    CHECK(rig.controller->nextDeadlineMs() == std::numeric_limits<int64_t>::max());
}

TEST_CASE("each face stores its own score, at every supported resolution", "[ui]")
{
    for (ImVec2 display : {ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080), ImVec2(1080, 1920)}) {
        DYNAMIC_SECTION("display " << display.x << "x" << display.y)
        {
            Rig rig(display);
            for (int score : {4, 3, 2, 1}) {
                rig.tap(rig.faceCenter(score));
                REQUIRE(rig.controller->screen() == ui::ScreenId::Thanks);
                rig.clock.advance(4000);
                (void)rig.controller->tick();
                REQUIRE(rig.controller->screen() == ui::ScreenId::Attract);
            }
            CHECK(rig.scores() == std::vector<int>{4, 3, 2, 1});
        }
    }
}

TEST_CASE("a tap outside the faces stores nothing", "[ui]")
{
    Rig rig(ImVec2(1280, 800));
    rig.tap(ImVec2(640, 20));  // the header
    rig.tap(ImVec2(640, 790)); // the status line
    CHECK(rig.scores().empty());
    CHECK(rig.controller->screen() == ui::ScreenId::Attract);
}

TEST_CASE("the keypad keys 1-4 rate like taps, also while thanks is shown", "[ui]")
{
    Rig rig(ImVec2(1280, 800));
    rig.controller->pressFace(1);
    CHECK(rig.controller->screen() == ui::ScreenId::Thanks);
    rig.clock.advance(1000);
    rig.controller->pressFace(4); // the next citizen does not wait for the reset
    rig.controller->pressFace(9); // not a face key
    CHECK(rig.scores() == std::vector<int>{1, 4});
}

TEST_CASE("a failed commit shows no thanks, keeps the tap, and saves it on retry", "[ui][ioerr]")
{
    auto& faults = test::faultyVfs();
    Rig rig(ImVec2(1280, 800), test::kFaultyVfsName);
    faults.fullWrites = true;
    rig.tap(rig.faceCenter(2));
    faults.fullWrites = false;
    CHECK(rig.controller->screen() == ui::ScreenId::Notice);
    CHECK(rig.controller->snapshot().noticeDiskFull);
    CHECK(rig.controller->pendingRetries() == 1);
    CHECK(rig.scores().empty());

    rig.clock.advance(5000); // the retry is due
    CHECK(rig.controller->tick());
    CHECK(rig.controller->pendingRetries() == 0);
    CHECK(rig.scores() == std::vector<int>{2});
    rig.clock.advance(3000); // the notice times out
    (void)rig.controller->tick();
    CHECK(rig.controller->screen() == ui::ScreenId::Attract);
}
