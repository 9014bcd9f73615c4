#pragma once
// A sink that writes each utterance to a WAV file instead of playing it ([voice] wav_dir): for tests
// and for a technician who wants to hear what the kiosk says on a machine without a sound card.
// Utterances are numbered from 1 in the order begun: DIR/NNNN-VOICE.wav (mono, 16-bit PCM) beside
// DIR/NNNN-VOICE.txt (the text said). One cut short by a newer request keeps what was said before the
// cut, as DIR/NNNN-VOICE-cancelled.wav. A file appears under its final name only once complete.

#include "audio_sink.hpp"

#include <cstdio>
#include <filesystem>
#include <vector>

namespace skm::voice {

class WavDirSink final : public AudioSink {
public:
    explicit WavDirSink(std::filesystem::path dir);
    ~WavDirSink() override;
    bool begin(int sampleRate, const Utterance& u) override;
    bool write(const int16_t* samples, size_t n, const std::atomic<bool>& cancelled) override;
    void end(bool completed) override;
    [[nodiscard]] std::string problem() const override { return m_problem; }
    [[nodiscard]] std::string describe() const override { return "WAV files in " + m_dir.string(); }

private:
    void closeFile();

    std::filesystem::path m_dir;
    std::filesystem::path m_part; // the file being written (NNNN-VOICE.wav.part)
    std::filesystem::path m_base; // NNNN-VOICE
    std::FILE* m_file = nullptr;
    int m_sampleRate = 0;
    uint32_t m_bytes = 0;
    int m_next = 1;
    std::string m_problem;
};

// A WAV file's samples (mono or the first channel, 16-bit PCM), for tests and diagnosis. Throws
// std::runtime_error for anything else.
struct WavData {
    int sampleRate = 0;
    std::vector<int16_t> samples;
    [[nodiscard]] double seconds() const { return sampleRate > 0 ? static_cast<double>(samples.size()) / sampleRate : 0.0; }
};
[[nodiscard]] WavData readWav(const std::filesystem::path& file);

} // namespace skm::voice
