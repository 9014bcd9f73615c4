#include "theme.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>

namespace fs = std::filesystem;

namespace skm::ui {

namespace {
bool readable(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return static_cast<bool>(in);
}
} // namespace

FontPaths findFonts(const std::string& configuredRegular, const std::string& configuredBold)
{
    const fs::path notoDir = "/usr/share/fonts/truetype/noto";
    FontPaths p;
    p.regular = configuredRegular.empty() ? notoDir / "NotoSans-Regular.ttf" : fs::path(configuredRegular);
    if (!configuredBold.empty()) p.bold = configuredBold;
    else if (configuredRegular.empty()) p.bold = notoDir / "NotoSans-Bold.ttf";
    else p.bold = p.regular;

    if (!readable(p.regular)) {
        throw FontError("no font found: cannot read " + p.regular.string() +
                        (configuredRegular.empty() ? " (install Debian's fonts-noto-core: apt-get install fonts-noto-core,"
                                                     " or set display.font in the configuration)"
                                                   : " (display.font in the configuration)"));
    }
    if (!readable(p.bold)) p.bold = p.regular; // a missing bold face is not worth stopping the kiosk for
    return p;
}

float scaleFor(float w, float h, float configuredFactor)
{
    // Landscape panels are designed at 1280x800, portrait ones at 800x1280.
    const float base = w >= h ? std::min(w / 1280.0f, h / 800.0f) : std::min(w / 800.0f, h / 1280.0f);
    return std::clamp(base * configuredFactor, 0.4f, 4.0f);
}

Theme loadTheme(ImFontAtlas* atlas, const FontPaths& fonts, float scale)
{
    atlas->Clear();
    Theme t;
    t.scale = scale;
    // Latin-1 for Indonesian and English, and the general punctuation the catalogues use (…, –, “ ”).
    static const ImWchar ranges[] = {0x0020, 0x00FF, 0x2010, 0x2027, 0x20AC, 0x20AC, 0};
    auto load = [&](const fs::path& file, float px) {
        ImFontConfig cfg;
        cfg.GlyphRanges = ranges;
        cfg.OversampleH = 2;
        cfg.OversampleV = 1;
        ImFont* f = atlas->AddFontFromFileTTF(file.c_str(), std::round(px * scale), &cfg);
        if (!f) throw FontError("cannot load font " + file.string());
        return f;
    };
    t.body = load(fonts.regular, 26.0f); // first font added is ImGui's default
    t.label = load(fonts.bold, 28.0f);
    t.title = load(fonts.bold, 30.0f);
    t.question = load(fonts.bold, 50.0f);
    t.huge = load(fonts.bold, 84.0f);
    if (!atlas->Build()) throw FontError("cannot build the font atlas");
    return t;
}

} // namespace skm::ui
