#pragma once
// The kiosk's voice (issue 21): text said aloud with espeak-ng on a worker thread of its own, into an
// audio sink (a sound device, or WAV files). The UI thread only hands over what to say: say() and
// stop() take a mutex for a moment and return, so speech never holds up a frame or the watchdog's
// pings. A new request cuts the one being said short; requests do not queue up. espeak-ng is a library
// of global state: every call to it is made on this worker thread, one speaker at a time.
// What is said is chosen by the UI (kiosk/ui/speech.hpp), never the citizen's answer.

#include "audio_sink.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace skm::voice {

struct VoiceSettings {
    int volume = 80; // 0..100: 100 is espeak-ng's own level, lower is scaled down
    int rate = 150;  // words per minute (espeak-ng's 80..450)
};

class Speaker {
public:
    // Starts the worker, which starts espeak-ng (a failure is logged, and each request then dropped).
    Speaker(std::unique_ptr<AudioSink> sink, VoiceSettings settings);
    // Cuts short what is being said and waits for the worker (a sink waits on a device at most about
    // 100 ms between looks at the cancel flag).
    ~Speaker();
    Speaker(const Speaker&) = delete;
    Speaker& operator=(const Speaker&) = delete;

    // Says `u` from the start, cutting short whatever is being said or waits. Any thread; returns at once.
    void say(Utterance u);
    // Silence: what is being said is cut short, what waits is forgotten. Any thread; returns at once.
    void stop();

    struct Stats {
        uint64_t requested = 0; // say() calls
        uint64_t completed = 0; // said to the end
        uint64_t cut = 0;       // cut short by a newer request, stop() or the destructor
        uint64_t dropped = 0;   // not said: no sound device, espeak-ng unavailable, a sink that failed
        std::string problem;    // the last reason one was dropped ("" when none)
    };
    [[nodiscard]] Stats stats() const;
    // Waits until nothing is being said or waits, at most `bound`. True if so (tests, shutdown).
    bool waitIdle(std::chrono::milliseconds bound) const;
    // The sample rate espeak-ng synthesizes at (0 before it has started or when it could not).
    [[nodiscard]] int sampleRate() const;

private:
    void run();
    bool startEngine();
    void sayNow(const Utterance& u);
    void dropped(const std::string& why);
    int samples(short* wav, int n); // espeak-ng's callback, on the worker
    friend struct EngineCallback;

    std::unique_ptr<AudioSink> m_sink;
    VoiceSettings m_settings;
    mutable std::mutex m_mutex;
    mutable std::condition_variable m_wake;
    mutable std::condition_variable m_idle;
    std::optional<Utterance> m_pending;
    bool m_busy = false;
    bool m_quit = false;
    std::atomic<bool> m_cancel{false};
    Stats m_stats;
    int m_sampleRate = 0;
    bool m_sinkFailed = false; // for the worker: the current utterance's sink refused a write
    std::thread m_worker;      // last: started when everything above is ready
};

} // namespace skm::voice
