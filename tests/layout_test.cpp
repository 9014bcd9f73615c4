// Every screen fits every supported panel: 800x480 on 7", 1280x800 on 10", 1920x1080 and 1080x1920
// on 21.5", and large-text mode on the 10" and 21.5" panels; with the longest service name of the demo
// roster, a 40-character officer's name, a photo and a ticket. Checked on the real screens, headless:
// no text leaves the display or overlaps other text, no text straddles a touch target's edge, touch
// targets neither overlap nor leave the display and are at least the minimum in millimetres, and the
// citizen's text has at least the minimum cap height.

#include "support/kiosk_rig.hpp"
#include "support/test_images.hpp"

#include <core/phone_link.hpp>
#include <core/pin.hpp>
#include <core/qr.hpp>
#include <kiosk/roster/roster_store.hpp>
#include <kiosk/ui/layout.hpp>
#include <kiosk/ui/widgets.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <fstream>
#include <thread>

using namespace skm;
using ui::ScreenId;

namespace {

const std::string kNip = "198503302010011002"; // in the fixture: a 40-character name, PIN 2468

struct Panel {
    ImVec2 size;
    float inches;
    bool largeText;
    const char* office = nullptr; // the configuration's default when null
    bool voice = true;            // [voice] enabled: the speaker button on the attract, follow-up and survey screens
};

// A long office's name: the header wraps it (or, beside someone serving on a short panel, cuts it).
constexpr const char* kLongOffice = "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Contoh";

const Panel kPanels[] = {
    {ImVec2(800, 480), 7.0f, false},           {ImVec2(1280, 800), 10.1f, false},        {ImVec2(1920, 1080), 21.5f, false},
    {ImVec2(1080, 1920), 21.5f, false},        {ImVec2(1280, 800), 10.1f, true},         {ImVec2(1920, 1080), 21.5f, true},
    {ImVec2(800, 480), 7.0f, false, kLongOffice}, {ImVec2(1080, 1920), 21.5f, false, kLongOffice},
    {ImVec2(800, 480), 7.0f, true}, // large text asked for on a 7" panel: refused, the normal sizes fit
    {ImVec2(800, 480), 7.0f, false, nullptr, false}, {ImVec2(1280, 800), 10.1f, false, nullptr, false}, // without the voice
};

bool overlap(const ui::Rect& a, const ui::Rect& b, float slack = 1.0f)
{
    return a.min.x + slack < b.max.x && b.min.x + slack < a.max.x && a.min.y + slack < b.max.y && b.min.y + slack < a.max.y;
}
bool inside(const ui::Rect& inner, const ui::Rect& outer, float slack = 1.0f)
{
    return inner.min.x + slack >= outer.min.x && inner.min.y + slack >= outer.min.y && inner.max.x <= outer.max.x + slack && inner.max.y <= outer.max.y + slack;
}
bool isGesture(const std::string& name) { return name.rfind("gesture.", 0) == 0; }

// The checks on the last frame drawn, for the screen called `what`.
void checkFrame(const test::KioskRig& rig, const std::string& what, bool citizen)
{
    INFO("screen: " << what);
    const ImVec2 d = ImGui::GetIO().DisplaySize;
    const ui::Rect display{ImVec2(0, 0), d};
    const auto& texts = ui::lastTexts();
    const auto& targets = ui::lastTargets();
    REQUIRE_FALSE(texts.empty());
    const ui::Theme& t = rig.driver.theme();
    for (size_t i = 0; i < texts.size(); ++i) {
        INFO("text '" << texts[i].text << "' at " << texts[i].rect.min.x << "," << texts[i].rect.min.y << " - " << texts[i].rect.max.x << ","
                      << texts[i].rect.max.y);
        CHECK(inside(texts[i].rect, display));
        for (size_t j = i + 1; j < texts.size(); ++j) {
            INFO("and text '" << texts[j].text << "' at " << texts[j].rect.min.x << "," << texts[j].rect.min.y);
            CHECK_FALSE(overlap(texts[i].rect, texts[j].rect));
        }
        for (const ui::Target& target : targets) {
            if (isGesture(target.name) || !overlap(texts[i].rect, target.rect)) continue;
            INFO("straddles target " << target.name);
            CHECK(inside(texts[i].rect, target.rect));
        }
    }
    for (size_t i = 0; i < targets.size(); ++i) {
        if (isGesture(targets[i].name)) continue;
        INFO("target " << targets[i].name << " " << targets[i].rect.width() << " x " << targets[i].rect.height() << " px");
        CHECK(inside(targets[i].rect, display));
        CHECK(targets[i].rect.width() + 0.5f >= t.minTarget());
        CHECK(targets[i].rect.height() + 0.5f >= t.minTarget());
        for (size_t j = i + 1; j < targets.size(); ++j) {
            if (isGesture(targets[j].name)) continue;
            INFO("and target " << targets[j].name);
            CHECK_FALSE(overlap(targets[i].rect, targets[j].rect));
        }
    }
    if (citizen) {
        // Every face of the citizen's text is held to the cap height minimum.
        for (const ImFont* f : {t.body, t.label, t.title, t.question, t.huge}) CHECK(ui::capHeightPx(t, f) + 0.01f >= t.mm(t.metrics.minCapMm));
    }
}

struct Walk : test::KioskRig {
    explicit Walk(const Panel& p) : KioskRig(options(p))
    {
        // The fixture roster with a photo for the officer with the long name.
        std::string text = test::readFile(test::sourceDir() / "tests" / "fixtures" / "long-names-roster.toml");
        const size_t at = text.find("unit = ", text.find(kNip));
        text.insert(at, "photo = \"photos/officer.png\"\n");
        std::filesystem::create_directories(dir / "roster" / "photos");
        std::ofstream(dir / "roster" / "roster.toml") << text;
        std::ofstream(dir / "roster" / "photos" / "officer.png", std::ios::binary) << test::makePng(400, 500);
        roster::replaceRoster(st->database(), roster::loadRosterFile((dir / "roster" / "roster.toml").string()), 0);
        // The phone questionnaire's QR codes (thanks; attract while a case is open), with links as long
        // as a provisioned kiosk's.
        controller->setPhoneLinkMaker([](const ui::CitizenFlow::PhoneLinkFor& r) { return phoneLink(r.caseId.value_or(r.ratingId), r.nip, r.serviceCode); });
        controller->setCaseLinkMaker([](const roster::CaseInfo& c) { return phoneLink(c.id, c.nip, c.serviceCode); });
        if (p.voice) controller->setVoice([](const ui::Speech&) {}, [] {});
        frame();
    }
    static std::string phoneLink(const std::string& ref, const std::optional<std::string>& nip, const std::optional<std::string>& service)
    {
        phone::Link link;
        link.kind = phone::Kind::Case;
        link.ref = link.caseId = ref;
        link.nip = nip.value_or("");
        link.serviceCode = service.value_or("");
        link.counter = "Loket 12";
        link.deviceId = "mpp-kota-contoh-loket-12";
        link.expiresS = 1'900'000'000;
        return "https://skm.dpmptsp.kota-contoh.example/m/" + phone::encode(link, std::string(64, 'a'));
    }
    [[nodiscard]] static bool drawn(const std::string& text)
    {
        for (const ui::DrawnText& t : ui::lastTexts()) {
            if (t.text == text) return true;
        }
        return false;
    }
    // Pixels a module of the QR code drawn for `text` (its quiet zone included), 0 when none is drawn
    // or its modules are not whole pixels.
    [[nodiscard]] static float qrModulePx(const std::string& text)
    {
        const int total = qr::encode(text).modules + 8;
        for (const ui::DrawnText& t : ui::lastTexts()) {
            if (t.text != "[QR code]") continue;
            const float module = t.rect.width() / static_cast<float>(total);
            return module == std::floor(module) ? module : 0.0f;
        }
        return 0.0f;
    }
    [[nodiscard]] static bool qrDrawn()
    {
        for (const ui::DrawnText& t : ui::lastTexts()) {
            if (t.text == "[QR code]") return true;
        }
        return false;
    }
    static test::RigOptions options(const Panel& p)
    {
        test::RigOptions o;
        o.display = p.size;
        o.config = config::KioskConfig{}; // the default office's name
        if (p.office) o.config.officeName = p.office;
        o.config.counter = "Loket 12";
        o.config.diagonalInches = p.inches;
        o.config.largeText = p.largeText;
        o.config.adminPinHash = roster::hashPin("909090");
        o.desk = true;
        o.usbStick = true;
        return o;
    }
    void settle()
    {
        waitUntilArmed();
        frame();
        frame();
    }
    void signIn()
    {
        controller->officerKey();
        frame();
        type(kNip);
        type("2468");
        key(ImGuiKey_Enter);
        REQUIRE(screen() == ScreenId::Officer);
    }
};

} // namespace

