// The voice (issue 21): what the speaker button reads and that it never tells the answer chosen (the
// real screens and controller, headless); the speech itself from the real espeak-ng into WAV files,
// heard as not silent and as long as its words take, in Indonesian and in English, at the office's
// volume; a newer request cutting the one being said short; a kiosk without a sound device going on.

#include "support/kiosk_rig.hpp"

#include <core/pin.hpp>
#include <kiosk/roster/roster_store.hpp>
#include <kiosk/voice/alsa_sink.hpp>
#include <kiosk/voice/speaker.hpp>
#include <kiosk/voice/wav_sink.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <sstream>
#include <thread>

using namespace skm;
namespace fs = std::filesystem;
using std::chrono::seconds;

namespace {

// A kiosk whose voice records what it is asked to say (and how often it is told to be silent).
struct VoiceRig : test::KioskRig {
    explicit VoiceRig(bool voice = true) : KioskRig(options())
    {
        roster::Roster r;
        r.version = "t";
        r.officers = {{"198503302010011002", "Budi Santoso", "Perizinan", roster::hashPin("2468")}};
        r.services = {{"kk", "Kartu Keluarga", "Family card"}, {"nib", "NIB", "Business number"}};
        roster::replaceRoster(st->database(), r, 0);
        if (voice) controller->setVoice([this](const ui::Speech& s) { said.push_back(s); }, [this] { ++silenced; });
        frame();
    }
    static test::RigOptions options()
    {
        test::RigOptions o;
        o.surveySource = true;
        return o;
    }
    // The speaker button, and what it asked to be said.
    ui::Speech speak()
    {
        const size_t before = said.size();
        tap("speaker");
        REQUIRE(said.size() == before + 1);
        return said.back();
    }
    std::vector<ui::Speech> said;
    int silenced = 0;
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

size_t words(const std::string& text)
{
    std::istringstream in(text);
    size_t n = 0;
    for (std::string w; in >> w;) ++n;
    return n;
}
size_t sentences(const std::string& text) { return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) { return c == '.' || c == '?' || c == ':'; })); }

struct Loudness {
    double rms = 0;
    int peak = 0;
};
Loudness loudness(const voice::WavData& w)
{
    Loudness l;
    double sum = 0;
    for (int16_t s : w.samples) {
        sum += static_cast<double>(s) * s;
        l.peak = std::max(l.peak, std::abs(static_cast<int>(s)));
    }
    l.rms = w.samples.empty() ? 0 : std::sqrt(sum / static_cast<double>(w.samples.size()));
    return l;
}

// The one WAV file under `dir` whose name ends with `suffix`.
fs::path only(const fs::path& dir, const std::string& suffix)
{
    std::vector<fs::path> found;
    for (const auto& e : fs::directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) found.push_back(e.path());
    }
    REQUIRE(found.size() == 1);
    return found.front();
}

// A sound device slower than speech: each write waits until the utterance is cancelled, unless let
// go. Records what began and how each ended.
class SlowDevice final : public voice::AudioSink {
public:
    bool begin(int, const voice::Utterance& u) override
    {
        std::lock_guard<std::mutex> lock(m);
        begun.push_back(u.text);
        changed.notify_all();
        return true;
    }
    bool write(const int16_t*, size_t, const std::atomic<bool>& cancelled) override
    {
        std::unique_lock<std::mutex> lock(m);
        while (!cancelled && !letGo) changed.wait_for(lock, std::chrono::milliseconds(10));
        return !cancelled;
    }
    void end(bool completed) override
    {
        std::lock_guard<std::mutex> lock(m);
        ended.push_back(completed);
        changed.notify_all();
    }
    std::string problem() const override { return ""; }
    std::string describe() const override { return "a slow device"; }
    // Waits (at most a minute: a bound, not a measure) until `n` utterances have begun.
    bool waitBegun(size_t n)
    {
        std::unique_lock<std::mutex> lock(m);
        return changed.wait_for(lock, seconds(60), [&] { return begun.size() >= n; });
    }
    void release()
    {
        std::lock_guard<std::mutex> lock(m);
        letGo = true;
        changed.notify_all();
    }
    std::mutex m;
    std::condition_variable changed;
    std::vector<std::string> begun;
    std::vector<bool> ended;
    bool letGo = false;
};

} // namespace

TEST_CASE("the speaker button reads the attract question and all four faces, in the screen's language", "[voice][ui]")
{
    VoiceRig rig;
    for (config::Lang lang : {config::Lang::Id, config::Lang::En}) {
        if (rig.snap().lang != lang) rig.tap("language");
        REQUIRE(rig.screen() == ui::ScreenId::Attract);
        const ui::Speech s = rig.speak();
        INFO(s.text);
        CHECK(s.lang == lang);
        CHECK(contains(s.text, rig.t("attract.question")));
        for (const char* face : {"face.4", "face.3", "face.2", "face.1"}) CHECK(contains(s.text, rig.t(face)));
        // In the order drawn, Sangat Baik first.
        CHECK(s.text.find(rig.t("face.4")) < s.text.find(rig.t("face.1")));
    }
    CHECK(rig.count("ratings") == 0); // the speaker is no face
}

