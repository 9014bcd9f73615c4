#pragma once
// Where the kiosk's voice goes: a sound device (alsa_sink.hpp) or, for tests and diagnosis, a WAV file
// per utterance in a directory (wav_sink.hpp). The speaker (speaker.hpp) calls a sink from its worker
// thread only, one utterance at a time: begin, write..., end. No GUI dependency.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

namespace skm::voice {

// What is to be said: UTF-8 text and the espeak-ng voice that says it ("id", "en").
struct Utterance {
    std::string text;
    std::string voice;
};

class AudioSink {
public:
    virtual ~AudioSink() = default;
    // Starts `u` as mono signed 16-bit samples at `sampleRate` Hz. False when it cannot be played (no
    // sound device, a full disk): problem() says why, and the utterance is dropped.
    [[nodiscard]] virtual bool begin(int sampleRate, const Utterance& u) = 0;
    // Plays or keeps `n` samples. Returns false when the utterance must stop: `cancelled` became true
    // (a sink waits on a device at most about 100 ms between looks at it) or the device failed.
    [[nodiscard]] virtual bool write(const int16_t* samples, size_t n, const std::atomic<bool>& cancelled) = 0;
    // Ends the utterance begun: `completed` false when it was cut short (cancelled or failed), then a
    // device drops what it still holds instead of playing it out.
    virtual void end(bool completed) = 0;
    // The last failure, in a line for the log ("" when none).
    [[nodiscard]] virtual std::string problem() const = 0;
    // For the start-up log: "ALSA device 'default'", "WAV files in DIR".
    [[nodiscard]] virtual std::string describe() const = 0;
};

} // namespace skm::voice
