#include "draw_util.hpp"

#include "layout.hpp"
#include "widgets.hpp"
#include "theme.hpp"

#include <cstring>

namespace skm::ui {

void beginFullscreen(const char* id)
{
    const ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0.0f);
    // No window background: the frame is cleared to the screen's background colour instead (a
    // full-screen textured, blended quad is the most expensive thing llvmpipe would draw).
    ImGui::Begin(id, nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoBackground);
}

void endFullscreen()
{
    ImGui::End();
    ImGui::PopStyleVar(3);
}

float drawCenteredWrapped(ImDrawList* dl, ImFont* font, const char* text, float centerX, float top, float wrap, ImU32 color)
{
    TextBlock block;
    block.font = font;
    block.lines = wrapLines(font, text, wrap);
    return drawLines(dl, block, ImVec2(centerX, top), Align::Center, color);
}

void drawText(ImDrawList* dl, ImFont* font, ImVec2 pos, ImU32 color, const std::string& text)
{
    if (text.empty()) return;
    dl->AddText(font, font->FontSize, pos, color, text.c_str());
    recordText(text, Rect{pos, ImVec2(pos.x + textWidth(font, text), pos.y + font->FontSize)});
}

float drawLines(ImDrawList* dl, const TextBlock& block, ImVec2 pos, Align align, ImU32 color)
{
    if (!block.font) return 0;
    float y = pos.y;
    for (const std::string& line : block.lines) {
        const float w = align == Align::Left ? 0.0f : textWidth(block.font, line);
        const float x = align == Align::Left ? pos.x : align == Align::Center ? pos.x - w * 0.5f : pos.x - w;
        drawText(dl, block.font, ImVec2(x, y), color, line);
        y += lineHeight(block.font);
    }
    return y - pos.y;
}

std::string fitWithEllipsis(ImFont* font, const std::string& text, float maxWidth)
{
    auto width = [&](const std::string& t) { return font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, t.c_str()).x; };
    if (width(text) <= maxWidth) return text;
    static const std::string ellipsis = "\u2026";
    std::string cut = text;
    while (!cut.empty()) {
        do cut.pop_back(); // whole UTF-8 characters only
        while (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0xC0) == 0x80);
        if (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0x80)) cut.pop_back();
        while (!cut.empty() && cut.back() == ' ') cut.pop_back();
        if (width(cut + ellipsis) <= maxWidth) return cut + ellipsis;
    }
    return ellipsis;
}

void drawNotice(const Theme& t, const std::string& headline, const std::string& cause, const std::string& next)
{
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    beginFullscreen("##notice");
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float m = marginFor(display);
    const float wrap = display.x - 2 * m;
    // The largest faces that fit the panel whole (a 7" panel takes them smaller), centred.
    TextBlock a, b, c;
    for (int attempt = 0; attempt < 2; ++attempt) {
        a = fitText(headline, wrap, {attempt == 0 ? t.question : t.title}, 99);
        b = fitText(cause, wrap, {attempt == 0 ? t.title : t.body}, 99);
        c = fitText(next, wrap, {t.body}, 99);
        if (a.height() + b.height() + c.height() + 2 * t.body->FontSize * 0.5f <= display.y - 2 * m) break;
    }
    const float total = a.height() + b.height() + c.height() + 2 * t.body->FontSize * 0.5f;
    float y = std::max(m, (display.y - total) * 0.5f);
    y += drawLines(dl, a, ImVec2(display.x * 0.5f, y), Align::Center, t.warning) + t.body->FontSize * 0.5f;
    y += drawLines(dl, b, ImVec2(display.x * 0.5f, y), Align::Center, t.text) + t.body->FontSize * 0.5f;
    drawLines(dl, c, ImVec2(display.x * 0.5f, y), Align::Center, t.text);
    endFullscreen();
}

} // namespace skm::ui