TEST_CASE("nothing is said on a tap, and the follow-up reads the same words after every face, never a reason", "[voice][ui]")
{
    VoiceRig rig;
    std::vector<std::string> reasons;
    for (const auto* list : {&rig.settings.reasonsLow, &rig.settings.reasonsHigh}) {
        for (const config::Reason& r : *list) reasons.insert(reasons.end(), {r.labelId, r.labelEn});
    }
    for (config::Lang lang : {config::Lang::Id, config::Lang::En}) {
        std::optional<std::string> first;
        for (int score = 1; score <= 4; ++score) {
            if (rig.snap().lang != lang) rig.tap("language");
            const int silencedBefore = rig.silenced;
            rig.tap("face." + std::to_string(score));
            REQUIRE(rig.screen() == ui::ScreenId::FollowUp);
            CHECK(rig.said.empty());                   // the tap said nothing
            CHECK(rig.silenced > silencedBefore);      // and silenced whatever was being read
            REQUIRE(rig.has("speaker"));               // the same button after every face
            const ui::Speech s = rig.speak();
            INFO("score " << score << ": " << s.text);
            CHECK(s.lang == lang);
            CHECK(contains(s.text, rig.t("followup.question")));
            for (const std::string& reason : reasons) CHECK_FALSE(contains(s.text, reason));
            for (const char* face : {"face.4", "face.3", "face.2", "face.1"}) CHECK_FALSE(contains(s.text, rig.t(face)));
            if (!first) first = s.text;
            CHECK(s.text == *first); // never depends on the face
            rig.said.clear();
            // A reason, the comment's keys and its sending, the thanks: still nothing said.
            rig.tap("reason." + rig.snap().citizen.reasons.front().code);
            REQUIRE(rig.screen() == ui::ScreenId::Comment);
            CHECK_FALSE(rig.has("speaker"));
            rig.tap("key.a");
            rig.tap("comment.send");
            REQUIRE(rig.screen() == ui::ScreenId::Thanks);
            CHECK_FALSE(rig.has("speaker"));
            CHECK(rig.said.empty());
            rig.wait(rig.settings.qrThanksMs + 1000);
            REQUIRE(rig.screen() == ui::ScreenId::Attract);
            rig.wait(rig.settings.responseIntervalMs + 1000); // the next citizen: not a suppressed press
        }
    }
    // Keys 1-4 rate without a word either.
    rig.controller->pressFace(2);
    CHECK(rig.screen() == ui::ScreenId::FollowUp);
    CHECK(rig.said.empty());
}

TEST_CASE("a survey question reads itself and all its answers, never which one is marked", "[voice][ui][survey]")
{
    VoiceRig rig;
    rig.tap("survey.start");
    REQUIRE(rig.screen() == ui::ScreenId::Survey);
    const ui::Speech service = rig.speak();
    CHECK(contains(service.text, rig.t("survey.service")));
    CHECK(contains(service.text, "Kartu Keluarga"));
    CHECK(contains(service.text, "NIB"));
    rig.tap("answer.nib");
    const ui::SurveyView u1 = rig.snap().survey;
    REQUIRE(u1.scale);
    const ui::Speech before = rig.speak();
    CHECK(contains(before.text, u1.question));
    for (const ui::ReasonChip& o : u1.options) CHECK(contains(before.text, o.label));
    rig.tap("answer.1");
    rig.tap("survey.back");
    REQUIRE(rig.snap().survey.selected == "1"); // the answer given is marked on screen
    CHECK(rig.speak().text == before.text);     // and not in what is said
    // The saran (free text) has no speaker button; nor has a confirmation.
    rig.tap("survey.quit");
    CHECK_FALSE(rig.has("speaker"));
    rig.tap("confirm.no");
    CHECK(rig.has("speaker"));
}

