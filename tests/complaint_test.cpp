// The complaint hand-off (docs/complaints.md): the reference code made from a rating's id, the
// `complaint` mark of a reason and the [complaint] section, the thanks screen that offers SP4N-LAPOR!
// only after a complaint reason (and nothing that differs before it), and the office finding the
// rating again from the code, after a real upload to a real skm-central.

#include "support/kiosk_rig.hpp"
#include "support/sync_fixture.hpp"
#include "support/test_util.hpp"

#include <core/complaint_ref.hpp>
#include <core/config_error.hpp>
#include <core/pin.hpp>
#include <core/roster.hpp>
#include <core/uuid.hpp>
#include <kiosk/config/config.hpp>
#include <kiosk/roster/roster_store.hpp>
#include <kiosk/ui/widgets.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>
#include <set>

using namespace skm;

namespace {

const std::regex kRefShape("SKM-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}");

std::vector<std::string> texts()
{
    std::vector<std::string> out;
    for (const ui::DrawnText& t : ui::lastTexts()) out.push_back(t.text);
    return out;
}

bool drawn(const std::string& text)
{
    const auto all = texts();
    return std::find(all.begin(), all.end(), text) != all.end();
}

// The reference line in `lang`: on one line, or wrapped before the code (which is never cut).
bool referenceDrawn(const ui::Snapshot& s, config::Lang lang, const std::string& code)
{
    return drawn(s.catalog->format(lang, "thanks.complaint_ref", {{"code", code}})) || drawn(code);
}

} // namespace

TEST_CASE("a reference code is made from the rating's id alone: the same every time, Crockford base32, SKM-XXXX-XXXX", "[complaint]")
{
    // Pinned: the kiosk and the central office (and any version of either) must agree on it.
    CHECK(complaint::referenceFor("01900000-0000-7000-8000-000000000000") == complaint::referenceFor("01900000-0000-7000-8000-000000000000"));
    const std::string pinned = complaint::referenceFor("0194f1a2-3b4c-7d5e-8f60-718293a4b5c6");
    CHECK(pinned == "SKM-TZ3V-6NWV"); // as Python's hashlib computes it from the description in core/complaint_ref.hpp
    store::UuidV7Generator gen;
    std::set<std::string> seen;
    for (int i = 0; i < 5000; ++i) {
        const std::string id = gen.next(1'800'000'000'000 + i).str();
        const std::string ref = complaint::referenceFor(id);
        INFO(id << " -> " << ref);
        REQUIRE(std::regex_match(ref, kRefShape)); // no I, L, O or U
        CHECK(ref == complaint::referenceFor(id));
        seen.insert(ref);
    }
    CHECK(seen.size() == 5000); // different ids, different codes (40 bits: a collision here would be one in 40 000)
}

TEST_CASE("a reference code as a person types it back is read in its one form, and anything else is refused", "[complaint]")
{
    CHECK(complaint::normalizeReference("SKM-7K3Q-9XM2") == "SKM-7K3Q-9XM2");
    CHECK(complaint::normalizeReference("skm 7k3q 9xm2") == "SKM-7K3Q-9XM2");
    CHECK(complaint::normalizeReference("7K3Q9XM2") == "SKM-7K3Q-9XM2");
    CHECK(complaint::normalizeReference("SKM-7K3Q-9XMO") == "SKM-7K3Q-9XM0"); // O read as 0
    CHECK(complaint::normalizeReference("SKM-IK3Q-LXM2") == "SKM-1K3Q-1XM2"); // I and L read as 1
    CHECK_FALSE(complaint::normalizeReference("SKM-7K3Q-9XM"));
    CHECK_FALSE(complaint::normalizeReference("SKM-7K3Q-9XMU")); // U is not in the alphabet
    CHECK_FALSE(complaint::normalizeReference("SKM-7K3Q-9XM2-1"));
    CHECK_FALSE(complaint::normalizeReference(""));
    CHECK_FALSE(complaint::normalizeReference("ABC-7K3Q-9XM2"));
}

