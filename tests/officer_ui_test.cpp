// The officer's desk without a window: sign-in by touch and by keyboard, logging a case, the citizen's
// rating tied to it, breaks, sign-out, the discreet gesture; real screens, controller, roster and store.
// One file of about 600 lines: the officer's desk and the technician's panel share the Desk rig below
// and are one person's side of the counter.

#include "support/kiosk_rig.hpp"
#include "support/sync_fixture.hpp"

#include <kiosk/app/sync_now.hpp>
#include <sync/http_sender.hpp>
#include <sync/uploader.hpp>

#include <kiosk/store/migrations.hpp>
#include <kiosk/roster/auth.hpp>
#include <kiosk/roster/duty.hpp>
#include <core/pin.hpp>
#include <kiosk/roster/roster_store.hpp>
#include <kiosk/ui/controller.hpp>
#include <kiosk/ui/widgets.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <thread>

using namespace skm;
using ui::ScreenId;

namespace {

const std::string kNip = "198503302010011002";

struct Desk : test::KioskRig {
    Desk() : KioskRig(options()) {}
    explicit Desk(test::RigOptions o) : KioskRig(std::move(o)) {}
    // The rig at the officer's desk; `endOfDayMinutes` (minutes after local midnight, -1 none) ends
    // every session then (the rig's wall clock starts at 1.8e12 ms).
    static test::RigOptions options(int endOfDayMinutes = -1)
    {
        test::RigOptions o;
        o.policy.endOfDayMinutes = endOfDayMinutes;
        o.deviceId = "desk-test";
        o.config = config::KioskConfig{};
        o.config.counter = "Loket 1";
        o.demoRoster = true;
        o.desk = true;
        return o;
    }
    std::function<void()> body()
    {
        return [this] { controller->drawFrame(driver.theme()); };
    }
    // A controller whose technician's PIN is `pin` (the rig's has none), at the officer's desk.
    void withTechnicianPin(const std::string& pin, config::KioskConfig cfg = {})
    {
        cfg.adminPinHash = roster::hashPin(pin);
        controller = std::make_unique<ui::Controller>(*st, ui::UiSettings::from(cfg), clock, catalog);
        controller->attachOfficerDesk(*auth, *duty);
    }
    // Waits (at most `ms`) for the running "sync now" to end and takes its result.
    bool drainSync(int ms)
    {
        for (int waited = 0; waited < ms; waited += 5) {
            if (controller->drainBackground()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return controller->drainBackground();
    }
    // F12 and the technician's PIN typed on the keyboard: the admin screen.
    void adminByKeyboard(const std::string& pin)
    {
        frame();
        controller->adminKey();
        frame();
        type(pin);
        key(ImGuiKey_Enter);
        REQUIRE(controller->screen() == ScreenId::Admin);
    }
    // F2, the NIP and `pin` typed on the keyboard, Enter: the officer's side of the counter.
    void signInByKeyboard(const std::string& pin)
    {
        controller->officerKey();
        frame();
        type(kNip);
        type(pin);
        key(ImGuiKey_Enter);
    }
    void tapDigits(const std::string& digits)
    {
        for (char c : digits) tap(std::string("pad.") + c);
    }
    void signInByTouch(const std::string& pin)
    {
        controller->officerKey();
        frame();
        tapDigits(kNip);
        tapDigits(pin);
        tap("pad.ok");
    }
};

} // namespace

TEST_CASE("sign in by touch, log a case, and the citizen's rating carries officer, case and service", "[officer][ui]")
{
    Desk d;
    d.signInByTouch("1111");
    CHECK(d.controller->screen() == ScreenId::SignIn);
    CHECK(d.controller->snapshot().desk.message.key == "signin.wrong_pin");
    CHECK_THAT(d.controller->snapshot().desk.message.text, Catch::Contains("4")); // tries left
    CHECK(d.controller->snapshot().desk.signInPinLength == 0);
    d.tapDigits("2468");
    CHECK(d.controller->snapshot().desk.signInPinLength == 4);
    d.tap("pad.ok");
    REQUIRE(d.controller->screen() == ScreenId::Officer);
    CHECK(d.controller->snapshot().desk.officerName == "Budi Santoso");

    d.tap("officer.hand_over"); // no service chosen yet
    CHECK(d.controller->screen() == ScreenId::Officer);
    CHECK(d.controller->snapshot().desk.message.key == "officer.choose_service");
    d.tap("service.kk");
    d.tapDigits("17");
    d.tap("officer.hand_over");
    REQUIRE(d.controller->screen() == ScreenId::Attract);
    CHECK(d.snap().desk.serving.mode == ui::DeskView::Serving::Mode::Case);
    CHECK(d.snap().desk.serving.officerName == "Budi Santoso");
    CHECK(d.snap().desk.serving.service == "Kartu Keluarga");
    CHECK(d.snap().desk.serving.ticket == "17");

    d.tap("face.4");
    CHECK(d.q("SELECT officer_nip || '|' || service_code || '|' || scope FROM ratings") == kNip + "|kk|case");
    CHECK(d.q("SELECT status || '|' || ticket FROM cases") == "rated|17");
    CHECK(d.snap().desk.serving.mode == ui::DeskView::Serving::Mode::OnDuty); // one rating per case: the next is the counter's
    d.tap("skip");
    d.tap("comment.skip");
    d.driver.frame(d.body());
    d.clock.advance(4000);
    (void)d.controller->tick();
    d.frame();
    d.tap("face.1"); // nobody's case: counter-level
    CHECK(d.q("SELECT coalesce(officer_nip, '-') || '|' || scope FROM ratings ORDER BY seq DESC LIMIT 1") == "-|counter");
}

TEST_CASE("everything the officer does works from the keyboard: type, Tab, Enter, Escape", "[officer][ui][keyboard]")
{
    Desk d;
    d.controller->officerKey(); // F2
    d.frame();
    REQUIRE(d.controller->screen() == ScreenId::SignIn);
    d.type(kNip); // a badge scanner types the NIP...
    CHECK(d.controller->snapshot().desk.signInField == 1); // ...18 digits move on to the PIN by themselves
    d.key(ImGuiKey_Enter);                            // ...and its Enter does not submit an empty PIN
    CHECK(d.controller->screen() == ScreenId::SignIn);
    CHECK(d.q("SELECT count(*) FROM audit_events") == "0");
    d.type("2468");
    d.key(ImGuiKey_Enter);
    REQUIRE(d.controller->screen() == ScreenId::Officer);

    d.tabTo("service.nib");
    d.key(ImGuiKey_Enter);
    CHECK(d.controller->snapshot().desk.selectedService == "nib");
    d.type("a-9");
    CHECK(d.controller->snapshot().desk.ticket == "A-9");
    d.key(ImGuiKey_Backspace);
    d.type("10");
    d.tabTo("officer.hand_over");
    d.key(ImGuiKey_Enter);
    REQUIRE(d.controller->screen() == ScreenId::Attract);
    CHECK(d.q("SELECT service_code || '|' || ticket || '|' || status FROM cases") == "nib|A-10|open");

    d.controller->officerKey(); // F2 again: the session is in force, straight to the officer screen
    d.frame();
    CHECK(d.controller->screen() == ScreenId::Officer);
    d.key(ImGuiKey_Escape);
    CHECK(d.controller->screen() == ScreenId::Attract);
}

TEST_CASE("the keypad's 1-4 type on the officer's screens instead of rating", "[officer][ui]")
{
    Desk d;
    d.controller->officerKey();
    d.frame();
    d.controller->pressFace(3);
    d.type("3");
    CHECK(d.q("SELECT count(*) FROM ratings") == "0");
    CHECK(d.controller->snapshot().desk.signInNip == "3");
}

TEST_CASE("a long press on the office's name opens the sign-in, and a short one does nothing", "[officer][ui]")
{
    Desk d;
    const ImVec2 p = ui::findTarget("gesture.officer")->rect.center();
    d.driver.hold(p, d.body());
    d.clock.advance(1500);
    d.driver.tap(p, d.body()); // released after 1.5 s
    CHECK(d.controller->screen() == ScreenId::Attract);

    d.driver.hold(p, d.body());
    CHECK(d.controller->nextDeadlineMs() == d.clock.monoMs() + 3000); // the loop wakes when the press is due
    d.clock.advance(3000);
    CHECK(d.controller->tick()); // no input arrives while the finger rests: the timer opens it
    CHECK(d.controller->screen() == ScreenId::SignIn);
}

TEST_CASE("break, resume, sign-out, and the officer's screens close by themselves, and a case expires", "[officer][ui]")
{
    Desk d;
    d.signInByTouch("2468");
    REQUIRE(d.controller->screen() == ScreenId::Officer);
    d.tap("officer.break");
    CHECK(d.controller->snapshot().desk.onBreak);
    CHECK(d.snap().desk.serving.mode == ui::DeskView::Serving::Mode::Break); // the citizen's screen says so
    d.tap("service.kk");
    CHECK_FALSE(d.has("officer.hand_over")); // nothing to hand over on a break...
    d.key(ImGuiKey_Enter);                   // ...not by the keyboard either
    CHECK(d.controller->screen() == ScreenId::Officer);
    CHECK(d.controller->snapshot().desk.message.key == "officer.no_hand_over_on_break");
    CHECK(d.count("cases") == 0);
    d.tap("officer.resume");
    CHECK_FALSE(d.controller->snapshot().desk.onBreak);

    d.clock.advance(60'000); // left open: back to the citizen screen, the session stays
    CHECK(d.controller->tick());
    CHECK(d.controller->screen() == ScreenId::Attract);
    CHECK(d.duty->session());

    d.controller->officerKey();
    d.frame();
    d.tap("service.kk");
    d.tap("officer.hand_over");
    CHECK(d.snap().desk.serving.mode == ui::DeskView::Serving::Mode::Case);
    d.clock.advance(10 * 60'000); // nobody rated it
    (void)d.controller->tick();
    CHECK(d.snap().desk.serving.mode == ui::DeskView::Serving::Mode::OnDuty);
    CHECK(d.q("SELECT group_concat(close_reason, ',') FROM (SELECT close_reason FROM cases ORDER BY opened_mono_ms)") == "expired"); // the break had no case to close

    d.controller->officerKey();
    d.frame();
    d.tap("officer.sign_out"); // asks first
    CHECK(d.snap().confirm == ui::Confirm::SignOut);
    d.tap("confirm.no");
    CHECK(d.controller->screen() == ScreenId::Officer);
    CHECK(d.duty->session());
    d.tap("officer.sign_out");
    d.tap("confirm.yes");
    CHECK(d.controller->screen() == ScreenId::Attract);
    CHECK_FALSE(d.duty->session());
    CHECK(d.q("SELECT end_reason FROM officer_sessions") == "signed_out");
}

TEST_CASE("without a roster the sign-in says so", "[officer][ui]")
{
    Desk d;
    d.st->database().exec("DELETE FROM meta WHERE key = 'roster_version'");
    d.controller->officerKey();
    d.frame();
    CHECK(d.controller->snapshot().desk.message.key == "signin.no_roster");
}

TEST_CASE("the admin screen: F12 and the technician's PIN, health, export, screen test, leave", "[admin][ui]")
{
    Desk d;
    SECTION("without a configured technician PIN the admin screen stays closed")
    {
        d.controller->adminKey();
        d.frame();
        CHECK(d.controller->screen() == ScreenId::SignIn);
        CHECK(d.controller->snapshot().desk.signInTechnician);
        CHECK(d.controller->snapshot().desk.message.key == "admin.disabled");
        d.tapDigits("1234");
        d.tap("pad.ok");
        CHECK(d.controller->screen() == ScreenId::SignIn);
    }
    SECTION("with one")
    {
        config::KioskConfig cfg;
        cfg.counter = "Loket 1";
        cfg.adminPinHash = roster::hashPin("909090");
        cfg.exportDir = (d.dir / "usb").string();
        std::filesystem::create_directories(cfg.exportDir);
        d.controller = std::make_unique<ui::Controller>(*d.st, ui::UiSettings::from(cfg), d.clock, d.catalog);
        d.controller->attachOfficerDesk(*d.auth, *d.duty);
        d.frame();
        d.tap("face.3"); // something to export
        d.controller->adminKey(); // F12
        d.frame();
        CHECK(ui::findTarget("signin.nip") == nullptr); // the technician types only the PIN
        d.tapDigits("111111");
        d.tap("pad.ok");
        CHECK(d.controller->snapshot().desk.message.key == "signin.wrong_pin");
        d.type("909090");
        d.key(ImGuiKey_Enter);
        REQUIRE(d.controller->screen() == ScreenId::Admin);
        const auto& lines = d.controller->snapshot().admin.lines;
        auto value = [&](const std::string& key) {
            for (const auto& line : lines) {
                if (line.key == key) return line.value;
            }
            return std::string("(missing)");
        };
        CHECK(value("admin.device") == "desk-test");
        CHECK_THAT(value("admin.version"), Catch::EndsWith(" / " + std::to_string(skm::store::latestSchemaVersion())));
        CHECK(value("admin.ratings") == "1 / 1 / 0 / 0 / 0");
        CHECK(value("admin.last_sync") == d.t("admin.never"));
        CHECK_THAT(value("admin.storage"), Catch::Contains(" GB / ") && Catch::EndsWith(" MB"));
        CHECK(value("admin.sample") == d.t("admin.sample_no_data")); // no services logged: no verdict on the sample

        d.tap("admin.export"); // not provisioned: no key to sign with
        CHECK(d.controller->snapshot().admin.message.key == "admin.export_unavailable");
        CHECK(std::filesystem::is_empty(d.dir / "usb"));
        d.controller->setExportKey([] { return store::ExportKey{"desk-test", std::string(64, 'c')}; });
        d.tap("admin.export");
        CHECK(d.controller->snapshot().admin.message.key == "admin.exported");
        // What went onto the stick, kind by kind.
        CHECK(d.controller->snapshot().admin.message.text == "Diekspor: 1 penilaian, 0 survei, 0 layanan, 0 sesi, 2 audit");
        CHECK(std::filesystem::directory_iterator(d.dir / "usb")->path().filename().string().rfind("skm-export-desk-test-", 0) == 0);
        d.tap("admin.sync_now");
        CHECK(d.controller->snapshot().admin.message.key == "admin.sync_unavailable");

        d.tap("admin.screen_test");
        for (int step = 1; step <= 6; ++step) {
            CHECK(d.controller->snapshot().admin.screenTest == step);
            d.tap("admin.screen_test_next");
        }
        CHECK(d.controller->snapshot().admin.screenTest == 0);

        d.tap("admin.leave"); // asks first
        CHECK(d.snap().confirm == ui::Confirm::LeaveKiosk);
        CHECK_FALSE(d.controller->quitRequested());
        d.tap("confirm.no");
        CHECK_FALSE(d.controller->quitRequested());
        CHECK(d.controller->screen() == ScreenId::Admin);
        d.tap("admin.leave");
        d.tap("confirm.yes");
        CHECK(d.controller->quitRequested());
        CHECK(d.q("SELECT group_concat(kind, ',') FROM (SELECT kind FROM audit_events ORDER BY seq)") ==
              "admin_sign_in_failed,admin_sign_in,ratings_exported,kiosk_left");
    }
}

TEST_CASE("a five-second press on the counter's name opens the technician's PIN", "[admin][ui]")
{
    Desk d;
    const ImVec2 p = ui::findTarget("gesture.admin")->rect.center();
    d.driver.hold(p, d.body());
    d.clock.advance(3000);
    CHECK_FALSE(d.controller->tick()); // the officer's 3 s do not apply here
    d.clock.advance(2000);
    CHECK(d.controller->tick());
    CHECK(d.controller->screen() == ScreenId::SignIn);
    CHECK(d.controller->snapshot().desk.signInTechnician);
}

TEST_CASE("sync now runs on a worker thread, and the screen stays live and shows the result", "[admin][ui]")
{
    Desk d;
    d.withTechnicianPin("909090");
    std::mutex gate;
    gate.lock(); // the "sync" waits until the test lets it finish
    std::atomic<int> wakes{0};
    d.controller->setSyncRunner(
        [&](const std::atomic<bool>&) {
            std::lock_guard hold(gate);
            return ui::SyncSummary{true, 1234, 0, 0, {}};
        },
        [&] { ++wakes; });
    d.adminByKeyboard("909090");
    d.tap("admin.sync_now");
    CHECK(d.controller->syncRunning());
    CHECK(d.controller->snapshot().admin.message.key == "admin.sync_running");
    for (int i = 0; i < 10; ++i) d.frame(); // the UI keeps drawing while the sync runs
    d.tap("admin.sync_now");                // a second press while running does nothing
    CHECK_FALSE(d.controller->drainBackground());
    gate.unlock();
    for (int i = 0; i < 200 && wakes == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    CHECK(wakes == 1);
    CHECK(d.controller->drainBackground());
    CHECK_FALSE(d.controller->syncRunning());
    CHECK(d.controller->snapshot().admin.message.key == "admin.sync_done");
    CHECK_THAT(d.controller->snapshot().admin.message.text, Catch::Contains("1.234")); // the Indonesian way
    CHECK(d.controller->screen() == ScreenId::Admin);
}

TEST_CASE("a kiosk stopped during sync now cancels the sync and waits for it only a moment", "[admin][ui][sync][cancel]")
{
    // What outlives the controller: a run that ignores its cancel flag keeps these until it ends.
    std::mutex gate;
    std::atomic<bool> sawCancel{false};
    std::atomic<bool> finished{false};
    std::atomic<int> wakes{0};
    Desk d;
    config::KioskConfig cfg;
    cfg.adminPinHash = roster::hashPin("909090");
    auto signInAndSync = [&] {
        d.controller = std::make_unique<ui::Controller>(*d.st, ui::UiSettings::from(cfg), d.clock, d.catalog);
        d.controller->attachOfficerDesk(*d.auth, *d.duty);
    };
    auto toAdminAndTap = [&] {
        d.adminByKeyboard("909090");
        d.tap("admin.sync_now");
        REQUIRE(d.controller->syncRunning());
    };
    SECTION("a run that watches its flag ends when the controller goes")
    {
        signInAndSync();
        d.controller->setSyncRunner(
            [&](const std::atomic<bool>& cancel) {
                while (!cancel) std::this_thread::sleep_for(std::chrono::milliseconds(2)); // a long sync
                sawCancel = true;
                return ui::SyncSummary{};
            },
            [&] { ++wakes; });
        toAdminAndTap();
        d.controller.reset(); // the kiosk stops
        CHECK(sawCancel);
        CHECK(wakes == 0); // nobody is woken after the stop
    }
    SECTION("a run that ignores its flag is left to end by itself: the stop does not wait for it")
    {
        signInAndSync();
        gate.lock();
        d.controller->setSyncRunner(
            [&](const std::atomic<bool>& cancel) {
                std::lock_guard hold(gate); // stuck until the test lets go, whatever the flag says
                sawCancel = cancel.load();
                finished = true;
                return ui::SyncSummary{};
            },
            [&] { ++wakes; });
        toAdminAndTap();
        d.controller.reset(); // returns after BackgroundSync::kStopWaitMs, the run still stuck (else: this test hangs)
        CHECK_FALSE(finished);
        CHECK(ui::BackgroundSync::abandonedAny()); // skm-kiosk's main then ends without static destructors
        gate.unlock();
        for (int i = 0; i < 2000 && !finished; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        REQUIRE(finished);
        CHECK(sawCancel); // it was told
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        CHECK(wakes == 0); // and its end woke nobody
    }
}

TEST_CASE("a case by keyboard is F2, the ticket and Enter: the last service stays chosen, the first Tab reaches the services", "[officer][ui][keyboard]")
{
    Desk d;
    d.signInByKeyboard("2468"); // F2: the sign-in, by keyboard or badge scanner
    REQUIRE(d.controller->screen() == ScreenId::Officer);

    // The first case of the session: Tab, an arrow to the service, Enter (which moves on to the
    // hand-over), the ticket, Enter.
    int keys = 0;
    d.key(ImGuiKey_Tab), ++keys;
    REQUIRE(ui::focusedTarget());
    CHECK(ui::focusedTarget()->name.rfind("service.", 0) == 0); // the services come first, not the session's buttons
    while (ui::focusedTarget()->name != "service.kk") d.key(ImGuiKey_RightArrow), ++keys;
    d.key(ImGuiKey_Enter), ++keys;
    CHECK(d.snap().desk.selectedService == "kk");
    CHECK(ui::focusedTarget()->name == "officer.hand_over");
    d.type("A12");
    d.key(ImGuiKey_Enter), ++keys;
    REQUIRE(d.controller->screen() == ScreenId::Attract);
    CHECK(d.q("SELECT service_code || '|' || ticket FROM cases") == "kk|A12");
    CHECK(keys == 4); // Tab, Right, Enter, Enter (Akta kelahiran, then Kartu Keluarga): and the ticket

    // Every next case with the same service: F2, the ticket, Enter.
    d.controller->officerKey();
    d.frame();
    CHECK(d.snap().desk.selectedService == "kk"); // kept from the case before
    d.type("A13");
    d.key(ImGuiKey_Enter);
    REQUIRE(d.controller->screen() == ScreenId::Attract);
    CHECK(d.count("cases WHERE service_code = 'kk' AND ticket = 'A13'") == 1);
    CHECK(d.count("cases") == 2);

    // By touch, the service is kept too: the ticket on the pad, then Serahkan.
    d.controller->officerKey();
    d.frame();
    for (const char* k : {"pad.B", "pad.0", "pad.7"}) d.tap(k);
    d.tap("officer.hand_over");
    CHECK(d.count("cases WHERE service_code = 'kk' AND ticket = 'B07'") == 1);

    // A new officer signing in starts with no service chosen.
    d.controller->officerKey();
    d.frame();
    d.tap("officer.sign_out");
    d.tap("confirm.yes");
    d.signInByTouch("2468");
    REQUIRE(d.controller->screen() == ScreenId::Officer);
    CHECK(d.snap().desk.selectedService.empty());
}

TEST_CASE("the sign-in's lock-out counts down as it runs, and the keyboard channel is only the officer's side", "[officer][ui][lockout]")
{
    Desk d;
    // Touch: a long press opened the sign-in (the public side); the pad's digits.
    for (int i = 0; i < 6; ++i) {
        d.signInByTouch("1111");
        d.tap("signin.cancel");
    }
    d.signInByTouch("1111");
    REQUIRE(d.snap().desk.message.key == "signin.locked");
    const std::string first = d.snap().desk.message.text;
    d.wait(5'000);
    CHECK(d.snap().desk.message.key == "signin.locked");
    CHECK(d.snap().desk.message.text != first); // the seconds left went down
    CHECK(d.controller->nextDeadlineMs() <= d.clock.monoMs() + 1'000); // the screen is woken to count
    CHECK(d.q("SELECT count(*) FROM audit_events WHERE json_extract(detail, '$.channel') = 'keyboard'") == "0");
    d.tap("signin.cancel");

    // F2 and the keyboard: the officer's side of the counter, not held up by the touch side's wait.
    d.signInByKeyboard("2468");
    CHECK(d.controller->screen() == ScreenId::Officer);
    CHECK(d.q("SELECT json_extract(detail, '$.channel') FROM audit_events WHERE kind = 'sign_in'") == "keyboard");
}

TEST_CASE("a numeric keypad's digits on the sign-in count as the public side, even after F2", "[officer][ui][lockout]")
{
    Desk d;
    using A = ui::KeyPress::Action;
    // The officer pressed F2 and walked away; a stranger taps the NIP and types PINs on the keypad.
    for (int attempt = 0; attempt < 7; ++attempt) {
        d.controller->officerKey();
        d.frame();
        d.tapDigits(kNip);
        for (int digit : {1, 2, 3, 4}) {
            d.controller->pressKeys({{A::Face, digit, true}});
            d.type(std::to_string(digit)); // the character the key also types
        }
        d.tap("pad.ok");
        d.tap("signin.cancel");
    }
    CHECK(d.q("SELECT count(*) FROM audit_events WHERE json_extract(detail, '$.channel') = 'keyboard'") == "0");
    // The officer comes back: F2 and the keyboard, never held up by what was done on the public side.
    d.signInByKeyboard("2468");
    CHECK(d.controller->screen() == ScreenId::Officer);
}

TEST_CASE("F2 in the middle of a citizen's comment or questionnaire keeps what they gave", "[officer][ui]")
{
    Desk d;
    d.signInByTouch("2468");
    d.tap("officer.citizen");
    d.tap("face.2");
    d.tap("skip");
    for (const char* k : {"key.l", "key.a", "key.m", "key.a"}) d.tap(k);
    d.controller->officerKey(); // the officer needs the screen
    d.frame();
    REQUIRE(d.controller->screen() == ScreenId::Officer);
    CHECK(d.q("SELECT comment FROM ratings") == "lama");
    d.tap("officer.citizen");
    d.tap("survey.start");
    d.tap("answer." + d.snap().survey.options.front().code);
    d.tap("answer.4");
    d.controller->officerKey();
    d.frame();
    CHECK(d.q("SELECT status FROM survey_responses") == "incomplete"); // closed, kept, uploaded
    CHECK(d.count("survey_answers") == 1);
}

TEST_CASE("sync now on a damaged database says so, sends nothing and leaves the file to the kiosk", "[admin][ui][corrupt]")
{
    Desk d;
    d.withTechnicianPin("909090");
    // The app's runner (kiosk/app/sync_now.cpp): skm-sync's code on a connection of its own. Nothing
    // is listening at that URL: a sync that got as far as the network would say so instead.
    sync::Provisioning prov;
    prov.centralUrl = "http://127.0.0.1:9";
    prov.deviceId = "desk-test";
    prov.secret = std::string(64, 'a');
    const auto dataDir = d.dir / "data";
    sync::installProvisioning(prov, dataDir);
    d.controller->setSyncRunner(app::syncNowRunner(dataDir), [] {});
    for (int i = 0; i < 300; ++i) REQUIRE(d.st->recordEvent("test_event", "{\"pad\":\"" + std::string(60, 'x') + "\"}") == SQLITE_OK);
    d.st->database().exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const auto dbPath = d.st->dbPath();
    test::scramblePage(dbPath, d.st->database().queryInt("SELECT pageno FROM dbstat WHERE name = 'store_events' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 1"));
    const auto before = test::readBytes(dbPath);

    d.adminByKeyboard("909090");
    d.tap("admin.sync_now");
    REQUIRE(d.drainSync(2000));
    CHECK(d.snap().admin.message.key == "admin.sync_damaged");
    CHECK(d.snap().admin.message.error);
    CHECK(test::readBytes(dbPath) == before);
    for (const auto& e : std::filesystem::directory_iterator(dataDir)) CHECK(e.path().filename().string().find("corrupt") == std::string::npos);
    // The citizen's next rating is in skm.db.
    d.tap("admin.close");
    d.tap("face.4");
    store::Database fresh(dbPath.string(), SQLITE_OPEN_READONLY);
    CHECK(fresh.queryInt("SELECT count(*) FROM ratings WHERE score = 4") == 1);
}

TEST_CASE("sync now reads the provisioning at each run: unprovisioned it says sync is not set up, provisioned later it syncs without a restart", "[admin][ui][sync]")
{
    Desk d;
    d.withTechnicianPin("909090");
    // The app's runner, installed as the app installs it (whether or not the device is provisioned).
    const auto dataDir = d.dir / "data";
    d.controller->setSyncRunner(app::syncNowRunner(dataDir), [] {});
    d.tap("face.3"); // a rating waiting to be sent
    d.tap("followup.done");
    auto syncNow = [&] {
        d.tap("admin.sync_now");
        REQUIRE(d.drainSync(10'000));
    };
    d.adminByKeyboard("909090");
    syncNow();
    CHECK(d.snap().admin.message.key == "admin.sync_unavailable");
    CHECK(d.snap().admin.message.error);

    CHECK(d.st->database().queryInt("SELECT count(*) FROM ratings WHERE upload_status = 'pending'") == 1);

    // Provisioned while the kiosk runs, against a real central office: the next tap syncs.
    test::Central central(d.dir / "central");
    sync::installProvisioning(central.addDevice("desk-test"), dataDir);
    syncNow();
    INFO(d.snap().admin.message.text);
    CHECK(d.snap().admin.message.key == "admin.sync_done");
    CHECK(central.report()["ratings_total"] == 1);
}

TEST_CASE("the technician's screen stays open while sync now runs, and export says when there is no USB stick", "[admin][ui]")
{
    Desk d;
    config::KioskConfig cfg;
    cfg.exportDir = (d.dir / "no-usb-here").string();
    d.withTechnicianPin("909090", cfg);
    std::mutex gate;
    gate.lock();
    d.controller->setSyncRunner(
        [&](const std::atomic<bool>&) {
            std::lock_guard hold(gate);
            return ui::SyncSummary{false, 0, 0, 12, "network: Failed to connect to 10.0.0.1 port 8443", false, "admin.problem_network"};
        },
        [] {});
    d.adminByKeyboard("909090");
    d.tap("admin.export");
    CHECK(d.snap().admin.message.key == "admin.export_no_usb");
    d.tap("admin.sync_now");
    d.wait(5 * 60'000); // a long sync: the screen waits for its result
    CHECK(d.controller->screen() == ScreenId::Admin);
    gate.unlock();
    REQUIRE(d.drainSync(1000));
    CHECK(d.snap().admin.message.key == "admin.sync_failed");
    CHECK_THAT(d.snap().admin.message.text, Catch::StartsWith(d.t("admin.problem_network")));
}

TEST_CASE("sync now says what went wrong by the outcome's problem, and a run that left only newcomers is done", "[admin][sync][outcome]")
{
    sync::SyncResult r;
    r.sent = 7;
    r.pendingLeft = 2;
    r.outcome = sync::Outcome::retry(sync::Outcome::Problem::None, "2 record(s) arrived during the run; the next run sends them");
    ui::SyncSummary s = app::summarize(r);
    CHECK(s.ok); // nothing went wrong: "done, 2 left"
    CHECK(s.error.empty());
    CHECK(s.sent == 7);
    CHECK(s.pendingLeft == 2);
    const std::pair<sync::Outcome, const char*> wrong[] = {
        {sync::Outcome::retry(sync::Outcome::Problem::Network, "network: refused"), "admin.problem_network"},
        {sync::Outcome::retry(sync::Outcome::Problem::Busy, "HTTP 503"), "admin.problem_busy"},
        {sync::Outcome::error(sync::Outcome::Problem::Tls, "TLS verification failed"), "admin.problem_tls"},
        {sync::Outcome::error(sync::Outcome::Problem::Refused, "HTTP 401 (check the provisioning)"), "admin.problem_refused"},
        {sync::Outcome::retry(sync::Outcome::Problem::Other, "HTTP 500"), "admin.problem_other"},
    };
    for (const auto& [outcome, key] : wrong) {
        r.outcome = outcome;
        s = app::summarize(r);
        CHECK_FALSE(s.ok);
        CHECK(s.problemKey == key);
        CHECK(s.error == outcome.message);
        CHECK_FALSE(s.storeDamaged);
    }
    r.outcome = sync::Outcome::error(sync::Outcome::Problem::Damaged, "database skm.db is damaged");
    CHECK(app::summarize(r).storeDamaged);
}

TEST_CASE("a confirmation belongs to the screen that asked: a session ending under it returns to a citizen screen that takes taps, and key S never inherits it", "[officer][admin][ui]")
{
    // End of day one minute after the rig's start (local time): the officer hesitates over a question.
    const time_t start = static_cast<time_t>(1'800'000'040'000 / 1000);
    tm local{};
    localtime_r(&start, &local);
    test::RigOptions o = Desk::options(local.tm_hour * 60 + local.tm_min + 1);
    o.wallMs = 1'800'000'040'000;
    SECTION("sign out?")
    {
        Desk d(o);
        d.signInByKeyboard("2468");
        REQUIRE(d.controller->screen() == ScreenId::Officer);
        d.tap("officer.sign_out");
        REQUIRE(d.snap().confirm == ui::Confirm::SignOut);
        d.wait(30'000); // end of day passes before the staff screens' own idle timeout
        (void)d.controller->tick();
        d.frame();
        CHECK_FALSE(d.duty->session());
        CHECK(d.controller->screen() == ScreenId::Attract);
        CHECK(d.snap().confirm == ui::Confirm::None);
        const int64_t before = d.count("ratings");
        d.wait(5'000);
        d.tap("face.3"); // the next citizen's tap is taken
        CHECK(d.count("ratings") == before + 1);
        CHECK(d.controller->screen() == ScreenId::FollowUp);
    }
    SECTION("leave the kiosk?")
    {
        Desk d(o);
        d.withTechnicianPin("909090");
        d.signInByKeyboard("2468");
        d.adminByKeyboard("909090");
        d.tap("admin.leave");
        REQUIRE(d.snap().confirm == ui::Confirm::LeaveKiosk);
        d.wait(30'000);
        (void)d.controller->tick();
        d.frame();
        CHECK(d.controller->screen() == ScreenId::Attract);
        CHECK(d.snap().confirm == ui::Confirm::None);
        d.wait(5'000);
        d.controller->surveyKey(); // a citizen's key S: the questionnaire, with no question of the technician's on it
        d.frame();
        CHECK(d.controller->screen() == ScreenId::Survey);
        CHECK(d.snap().confirm == ui::Confirm::None);
        CHECK_FALSE(d.has("confirm.yes"));
        CHECK_FALSE(d.controller->quitRequested());
    }
}

TEST_CASE("a sync now that outlasts the idle timeout still shows its result to the technician who waited", "[admin][ui][sync]")
{
    Desk d;
    d.withTechnicianPin("909090");
    std::atomic<bool> release{false};
    d.controller->setSyncRunner(
        [&](const std::atomic<bool>&) {
            while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(2));
            ui::SyncSummary s;
            s.ok = true;
            s.sent = 12;
            return s;
        },
        [] {});
    d.adminByKeyboard("909090");
    d.tap("admin.sync_now");
    REQUIRE(d.controller->syncRunning());
    for (int i = 0; i < 7; ++i) d.wait(10'000); // 70 s without a touch: longer than the staff screens' idle
    CHECK(d.controller->screen() == ScreenId::Admin);
    release = true;
    REQUIRE(d.drainSync(5000));
    (void)d.controller->tick(); // as the frame loop does: the result, then what is due
    d.frame();
    CHECK(d.controller->screen() == ScreenId::Admin);
    CHECK(d.snap().admin.message.key == "admin.sync_done");
    d.wait(2 * 30'000 + 1000); // then the usual idle timeout closes it
    (void)d.controller->tick();
    CHECK(d.controller->screen() == ScreenId::Attract);
}