TEST_CASE("without [voice] enabled no screen shows the speaker button", "[voice][ui]")
{
    VoiceRig rig(false);
    CHECK_FALSE(rig.snap().voice);
    CHECK_FALSE(rig.has("speaker"));
    rig.tap("face.3");
    CHECK_FALSE(rig.has("speaker"));
    rig.wait(60'000);
    rig.tap("survey.start");
    CHECK_FALSE(rig.has("speaker"));
}

TEST_CASE("espeak-ng says the attract question and its answers aloud in Indonesian and English: not silent, as long as its words take, at the office's volume", "[voice]")
{
    VoiceRig rig;
    std::vector<ui::Speech> speech = {rig.speak()};
    rig.tap("language");
    speech.push_back(rig.speak());
    REQUIRE(speech[1].lang == config::Lang::En);

    for (const ui::Speech& s : speech) {
        const std::string voiceName = s.lang == config::Lang::En ? "en" : "id";
        INFO(voiceName << ": " << s.text);
        test::TempDir dir;
        const voice::VoiceSettings settings{80, 150};
        voice::Speaker speaker(std::make_unique<voice::WavDirSink>(dir.path()), settings);
        speaker.say({s.text, voiceName});
        REQUIRE(speaker.waitIdle(seconds(120)));
        const voice::Speaker::Stats st = speaker.stats();
        INFO(st.problem);
        REQUIRE(st.completed == 1);
        const voice::WavData wav = voice::readWav(only(dir.path(), "-" + voiceName + ".wav"));
        CHECK(wav.sampleRate == speaker.sampleRate());
        CHECK(test::readFile(only(dir.path(), "-" + voiceName + ".txt")) == s.text + "\n");
        // Not silent: speech at 80 % of espeak-ng's level is far above -40 dBFS on average, with peaks
        // well above -20 dBFS.
        const Loudness l = loudness(wav);
        CHECK(l.rms > 32767 * 0.01);
        CHECK(l.peak > 32767 * 0.1);
        // As long as its words take at the configured pace: between twice as fast and half as fast
        // as `rate` words a minute, plus up to a second's pause at each sentence's end.
        const double nominal = static_cast<double>(words(s.text)) * 60.0 / settings.rate;
        INFO(words(s.text) << " words, " << sentences(s.text) << " sentences, nominal " << nominal << " s, said in " << wav.seconds() << " s");
        CHECK(wav.seconds() >= nominal / 2);
        CHECK(wav.seconds() <= nominal * 2 + static_cast<double>(sentences(s.text)) * 1.0);

        // Half the volume: half the amplitude, the same words (as long, within 1 %: espeak-ng's output
        // is not repeatable to the sample from one utterance to the next).
        test::TempDir quieter;
        voice::Speaker half(std::make_unique<voice::WavDirSink>(quieter.path()), voice::VoiceSettings{40, 150});
        half.say({s.text, voiceName});
        REQUIRE(half.waitIdle(seconds(120)));
        const voice::WavData soft = voice::readWav(only(quieter.path(), "-" + voiceName + ".wav"));
        CHECK(soft.seconds() == Approx(wav.seconds()).epsilon(0.01));
        CHECK(loudness(soft).rms == Approx(l.rms / 2).epsilon(0.05));
    }
}

TEST_CASE("a new request cuts short the one being said, stop() silences, and neither waits for the sound device", "[voice]")
{
    auto device = std::make_unique<SlowDevice>();
    SlowDevice& d = *device;
    voice::Speaker speaker(std::move(device), {});
    speaker.say({"Bagaimana pelayanan petugas kami hari ini?", "id"});
    REQUIRE(d.waitBegun(1));
    // The device holds the first one; the next request is taken at once and cuts it short.
    speaker.say({"Apa alasan utamanya?", "id"});
    REQUIRE(d.waitBegun(2));
    {
        std::lock_guard<std::mutex> lock(d.m);
        CHECK(d.begun[1] == "Apa alasan utamanya?");
        REQUIRE(d.ended.size() == 1);
        CHECK_FALSE(d.ended[0]); // cut short
    }
    speaker.stop();
    REQUIRE(speaker.waitIdle(seconds(60)));
    CHECK(speaker.stats().cut == 2);
    CHECK(speaker.stats().completed == 0);
    d.release();
    speaker.say({"Terima kasih.", "id"});
    REQUIRE(speaker.waitIdle(seconds(60)));
    CHECK(speaker.stats().completed == 1);
    CHECK(speaker.stats().requested == 3);
    // The destructor cuts short what the device still holds.
    voice::Speaker another(std::make_unique<SlowDevice>(), {});
    another.say({"Bagaimana pelayanan petugas kami hari ini?", "id"});
}

TEST_CASE("a kiosk without a sound device says so once in the log and goes on: nothing is said, nothing waits", "[voice]")
{
    // No card 99 on any kiosk: the device is missing.
    voice::Speaker speaker(std::make_unique<voice::AlsaSink>("hw:99,0"), {});
    for (int i = 0; i < 3; ++i) speaker.say({"Bagaimana pelayanan petugas kami hari ini?", "id"});
    REQUIRE(speaker.waitIdle(seconds(60)));
    const voice::Speaker::Stats st = speaker.stats();
    CHECK(st.completed == 0);
    CHECK(st.dropped >= 1); // (requests that came while one was dropped replace each other)
    CHECK(st.dropped + st.cut <= 3);
    CHECK_THAT(st.problem, Catch::Contains("no sound device 'hw:99,0'"));
    // An unknown voice is dropped too, with its name.
    test::TempDir dir;
    voice::Speaker wav(std::make_unique<voice::WavDirSink>(dir.path()), {});
    wav.say({"halo", "xx-no-such-voice"});
    REQUIRE(wav.waitIdle(seconds(60)));
    CHECK_THAT(wav.stats().problem, Catch::Contains("no voice 'xx-no-such-voice'"));
    CHECK(fs::is_empty(dir.path()));
}
