// The questionnaire on the citizen's phone (issue 20): the kiosk's one-time link (core/phone_link.hpp)
// made and verified, forged, altered and expired ones refused; the central office's /m/TOKEN against
// a real skm-central on 127.0.0.1 (both engines): the form without script, in both languages, the
// answers stored once as that device's survey response tied to the case, officer, service and
// counter with "channel": "phone", a second answer through the same link refused, per-address limits;
// the attract screen's link for an open case; a unit's poster (skm-central poster-qr) end to end.
// One file of some 540 lines: the link, its two screens and its two kinds of page are one contract, sharing
// the link helpers and the central office fixture.

#include "support/kiosk_rig.hpp"
#include "support/sync_fixture.hpp"
#include "support/test_util.hpp"

#include <core/phone_link.hpp>
#include <core/protocol.hpp>
#include <core/uuid.hpp>
#include <kiosk/ui/widgets.hpp>
#include <sync/http_sender.hpp>

#include <catch2/catch.hpp>

#include <chrono>

using namespace skm;

namespace {

int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string newId()
{
    static store::UuidV7Generator gen;
    return gen.next(nowMs()).str();
}

phone::Link sampleLink(const std::string& device)
{
    phone::Link l;
    l.kind = phone::Kind::Case;
    l.ref = newId();
    l.caseId = l.ref;
    l.expiresS = nowMs() / 1000 + phone::kDefaultLifetimeSeconds;
    l.nip = "198503302010011002";
    l.serviceCode = "kk";
    l.counter = "Loket 1";
    l.deviceId = device;
    return l;
}

// A central office's data directory publishing the demo roster (its officers, units and services).
std::filesystem::path publishDemoRoster(const std::filesystem::path& centralDir)
{
    std::filesystem::create_directories(centralDir / "publish");
    std::filesystem::copy_file(test::sourceDir() / "config" / "demo-roster.toml", centralDir / "publish" / "roster.toml");
    return centralDir;
}

sync::HttpResponse get(const std::string& url)
{
    sync::HttpRequest r;
    r.method = "GET";
    r.url = url;
    return sync::curlSend(r, sync::CurlOptions{10, 0});
}

sync::HttpResponse post(const std::string& base, const std::string& path, const std::string& form)
{
    sync::HttpRequest r;
    r.url = base + path;
    r.body = form;
    r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", base}};
    return sync::curlSend(r, sync::CurlOptions{10, 0});
}

} // namespace

