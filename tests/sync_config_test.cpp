// GET /v1/config against a real skm-central on 127.0.0.1: the roster (officers, services, reason
// lists, photos) and the survey definition published in central's data directory reach the kiosk; an
// unchanged configuration costs one 304 (signed, and not believed unless signed for this request); a
// per-device override; a refused configuration (by the central office's own check, by the kiosk's,
// or an answer not signed by it) leaves the one in force.

#include "support/sync_fixture.hpp"
#include "support/test_images.hpp"
#include "support/test_util.hpp"

#include <core/pin.hpp>
#include <kiosk/roster/roster_store.hpp>

#include <catch2/catch.hpp>

#include <fstream>

using namespace skm;
using test::Central;
using test::Kiosk;

namespace {

void writeFile(const std::filesystem::path& file, const std::string& text)
{
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
}

std::string demoRoster() { return test::readFile(test::sourceDir() / "config" / "demo-roster.toml"); }

// The shipped survey definition under another version name.
std::string officeSurvey()
{
    std::string text = test::readFile(test::sourceDir() / "config" / "survey.toml");
    const size_t at = text.find("version = \"");
    text.replace(at, text.find('\n', at) - at, "version = \"skm-2026.1\"");
    return text;
}

size_t officers(store::Database& db)
{
    const auto r = roster::readRoster(db);
    return r ? r->officers.size() : 0;
}

// Drops the [[officers]] entry of `nip` from a roster text.
std::string without(std::string text, const std::string& nip)
{
    const size_t at = text.find("nip = \"" + nip + "\"");
    REQUIRE(at != std::string::npos);
    const size_t begin = text.rfind("[[officers]]", at);
    const size_t end = text.find("\n[[", at);
    text.erase(begin, end - begin + 1);
    return text;
}

// A sender that records the status of each configuration answer.
struct Recording {
    std::vector<int> configStatuses;
    sync::HttpResponse operator()(const sync::HttpRequest& r)
    {
        auto resp = sync::curlSend(r);
        if (r.method == "GET") configStatuses.push_back(resp.status);
        return resp;
    }
};

} // namespace

TEST_CASE("the configuration published by the central office reaches the kiosk, and unchanged costs one 304", "[sync][config]")
{
    test::TempDir dir;
    Central central(dir / "central");
    writeFile(dir / "central" / "publish" / "roster.toml", demoRoster());
    writeFile(dir / "central" / "publish" / "survey.toml", officeSurvey());
    Kiosk kiosk(dir / "kiosk", central.addDevice("kiosk-cfg"));
    CHECK(officers(kiosk.st->database()) == 0);

    Recording rec;
    auto r = sync::syncOnce(*kiosk.st, kiosk.prov, std::ref(rec));
    INFO(r.error() << r.config.outcome.message);
    CHECK(r.ok());
    CHECK(r.config.applied());
    CHECK(officers(kiosk.st->database()) == 3);
    CHECK(roster::readRoster(kiosk.st->database())->services.size() >= 3);
    CHECK(test::readFile(dir / "kiosk" / "survey.toml") == officeSurvey());
    // Its audit event went up in the same run.
    CHECK(kiosk.st->database().queryText("SELECT upload_status FROM audit_events WHERE kind = 'roster_received'") == "sent");
    CHECK(central.report()["audit_total"] == 1);

    r = sync::syncOnce(*kiosk.st, kiosk.prov, std::ref(rec));
    CHECK(r.config.unchanged());
    REQUIRE(rec.configStatuses.size() == 2);
    CHECK(rec.configStatuses[0] == 200);
    CHECK(rec.configStatuses[1] == 304);

    // The office removes an officer: the next run brings the new roster.
    writeFile(dir / "central" / "publish" / "roster.toml", without(demoRoster(), "198811202012121003"));
    r = sync::syncOnce(*kiosk.st, kiosk.prov, std::ref(rec));
    CHECK(r.config.applied());
    CHECK(officers(kiosk.st->database()) == 2);
    CHECK_FALSE(roster::findOfficer(kiosk.st->database(), "198811202012121003"));

    // A file for this device alone takes precedence over the office-wide one.
    writeFile(dir / "central" / "publish" / "devices" / "kiosk-cfg" / "roster.toml",
              without(without(demoRoster(), "198811202012121003"), "199007152015032001"));
    r = sync::syncOnce(*kiosk.st, kiosk.prov, std::ref(rec));
    CHECK(r.config.applied());
    CHECK(officers(kiosk.st->database()) == 1);

    // skm-kiosk status shows the outcome.
    kiosk.st.reset();
    const auto status = nlohmann::json::parse(
        test::run({(test::binDir() / "skm-kiosk").string(), "status", "--json", "--data-dir", (dir / "kiosk").string()}).out);
    CHECK(status["last_sync"]["config"]["status"] == "applied");
}

