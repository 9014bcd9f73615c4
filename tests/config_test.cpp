// The TOML configuration: defaults, errors naming file, line and key, warnings for unknown keys.

#include "support/test_util.hpp"

#include <core/catalog.hpp>
#include <kiosk/config/config.hpp>
#include <core/survey.hpp>

#include <catch2/catch.hpp>

using namespace skm::config;

TEST_CASE("the example configuration lists exactly the embedded defaults", "[config]")
{
    const LoadResult r = loadFile(skm::test::sourceDir() / "config" / "skm-kiosk.example.toml");
    CHECK(r.warnings.empty());
    CHECK(describe(r.config) == describe(KioskConfig{}));
}

TEST_CASE("values override the defaults", "[config]")
{
    const LoadResult r = loadText("[kiosk]\ncounter = \"Loket 12\"\nthanks_seconds = 9\n[display]\nui_scale = 1.5\nfullscreen = false\n", "t.toml");
    CHECK(r.config.counter == "Loket 12");
    CHECK(r.config.thanksSeconds == 9);
    CHECK(r.config.uiScale == Approx(1.5));
    CHECK_FALSE(r.config.fullscreen);
    CHECK(r.config.officeName == KioskConfig{}.officeName);
}

TEST_CASE("the voice: off by default, and its keys read", "[config][voice]")
{
    CHECK_FALSE(KioskConfig{}.voiceEnabled);
    const LoadResult r = loadText("[voice]\nenabled = true\nvolume = 35\nrate = 120\ndevice = \"plughw:1,0\"\nwav_dir = \"/tmp/voice\"\n", "v.toml");
    CHECK(r.warnings.empty());
    CHECK(r.config.voiceEnabled);
    CHECK(r.config.voiceVolume == 35);
    CHECK(r.config.voiceRate == 120);
    CHECK(r.config.voiceDevice == "plughw:1,0");
    CHECK(r.config.voiceWavDir == "/tmp/voice");
    const LoadResult silent = loadText("[voice]\nenabled = true\nvolume = 0\n", "v.toml");
    CHECK(silent.config.voiceVolume == 0);
}

TEST_CASE("a syntax error names the file and line", "[config]")
{
    try {
        (void)loadText("[kiosk]\ncounter = \"Loket 1\"\nthanks_seconds = = 3\n", "bad.toml");
        FAIL("must throw");
    } catch (const ConfigError& e) {
        CHECK(e.file() == "bad.toml");
        CHECK(e.line() == 3);
        CHECK_THAT(e.what(), Catch::StartsWith("bad.toml:3: "));
    }
}

TEST_CASE("a value of the wrong type or out of range names the file, line and key", "[config]")
{
    struct Case {
        const char* text;
        int line;
        const char* key;
        const char* words;
    };
    const Case cases[] = {
        {"[kiosk]\n\nthanks_seconds = \"four\"\n", 3, "kiosk.thanks_seconds", "must be an integer"},
        {"[kiosk]\nthanks_seconds = 0\n", 2, "kiosk.thanks_seconds", "between 1 and 60"},
        {"[display]\nfullscreen = 1\n", 2, "display.fullscreen", "true or false"},
        {"[display]\nui_scale = 9.0\n", 2, "display.ui_scale", "between 0.25 and 4"},
        {"[kiosk]\ncounter = 7\n", 2, "kiosk.counter", "must be a string"},
        {"[voice]\nenabled = \"yes\"\n", 2, "voice.enabled", "true or false"},
        {"[voice]\nvolume = 101\n", 2, "voice.volume", "between 0 and 100 (found 101)"},
        {"[voice]\nvolume = -5\n", 2, "voice.volume", "between 0 and 100 (found -5)"},
        {"[voice]\n\nvolume = \"loud\"\n", 3, "voice.volume", "must be an integer"},
        {"[voice]\nrate = 40\n", 2, "voice.rate", "between 80 and 300 (found 40)"},
        {"[voice]\ndevice = \"my speaker\"\n", 2, "voice.device", "no spaces), found \"my speaker\""},
        {"[voice]\ndevice = \"\"\n", 2, "voice.device", "an ALSA device such as \"default\""},
        {"[voice]\nwav_dir = 3\n", 2, "voice.wav_dir", "must be a string"},
    };
    for (const Case& c : cases) {
        INFO(c.text);
        try {
            (void)loadText(c.text, "k.toml");
            FAIL("must throw");
        } catch (const ConfigError& e) {
            CHECK(e.line() == c.line);
            CHECK(e.key() == c.key);
            CHECK_THAT(e.what(), Catch::Contains(c.words) && Catch::Contains(std::string("key '") + c.key + "'"));
        }
    }
}