TEST_CASE("a phone link carries what the response is tied to, signed with the device's secret, and nothing altered passes", "[phone]")
{
    const std::string secret = protocol::newSecret();
    const phone::Link l = sampleLink("kiosk-7");
    const std::string token = phone::encode(l, secret);
    CHECK(token.size() < 140);
    CHECK(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos);
    const int64_t now = nowMs() / 1000;
    const phone::Decoded d = phone::verify(token, secret, now);
    REQUIRE(d.problem == phone::Problem::None);
    CHECK(d.link.ref == l.ref);
    CHECK(d.link.caseId == l.caseId);
    CHECK(d.link.nip == l.nip);
    CHECK(d.link.serviceCode == "kk");
    CHECK(d.link.counter == "Loket 1");
    CHECK(d.link.deviceId == "kiosk-7");
    CHECK(d.link.expiresS == l.expiresS);
    // Another device's secret: forged.
    CHECK(phone::verify(token, protocol::newSecret(), now).problem == phone::Problem::Forged);
    // Every single character changed: never accepted.
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (size_t i = 0; i < token.size(); ++i) {
        std::string t = token;
        t[i] = t[i] == 'A' ? 'B' : 'A';
        INFO("position " << i);
        CHECK(phone::verify(t, secret, now).problem != phone::Problem::None);
    }
    CHECK(phone::verify(token.substr(0, token.size() - 1), secret, now).problem != phone::Problem::None);
    CHECK(phone::verify(token + "A", secret, now).problem != phone::Problem::None);
    CHECK(phone::verify("", secret, now).problem == phone::Problem::Malformed);
    CHECK(phone::verify("not a token!", secret, now).problem == phone::Problem::Malformed);
    // Expired a second after its expiry.
    CHECK(phone::verify(token, secret, l.expiresS).problem == phone::Problem::None);
    CHECK(phone::verify(token, secret, l.expiresS + 1).problem == phone::Problem::Expired);
    // A counter-level rating: no officer, no case.
    phone::Link counter = l;
    counter.kind = phone::Kind::Rating;
    counter.nip.clear();
    counter.caseId.clear();
    counter.serviceCode.clear();
    const phone::Decoded c = phone::verify(phone::encode(counter, secret), secret, now);
    REQUIRE(c.problem == phone::Problem::None);
    CHECK(c.link.nip.empty());
    CHECK(c.link.caseId.empty());
    CHECK(c.link.kind == phone::Kind::Rating);
    // What cannot be encoded is refused.
    phone::Link bad = l;
    bad.nip = "123";
    CHECK_THROWS(phone::encode(bad, secret));
    bad = l;
    bad.counter = std::string(121, 'x'); // a counter's name, or a poster's unit, is at most 120 bytes (a roster's unit)
    CHECK_THROWS(phone::encode(bad, secret));
    bad.counter = std::string(120, 'x');
    CHECK(phone::verify(phone::encode(bad, secret), secret, now).link.counter == bad.counter);
}