TEST_CASE("a refused configuration leaves the one in force, and the uploads go on", "[sync][config]")
{
    test::TempDir dir;
    Central central(dir / "central");
    writeFile(dir / "central" / "publish" / "roster.toml", demoRoster());
    Kiosk kiosk(dir / "kiosk", central.addDevice("kiosk-cfg2"));
    REQUIRE(kiosk.sync().config.applied());
    REQUIRE(officers(kiosk.st->database()) == 3);

    SECTION("the central office refuses to publish a roster with a bad NIP")
    {
        std::string bad = demoRoster();
        for (size_t at; (at = bad.find("199007152015032001")) != std::string::npos;) bad.replace(at, 18, "199013152015032001"); // month 13
        writeFile(dir / "central" / "publish" / "roster.toml", bad);
        kiosk.rate(2);
        const auto r = kiosk.sync();
        CHECK(r.ok()); // the ratings went up all the same
        CHECK(r.sent == 2);
        CHECK(r.config.outcome.ok() == false);
        CHECK_THAT(r.config.outcome.message, Catch::Contains("HTTP 503 config_invalid") && Catch::Contains("roster.toml") && Catch::Contains("199013152015032001"));
        CHECK(officers(kiosk.st->database()) == 3);
    }
    SECTION("a survey definition without its nine unsur is not published")
    {
        std::string bad = officeSurvey();
        const size_t u9 = bad.find("[[unsur]]\ncode = \"U9\"");
        bad.erase(u9, bad.find("[[profile]]") - u9);
        writeFile(dir / "central" / "publish" / "survey.toml", bad);
        const auto r = kiosk.sync();
        CHECK(r.config.outcome.ok() == false);
        CHECK_THAT(r.config.outcome.message, Catch::Contains("survey.toml") && Catch::Contains("nine [[unsur]]"));
        CHECK_FALSE(std::filesystem::exists(dir / "kiosk" / "survey.toml"));
    }
    SECTION("an answer not signed by the central office is not applied")
    {
        writeFile(dir / "central" / "publish" / "roster.toml", without(demoRoster(), "198811202012121003"));
        // Someone on the path swaps the roster for their own (here: the central office's answer
        // re-packed with an officer of theirs added; the signature no longer matches).
        auto forge = [](const sync::HttpRequest& req) {
            auto resp = sync::curlSend(req);
            if (req.method == "GET" && resp.status == 200) {
                auto body = nlohmann::json::parse(protocol::gunzip(resp.body));
                body["files"]["roster.toml"] = body["files"]["roster.toml"].get<std::string>() +
                                               "\n[[officers]]\nnip = \"199101012015031001\"\nname = \"Intruder\"\nunit = \"X\"\npin_hash = \"" +
                                               roster::hashPin("1111") + "\"\n";
                resp.body = protocol::gzip(body.dump());
            }
            return resp;
        };
        const auto r = sync::syncOnce(*kiosk.st, kiosk.prov, forge);
        CHECK(r.config.outcome.ok() == false);
        CHECK_THAT(r.config.outcome.message, Catch::Contains("not signed by this device's central office"));
        CHECK(officers(kiosk.st->database()) == 3);
        CHECK_FALSE(roster::findOfficer(kiosk.st->database(), "199101012015031001"));
        CHECK(kiosk.st->database().queryInt("SELECT count(*) FROM audit_events WHERE kind = 'config_refused'") == 1);
        // The genuine answer, next time, is applied.
        CHECK(kiosk.sync().config.applied());
        CHECK(officers(kiosk.st->database()) == 2);
    }
    SECTION("a 304 not signed for this request is not believed")
    {
        // A genuine 304, kept by someone on the path.
        sync::HttpResponse old;
        auto keep = [&old](const sync::HttpRequest& req) {
            auto resp = sync::curlSend(req);
            if (req.method == "GET") old = resp;
            return resp;
        };
        REQUIRE(sync::syncOnce(*kiosk.st, kiosk.prov, keep).config.unchanged());
        REQUIRE(old.status == 304);
        REQUIRE(old.headers.count("x-skm-signature") == 1);
        // The office removes an officer; the path answers "unchanged" for it: the old 304 (signed for
        // another request's nonce), then one with no signature at all.
        writeFile(dir / "central" / "publish" / "roster.toml", without(demoRoster(), "198811202012121003"));
        auto replay = [&old](const sync::HttpRequest& req) { return req.method == "GET" ? old : sync::curlSend(req); };
        auto r = sync::syncOnce(*kiosk.st, kiosk.prov, replay);
        CHECK(r.config.outcome.ok() == false);
        CHECK_THAT(r.config.outcome.message, Catch::Contains("not signed by this device's central office"));
        auto unsigned304 = [&old](const sync::HttpRequest& req) {
            if (req.method != "GET") return sync::curlSend(req);
            sync::HttpResponse resp = old;
            resp.headers.erase("x-skm-signature");
            return resp;
        };
        r = sync::syncOnce(*kiosk.st, kiosk.prov, unsigned304);
        CHECK(r.config.outcome.ok() == false);
        CHECK_THAT(r.config.outcome.message, Catch::Contains("not signed by this device's central office"));
        CHECK(kiosk.st->database().queryInt("SELECT count(*) FROM audit_events WHERE kind = 'config_refused'") == 2);
        CHECK(officers(kiosk.st->database()) == 3);
        // The genuine answer brings the change.
        CHECK(kiosk.sync().config.applied());
        CHECK(officers(kiosk.st->database()) == 2);
    }
}

