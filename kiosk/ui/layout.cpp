#include "layout.hpp"

#include <algorithm>
#include <cmath>

namespace skm::ui {

HeaderLayout layoutHeader(ImVec2 display, const Theme& theme)
{
    HeaderLayout h;
    h.margin = std::max(8.0f, 0.035f * std::min(display.x, display.y));
    const float s = theme.scale;
    const float langW = 270.0f * s, langH = 78.0f * s;
    h.language = {ImVec2(display.x - h.margin - langW, h.margin), ImVec2(display.x - h.margin, h.margin + langH)};
    h.bottom = h.margin + std::max(langH, theme.title->FontSize * 1.4f) + h.margin * 0.4f;
    h.officePos = ImVec2(h.margin, h.margin + (langH - theme.title->FontSize) * 0.5f);
    h.counterRight = h.language.min.x - h.margin;
    return h;
}

AttractLayout layoutAttract(ImVec2 display, const Theme& theme, const char* question)
{
    AttractLayout L;
    L.header = layoutHeader(display, theme);
    const float W = display.x, H = display.y;
    const float m = L.header.margin;
    L.questionTop = L.header.bottom + m * 0.6f;
    L.questionWrap = W - 2 * m;
    const ImVec2 q = theme.question->CalcTextSizeA(theme.question->FontSize, FLT_MAX, L.questionWrap, question);
    const float facesTop = L.questionTop + q.y + m;
    const float facesBottom = H - m - theme.body->FontSize * 1.6f; // room for the status line
    const bool portrait = H > W * 1.1f;
    const int cols = portrait ? 2 : 4;
    const int rows = portrait ? 2 : 1;
    const float gap = m * 0.6f;
    const float cellW = (W - 2 * m - (cols - 1) * gap) / cols;
    const float cellH = std::max(10.0f, (facesBottom - facesTop - (rows - 1) * gap) / rows);
    const float labelH = theme.label->FontSize * 1.5f;
    L.faceRadius = std::max(8.0f, std::min(cellW * 0.44f, (cellH - labelH) * 0.45f));

    const float rowH = std::min(cellH, 2 * L.faceRadius / 0.9f + labelH);
    const float usedH = rows * rowH + (rows - 1) * gap;
    const float top = facesTop + std::max(0.0f, (facesBottom - facesTop - usedH) * 0.5f);
    for (int i = 0; i < 4; ++i) {
        const int score = 4 - i; // left to right: 4, 3, 2, 1
        const int col = i % cols, row = i / cols;
        Rect cell;
        cell.min = ImVec2(m + col * (cellW + gap), top + row * (rowH + gap));
        cell.max = ImVec2(cell.min.x + cellW, cell.min.y + rowH);
        L.target[score - 1] = cell;
        const float faceAreaH = rowH - labelH;
        L.faceCenter[score - 1] = ImVec2(cell.center().x, cell.min.y + faceAreaH * 0.5f);
        L.labelCenter[score - 1] = ImVec2(cell.center().x, cell.max.y - labelH * 0.5f);
    }
    return L;
}

FollowUpLayout layoutFollowUp(ImVec2 display, const Theme& theme, size_t chipCount)
{
    FollowUpLayout L;
    L.header = layoutHeader(display, theme);
    const float W = display.x, H = display.y, s = theme.scale;
    const float m = L.header.margin;
    L.questionTop = L.header.bottom + m * 0.6f;
    const float chipsTop = L.questionTop + theme.question->FontSize * 1.2f + theme.body->FontSize * 1.6f + m * 0.5f;
    const float skipH = 120.0f * s, skipW = std::min(W - 2 * m, 360.0f * s);
    L.skip = {ImVec2((W - skipW) * 0.5f, H - m - skipH), ImVec2((W + skipW) * 0.5f, H - m)};
    const float chipsBottom = L.skip.min.y - m;

    const bool portrait = H > W * 1.1f;
    const size_t n = std::max<size_t>(1, chipCount);
    const size_t cols = portrait ? std::min<size_t>(2, n) : std::min<size_t>(4, (n + 1) / 2 < 2 ? n : (n + 1) / 2);
    const size_t rows = (n + cols - 1) / cols;
    const float gap = m * 0.5f;
    const float chipW = (W - 2 * m - (cols - 1) * gap) / cols;
    const float chipH = std::min(170.0f * s, (chipsBottom - chipsTop - (rows - 1) * gap) / rows);
    const float usedH = rows * chipH + (rows - 1) * gap;
    const float top = chipsTop + std::max(0.0f, (chipsBottom - chipsTop - usedH) * 0.5f);
    for (size_t i = 0; i < chipCount; ++i) {
        const size_t col = i % cols, row = i / cols;
        // A last row that is not full is centred.
        const size_t inRow = std::min(cols, chipCount - row * cols);
        const float rowLeft = m + (cols - inRow) * (chipW + gap) * 0.5f;
        const ImVec2 min(rowLeft + col * (chipW + gap), top + row * (chipH + gap));
        L.chips.push_back({min, ImVec2(min.x + chipW, min.y + chipH)});
    }
    return L;
}

CommentLayout layoutComment(ImVec2 display, const Theme& theme)
{
    CommentLayout L;
    L.header = layoutHeader(display, theme);
    const float W = display.x, H = display.y, s = theme.scale;
    const float m = L.header.margin;
    const bool portrait = H > W * 1.1f;
    L.promptTop = L.header.bottom + m * 0.3f;
    const float boxTop = L.promptTop + theme.title->FontSize * 1.3f + theme.body->FontSize * 1.3f;
    const float gap = m * 0.5f;
    if (portrait) {
        // Tall display: a full-width text box, the two buttons under it, the keyboard at the bottom.
        L.textBox = {ImVec2(m, boxTop), ImVec2(W - m, boxTop + 240.0f * s)};
        L.counterPos = ImVec2(L.textBox.max.x, L.textBox.max.y + theme.body->FontSize * 0.2f);
        const float btnTop = L.textBox.max.y + theme.body->FontSize * 1.6f;
        const float btnW = (W - 2 * m - gap) * 0.5f;
        L.skip = {ImVec2(m, btnTop), ImVec2(m + btnW, btnTop + 120.0f * s)};
        L.send = {ImVec2(W - m - btnW, btnTop), ImVec2(W - m, btnTop + 120.0f * s)};
        const float kbTop = L.skip.max.y + m;
        const float kbH = std::min(H - m - kbTop, (W - 2 * m) * 0.75f);
        L.keyboard = {ImVec2(m, H - m - kbH), ImVec2(W - m, H - m)};
        return L;
    }
    const float boxH = 120.0f * s;
    const float btnW = 210.0f * s;
    L.textBox = {ImVec2(m, boxTop), ImVec2(W - m - 2 * btnW - 2 * gap, boxTop + boxH)};
    L.skip = {ImVec2(L.textBox.max.x + gap, boxTop), ImVec2(L.textBox.max.x + gap + btnW, boxTop + boxH)};
    L.send = {ImVec2(L.skip.max.x + gap, boxTop), ImVec2(W - m, boxTop + boxH)};
    L.counterPos = ImVec2(L.textBox.max.x, L.textBox.max.y + theme.body->FontSize * 0.2f);
    const float kbTop = L.textBox.max.y + theme.body->FontSize * 1.5f;
    L.keyboard = {ImVec2(m, kbTop), ImVec2(W - m, H - m)};
    return L;
}

SurveyLayout layoutSurvey(ImVec2 display, const Theme& theme, size_t optionCount, float questionHeight)
{
    SurveyLayout L;
    L.header = layoutHeader(display, theme);
    const float W = display.x, H = display.y, s = theme.scale;
    const float m = L.header.margin;
    const bool portrait = H > W * 1.1f;
    L.wrap = W - 2 * m;
    L.sectionTop = L.header.bottom + m * 0.2f;
    L.questionTop = L.sectionTop + theme.body->FontSize * 1.5f;
    const float btnH = std::min(110.0f * s, H * 0.13f);
    const float btnW = std::min((W - 4 * m) / 3, 300.0f * s);
    L.back = {ImVec2(m, H - m - btnH), ImVec2(m + btnW, H - m)};
    L.skip = {ImVec2((W - btnW) * 0.5f, H - m - btnH), ImVec2((W + btnW) * 0.5f, H - m)};
    L.quit = {ImVec2(W - m - btnW, H - m - btnH), ImVec2(W - m, H - m)};

    const float top = L.questionTop + questionHeight + m * 0.6f;
    const float bottom = L.back.min.y - m * 0.6f;
    const size_t n = std::max<size_t>(1, optionCount);
    const size_t cols = portrait ? std::min<size_t>(2, n) : (n <= 4 ? n : (n + 1) / 2);
    const size_t rows = (n + cols - 1) / cols;
    const float gap = m * 0.5f;
    const float w = (W - 2 * m - (cols - 1) * gap) / cols;
    const float h = std::max(10.0f, std::min(200.0f * s, (bottom - top - (rows - 1) * gap) / rows));
    const float usedH = rows * h + (rows - 1) * gap;
    const float y0 = top + std::max(0.0f, (bottom - top - usedH) * 0.5f);
    for (size_t i = 0; i < optionCount; ++i) {
        const size_t col = i % cols, row = i / cols;
        const ImVec2 min(m + col * (w + gap), y0 + row * (h + gap));
        L.options.push_back({min, ImVec2(min.x + w, min.y + h)});
    }
    return L;
}

Rect surveyButtonRect(ImVec2 display, const Theme& theme)
{
    const HeaderLayout h = layoutHeader(display, theme);
    const float s = theme.scale;
    const float w = std::min(display.x * 0.4f, 330.0f * s), ht = 64.0f * s;
    return {ImVec2(display.x - h.margin - w, display.y - h.margin * 0.5f - ht), ImVec2(display.x - h.margin, display.y - h.margin * 0.5f)};
}

} // namespace skm::ui
