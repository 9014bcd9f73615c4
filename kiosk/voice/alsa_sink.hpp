#pragma once
// The kiosk's sound device through ALSA (libasound): the device is opened for each utterance and
// closed after it, so a speaker plugged in later works and nothing holds the device in between. A
// missing or busy device is a problem() for the log, never a crash or a wait: the device is opened
// without blocking, and writes wait for room at most 100 ms at a time, looking at the cancel flag.

#include "audio_sink.hpp"

#include <string>

typedef struct _snd_pcm snd_pcm_t;

namespace skm::voice {

class AlsaSink final : public AudioSink {
public:
    // `device`: an ALSA PCM name ("default", "plughw:0,0", "hdmi:0").
    explicit AlsaSink(std::string device);
    ~AlsaSink() override;
    bool begin(int sampleRate, const Utterance& u) override;
    bool write(const int16_t* samples, size_t n, const std::atomic<bool>& cancelled) override;
    void end(bool completed) override;
    [[nodiscard]] std::string problem() const override { return m_problem; }
    [[nodiscard]] std::string describe() const override { return "ALSA device '" + m_device + "'"; }

private:
    void close();

    std::string m_device;
    snd_pcm_t* m_pcm = nullptr;
    std::string m_problem;
};

} // namespace skm::voice