TEST_CASE("the phone questionnaire: the form, the answers stored once tied to the case, and every bad link refused", "[phone][http]")
{
    test::TempDir dir;
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    test::Central central(publishDemoRoster(dir / "central"), {}, engine);
    const sync::Provisioning dev = central.addDevice("kiosk-phone");
    const phone::Link link = sampleLink(dev.deviceId);
    const std::string token = phone::encode(link, dev.secret);
    const std::string base = central.url();

    // The form: nine unsur, the profile, the saran; no script; the page's own policy.
    const auto page = get(base + "/m/" + token);
    INFO(page.body.substr(0, 400));
    REQUIRE(page.status == 200);
    CHECK(page.body.find("<script") == std::string::npos);
    CHECK(page.body.find("name=\"U9\" value=\"4\"") != std::string::npos);
    CHECK(page.body.find("name=\"jenis_kelamin\"") != std::string::npos);
    CHECK(page.body.find("name=\"saran\"") != std::string::npos);
    CHECK(page.body.find("Kartu Keluarga") != std::string::npos); // the service's name from the roster
    CHECK(page.headers.at("content-security-policy").find("default-src 'none'") != std::string::npos);
    CHECK(page.headers.at("cache-control") == "no-store");
    const auto english = get(base + "/m/" + token + "?lang=en");
    CHECK(english.body.find("Send my answers") != std::string::npos);
    CHECK(english.body.find("Family card") != std::string::npos);

    // Not all nine answered: the form again, with what was chosen and what is missing; nothing stored.
    const auto partial = post(base, "/m/" + token, "U1=4&U2=3&saran=Antrian+lama");
    CHECK(partial.status == 422);
    CHECK(partial.body.find("U3, U4, U5, U6, U7, U8, U9") != std::string::npos);
    CHECK(partial.body.find("value=\"4\" required checked") != std::string::npos);
    CHECK(partial.body.find("Antrian lama") != std::string::npos);
    // A form from another site is refused.
    sync::HttpRequest cross;
    cross.url = base + "/m/" + token;
    cross.body = "U1=4";
    cross.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", "http://evil.test"}};
    CHECK(sync::curlSend(cross, sync::CurlOptions{10, 0}).status == 403);
    {
        auto db = central.db();
        CHECK(db->queryInt("SELECT count(*) FROM survey_responses") == 0);
    }

    const std::string full = "U1=4&U2=3&U3=4&U4=4&U5=3&U6=4&U7=4&U8=2&U9=3&jenis_kelamin=P&pendidikan=s1&pendidikan_bogus=x&saran=Antrian%0Aterlalu+lama%01%E2%80%AE";
    const auto stored = post(base, "/m/" + token, full);
    INFO(stored.body.substr(0, 600));
    CHECK(stored.status == 200);
    CHECK(stored.body.find("Terima kasih") != std::string::npos);
    {
        auto db = central.db();
        CHECK(db->queryText("SELECT id || '|' || device_id || '|' || counter || '|' || status || '|' || service_code || '|' || officer_nip || '|' || channel FROM survey_responses") ==
              link.ref + "|kiosk-phone|Loket 1|complete|kk|198503302010011002|phone");
        const nlohmann::json body = nlohmann::json::parse(db->queryText("SELECT body FROM survey_responses"));
        CHECK(body["case_id"] == link.caseId);
        CHECK(body["answers"]["U8"] == 2);
        CHECK(body["profile"] == nlohmann::json{{"jenis_kelamin", "P"}, {"pendidikan", "s1"}});
        CHECK(body["saran"] == "Antrian terlalu lama"); // line break a space, control and bidirectional characters dropped
    }
    // Shown apart in the report: where the responses were answered.
    std::vector<std::string> reportArgs = {(test::binDir() / "skm-central").string(), "report", "--data-dir", (dir / "central").string(), "--format", "json"};
    for (const auto& a : engine.args()) reportArgs.push_back(a);
    const auto rep = test::run(reportArgs);
    REQUIRE(rep.exitCode == 0);
    CHECK(nlohmann::json::parse(rep.out)["survey_responses_by_channel"] == nlohmann::json{{"kiosk", 0}, {"phone", 1}, {"poster", 0}});
    // One response per link: the second is refused and nothing changes.
    CHECK(post(base, "/m/" + token, full).status == 409);
    CHECK(get(base + "/m/" + token).status == 409);
    {
        auto db = central.db();
        CHECK(db->queryInt("SELECT count(*) FROM survey_responses") == 1);
        CHECK(db->queryInt("SELECT count(*) FROM ingest_conflicts") == 0);
    }

    // One complete response per case, whichever way it comes: the kiosk's questionnaire for a case whose
    // phone link was answered is refused (kept at the kiosk as rejected), and a case's link is answered
    // already once the kiosk's questionnaire for it arrived.
    auto kioskSurvey = [&](const std::string& caseId) {
        return nlohmann::json{{"id", newId()}, {"survey_version", "default-1"}, {"counter", "Loket 1"}, {"boot_id", "b"}, {"started_wall_ms", nowMs()},
                              {"started_mono_ms", 1}, {"language", "id"}, {"service_code", "kk"}, {"officer_nip", "198503302010011002"},
                              {"case_id", caseId}, {"status", "complete"}, {"finished_wall_ms", nowMs()}, {"answers", {{"U1", 3}}},
                              {"profile", nlohmann::json::object()}, {"saran", nullptr}};
    };
    auto upload = [&](const nlohmann::json& record) {
        static int nonce = 0;
        const nlohmann::json body = {{"protocol", 1}, {"device_id", dev.deviceId}, {"ratings", nlohmann::json::array()}, {"surveys", {record}}};
        const auto up = sync::curlSend(test::signedUpload(dev, body.dump(), nowMs() / 1000, "case-upload-nonce-" + std::to_string(++nonce)), sync::CurlOptions{10, 0});
        REQUIRE(up.status == 200);
        return up.body;
    };
    const std::string second = upload(kioskSurvey(link.caseId));
    CHECK(second.find("rejected") != std::string::npos);
    CHECK(second.find("already has a complete survey response (" + link.ref + ")") != std::string::npos);
    const phone::Link atKiosk = sampleLink(dev.deviceId);
    CHECK(upload(kioskSurvey(atKiosk.caseId)).find("stored") != std::string::npos);
    CHECK(get(base + "/m/" + phone::encode(atKiosk, dev.secret)).status == 409);
    CHECK(post(base, "/m/" + phone::encode(atKiosk, dev.secret), full).status == 409);
    {
        auto db = central.db();
        CHECK(db->queryInt("SELECT count(*) FROM survey_responses") == 2);
    }

    // Forged (another secret), altered (one character), of an unknown device, expired.
    const std::string forged = phone::encode(sampleLink(dev.deviceId), protocol::newSecret());
    std::string altered = phone::encode(sampleLink(dev.deviceId), dev.secret);
    altered[30] = altered[30] == 'A' ? 'B' : 'A';
    const std::string unknown = phone::encode(sampleLink("kiosk-nobody"), dev.secret);
    phone::Link old = sampleLink(dev.deviceId);
    old.expiresS = nowMs() / 1000 - 60;
    const std::string expired = phone::encode(old, dev.secret);
    CHECK(get(base + "/m/" + forged).status == 404);
    CHECK(post(base, "/m/" + forged, full).status == 404);
    CHECK(get(base + "/m/" + altered).status == 404);
    CHECK(get(base + "/m/" + unknown).status == 404);
    CHECK(get(base + "/m/" + expired).status == 410);
    CHECK(post(base, "/m/" + expired, full).status == 410);
    {
        auto db = central.db();
        CHECK(db->queryInt("SELECT count(*) FROM survey_responses") == 2);
    }
    // One address asking too often: 429 once its allowance is spent.
    int limited = 0;
    for (int i = 0; i < 60; ++i) limited += get(base + "/m/" + forged).status == 429 ? 1 : 0;
    CHECK(limited >= 20);
}