TEST_CASE("a reason's complaint mark: pungutan by default, set or cleared by `complaint`, a bad type refused with file, line and key", "[complaint][config]")
{
    const config::KioskConfig defaults;
    for (const auto& r : defaults.reasonsLow) CHECK(r.complaint == (r.code == "pungutan"));
    for (const auto& r : defaults.reasonsHigh) CHECK_FALSE(r.complaint);

    const auto r = config::loadText("[[reasons.low]]\ncode = \"pungutan\"\nid = \"P\"\nen = \"P\"\n"
                                    "[[reasons.low]]\ncode = \"diskriminasi\"\nid = \"D\"\nen = \"D\"\ncomplaint = true\n"
                                    "[[reasons.low]]\ncode = \"lama\"\nid = \"L\"\nen = \"L\"\n",
                                    "r.toml");
    REQUIRE(r.config.reasonsLow.size() == 3);
    CHECK(r.config.reasonsLow[0].complaint);  // no key: pungutan is one
    CHECK(r.config.reasonsLow[1].complaint);
    CHECK_FALSE(r.config.reasonsLow[2].complaint);
    CHECK_FALSE(config::loadText("[[reasons.low]]\ncode = \"pungutan\"\nid = \"P\"\nen = \"P\"\ncomplaint = false\n", "r.toml").config.reasonsLow[0].complaint);

    for (const char* bad : {"\"yes\"", "1"}) {
        try {
            (void)config::loadText(std::string("[kiosk]\ncounter = \"L\"\n[[reasons.low]]\ncode = \"x\"\nid = \"X\"\nen = \"X\"\ncomplaint = ") + bad + "\n", "k.toml");
            FAIL("must throw");
        } catch (const config::ConfigError& e) {
            CHECK(e.file() == "k.toml");
            CHECK(e.key() == "reasons.low");
            CHECK_THAT(e.what(), Catch::Contains("'complaint' must be true or false") && Catch::Contains("line 3"));
        }
    }
    // The roster's lists: the same key, the same rule; kept by the kiosk's store.
    const std::string roster = "version = \"r1\"\n[[officers]]\nnip = \"198503302010011002\"\nname = \"Budi\"\nunit = \"U\"\npin_hash = \"" + roster::hashPin("2468") +
                               "\"\n[[services]]\ncode = \"nib\"\nid = \"NIB\"\nen = \"NIB\"\n"
                               "[[reasons.low]]\ncode = \"pungutan\"\nid = \"P\"\nen = \"P\"\n"
                               "[[reasons.low]]\ncode = \"calo\"\nid = \"Calo\"\nen = \"Broker\"\ncomplaint = true\n"
                               "[[reasons.low]]\ncode = \"lama\"\nid = \"L\"\nen = \"L\"\n";
    const roster::Roster parsed = roster::parseRoster(roster, "roster.toml");
    REQUIRE(parsed.reasonsLow.size() == 3);
    CHECK(parsed.reasonsLow[0].complaint);
    CHECK(parsed.reasonsLow[1].complaint);
    CHECK_FALSE(parsed.reasonsLow[2].complaint);
    CHECK_THROWS_WITH(roster::parseRoster(roster + "complaint = \"ya\"\n", "roster.toml"),
                      Catch::Contains("roster.toml:") && Catch::Contains("reasons.low") && Catch::Contains("'complaint' must be true or false"));
    test::KioskRig rig;
    roster::replaceRoster(rig.st->database(), parsed, 0);
    const auto kept = roster::rosterReasons(rig.st->database(), "low");
    REQUIRE(kept.size() == 3);
    CHECK(kept == parsed.reasonsLow);
}

TEST_CASE("the complaint section is on by default with the public LAPOR! address, and an address that is not https, too long or not a string is refused", "[complaint][config]")
{
    const config::KioskConfig defaults;
    CHECK(defaults.complaintEnabled);
    CHECK(defaults.laporUrl == std::string(complaint::kDefaultLaporUrl));
    CHECK(defaults.complaintQrSeconds == 30);
    const auto ok = config::loadText("[complaint]\nenabled = false\nlapor_url = \"https://lapor.kota.go.id/aduan\"\nqr_seconds = 45\n", "c.toml").config;
    CHECK_FALSE(ok.complaintEnabled);
    CHECK(ok.laporUrl == "https://lapor.kota.go.id/aduan");
    CHECK(ok.complaintQrSeconds == 45);
    CHECK(ui::UiSettings::from(ok).laporUrl.empty()); // off: no hand-off
    CHECK(ui::UiSettings::from(defaults).laporUrl == "https://www.lapor.go.id");

    struct Case {
        std::string text;
        const char* key;
        const char* words;
    };
    const Case cases[] = {
        {"[complaint]\nlapor_url = \"http://www.lapor.go.id\"\n", "complaint.lapor_url", "must be an https:// address"},
        {"[complaint]\nlapor_url = \"https://\"\n", "complaint.lapor_url", "must name a host"},
        {"[complaint]\nlapor_url = \"https://www.lapor.go.id/a b\"\n", "complaint.lapor_url", "no spaces"},
        {"[complaint]\nlapor_url = \"https://www.lapor.go.id/" + std::string(190, 'a') + "\"\n", "complaint.lapor_url", "longer than 200"},
        {"[complaint]\nlapor_url = 3\n", "complaint.lapor_url", "must be a string"},
        {"[complaint]\nenabled = \"yes\"\n", "complaint.enabled", "must be true or false"},
        {"[complaint]\nqr_seconds = 2\n", "complaint.qr_seconds", "between 5 and 180"},
    };
    for (const Case& c : cases) {
        INFO(c.text);
        try {
            (void)config::loadText(c.text, "k.toml");
            FAIL("must throw");
        } catch (const config::ConfigError& e) {
            CHECK(e.line() == 2);
            CHECK(e.key() == c.key);
            CHECK_THAT(e.what(), Catch::Contains(c.words) && Catch::StartsWith("k.toml:2"));
        }
    }
}

