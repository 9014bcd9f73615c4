#pragma once
// Images for the photo tests, made at test time with stb_image_write (no binary file is committed).
// Each is a pattern drawn from `seed`: the same arguments give the same bytes, another seed others.

#include <string>

namespace skm::test {

[[nodiscard]] std::string makePng(int width, int height, unsigned seed = 1);
[[nodiscard]] std::string makeJpeg(int width, int height, unsigned seed = 1);
// A PNG of random pixels, which does not compress: about 3 * width * height bytes.
[[nodiscard]] std::string makeNoisePng(int width, int height, unsigned seed = 1);
// A BMP: an image stb_image can decode, but not a type the kiosk takes.
[[nodiscard]] std::string makeBmp(int width, int height);

} // namespace skm::test
