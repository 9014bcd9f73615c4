#pragma once
// Pictures the screens show (an officer's photo). The screens ask for a file by path; the app installs
// a source that decodes it once and keeps it as an OpenGL texture; headless tests install one that
// only reads the picture's size. Without a source, no picture is drawn. UI thread only.

#include <imgui.h>

#include <string>

namespace skm::ui {

struct Image {
    ImTextureID texture = nullptr; // null: no picture (none, unreadable, or no source installed)
    int width = 0;
    int height = 0;
};

class ImageSource {
public:
    virtual ~ImageSource() = default;
    // The picture in `path`; a path that cannot be read or decoded gives an empty Image (and is not
    // tried again until the file changes).
    [[nodiscard]] virtual Image get(const std::string& path) = 0;
};

// The source the screens use (not owned; it must outlive the screens' use of it).
void setImageSource(ImageSource* source);
[[nodiscard]] Image loadImage(const std::string& path);

// Draws `image` to fill `r`, cropped to keep its aspect ratio, with rounded corners.
void drawImageCover(ImDrawList* dl, const Image& image, ImVec2 min, ImVec2 max, float rounding);

} // namespace skm::ui