TEST_CASE("unknown keys and sections are warnings with their line, not errors", "[config]")
{
    const LoadResult r = loadText("[kiosk]\ncounter = \"Loket 2\"\ncolour = \"blue\"\n[sound]\nvolume = 3\n", "w.toml");
    CHECK(r.config.counter == "Loket 2");
    REQUIRE(r.warnings.size() == 2);
    CHECK(r.warnings[0] == "w.toml:3: unknown key 'kiosk.colour' ignored");
    CHECK(r.warnings[1] == "w.toml:5: unknown key 'sound.volume' ignored");
}

TEST_CASE("a missing configuration file is an error naming it", "[config]")
{
    CHECK_THROWS_WITH(loadFile("/nonexistent/skm.toml"), Catch::Contains("/nonexistent/skm.toml") && Catch::Contains("cannot read"));
}

TEST_CASE("reason lists replace the defaults, and a bad entry names its place", "[config]")
{
    const LoadResult ok = loadText("[[reasons.low]]\ncode = \"antre\"\nid = \"Antre lama\"\nen = \"Long queue\"\n", "r.toml");
    REQUIRE(ok.config.reasonsLow.size() == 1);
    CHECK(ok.config.reasonsLow[0] == Reason{"antre", "Antre lama", "Long queue"});
    CHECK(ok.config.reasonsHigh == KioskConfig{}.reasonsHigh);

    struct Case {
        const char* text;
        const char* words;
    };
    const Case cases[] = {
        {"[[reasons.low]]\ncode = \"Antre!\"\nid = \"a\"\nen = \"b\"\n", "code 'Antre!' must be"},
        {"[[reasons.low]]\ncode = \"antre\"\nid = \"a\"\n", "needs both labels"},
        {"[[reasons.high]]\ncode = \"a\"\nid = \"a\"\nen = \"a\"\n[[reasons.high]]\ncode = \"a\"\nid = \"b\"\nen = \"b\"\n", "appears twice"},
        {"[[reasons.low]]\ncode = \"a\"\nid = \"a\"\nen = \"a\"\ncolour = \"red\"\n", "unknown field 'colour'"},
        {"[reasons]\nlow = \"waktu\"\n", "must be an array of tables"},
    };
    for (const Case& c : cases) {
        INFO(c.text);
        try {
            (void)loadText(c.text, "r.toml");
            FAIL("must throw");
        } catch (const ConfigError& e) {
            CHECK_THAT(e.what(), Catch::Contains(c.words) && Catch::Contains("key 'reasons."));
        }
    }
}

TEST_CASE("translation catalogues: fallbacks, formatting, and errors naming file and line", "[config][i18n]")
{
    const Catalog c = Catalog::fromText("[a]\nx = \"Halo {n}\"\ny = \"Ya\"\n", "[a]\nx = \"Hello {n}\"\n");
    CHECK(c.text(Lang::Id, "a.x") == "Halo {n}");
    CHECK(c.format(Lang::En, "a.x", {{"n", "3"}}) == "Hello 3");
    CHECK(c.text(Lang::En, "a.y") == "Ya");          // missing in English: Indonesian
    CHECK(c.text(Lang::En, "a.zzz") == "a.zzz");     // missing everywhere: the key itself
    CHECK(c.missing(Lang::En, {"a.x", "a.y"}) == std::vector<std::string>{"a.y"});
    CHECK_THROWS_WITH(Catalog::fromText("[a]\nx = 3\n", ""), Catch::Contains("id.toml:2") && Catch::Contains("key 'a.x'"));
    CHECK_THROWS_WITH(Catalog::fromText("", "[a\n"), Catch::Contains("en.toml:1"));
    CHECK_THROWS_WITH(findAssetsDir("/nonexistent"), Catch::Contains("/nonexistent holds no i18n/id.toml"));
}