namespace {

const std::string kBudi = "198503302010011002";
const std::string kDewi = "199007152015032001";
const std::string kAgus = "198811202012121003";

// The demo roster with photos for Budi and Dewi (files under publish/photos/).
std::string photoRoster()
{
    std::string text = demoRoster();
    for (const auto& [nip, path] : {std::pair<std::string, std::string>{kBudi, "photos/budi.jpg"}, {kDewi, "photos/dewi.png"}}) {
        const std::string key = "nip = \"" + nip + "\"\n";
        text.insert(text.find(key) + key.size(), "photo = \"" + path + "\"\n");
    }
    return text;
}

size_t filesIn(const std::filesystem::path& dir)
{
    std::error_code ec;
    size_t n = 0;
    for (auto it = std::filesystem::directory_iterator(dir, ec); !ec && it != std::filesystem::directory_iterator(); ++it) ++n;
    return n;
}

} // namespace

TEST_CASE("officers' photos published by the central office reach the kiosk, a changed photo changes the ETag, a refused one changes nothing",
          "[sync][config][photo]")
{
    test::TempDir dir;
    Central central(dir / "central");
    const auto publish = dir / "central" / "publish";
    const std::string budi1 = test::makeJpeg(240, 320, 1), budi2 = test::makeJpeg(240, 320, 2), dewi = test::makePng(128, 160, 3);
    writeFile(publish / "photos" / "budi.jpg", budi1);
    writeFile(publish / "photos" / "dewi.png", dewi);
    writeFile(publish / "roster.toml", photoRoster());
    Kiosk kiosk(dir / "kiosk", central.addDevice("kiosk-photo"));
    // What the kiosk shows for an officer: the bytes of the file roster::photoPath names ("" for none).
    auto photoOf = [&](const std::string& nip) {
        const auto o = roster::findOfficer(kiosk.st->database(), nip);
        REQUIRE(o);
        const auto file = roster::photoPath(dir / "kiosk", *o);
        return file ? test::readFile(*file) : std::string();
    };
    auto etag = [&] { return kiosk.st->database().queryText("SELECT value FROM meta WHERE key = 'config_etag'"); };

    auto r = kiosk.sync();
    INFO(r.config.outcome.message);
    REQUIRE(r.config.applied());
    CHECK(photoOf(kBudi) == budi1);
    CHECK(photoOf(kDewi) == dewi);
    CHECK(photoOf(kAgus).empty());
    CHECK(filesIn(dir / "kiosk" / "photos") == 2);
    CHECK(kiosk.st->database().queryText("SELECT json_extract(detail, '$.photos') FROM audit_events WHERE kind = 'roster_received'") == "2");
    const std::string first = etag();
    CHECK(kiosk.sync().config.unchanged());

    // A changed photo, the roster's text as it was: another ETag, the new photo, the old file gone.
    writeFile(publish / "photos" / "budi.jpg", budi2);
    CHECK(kiosk.sync().config.applied());
    CHECK(etag() != first);
    CHECK(photoOf(kBudi) == budi2);
    CHECK(filesIn(dir / "kiosk" / "photos") == 2);

    // A photo in this device's own directory takes precedence over the office-wide one.
    writeFile(publish / "devices" / "kiosk-photo" / "photos" / "budi.jpg", budi1);
    CHECK(kiosk.sync().config.applied());
    CHECK(photoOf(kBudi) == budi1);
    const std::string inForce = etag();

    SECTION("the central office does not publish a roster with a bad photo: 503 config_invalid names the officer and the reason")
    {
        kiosk.rate(1);
        writeFile(publish / "photos" / "dewi.png", test::makeBmp(16, 16));
        r = kiosk.sync();
        CHECK(r.ok()); // the ratings went up all the same
        CHECK(r.sent == 1);
        CHECK(r.config.outcome.ok() == false);
        CHECK_THAT(r.config.outcome.message, Catch::Contains("HTTP 503 config_invalid") &&
                                      Catch::Contains("officers[2] (NIP " + kDewi + "): photo 'photos/dewi.png' is not a PNG or JPEG image"));
        writeFile(publish / "photos" / "dewi.png", test::makeNoisePng(420, 420));
        CHECK_THAT(kiosk.sync().config.outcome.message, Catch::Contains("photo 'photos/dewi.png' is") && Catch::Contains("more than the 512 KiB allowed"));
        std::filesystem::remove(publish / "photos" / "dewi.png");
        CHECK_THAT(kiosk.sync().config.outcome.message, Catch::Contains("photo 'photos/dewi.png' is missing"));
        // The kiosk keeps the roster and the photos it had.
        CHECK(etag() == inForce);
        CHECK(photoOf(kDewi) == dewi);
        CHECK(photoOf(kBudi) == budi1);
        CHECK(filesIn(dir / "kiosk" / "photos") == 2);
    }
    SECTION("a bad photo in a signed answer is refused by the kiosk's own check, and nothing of the answer is applied")
    {
        // A changed roster (Agus leaves) and a survey definition, so that there is something to refuse.
        writeFile(publish / "roster.toml", without(photoRoster(), kAgus));
        writeFile(publish / "survey.toml", officeSurvey());
        // As if the central office itself served a bad photo: the answer altered and signed again
        // with the device's secret, so only the kiosk's own check stands in the way.
        auto tampered = [&](std::function<void(nlohmann::json&)> change) {
            return [&kiosk, change](const sync::HttpRequest& req) {
                auto resp = sync::curlSend(req);
                if (req.method == "GET" && resp.status == 200) {
                    auto body = nlohmann::json::parse(protocol::gunzip(resp.body, protocol::kMaxConfigInflatedBytes));
                    change(body);
                    resp.body = protocol::gzip(body.dump());
                    resp.headers["x-skm-signature"] = protocol::sign(
                        kiosk.prov.secret, protocol::canonicalResponse(req.headers.at(protocol::kHeaderNonce), resp.headers.at("etag"), resp.body));
                }
                return resp;
            };
        };
        const std::string bmp = protocol::base64Encode(test::makeBmp(16, 16));
        r = sync::syncOnce(*kiosk.st, kiosk.prov, tampered([&](nlohmann::json& b) { b["photos"]["photos/dewi.png"] = bmp; }));
        CHECK(r.config.outcome.ok() == false);
        CHECK_THAT(r.config.outcome.message, Catch::StartsWith("roster.toml from the central office") &&
                                      Catch::Contains("officers[2] (NIP " + kDewi + "): photo 'photos/dewi.png' is not a PNG or JPEG image"));
        const std::string huge = protocol::base64Encode(test::makeNoisePng(420, 420));
        CHECK_THAT(sync::syncOnce(*kiosk.st, kiosk.prov, tampered([&](nlohmann::json& b) { b["photos"]["photos/dewi.png"] = huge; })).config.outcome.message,
                   Catch::Contains("photo 'photos/dewi.png' is") && Catch::Contains("more than the 512 KiB allowed"));
        CHECK_THAT(sync::syncOnce(*kiosk.st, kiosk.prov, tampered([](nlohmann::json& b) { b["photos"].erase("photos/dewi.png"); })).config.outcome.message,
                   Catch::Contains("photo 'photos/dewi.png' is missing"));
        CHECK_THAT(sync::syncOnce(*kiosk.st, kiosk.prov, tampered([](nlohmann::json& b) { b["photos"]["photos/dewi.png"] = "not*base64"; })).config.outcome.message,
                   Catch::Contains("officers[2] (NIP " + kDewi + "): photo 'photos/dewi.png' cannot be read: not base64"));
        // Nothing applied: the roster, its photos, no survey definition, the ETag in force.
        CHECK(officers(kiosk.st->database()) == 3);
        CHECK(photoOf(kDewi) == dewi);
        CHECK(photoOf(kBudi) == budi1);
        CHECK(filesIn(dir / "kiosk" / "photos") == 2);
        CHECK_FALSE(std::filesystem::exists(dir / "kiosk" / "survey.toml"));
        CHECK(etag() == inForce);
        CHECK(kiosk.st->database().queryInt("SELECT count(*) FROM audit_events WHERE kind = 'config_refused'") == 4);
        // The genuine answer, next time, is applied.
        CHECK(kiosk.sync().config.applied());
        CHECK(officers(kiosk.st->database()) == 2);
        CHECK(photoOf(kDewi) == dewi);
    }
}