TEST_CASE("every screen fits every supported panel: no overlap, nothing off the display, targets and text at their minimum sizes", "[ui][layout]")
{
    for (const Panel& p : kPanels) {
        DYNAMIC_SECTION(p.size.x << "x" << p.size.y << " on " << p.inches << "\"" << (p.largeText ? ", large text" : "") << (p.office ? ", a long office's name" : "")
                                 << (p.voice ? "" : ", no voice"))
        {
            Walk w(p);
            // The speaker button where the voice reads (the attract, follow-up and survey screens), nowhere else.
            const auto speaker = [&](bool expected) { CHECK(w.has("speaker") == (expected && p.voice)); };
            for (config::Lang lang : {config::Lang::Id, config::Lang::En}) {
                INFO("language " << config::langCode(lang));
                if (w.snap().lang != lang) w.tap("language");
                w.settle();
                checkFrame(w, "attract", true);
                speaker(true);
                w.tap("face.2");
                w.settle();
                checkFrame(w, "follow-up (low)", true);
                speaker(true);
                w.tap("reason.pungutan");
                w.settle();
                for (const char* k : {"key.b", "key.a", "key.i", "key.k"}) w.tap(k);
                checkFrame(w, "comment, typed", true);
                speaker(false);
                w.tap("key.layer");
                checkFrame(w, "comment, digits", true);
                w.tap("comment.send");
                w.settle();
                checkFrame(w, "thanks after pungutan: the complaint hand-off", true);
                speaker(false);
                // SP4N-LAPOR!'s code in place of the questionnaire's, at whole pixels a module (2 at
                // least), and the reference code on a line of its own, on every panel.
                REQUIRE_FALSE(w.snap().citizen.complaintUrl.empty());
                CHECK(Walk::qrModulePx(w.snap().citizen.complaintUrl) >= 2.0f);
                CHECK((Walk::drawn(w.snap().catalog->format(lang, "thanks.complaint_ref", {{"code", w.snap().citizen.complaintRef}})) ||
                       Walk::drawn(w.snap().citizen.complaintRef))); // on one line, or the code whole on its own
                w.tap("survey.start");
                w.settle();
                checkFrame(w, "survey: service", true);
                for (int page = 0; page < 6 && !w.has("answer.pbg"); ++page) {
                    w.tap("survey.more"); // a long catalogue on a small panel: pages of answers
                    w.settle();
                    checkFrame(w, "survey: service, page " + std::to_string(page + 2), true);
                }
                w.tap("answer.pbg");
                for (int u = 0; u < 5; ++u) {
                    w.settle();
                    checkFrame(w, "survey: unsur " + std::to_string(u + 1), true); // U5 has the longest question
                    speaker(true);
                    w.tap("answer.3");
                }
                while (w.snap().survey.step < 12) w.tap(w.snap().survey.scale ? "answer.3" : "skip");
                w.settle();
                checkFrame(w, "survey: education (six answers)", true);
                w.tap("survey.quit");
                w.settle();
                checkFrame(w, "survey: stop?", true);
                w.tap("confirm.yes");
                REQUIRE(w.screen() == ScreenId::Attract);
                // A low face with a reason that is no complaint: the questionnaire's code, as after a high one.
                w.wait(4'000); // past the response interval
                if (w.snap().lang != lang) w.tap("language");
                w.tap("face.1");
                w.tap("reason.waktu_lama");
                w.tap("comment.skip");
                w.settle();
                checkFrame(w, "thanks with the phone questionnaire's code", true);
                REQUIRE(w.snap().citizen.complaintUrl.empty());
                REQUIRE_FALSE(w.snap().citizen.phoneUrl.empty());
                CHECK(Walk::qrModulePx(w.snap().citizen.phoneUrl) >= 2.0f); // on every panel
                w.wait(20'000);
                REQUIRE(w.screen() == ScreenId::Attract);
                if (w.snap().lang != lang) w.tap("language");
            }

            w.signIn();
            w.settle();
            checkFrame(w, "officer", false);
            w.tap("service.pbg");
            for (const char* k : {"pad.A", "pad.-", "pad.0", "pad.1", "pad.2"}) w.tap(k);
            w.tap("officer.hand_over");
            REQUIRE(w.snap().desk.serving.mode == ui::DeskView::Serving::Mode::Case);
            REQUIRE_FALSE(w.snap().desk.serving.photo.empty());
            for (config::Lang lang : {config::Lang::Id, config::Lang::En}) {
                if (w.snap().lang != lang) w.tap("language");
                w.settle();
                checkFrame(w, std::string("attract with a case open, ") + config::langCode(lang), true);
                speaker(true);
                // The case's QR code, beside who serves; on a short panel (7", or large text on 10")
                // with a 40-character name the faces and who serves leave no room for it.
                REQUIRE_FALSE(w.snap().desk.serving.phoneUrl.empty());
                if (!ui::shortPanel(p.size, w.driver.theme())) CHECK(Walk::qrDrawn());
            }
            w.controller->officerKey();
            w.frame();
            w.tap("officer.break");
            w.settle();
            checkFrame(w, "officer on a break", false);
            w.tap("officer.citizen");
            w.settle();
            checkFrame(w, "attract, officer on a break", true);
            w.controller->officerKey();
            w.frame();
            w.tap("officer.resume");
            w.tap("officer.citizen");
            w.settle();
            checkFrame(w, "attract, officer on duty (no case)", true);
            w.controller->officerKey();
            w.frame();
            w.tap("officer.sign_out");
            w.settle();
            checkFrame(w, "officer: sign out?", false);
            w.tap("confirm.no");

            w.controller->officerKey();
            w.frame();
            w.tap("officer.citizen");
            w.controller->adminKey();
            w.frame();
            w.settle();
            checkFrame(w, "technician's sign-in", false);
            w.type("909090");
            w.key(ImGuiKey_Enter);
            REQUIRE(w.screen() == ScreenId::Admin);
            w.settle();
            checkFrame(w, "technician", false);
            w.tap("admin.export");
            REQUIRE(w.snap().admin.message.key == "admin.export_unavailable");
            w.settle();
            checkFrame(w, "technician: export not available", false);
            w.controller->setExportKey([] { return store::ExportKey{"ui-test", std::string(64, 'c')}; });
            w.tap("admin.export");
            REQUIRE(w.snap().admin.message.key == "admin.exported"); // the file and its counts, kind by kind
            w.settle();
            checkFrame(w, "technician: exported", false);
            w.controller->setSyncRunner([](const std::atomic<bool>&) -> ui::SyncSummary { throw store::StoreDamaged("database skm.db is damaged (quick_check failed)"); }, [] {});
            w.tap("admin.sync_now");
            for (int i = 0; i < 400 && !w.controller->drainBackground(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
            REQUIRE(w.snap().admin.message.key == "admin.sync_damaged");
            w.settle();
            checkFrame(w, "technician: sync refused, the database is damaged", false);
            w.tap("admin.leave");
            w.settle();
            checkFrame(w, "technician: leave?", false);
            w.tap("confirm.no");
            w.tap("admin.close");
            w.controller->officerKey(); // a session is open: the officer's screen; sign out and sign in by touch
            w.frame();
            w.tap("officer.sign_out");
            w.tap("confirm.yes");
            w.controller->officerKey();
            w.frame();
            w.settle();
            checkFrame(w, "officer's sign-in", false);
        }
    }
}

TEST_CASE("the panel's size: configured, the monitor's when plausible, else assumed from the resolution", "[ui][layout]")
{
    const ui::Metrics configured = ui::metricsFor(800, 480, 7.0f, ImVec2(0, 0), 1.0f, false);
    CHECK(configured.pxPerMm == Approx(932.95f / 177.8f).epsilon(0.001));
    CHECK(std::string(configured.diagonalSource) == "configured");
    const ui::Metrics monitor = ui::metricsFor(1280, 800, 0, ImVec2(217, 136), 1.0f, false); // a 10.1" panel's EDID
    CHECK(std::string(monitor.diagonalSource) == "from the monitor");
    CHECK(monitor.diagonalInches == Approx(10.08f).epsilon(0.01));
    for (ImVec2 nonsense : {ImVec2(0, 0), ImVec2(16, 9), ImVec2(16000, 9000)}) { // no size, a TV's aspect in cm, absurd
        const ui::Metrics assumed = ui::metricsFor(1280, 800, 0, nonsense, 1.0f, false);
        CHECK(std::string(assumed.diagonalSource) == "assumed from the resolution");
        CHECK(assumed.diagonalInches == 10.1f);
    }
    CHECK(ui::assumedDiagonalInches(800, 480) == 7.0f);
    CHECK(ui::assumedDiagonalInches(1080, 1920) == 21.5f);
    const ui::Metrics large = ui::metricsFor(1280, 800, 10.1f, ImVec2(0, 0), 1.0f, true);
    CHECK(large.minCapMm == 5.0f);
    CHECK(large.minTargetMm == 11.0f);
    // A 7" panel has no room for it: refused, and the normal sizes kept.
    const ui::Metrics small = ui::metricsFor(800, 480, 7.0f, ImVec2(0, 0), 1.0f, true);
    CHECK(small.largeTextRefused);
    CHECK_FALSE(small.largeText);
    CHECK(small.minCapMm == 4.0f);
}

TEST_CASE("the cap height is read from the font's own outlines", "[ui][layout]")
{
    // Noto Sans: capital height 714 units, ascent 1069 and descent 293 (ImGui's font size is their sum).
    CHECK(ui::capHeightRatio("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf") == Approx(714.0f / 1362.0f).epsilon(0.001));
    CHECK_THROWS_AS(ui::capHeightRatio(test::sourceDir() / "README.md"), ui::FontError);
}
