#include "alsa_sink.hpp"

#include <alsa/asoundlib.h>

namespace skm::voice {

namespace {
// ALSA prints its own complaints to stderr (a kiosk without a card would print one per utterance);
// the sink reports them once through problem() instead.
void quiet(const char*, int, const char*, int, const char*, ...) {}
} // namespace

AlsaSink::AlsaSink(std::string device) : m_device(std::move(device)) { snd_lib_error_set_handler(quiet); }

AlsaSink::~AlsaSink() { close(); }

void AlsaSink::close()
{
    if (m_pcm) snd_pcm_close(m_pcm);
    m_pcm = nullptr;
}

bool AlsaSink::begin(int sampleRate, const Utterance&)
{
    close();
    // Non-blocking: a device another program holds answers at once instead of making the worker wait.
    int err = snd_pcm_open(&m_pcm, m_device.c_str(), SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK);
    if (err < 0) {
        m_pcm = nullptr;
        m_problem = "no sound device '" + m_device + "' (" + snd_strerror(err) + ")";
        return false;
    }
    // 16-bit mono at espeak-ng's rate, resampled by ALSA if the card wants another; 200 ms of latency.
    err = snd_pcm_set_params(m_pcm, SND_PCM_FORMAT_S16, SND_PCM_ACCESS_RW_INTERLEAVED, 1, static_cast<unsigned>(sampleRate), 1, 200'000);
    if (err < 0) {
        m_problem = "sound device '" + m_device + "' refuses 16-bit mono at " + std::to_string(sampleRate) + " Hz (" + snd_strerror(err) + ")";
        close();
        return false;
    }
    return true;
}

bool AlsaSink::write(const int16_t* samples, size_t n, const std::atomic<bool>& cancelled)
{
    while (n > 0 && m_pcm) {
        if (cancelled) return false;
        const snd_pcm_sframes_t done = snd_pcm_writei(m_pcm, samples, n);
        if (done == -EAGAIN) {
            (void)snd_pcm_wait(m_pcm, 100); // room, or 100 ms: then the cancel flag again
            continue;
        }
        if (done < 0) {
            const int err = snd_pcm_recover(m_pcm, static_cast<int>(done), 1); // an underrun is recovered
            if (err < 0) {
                m_problem = "sound device '" + m_device + "' failed (" + snd_strerror(err) + ")";
                return false;
            }
            continue;
        }
        samples += done;
        n -= static_cast<size_t>(done);
    }
    return m_pcm != nullptr;
}

void AlsaSink::end(bool completed)
{
    if (!m_pcm) return;
    if (completed) {
        // What is still buffered (at most the 200 ms of latency) is played out.
        snd_pcm_nonblock(m_pcm, 0);
        (void)snd_pcm_drain(m_pcm);
    } else {
        (void)snd_pcm_drop(m_pcm);
    }
    close();
}

} // namespace skm::voice
