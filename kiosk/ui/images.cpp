#include "images.hpp"

#include <algorithm>

namespace skm::ui {

namespace {
ImageSource* g_source = nullptr;
}

void setImageSource(ImageSource* source) { g_source = source; }

Image loadImage(const std::string& path)
{
    if (!g_source || path.empty()) return {};
    return g_source->get(path);
}

void drawImageCover(ImDrawList* dl, const Image& image, ImVec2 min, ImVec2 max, float rounding)
{
    if (!image.texture || image.width <= 0 || image.height <= 0) return;
    const float boxW = max.x - min.x, boxH = max.y - min.y;
    if (boxW <= 0 || boxH <= 0) return;
    // Crop the picture's centre to the box's aspect ratio ("cover").
    const float imageAspect = static_cast<float>(image.width) / static_cast<float>(image.height);
    const float boxAspect = boxW / boxH;
    ImVec2 uv0(0, 0), uv1(1, 1);
    if (imageAspect > boxAspect) {
        const float keep = boxAspect / imageAspect;
        uv0.x = (1 - keep) * 0.5f;
        uv1.x = 1 - uv0.x;
    } else {
        const float keep = imageAspect / boxAspect;
        uv0.y = (1 - keep) * 0.5f;
        uv1.y = 1 - uv0.y;
    }
    dl->AddImageRounded(image.texture, min, max, uv0, uv1, IM_COL32_WHITE, rounding);
}

} // namespace skm::ui
