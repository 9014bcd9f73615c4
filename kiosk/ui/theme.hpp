#pragma once
// Colours, fonts and sizes shared by every screen. Sizes are multiples of the font size so that the
// layout follows the UI scale; fonts are loaded at round(px * scale) to stay sharp (no FontGlobalScale).

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

struct Theme {
    float scale = 1.0f;
    ImFont* body = nullptr;     // running text
    ImFont* label = nullptr;    // face labels, bold
    ImFont* title = nullptr;    // office name, bold
    ImFont* question = nullptr; // the question, bold and large
    ImFont* huge = nullptr;     // "Terima kasih"

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

// The UI scale for a display of w x h pixels: 1.0 at 1280x800, following the shorter side's ratio,
// times the configured factor.
[[nodiscard]] float scaleFor(float w, float h, float configuredFactor);

// Clears `atlas` and loads the theme's fonts at `scale`; the caller (re)uploads the texture.
// Throws FontError if a file cannot be loaded.
[[nodiscard]] Theme loadTheme(ImFontAtlas* atlas, const FontPaths& fonts, float scale);

} // namespace skm::ui
