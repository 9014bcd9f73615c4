#pragma once
// Colours, fonts and sizes shared by every screen. Sizes are multiples of the font size so that the
// layout follows the UI scale; fonts are loaded at round(px * scale) to stay sharp (no FontGlobalScale).
// Sizes are also held to physical minimums from the panel's pixels per millimetre: the citizen's text
// has a cap height of at least 4 mm (5 mm in large-text mode) and every touch target is at least 9 mm
// (11 mm), at 800x480 on a 7" panel as at 1280x800 on a 10" one (docs/architecture.md).

#include <imgui.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace skm::ui {

struct FontPaths {
    std::filesystem::path regular;
    std::filesystem::path bold;
};

// Where Debian's fonts-noto-core puts Noto Sans; or the configured files. Throws FontError, naming the
// paths it tried and the package to install, when none is readable.
class FontError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};
[[nodiscard]] FontPaths findFonts(const std::string& configuredRegular, const std::string& configuredBold);

// The panel: its size in pixels and how many pixels make a millimetre, and the office's choices.
struct Metrics {
    float width = 1280;
    float height = 800;
    float pxPerMm = 5.88f;       // 1280x800 on a 10.1" panel
    float diagonalInches = 10.1f;
    const char* diagonalSource = "assumed from the resolution"; // or "configured", "from the monitor"
    float factor = 1.0f;         // display.ui_scale
    bool largeText = false;      // display.large_text, when the panel has room for it
    bool largeTextRefused = false; // asked for, but the panel is too small (fewer than ten lines of it)
    float scale = 1.0f;          // the design's pixels (laid out at 1280x800) to this panel's
    float minCapMm = 4.0f;       // the citizen's text: cap height at least this
    float minTargetMm = 9.0f;    // every touch target: both sides at least this
};

// A typical panel of this resolution when nothing better is known: up to 1024 px wide a 7" panel,
// up to 1440 a 10.1" one, larger a 21.5" one (kiosk stands and wall screens).
[[nodiscard]] float assumedDiagonalInches(float w, float h);
// The metrics of a w x h display. `configuredInches` (display.diagonal_inches) wins when set; else
// `monitorMm` (the monitor's own report, width and height in mm) when it is plausible (a 5" to 100"
// panel); else assumedDiagonalInches.
[[nodiscard]] Metrics metricsFor(float w, float h, float configuredInches, ImVec2 monitorMm, float factor, bool largeText);

struct Theme {
    Metrics metrics;
    float scale = 1.0f;
    float capRatio = 0.524f;    // the regular font's cap height per pixel of ImGui font size (Noto Sans: 714 / 1362)
    ImFont* body = nullptr;     // running text
    ImFont* label = nullptr;    // face labels, bold
    ImFont* title = nullptr;    // office name, bold
    ImFont* question = nullptr; // the question, bold and large
    ImFont* huge = nullptr;     // "Terima kasih"
    ImFont* staff = nullptr;    // the officer's and technician's screens: denser text
    ImFont* staffBold = nullptr;

    // `mm` millimetres in pixels on this panel.
    [[nodiscard]] float mm(float mm) const { return mm * metrics.pxPerMm; }
    // The smallest side a touch target may have, in pixels.
    [[nodiscard]] float minTarget() const { return mm(metrics.minTargetMm); }

    // WCAG contrast of text on background is at least 4.5:1 for every pair used (docs/architecture.md).
    ImU32 background = IM_COL32(0xF5, 0xF7, 0xFA, 0xFF);
    ImU32 text = IM_COL32(0x1F, 0x29, 0x33, 0xFF);
    ImU32 textMuted = IM_COL32(0x4A, 0x55, 0x63, 0xFF);
    ImU32 warning = IM_COL32(0x9B, 0x1C, 0x1C, 0xFF);
    ImU32 warningBg = IM_COL32(0xFD, 0xE8, 0xE8, 0xFF);
    ImU32 surface = IM_COL32(0xFF, 0xFF, 0xFF, 0xFF);        // buttons, chips, keys
    ImU32 surfacePressed = IM_COL32(0xD9, 0xE2, 0xEC, 0xFF);
    ImU32 border = IM_COL32(0x7B, 0x87, 0x94, 0xFF);
    ImU32 accent = IM_COL32(0x1D, 0x4E, 0x89, 0xFF);         // the primary action; white text on it
    ImU32 accentPressed = IM_COL32(0x12, 0x33, 0x5C, 0xFF);
};

// Clears `atlas` and loads the theme's fonts for `metrics`; the caller (re)uploads the texture.
// Throws FontError if a file cannot be loaded.
[[nodiscard]] Theme loadTheme(ImFontAtlas* atlas, const FontPaths& fonts, const Metrics& metrics);
// The cap height of a font of this theme in pixels (its "H", from the font file's outlines).
[[nodiscard]] float capHeightPx(const Theme& theme, const ImFont* font);
// The cap height of the font in `file` per pixel of ImGui font size (which is ascent - descent).
// Throws FontError if the file is not a font.
[[nodiscard]] float capHeightRatio(const std::filesystem::path& file);

} // namespace skm::ui