TEST_CASE("the built-in survey definition is the regulation's, and a bad one is refused naming the entry", "[config][survey]")
{
    const skm::config::SurveyDefinition& d = skm::config::defaultSurvey();
    REQUIRE(d.unsur.size() == 9);
    CHECK(d.unsur[0].name.id == "Persyaratan");
    CHECK(d.unsur[3].name.id == "Biaya/Tarif");
    CHECK(d.unsur[3].answers[0].id == "Sangat mahal");
    CHECK(d.unsur[3].answers[3].id == "Gratis");
    CHECK(d.unsur[8].code == "U9");
    REQUIRE(d.profile.size() == 4);
    CHECK(d.profile[0].code == "jenis_kelamin");
    CHECK(d.profile[1].code == "usia");
    CHECK(d.profile[2].code == "pendidikan");
    CHECK(d.profile[3].code == "pekerjaan");
    // config/survey.toml and the built-in text are the same file.
    CHECK(skm::config::defaultSurveyText() == skm::test::readFile(skm::test::sourceDir() / "config" / "survey.toml"));

    const std::string good = skm::config::defaultSurveyText();
    auto refused = [&](const std::string& from, const std::string& to) {
        std::string text = good;
        const size_t at = text.find(from);
        REQUIRE(at != std::string::npos);
        text.replace(at, from.size(), to);
        try {
            (void)skm::config::parseSurvey(text, "survey.toml");
        } catch (const skm::config::SurveyError& e) {
            return std::string(e.what());
        }
        return std::string("(accepted)");
    };
    CHECK_THAT(refused("code = \"U4\"", "code = \"U7\""), Catch::StartsWith("survey.toml:") && Catch::Contains("unsur[4]") && Catch::Contains("code must be U4"));
    CHECK_THAT(refused("answers_en = [\"Very expensive\", \"Rather expensive\", \"Cheap\", \"Free\"]", "answers_en = [\"Very expensive\", \"Free\"]"),
               Catch::Contains("unsur[4] (U4)") && Catch::Contains("'answers_en' must list 4 labels"));
    CHECK_THAT(refused("question_id = \"Usia\"", "question_id = \"\""), Catch::Contains("profile[2] (usia)") && Catch::Contains("'question_id' is empty"));
    CHECK_THAT(refused("code = \"pendidikan\"", "code = \"usia\""), Catch::Contains("profile[3]") && Catch::Contains("appears twice"));
    CHECK_THAT(refused("{ code = \"P\", id = \"Perempuan\", en = \"Female\" }", "{ code = \"L\", id = \"Perempuan\", en = \"Female\" }"),
               Catch::Contains("options[2]") && Catch::Contains("'L' appears twice"));
    CHECK_THAT(refused("name_en = \"Requirements\"", "name_en = \"Requirements\"\nweight = 2"), Catch::Contains("unsur[1]") && Catch::Contains("unknown field 'weight'"));
    CHECK_THAT(refused("version = \"", "version = "), Catch::StartsWith("survey.toml:"));
    // The office's IKM weighting: exact by default, 0.111 when chosen, anything else refused naming it.
    CHECK(d.weighting == skm::ikm::Weighting::Exact);
    CHECK_THAT(refused("weighting = \"exact\"", "weighting = \"1/9\""), Catch::Contains(": ikm: weighting must be \"exact\"") && Catch::Contains("got '1/9'"));
    CHECK_THAT(refused("weighting = \"exact\"", "weight = 0.111"), Catch::Contains("ikm: unknown field 'weight'"));
    CHECK_THAT(refused("[ikm]\nweighting = \"exact\"", "ikm = 0.111"), Catch::Contains("'ikm' must be an [ikm] table"));
    std::string chosen = good;
    chosen.replace(chosen.find("weighting = \"exact\""), 19, "weighting = \"0.111\"");
    CHECK(skm::config::parseSurvey(chosen, "survey.toml").weighting == skm::ikm::Weighting::ThreeDecimals);
    std::string without = good;
    without.erase(without.find("[ikm]\nweighting = \"exact\""), 25);
    CHECK(skm::config::parseSurvey(without, "survey.toml").weighting == skm::ikm::Weighting::Exact);
}