TEST_CASE("the thanks screen offers SP4N-LAPOR! with the rating's reference after a complaint reason, and only then", "[complaint][ui]")
{
    test::RigOptions o;
    o.config.thanksSeconds = 4;
    o.config.complaintQrSeconds = 30;
    o.config.laporUrl = "https://lapor.kota.test/aduan";
    test::KioskRig rig(o);
    rig.controller->setPhoneLinkMaker([](const ui::CitizenFlow::PhoneLinkFor& r) { return "http://central.test/m/" + r.ratingId; });

    SECTION("a low score and pungutan: the hand-off, in place of the questionnaire's code, and long enough to scan")
    {
        rig.tap("face.1");
        rig.tap("reason.pungutan");
        REQUIRE(rig.screen() == ui::ScreenId::Comment);
        rig.tap("comment.skip");
        REQUIRE(rig.screen() == ui::ScreenId::Thanks);
        const std::string id = rig.q("SELECT id FROM ratings");
        const std::string ref = complaint::referenceFor(id);
        CHECK(rig.snap().citizen.complaintUrl == "https://lapor.kota.test/aduan");
        CHECK(rig.snap().citizen.complaintRef == ref);
        CHECK(rig.snap().citizen.phoneUrl.empty()); // one code to scan
        rig.frame();
        std::string all;
        for (const std::string& t : texts()) all += t + " | ";
        INFO("drawn: " << all);
        CHECK(drawn("[QR code]"));
        CHECK(referenceDrawn(rig.snap(), config::Lang::Id, ref));
        rig.wait(20'000);
        CHECK(rig.screen() == ui::ScreenId::Thanks);
        rig.wait(11'000);
        CHECK(rig.screen() == ui::ScreenId::Attract);
        CHECK(rig.snap().citizen.complaintUrl.empty()); // nothing of it left for the next citizen
    }
    SECTION("in English too, after a comment")
    {
        rig.tap("language");
        rig.tap("face.2");
        rig.tap("reason.pungutan");
        rig.type("ada calo");
        rig.tap("comment.send");
        REQUIRE(rig.screen() == ui::ScreenId::Thanks);
        rig.frame();
        CHECK(referenceDrawn(rig.snap(), config::Lang::En, complaint::referenceFor(rig.q("SELECT id FROM ratings"))));
    }
    SECTION("no hand-off after another reason, no reason or a high score")
    {
        auto thanksAfter = [&](int score, const std::string& reason) {
            rig.wait(5'000);
            rig.tap("face." + std::to_string(score));
            if (reason.empty()) {
                rig.tap("followup.done");
            } else {
                rig.tap("reason." + reason);
                rig.tap("comment.skip");
            }
            REQUIRE(rig.screen() == ui::ScreenId::Thanks);
            rig.frame();
            CHECK(rig.snap().citizen.complaintUrl.empty());
            CHECK(rig.snap().citizen.complaintRef.empty());
            CHECK_FALSE(rig.snap().citizen.phoneUrl.empty()); // the questionnaire's code as before
            for (const std::string& t : texts()) CHECK(t.find("SKM-") == std::string::npos);
            rig.wait(16'000);
            CHECK(rig.screen() == ui::ScreenId::Attract);
        };
        thanksAfter(1, "waktu_lama");
        thanksAfter(2, "");
        thanksAfter(4, "tanpa_pungutan");
        thanksAfter(3, "cepat");
    }
    SECTION("switched off: pungutan gets the questionnaire's code")
    {
        test::RigOptions off = o;
        off.config.complaintEnabled = false;
        test::KioskRig quiet(off);
        quiet.controller->setPhoneLinkMaker([](const ui::CitizenFlow::PhoneLinkFor& r) { return "http://central.test/m/" + r.ratingId; });
        quiet.tap("face.1");
        quiet.tap("reason.pungutan");
        quiet.tap("comment.skip");
        REQUIRE(quiet.screen() == ui::ScreenId::Thanks);
        CHECK(quiet.snap().citizen.complaintUrl.empty());
        CHECK(quiet.snap().citizen.complaintRef.empty());
        CHECK_FALSE(quiet.snap().citizen.phoneUrl.empty());
    }
}

TEST_CASE("before the citizen's reason nothing differs: the attract screen and the follow-up are the same for every face", "[complaint][ui][privacy]")
{
    // What the officer's side could see: every text and target of the attract screen after a
    // citizen, and of the follow-up but its chips' labels, whatever the face.
    auto seen = [](int score) {
        test::RigOptions o;
        test::KioskRig rig(o);
        std::vector<std::string> out;
        rig.tap("face." + std::to_string(score));
        REQUIRE(rig.screen() == ui::ScreenId::FollowUp);
        // The chips' labels differ between the low and the high list (laid out alike: ui_headless_test);
        // every other line must not.
        std::vector<ui::Rect> chips;
        for (const ui::Target& t : ui::lastTargets()) {
            if (t.name.rfind("reason.", 0) == 0) chips.push_back(t.rect);
        }
        for (const ui::DrawnText& d : ui::lastTexts()) {
            const bool onChip = std::any_of(chips.begin(), chips.end(), [&](const ui::Rect& c) {
                return d.rect.min.x >= c.min.x && d.rect.max.x <= c.max.x && d.rect.min.y >= c.min.y && d.rect.max.y <= c.max.y;
            });
            if (!onChip) out.push_back(d.text);
        }
        for (const ui::Target& t : ui::lastTargets()) out.push_back(t.name.rfind("reason.", 0) == 0 ? "[chip]" : t.name);
        rig.tap("followup.done");
        rig.wait(16'000); // thanks -> attract
        REQUIRE(rig.screen() == ui::ScreenId::Attract);
        rig.frame();
        for (const std::string& t : texts()) out.push_back(t);
        for (const ui::Target& t : ui::lastTargets()) out.push_back(t.name);
        return out;
    };
    const auto reference = seen(1);
    for (int score : {2, 3, 4}) CHECK(seen(score) == reference);
}

TEST_CASE("the office finds the rating from its reference code after a real upload, and a wrong or unknown code is said so", "[complaint][http]")
{
    test::TempDir dir;
    test::Central central(dir / "central");
    test::Kiosk kiosk(dir / "kiosk", central.addDevice("kiosk-lapor"));
    auto p = kiosk.st->stamp(1);
    REQUIRE(kiosk.st->commit(p).ok);
    REQUIRE(kiosk.st->update({p.id, store::RatingUpdate::Field::Reasons, R"(["pungutan"])", "id"}).ok);
    REQUIRE(kiosk.st->update({p.id, store::RatingUpdate::Field::Comment, "diminta uang 50 ribu", "id"}).ok);
    auto other = kiosk.st->stamp(2);
    REQUIRE(kiosk.st->commit(other).ok);
    REQUIRE(kiosk.st->update({other.id, store::RatingUpdate::Field::Reasons, R"(["waktu_lama"])", "id"}).ok);
    REQUIRE(kiosk.sync().ok());

    const std::string bin = (test::binDir() / "skm-central").string();
    const std::string ref = complaint::referenceFor(p.id);
    std::string lower = ref;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto json = test::run({bin, "complaint-ref", lower, "--data-dir", (dir / "central").string(), "--format", "json"});
    INFO(json.err);
    REQUIRE(json.exitCode == 0);
    const auto found = nlohmann::json::parse(json.out);
    REQUIRE(found.size() == 1);
    CHECK(found[0]["id"] == p.id);
    CHECK(found[0]["reference"] == ref);
    CHECK(found[0]["device"] == "kiosk-lapor");
    CHECK(found[0]["counter"] == "Loket 1");
    CHECK(found[0]["score"] == 1);
    CHECK(found[0]["reasons"] == nlohmann::json::array({"pungutan"}));
    CHECK(found[0]["comment"] == "diminta uang 50 ribu");

    const auto table = test::run({bin, "complaint-ref", ref, "--data-dir", (dir / "central").string()});
    CHECK(table.exitCode == 0);
    CHECK_THAT(table.out, Catch::Contains(p.id) && Catch::Contains("kiosk-lapor") && Catch::Contains("pungutan") && Catch::Contains("diminta uang 50 ribu"));

    // The other rating's code exists too (every low rating with a reason has one), an unknown one is 1, a malformed one 2.
    CHECK(test::run({bin, "complaint-ref", complaint::referenceFor(other.id), "--data-dir", (dir / "central").string()}).exitCode == 0);
    std::string unknown = complaint::referenceFor("not-a-rating");
    const auto none = test::run({bin, "complaint-ref", unknown, "--data-dir", (dir / "central").string()});
    CHECK(none.exitCode == 1);
    CHECK_THAT(none.err, Catch::Contains("no rating here has the reference " + unknown));
    const auto bad = test::run({bin, "complaint-ref", "SKM-UUUU-0000", "--data-dir", (dir / "central").string()});
    CHECK(bad.exitCode == 2);
    CHECK_THAT(bad.err, Catch::Contains("is not a reference code"));
}
