#include "layout.hpp"

#include <algorithm>

namespace skm::ui {

AttractLayout layoutAttract(ImVec2 display, const Theme& theme, const char* question)
{
    AttractLayout L;
    const float W = display.x, H = display.y;
    L.margin = std::max(8.0f, 0.035f * std::min(W, H));
    const float m = L.margin;
    L.headerBottom = m + theme.title->FontSize * 1.4f;
    L.questionTop = L.headerBottom + m * 0.6f;
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

    const float usedH = rows * std::min(cellH, 2 * L.faceRadius / 0.9f + labelH) + (rows - 1) * gap;
    const float top = facesTop + std::max(0.0f, (facesBottom - facesTop - usedH) * 0.5f);
    const float rowH = std::min(cellH, 2 * L.faceRadius / 0.9f + labelH);
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

} // namespace skm::ui
