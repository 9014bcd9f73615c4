#include "speaker.hpp"

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

namespace skm::voice {

namespace {

// espeak-ng's state is the process's: started once, used by one speaker's worker at a time.
std::mutex g_engineMutex;
bool g_engineStarted = false;
int g_engineRate = 0;
std::string g_engineError;

std::string statusText(espeak_ng_STATUS status)
{
    char buf[512] = {0};
    espeak_ng_GetStatusCodeMessage(status, buf, sizeof buf);
    return buf;
}

} // namespace

Speaker::Speaker(std::unique_ptr<AudioSink> sink, VoiceSettings settings) : m_sink(std::move(sink)), m_settings(settings)
{
    m_worker = std::thread([this] { run(); });
}

Speaker::~Speaker()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_quit = true;
        m_pending.reset();
        m_cancel = true;
    }
    m_wake.notify_all();
    m_worker.join();
}

void Speaker::say(Utterance u)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        ++m_stats.requested;
        m_pending = std::move(u);
        if (m_busy) m_cancel = true;
    }
    m_wake.notify_all();
}

void Speaker::stop()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_pending.reset();
    if (m_busy) m_cancel = true;
}

Speaker::Stats Speaker::stats() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_stats;
}

int Speaker::sampleRate() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_sampleRate;
}

bool Speaker::waitIdle(std::chrono::milliseconds bound) const
{
    std::unique_lock<std::mutex> lock(m_mutex);
    return m_idle.wait_for(lock, bound, [this] { return !m_busy && !m_pending; });
}

void Speaker::dropped(const std::string& why)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    ++m_stats.dropped;
    // Once per kind of trouble, not once per utterance: a kiosk without a sound card says so once.
    if (why != m_stats.problem) spdlog::warn("voice: not said: {}; the kiosk goes on without sound", why);
    m_stats.problem = why;
}

bool Speaker::startEngine()
{
    std::lock_guard<std::mutex> engine(g_engineMutex);
    if (!g_engineStarted && g_engineError.empty()) {
        espeak_ng_InitializePath(nullptr); // Debian's espeak-ng-data, or $ESPEAK_DATA_PATH
        espeak_ng_ERROR_CONTEXT context = nullptr;
        espeak_ng_STATUS status = espeak_ng_Initialize(&context);
        if (status == ENS_OK) status = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 100, nullptr);
        espeak_ng_ClearErrorContext(&context);
        if (status != ENS_OK) {
            g_engineError = "espeak-ng cannot start (" + statusText(status) + "; is espeak-ng-data installed?)";
        } else {
            g_engineStarted = true;
            g_engineRate = espeak_ng_GetSampleRate();
        }
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    m_sampleRate = g_engineStarted ? g_engineRate : 0;
    return g_engineStarted;
}

void Speaker::run()
{
    const bool engine = startEngine();
    if (!engine) spdlog::error("voice: {}", g_engineError);
    for (;;) {
        Utterance u;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_busy = false;
            m_idle.notify_all();
            m_wake.wait(lock, [this] { return m_quit || m_pending; });
            if (m_quit) return;
            u = std::move(*m_pending);
            m_pending.reset();
            m_busy = true;
            m_cancel = false;
        }
        if (!engine) {
            dropped(g_engineError);
            continue;
        }
        sayNow(u);
    }
}

// espeak-ng's synth callback, on the worker thread inside espeak_ng_Synthesize: `n` samples (none
// with wav == null at the end). Returning 1 stops the synthesis.
struct EngineCallback {
    static int call(short* wav, int n, espeak_EVENT* events)
    {
        auto* self = static_cast<Speaker*>(events ? events->user_data : nullptr);
        return self ? self->samples(wav, n) : 1;
    }
};

int Speaker::samples(short* wav, int n)
{
    if (m_cancel) return 1;
    if (!wav || n <= 0) return 0;
    // The office's volume, as a gain on espeak-ng's own level.
    std::vector<int16_t> scaled(static_cast<size_t>(n));
    const int volume = std::clamp(m_settings.volume, 0, 100);
    for (int i = 0; i < n; ++i) scaled[static_cast<size_t>(i)] = static_cast<int16_t>(wav[i] * volume / 100);
    if (!m_sink->write(scaled.data(), scaled.size(), m_cancel)) {
        if (!m_cancel) m_sinkFailed = true;
        return 1;
    }
    return 0;
}

void Speaker::sayNow(const Utterance& u)
{
    std::lock_guard<std::mutex> engine(g_engineMutex);
    if (espeak_ng_SetVoiceByName(u.voice.c_str()) != ENS_OK) {
        dropped("espeak-ng has no voice '" + u.voice + "'");
        return;
    }
    (void)espeak_ng_SetParameter(espeakRATE, std::clamp(m_settings.rate, espeakRATE_MINIMUM, espeakRATE_MAXIMUM), 0);
    (void)espeak_ng_SetParameter(espeakVOLUME, 100, 0);
    if (!m_sink->begin(g_engineRate, u)) {
        dropped(m_sink->problem());
        return;
    }
    m_sinkFailed = false;
    espeak_SetSynthCallback(&EngineCallback::call);
    const espeak_ng_STATUS status =
        espeak_ng_Synthesize(u.text.c_str(), u.text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, this);
    const bool cut = m_cancel.load();
    const bool completed = status == ENS_OK && !cut && !m_sinkFailed;
    m_sink->end(completed);
    if (m_sinkFailed) return dropped(m_sink->problem());
    if (status != ENS_OK && !cut) return dropped("espeak-ng: " + statusText(status));
    std::lock_guard<std::mutex> lock(m_mutex);
    ++(completed ? m_stats.completed : m_stats.cut);
}

} // namespace skm::voice
