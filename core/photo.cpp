#include "photo.hpp"

#include <sodium.h>
#include <stb_image.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <mutex>
#include <system_error>

namespace fs = std::filesystem;

namespace skm::roster {

namespace {

std::string sha256Hex(std::string_view data)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    return hex;
}

std::string kib(uint64_t bytes) { return std::to_string((bytes + 1023) / 1024) + " KiB"; }

// The type by the file's signature: PNG (RFC 2083, 3.1) or JPEG (an SOI marker, then another marker).
const char* imageType(std::string_view b)
{
    if (b.size() >= 8 && b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) return "png";
    if (b.size() >= 3 && b.substr(0, 3) == "\xFF\xD8\xFF") return "jpg";
    return nullptr;
}

// Photos that passed photoProblem, by SHA-256. Forgotten all at once when full: bounded, and simple.
class PassedPhotos {
public:
    std::optional<PhotoInfo> find(const std::string& hash)
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_passed.find(hash);
        return it == m_passed.end() ? std::nullopt : std::optional<PhotoInfo>(it->second);
    }
    void add(const std::string& hash, const PhotoInfo& info)
    {
        std::lock_guard lock(m_mutex);
        if (m_passed.size() >= 1024) m_passed.clear();
        m_passed.emplace(hash, info);
    }

private:
    std::mutex m_mutex;
    std::map<std::string, PhotoInfo> m_passed;
};

PassedPhotos& passedPhotos()
{
    static PassedPhotos passed;
    return passed;
}

} // namespace

PhotoSource photosIn(std::vector<fs::path> dirs)
{
    return [dirs = std::move(dirs)](const std::string& path) -> std::optional<PhotoData> {
        for (const fs::path& dir : dirs) {
            const fs::path file = dir / path;
            std::error_code ec;
            if (!fs::is_regular_file(file, ec)) continue;
            PhotoData d;
            d.size = fs::file_size(file, ec);
            if (ec || d.size > kMaxPhotoBytes) return d; // too large (or unreadable): not read
            std::ifstream in(file, std::ios::binary);
            d.bytes.resize(kMaxPhotoBytes + 1);
            in.read(d.bytes.data(), static_cast<std::streamsize>(d.bytes.size()));
            d.bytes.resize(static_cast<size_t>(in.gcount()));
            d.size = d.bytes.size(); // as read, if it changed since
            if (d.size > kMaxPhotoBytes) d.bytes.clear();
            return d;
        }
        return std::nullopt;
    };
}

std::string photoSizeProblem(uint64_t size)
{
    if (size > kMaxPhotoBytes) return "is " + kib(size) + ", more than the " + kib(kMaxPhotoBytes) + " allowed";
    return {};
}

std::string photoProblem(std::string_view bytes, PhotoInfo* info)
{
    if (std::string problem = photoSizeProblem(bytes.size()); !problem.empty()) return problem;
    const char* type = imageType(bytes);
    if (!type) return "is not a PNG or JPEG image";
    const std::string hash = sha256Hex(bytes);
    if (const auto known = passedPhotos().find(hash)) {
        if (info) *info = *known;
        return {};
    }
    const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
    const int len = static_cast<int>(bytes.size());
    int w = 0, h = 0, channels = 0;
    // The header first: a small file may claim a huge image, and the dimensions decide whether to decode.
    if (!stbi_info_from_memory(data, len, &w, &h, &channels) || w < 1 || h < 1) {
        return std::string("cannot be decoded (") + (stbi_failure_reason() ? stbi_failure_reason() : "no image header") + ")";
    }
    if (w > kMaxPhotoSide || h > kMaxPhotoSide) {
        return "is " + std::to_string(w) + "x" + std::to_string(h) + " pixels, more than the " + std::to_string(kMaxPhotoSide) + "x" +
               std::to_string(kMaxPhotoSide) + " allowed";
    }
    stbi_uc* pixels = stbi_load_from_memory(data, len, &w, &h, &channels, 0);
    if (!pixels) return std::string("cannot be decoded (") + (stbi_failure_reason() ? stbi_failure_reason() : "unknown") + ")";
    stbi_image_free(pixels);
    const PhotoInfo found{type, w, h};
    passedPhotos().add(hash, found);
    if (info) *info = found;
    return {};
}

std::string photoFileName(std::string_view bytes, const PhotoInfo& info) { return sha256Hex(bytes).substr(0, 32) + "." + info.type; }

bool isPhotoFileName(std::string_view name)
{
    if (name.size() != 36 || (name.substr(32) != ".png" && name.substr(32) != ".jpg")) return false;
    for (char c : name.substr(0, 32)) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

} // namespace skm::roster
