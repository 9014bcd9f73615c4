#include "test_images.hpp"

#include <stb_image_write.h>

#include <random>
#include <vector>

namespace skm::test {

namespace {

void append(void* context, void* data, int size) { static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<size_t>(size)); }

// RGB stripes whose colours follow `seed`, so that two seeds give visibly different photos.
std::vector<unsigned char> pattern(int w, int h, unsigned seed)
{
    std::vector<unsigned char> px(static_cast<size_t>(w) * h * 3);
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            unsigned char* p = &px[(static_cast<size_t>(y) * w + x) * 3];
            p[0] = static_cast<unsigned char>(seed * 53 + x);
            p[1] = static_cast<unsigned char>(seed * 97 + y);
            p[2] = static_cast<unsigned char>(seed * 31 + (x / 8 + y / 8) * 16);
        }
    }
    return px;
}

} // namespace

std::string makePng(int width, int height, unsigned seed)
{
    std::string out;
    const auto px = pattern(width, height, seed);
    stbi_write_png_to_func(append, &out, width, height, 3, px.data(), width * 3);
    return out;
}

std::string makeJpeg(int width, int height, unsigned seed)
{
    std::string out;
    const auto px = pattern(width, height, seed);
    stbi_write_jpg_to_func(append, &out, width, height, 3, px.data(), 90);
    return out;
}

std::string makeNoisePng(int width, int height, unsigned seed)
{
    std::mt19937 rng(seed);
    std::vector<unsigned char> px(static_cast<size_t>(width) * height * 3);
    for (auto& c : px) c = static_cast<unsigned char>(rng());
    std::string out;
    stbi_write_png_to_func(append, &out, width, height, 3, px.data(), width * 3);
    return out;
}

std::string makeBmp(int width, int height)
{
    std::string out;
    const auto px = pattern(width, height, 7);
    stbi_write_bmp_to_func(append, &out, width, height, 3, px.data());
    return out;
}

} // namespace skm::test