TEST_CASE("the thanks screen carries the rating's phone link, stays up for its QR code, and a suppressed press or a finished questionnaire gets none", "[phone][ui]")
{
    test::RigOptions o;
    o.config.thanksSeconds = 4;
    o.config.phoneQrSeconds = 15;
    test::KioskRig rig(o);
    std::vector<ui::CitizenFlow::PhoneLinkFor> asked;
    rig.controller->setPhoneLinkMaker([&](const ui::CitizenFlow::PhoneLinkFor& r) {
        asked.push_back(r);
        return "http://central.test/m/" + r.ratingId;
    });
    rig.tap("face.4");
    REQUIRE(rig.screen() == ui::ScreenId::FollowUp);
    rig.tap("followup.done");
    REQUIRE(rig.screen() == ui::ScreenId::Thanks);
    REQUIRE(asked.size() == 1);
    const std::string id = rig.q("SELECT id FROM ratings");
    CHECK(asked[0].ratingId == id);
    CHECK_FALSE(asked[0].caseId); // counter-level: no case, no officer
    CHECK(rig.snap().citizen.phoneUrl == "http://central.test/m/" + id);
    // Long enough to take out a phone: still there after the plain thanks time, gone after the QR's.
    rig.wait(5'000);
    CHECK(rig.screen() == ui::ScreenId::Thanks);
    rig.wait(11'000);
    CHECK(rig.screen() == ui::ScreenId::Attract);
    // A press within the response interval of the previous one: stored suppressed, thanked, no link.
    rig.tap("face.3");
    REQUIRE(rig.screen() == ui::ScreenId::FollowUp);
    rig.wait(500);
    rig.controller->pressFace(3);
    rig.frame();
    REQUIRE(rig.screen() == ui::ScreenId::Thanks);
    CHECK(rig.count("ratings WHERE suppressed = 1") == 1);
    CHECK(rig.snap().citizen.phoneUrl.empty());
    CHECK(asked.size() == 1);
}

TEST_CASE("while a case is open the attract screen carries its phone link, made once, the same response as the thanks screen's after it", "[phone][ui]")
{
    test::RigOptions o;
    o.demoRoster = true;
    o.desk = true;
    test::KioskRig rig(o);
    int caseLinks = 0;
    rig.controller->setCaseLinkMaker([&](const roster::CaseInfo& c) {
        ++caseLinks;
        return "http://central.test/m/" + c.id;
    });
    std::vector<ui::CitizenFlow::PhoneLinkFor> asked;
    rig.controller->setPhoneLinkMaker([&](const ui::CitizenFlow::PhoneLinkFor& r) {
        asked.push_back(r);
        return "http://central.test/m/" + r.caseId.value_or(r.ratingId);
    });
    const auto qrDrawn = [] {
        for (const ui::DrawnText& t : ui::lastTexts()) {
            if (t.text == "[QR code]") return true;
        }
        return false;
    };
    rig.frame();
    CHECK(rig.snap().desk.serving.phoneUrl.empty());
    CHECK_FALSE(qrDrawn());

    // The officer hands a case over: the attract screen shows its code.
    rig.controller->officerKey();
    rig.frame();
    rig.type("198503302010011002");
    rig.type("2468");
    rig.key(ImGuiKey_Enter);
    REQUIRE(rig.screen() == ui::ScreenId::Officer);
    rig.frame();
    CHECK(rig.snap().desk.serving.phoneUrl.empty()); // on duty, no case: nothing to tie a response to
    rig.tap("service.pbg");
    rig.tap("officer.hand_over");
    REQUIRE(rig.screen() == ui::ScreenId::Attract);
    const std::string caseId = rig.q("SELECT id FROM cases WHERE status = 'open'");
    CHECK(rig.snap().desk.serving.phoneUrl == "http://central.test/m/" + caseId);
    rig.frame();
    CHECK(qrDrawn());
    // Made once per case: frames and a change of language do not sign it again.
    rig.tap("language");
    rig.frame();
    rig.tap("language");
    CHECK(caseLinks == 1);
    CHECK(rig.snap().desk.serving.phoneUrl == "http://central.test/m/" + caseId);

    // The citizen rates at the kiosk after all: the thanks screen's link is the same response (the
    // case's), so answering through either code counts once.
    rig.waitUntilArmed();
    rig.tap("face.4");
    REQUIRE(rig.screen() == ui::ScreenId::FollowUp);
    rig.tap("followup.done");
    REQUIRE(rig.screen() == ui::ScreenId::Thanks);
    REQUIRE(asked.size() == 1);
    CHECK(asked[0].caseId == caseId);
    CHECK(rig.snap().citizen.phoneUrl == "http://central.test/m/" + caseId);
    // The case is rated and closed: back on the attract screen no code is left.
    rig.wait(20'000);
    REQUIRE(rig.screen() == ui::ScreenId::Attract);
    rig.frame();
    CHECK(rig.snap().desk.serving.mode == ui::DeskView::Serving::Mode::OnDuty);
    CHECK(rig.snap().desk.serving.phoneUrl.empty());
    CHECK_FALSE(qrDrawn());
    CHECK(caseLinks == 1);
}

TEST_CASE("a unit's poster: made by skm-central poster-qr, answered many times, kept out of every score, limited per address, and nothing else passes for one", "[phone][http]")
{
    test::TempDir dir;
    const test::Engine engine = GENERATE(test::engines());
    INFO("engine: " << engine.name());
    test::Central central(publishDemoRoster(dir / "central"), {}, engine);
    const sync::Provisioning dev = central.addDevice("kiosk-poster");
    const std::string base = central.url();
    const std::string full = "U1=4&U2=3&U3=4&U4=4&U5=3&U6=4&U7=4&U8=2&U9=3&jenis_kelamin=L&saran=Papan+petunjuk+kurang";
    auto centralArgs = [&](std::vector<std::string> args) {
        args.insert(args.begin(), (test::binDir() / "skm-central").string());
        for (const std::string& a : {std::string("--data-dir"), (dir / "central").string()}) args.push_back(a);
        for (const auto& a : engine.args()) args.push_back(a);
        return test::run(args);
    };

    // A case-tied response through a kiosk's link: in the scores.
    const phone::Link kioskLink = sampleLink(dev.deviceId);
    REQUIRE(post(base, "/m/" + phone::encode(kioskLink, dev.secret), full).status == 200);
    nlohmann::json before = central.report();

    // The poster: an A4 SVG and the code alone as a PNG, the same kind of link, read back with zbarimg.
    const auto made = centralArgs({"poster-qr", "--unit", "Bidang Perizinan Usaha", "--service", "pbg", "--url", base, "--out", (dir / "poster.png").string()});
    INFO(made.err);
    REQUIRE(made.exitCode == 0);
    const auto decoded = test::run({"/bin/sh", "-c", "zbarimg --raw -q '" + (dir / "poster.png").string() + "' 2>/dev/null"});
    std::string url = decoded.out.substr(0, decoded.out.find('\n'));
    REQUIRE(url.rfind(base + "/m/", 0) == 0);
    CHECK(made.out.find(url) != std::string::npos);
    const auto svg = centralArgs({"poster-qr", "--unit", "Bidang Perizinan Usaha", "--url", base, "--out", (dir / "poster.svg").string()});
    REQUIRE(svg.exitCode == 0);
    const std::string svgText = test::readFile(dir / "poster.svg");
    CHECK(svgText.find("<svg") != std::string::npos);
    CHECK(svgText.find("Bidang Perizinan Usaha") != std::string::npos);
    CHECK(svgText.find("belum terverifikasi") != std::string::npos);
    // Bad requests: a unit or service not in the published roster, a file type it cannot write, and the
    // poster device's id for a kiosk.
    const auto unknownUnit = centralArgs({"poster-qr", "--unit", "Bidang Perizinan", "--url", base, "--out", (dir / "x.svg").string()});
    CHECK(unknownUnit.exitCode == 2);
    CHECK(unknownUnit.err.find("'Bidang Perizinan Usaha'") != std::string::npos); // the units it knows
    CHECK(centralArgs({"poster-qr", "--unit", "Bidang Perizinan Usaha", "--service", "paspor", "--url", base, "--out", (dir / "x.svg").string()}).exitCode == 2);
    CHECK(centralArgs({"poster-qr", "--unit", "Bidang Perizinan Usaha", "--url", base, "--out", (dir / "x.pdf").string()}).exitCode == 2);
    CHECK(centralArgs({"poster-qr", "--unit", "Bidang Perizinan Usaha", "--url", "https://a?b#c", "--out", (dir / "x.svg").string()}).exitCode == 2);
    CHECK(centralArgs({"poster-qr", "--unit", "Bidang Perizinan Usaha", "--url", "https://host:99999", "--out", (dir / "x.svg").string()}).exitCode == 2);
    if (engine.name() == std::string("sqlite")) {
        // Pointed at a directory that is not the office's: refused, and no new store made there (its key
        // would sign a poster the office cannot read).
        const auto elsewhere = test::run({(test::binDir() / "skm-central").string(), "poster-qr", "--unit", "Bidang Perizinan Usaha", "--url", base, "--out",
                                          (dir / "x.svg").string(), "--data-dir", (dir / "elsewhere").string()});
        CHECK(elsewhere.exitCode == 2);
        CHECK(elsewhere.err.find("no central.db") != std::string::npos);
        CHECK_FALSE(std::filesystem::exists(dir / "elsewhere" / "central.db"));
    }
    CHECK_FALSE(std::filesystem::exists(dir / "x.svg"));
    const auto reserved = centralArgs({"device", "add", "office-poster", "--out", (dir / "p.json").string(), "--url", base});
    CHECK(reserved.exitCode != 0);
    CHECK(reserved.err.find("reserved") != std::string::npos);

    // The page names the unit and the service; three answers from one address are taken, each its own
    // response, the fourth waits (429) and is not stored.
    const std::string path = url.substr(base.size());
    const auto page = get(url);
    REQUIRE(page.status == 200);
    CHECK(page.body.find("Bidang Perizinan Usaha") != std::string::npos);
    CHECK(page.body.find("Persetujuan Bangunan Gedung") != std::string::npos);
    for (int i = 0; i < 3; ++i) {
        const auto r = post(base, path, full);
        INFO(r.body.substr(0, 400));
        CHECK(r.status == 200);
        CHECK(r.body.find("dicatat terpisah") != std::string::npos);
    }
    // The fourth waits ten minutes, whatever a forwarded-for header claims (this server trusts no proxy).
    sync::HttpRequest spoofed;
    spoofed.url = url;
    spoofed.body = full;
    spoofed.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", base}, {"X-Forwarded-For", "10.9.9.9"}};
    const auto fourth = sync::curlSend(spoofed, sync::CurlOptions{10, 0});
    CHECK(fourth.status == 429);
    CHECK(fourth.headers.at("retry-after") == "600");
    {
        auto db = central.db();
        CHECK(db->queryInt("SELECT count(DISTINCT id) FROM survey_responses WHERE channel = 'poster' AND device_id = 'office-poster' AND counter = 'poster'"
                           " AND service_code = 'pbg' AND officer_nip IS NULL") == 3);
        CHECK(db->queryInt("SELECT count(*) FROM survey_responses") == 4);
    }
    // Counted apart, by unit, and in no score: the rest of the report is what it was.
    nlohmann::json after = central.report();
    CHECK(after["survey_responses_by_channel"] == nlohmann::json{{"kiosk", 0}, {"phone", 1}, {"poster", 3}});
    CHECK(after["poster_responses"]["in_scores"] == false);
    CHECK(after["poster_responses"]["units"]["Bidang Perizinan Usaha"]["responses"] == 3);
    CHECK(after["poster_responses"]["units"]["Bidang Perizinan Usaha"]["mutu_unverified"] == "B");
    CHECK(after["poster_responses"]["units"]["Bidang Perizinan Usaha"]["saran_newest"][0] == "Papan petunjuk kurang");
    CHECK_FALSE(after["devices"].contains("office-poster")); // not a kiosk
    for (nlohmann::json* r : {&before, &after}) {
        for (const char* k : {"survey_responses_by_channel", "poster_responses", "devices"}) r->erase(k);
    }
    CHECK(after == before);

    // Nothing else passes for a poster, and a poster's key signs nothing else: a kiosk's secret on a
    // poster's link, the poster device on a case's link, a forged or altered poster, an expired one.
    std::string posterSecret;
    {
        auto db = central.db();
        posterSecret = db->queryText("SELECT secret FROM devices WHERE id = 'office-poster'");
    }
    const phone::Decoded posterRead = phone::read(url.substr(url.rfind('/') + 1));
    REQUIRE(posterRead.problem == phone::Problem::None);
    const phone::Link p = posterRead.link;
    REQUIRE(p.kind == phone::Kind::Poster);
    phone::Link byKiosk = p;
    byKiosk.deviceId = dev.deviceId;
    CHECK(get(base + "/m/" + phone::encode(byKiosk, dev.secret)).status == 404);
    phone::Link caseByPoster = sampleLink("office-poster");
    CHECK(get(base + "/m/" + phone::encode(caseByPoster, posterSecret)).status == 404);
    CHECK(get(base + "/m/" + phone::encode(p, protocol::newSecret())).status == 404);
    std::string flipped = url.substr(url.rfind('/') + 1); // one character of the unit's name changed
    flipped[90] = flipped[90] == 'A' ? 'B' : 'A';
    CHECK(get(base + "/m/" + flipped).status == 404);
    phone::Link expired = p;
    expired.expiresS = nowMs() / 1000 - 60;
    const auto gone = get(base + "/m/" + phone::encode(expired, posterSecret));
    CHECK(gone.status == 410);
    CHECK(gone.body.find("poster") != std::string::npos);

    // A kiosk's upload cannot pass its answers off as a poster's.
    nlohmann::json record = {{"id", newId()}, {"survey_version", "default-1"}, {"counter", "Loket 1"}, {"boot_id", "b"}, {"started_wall_ms", nowMs()},
                             {"started_mono_ms", 1}, {"language", "id"}, {"service_code", nullptr}, {"officer_nip", nullptr}, {"case_id", nullptr},
                             {"status", "complete"}, {"finished_wall_ms", nowMs()}, {"answers", {{"U1", 1}}}, {"profile", nlohmann::json::object()},
                             {"saran", nullptr}, {"channel", "poster"}, {"unit", "Bidang Perizinan Usaha"}};
    const auto up = sync::curlSend(test::signedUpload(dev,
                                                          nlohmann::json{{"protocol", 1}, {"device_id", dev.deviceId}, {"ratings", nlohmann::json::array()},
                                                                         {"surveys", {record}}}.dump(),
                                                          nowMs() / 1000, "poster-nonce-0001"), sync::CurlOptions{10, 0});
    INFO(up.body);
    REQUIRE(up.status == 200);
    CHECK(up.body.find("rejected") != std::string::npos);
    CHECK(up.body.find("the office's own") != std::string::npos);
    {
        auto db = central.db();
        CHECK(db->queryInt("SELECT count(*) FROM survey_responses") == 4);
    }
}

TEST_CASE("behind a trusted reverse proxy a poster's per-address limit counts each citizen's address, not the proxy's", "[phone][http]")
{
    test::TempDir dir;
    test::Central central(publishDemoRoster(dir / "central"), {"--trusted-proxy", "127.0.0.1"}, test::Engine{});
    const std::string base = central.url();
    const auto made = test::run({(test::binDir() / "skm-central").string(), "poster-qr", "--unit", "Bidang Kependudukan", "--url", base, "--out",
                                 (dir / "poster.svg").string(), "--data-dir", (dir / "central").string()});
    REQUIRE(made.exitCode == 0);
    const std::string url = made.out.substr(made.out.find(base + "/m/"), made.out.find('\n', made.out.find(base + "/m/")) - made.out.find(base + "/m/"));
    auto answer = [&](const std::string& forwardedFor) {
        sync::HttpRequest r;
        r.url = url;
        r.body = "U1=4&U2=4&U3=4&U4=4&U5=4&U6=4&U7=4&U8=4&U9=4";
        r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", base}, {"X-Forwarded-For", forwardedFor}};
        return sync::curlSend(r, sync::CurlOptions{10, 0}).status;
    };
    // Six citizens behind the office's proxy: each answers. One of them (the proxy appends the address
    // it saw: the last one counts, whatever the phone claimed before it) a fourth time: 429.
    for (int i = 1; i <= 6; ++i) CHECK(answer("10.0.0." + std::to_string(i)) == 200);
    CHECK(answer("1.2.3.4, 10.0.0.1") == 200);
    CHECK(answer("10.0.0.1") == 200);
    CHECK(answer("5.6.7.8, 10.0.0.1") == 429);
    // An IPv6 subscriber counts as its /64: rotating the rest of the address does not reset it.
    for (int i = 1; i <= 3; ++i) CHECK(answer("2001:db8:1:2::" + std::to_string(i)) == 200);
    CHECK(answer("2001:db8:1:2:ffff::9") == 429);
    auto db = central.db();
    CHECK(db->queryInt("SELECT count(*) FROM survey_responses WHERE channel = 'poster'") == 11);
}
