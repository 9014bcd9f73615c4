#include "wav_sink.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>

namespace fs = std::filesystem;

namespace skm::voice {

namespace {

void put32(unsigned char* p, uint32_t v)
{
    for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
void put16(unsigned char* p, uint16_t v)
{
    p[0] = static_cast<unsigned char>(v);
    p[1] = static_cast<unsigned char>(v >> 8);
}
uint32_t get32(const unsigned char* p) { return p[0] | p[1] << 8 | p[2] << 16 | static_cast<uint32_t>(p[3]) << 24; }
uint16_t get16(const unsigned char* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }

// The canonical 44-byte header of a mono 16-bit PCM file holding `bytes` bytes of samples.
void header(unsigned char (&h)[44], int sampleRate, uint32_t bytes)
{
    std::memcpy(h, "RIFF", 4);
    put32(h + 4, 36 + bytes);
    std::memcpy(h + 8, "WAVEfmt ", 8);
    put32(h + 16, 16);
    put16(h + 20, 1); // PCM
    put16(h + 22, 1); // mono
    put32(h + 24, static_cast<uint32_t>(sampleRate));
    put32(h + 28, static_cast<uint32_t>(sampleRate) * 2);
    put16(h + 32, 2);
    put16(h + 34, 16);
    std::memcpy(h + 36, "data", 4);
    put32(h + 40, bytes);
}

} // namespace

WavDirSink::WavDirSink(fs::path dir) : m_dir(std::move(dir)) {}

WavDirSink::~WavDirSink() { closeFile(); }

void WavDirSink::closeFile()
{
    if (m_file) std::fclose(m_file);
    m_file = nullptr;
}

bool WavDirSink::begin(int sampleRate, const Utterance& u)
{
    closeFile();
    std::error_code ec;
    fs::create_directories(m_dir, ec);
    if (ec) {
        m_problem = "cannot make the directory " + m_dir.string() + ": " + ec.message();
        return false;
    }
    // The next number not taken (a kiosk restarted with the same directory goes on counting).
    char name[48];
    for (;; ++m_next) {
        std::snprintf(name, sizeof name, "%04d-", m_next);
        const std::string base = name + u.voice;
        if (!fs::exists(m_dir / (base + ".wav")) && !fs::exists(m_dir / (base + "-cancelled.wav")) && !fs::exists(m_dir / (base + ".txt"))) break;
    }
    m_base = m_dir / (name + u.voice);
    ++m_next;
    std::ofstream(m_base.string() + ".txt", std::ios::binary) << u.text << '\n';
    m_part = m_base.string() + ".wav.part";
    m_file = std::fopen(m_part.c_str(), "wb");
    if (!m_file) {
        m_problem = "cannot write " + m_part.string() + ": " + std::strerror(errno);
        return false;
    }
    m_sampleRate = sampleRate;
    m_bytes = 0;
    unsigned char h[44];
    header(h, sampleRate, 0);
    if (std::fwrite(h, 1, sizeof h, m_file) != sizeof h) {
        m_problem = "cannot write " + m_part.string();
        closeFile();
        return false;
    }
    return true;
}

bool WavDirSink::write(const int16_t* samples, size_t n, const std::atomic<bool>& cancelled)
{
    if (!m_file) return false;
    if (cancelled) return false;
    // Little-endian on disk, as on every machine the kiosk runs on (x86-64, arm64).
    if (std::fwrite(samples, sizeof(int16_t), n, m_file) != n) {
        m_problem = "cannot write " + m_part.string() + " (disk full?)";
        return false;
    }
    m_bytes += static_cast<uint32_t>(n * sizeof(int16_t));
    return true;
}

void WavDirSink::end(bool completed)
{
    if (!m_file) return;
    unsigned char h[44];
    header(h, m_sampleRate, m_bytes);
    const bool ok = std::fseek(m_file, 0, SEEK_SET) == 0 && std::fwrite(h, 1, sizeof h, m_file) == sizeof h && std::fflush(m_file) == 0;
    closeFile();
    std::error_code ec;
    if (!ok) {
        m_problem = "cannot finish " + m_part.string();
        fs::remove(m_part, ec);
        return;
    }
    fs::rename(m_part, m_base.string() + (completed ? ".wav" : "-cancelled.wav"), ec);
    if (ec) m_problem = "cannot rename " + m_part.string() + ": " + ec.message();
}

WavData readWav(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + file.string());
    std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() < 12 || std::memcmp(bytes.data(), "RIFF", 4) != 0 || std::memcmp(bytes.data() + 8, "WAVE", 4) != 0) {
        throw std::runtime_error(file.string() + " is not a WAV file");
    }
    WavData out;
    int channels = 0, bits = 0;
    for (size_t at = 12; at + 8 <= bytes.size();) {
        const uint32_t size = get32(bytes.data() + at + 4);
        const unsigned char* body = bytes.data() + at + 8;
        if (at + 8 + size > bytes.size()) throw std::runtime_error(file.string() + ": a chunk runs past the end");
        if (std::memcmp(bytes.data() + at, "fmt ", 4) == 0 && size >= 16) {
            if (get16(body) != 1) throw std::runtime_error(file.string() + ": not PCM");
            channels = get16(body + 2);
            out.sampleRate = static_cast<int>(get32(body + 4));
            bits = get16(body + 14);
        } else if (std::memcmp(bytes.data() + at, "data", 4) == 0) {
            if (bits != 16 || channels < 1) throw std::runtime_error(file.string() + ": not 16-bit PCM");
            for (size_t i = 0; i + 2 * channels <= size; i += 2 * channels) out.samples.push_back(static_cast<int16_t>(get16(body + i)));
            return out;
        }
        at += 8 + size + (size & 1);
    }
    throw std::runtime_error(file.string() + ": no data chunk");
}

} // namespace skm::voice
