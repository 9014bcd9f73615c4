#include "theme.hpp"

#include <kiosk/config/config.hpp>

#include <stb_truetype.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <vector>

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
    FontPaths p;
    p.regular = configuredRegular.empty() ? fs::path(config::kDefaultFont) : fs::path(configuredRegular);
    if (!configuredBold.empty()) p.bold = configuredBold;
    else if (configuredRegular.empty()) p.bold = config::kDefaultBoldFont;
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

float assumedDiagonalInches(float w, float h)
{
    const float longSide = std::max(w, h);
    if (longSide <= 1024) return 7.0f;
    if (longSide <= 1440) return 10.1f;
    return 21.5f;
}

Metrics metricsFor(float w, float h, float configuredInches, ImVec2 monitorMm, float factor, bool largeText)
{
    Metrics m;
    m.width = w;
    m.height = h;
    m.factor = factor;
    const float diagonalPx = std::sqrt(w * w + h * h);
    const float monitorInches = std::sqrt(monitorMm.x * monitorMm.x + monitorMm.y * monitorMm.y) / 25.4f;
    if (configuredInches > 0) {
        m.diagonalInches = configuredInches;
        m.diagonalSource = "configured";
    } else if (monitorInches >= 5.0f && monitorInches <= 100.0f) {
        // Many panels report no size or a nonsense one in their EDID (0, or a TV's aspect in cm).
        m.diagonalInches = monitorInches;
        m.diagonalSource = "from the monitor";
    } else {
        m.diagonalInches = assumedDiagonalInches(w, h);
        m.diagonalSource = "assumed from the resolution";
    }
    m.pxPerMm = diagonalPx / (m.diagonalInches * 25.4f);
    // Large text needs room: at least ten lines of it down the panel (a 7" 800x480 panel holds eight,
    // and its screens could not keep their answers apart). Below that it is refused, and said so.
    constexpr float kNotoCapRatio = 0.524f; // a close estimate here; the fonts are measured when loaded
    const float largeLinePx = 5.0f * m.pxPerMm / kNotoCapRatio * 1.15f;
    m.largeTextRefused = largeText && std::min(w, h) < 10.0f * largeLinePx;
    m.largeText = largeText && !m.largeTextRefused;
    largeText = m.largeText;
    m.minCapMm = largeText ? 5.0f : 4.0f;
    m.minTargetMm = largeText ? 11.0f : 9.0f;
    // The design is laid out at 1280x800 (portrait 800x1280); a larger panel gets it larger. A panel
    // with few pixels per millimetre keeps the physical minimums: the fonts are held to them below and
    // the layouts are built from the font sizes.
    const float fill = w >= h ? std::min(w / 1280.0f, h / 800.0f) : std::min(w / 800.0f, h / 1280.0f);
    m.scale = std::clamp(fill * factor * (largeText ? 1.2f : 1.0f), 0.4f, 4.0f);
    return m;
}

float capHeightRatio(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    const std::vector<unsigned char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    stbtt_fontinfo info{};
    const int offset = data.empty() ? -1 : stbtt_GetFontOffsetForIndex(data.data(), 0);
    if (offset < 0 || !stbtt_InitFont(&info, data.data(), offset)) throw FontError("not a font file: " + file.string());
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    if (!stbtt_GetCodepointBox(&info, 'H', &x0, &y0, &x1, &y1)) throw FontError("the font has no capital H: " + file.string());
    // ImGui sizes a font by stbtt_ScaleForPixelHeight: ascent - descent is the size in pixels.
    return static_cast<float>(y1) * stbtt_ScaleForPixelHeight(&info, 1.0f);
}

float capHeightPx(const Theme& theme, const ImFont* font) { return font->FontSize * theme.capRatio; }

Theme loadTheme(ImFontAtlas* atlas, const FontPaths& fonts, const Metrics& metrics)
{
    atlas->Clear();
    Theme t;
    t.metrics = metrics;
    t.scale = metrics.scale;
    // The smaller capitals of the two faces decide (a configured font may differ from Noto Sans).
    t.capRatio = std::min(capHeightRatio(fonts.regular), capHeightRatio(fonts.bold));
    // Latin-1 for Indonesian and English, and the general punctuation the catalogues use (…, –, “ ”).
    static const ImWchar ranges[] = {0x0020, 0x00FF, 0x2010, 0x2027, 0x20AC, 0x20AC, 0};
    const float minPx = std::ceil(metrics.minCapMm * metrics.pxPerMm / t.capRatio);
    auto load = [&](const fs::path& file, float designPx, float floorPx) {
        ImFontConfig cfg;
        cfg.GlyphRanges = ranges;
        cfg.OversampleH = 2;
        cfg.OversampleV = 1;
        const float px = std::ceil(std::max(designPx * metrics.scale, floorPx));
        ImFont* f = atlas->AddFontFromFileTTF(file.c_str(), px, &cfg);
        if (!f) throw FontError("cannot load font " + file.string());
        return f;
    };
    t.body = load(fonts.regular, 30.0f, minPx); // first font added is ImGui's default
    t.label = load(fonts.bold, 32.0f, minPx);
    t.title = load(fonts.bold, 32.0f, minPx);
    t.question = load(fonts.bold, 48.0f, minPx * 1.1f);
    t.huge = load(fonts.bold, 84.0f, minPx * 1.5f);
    // Staff screens are read from arm's length by people who use them every day: denser, still at
    // least 2 mm of cap height (a phone's body text has about 1.7 mm).
    const float staffMinPx = std::ceil(2.0f * metrics.pxPerMm / t.capRatio);
    t.staff = load(fonts.regular, 26.0f, staffMinPx);
    t.staffBold = load(fonts.bold, 28.0f, staffMinPx);
    if (!atlas->Build()) throw FontError("cannot build the font atlas");
    return t;
}

} // namespace skm::ui
