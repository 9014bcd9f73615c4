#pragma once
// Officers' photos: an optional PNG or JPEG per officer in the roster (`photo = "photos/NIP.jpg"`, a
// path relative to the roster file's directory). They are hostile input, checked with limits first:
// the size before the bytes are read, the type by its magic bytes, the dimensions from the header
// (stbi_info) before anything is decoded, then a full decode. The same check (photoProblem) runs where
// a roster is imported, where the central office publishes it, and where the kiosk receives it.
//
// The kiosk keeps the photos of the roster in force in DATA_DIR/photos/ under names made from their
// content (photoFileName): kiosk/roster/photo_files.hpp.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace skm::roster {

inline constexpr uint64_t kMaxPhotoBytes = 512 * 1024;        // one photo file
inline constexpr int kMaxPhotoSide = 2048;                    // pixels, width and height alike
inline constexpr uint64_t kMaxPhotosBytes = 8 * 1024 * 1024;  // all the photos of one roster (each path once)
inline constexpr size_t kMaxPhotoPathLength = 200;            // `photo` as written in the roster

// A photo as its source holds it: its whole size, and its bytes if that size is at most
// kMaxPhotoBytes (a source never reads a larger one; `bytes` is then empty).
struct PhotoData {
    uint64_t size = 0;
    std::string bytes;
};

// Where a roster's photos are read from: the photo at `path` (as written in the roster, already
// checked by parseRoster to be a plain relative path), or nullopt if there is none. An exception it
// throws refuses the roster ("cannot be read: " and its what()).
using PhotoSource = std::function<std::optional<PhotoData>(const std::string& path)>;

// A source that reads `path` under the first of `dirs` holding it as a regular file. The returned
// function may be called from any thread.
[[nodiscard]] PhotoSource photosIn(std::vector<std::filesystem::path> dirs);

struct PhotoInfo {
    std::string type; // "png" or "jpg", by the magic bytes
    int width = 0;
    int height = 0;
};

// What is wrong with a photo of `size` bytes, before it is read ("" if nothing).
[[nodiscard]] std::string photoSizeProblem(uint64_t size);
// What is wrong with `bytes` as an officer's photo, as a phrase to follow the photo's name ("is not a
// PNG or JPEG image"), or "" if nothing; then fills `info` if given. Refused: more than
// kMaxPhotoBytes, not PNG or JPEG by the magic bytes, a side beyond kMaxPhotoSide, or not decodable.
// Decodes only after the other checks passed. Remembers the photos that passed by their SHA-256 (the
// last 1024), so the central office, which checks what it publishes at every request, decodes each
// photo once. Any thread.
[[nodiscard]] std::string photoProblem(std::string_view bytes, PhotoInfo* info = nullptr);

// The name a photo (which passed photoProblem) is stored under in DATA_DIR/photos/: the first 32 hex
// digits of its SHA-256, then ".png" or ".jpg" by its type.
[[nodiscard]] std::string photoFileName(std::string_view bytes, const PhotoInfo& info);
// Whether `name` is such a name (and so safe to join to the photos directory).
[[nodiscard]] bool isPhotoFileName(std::string_view name);

} // namespace skm::roster
