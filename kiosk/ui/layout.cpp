// The layouts of every screen (layout.hpp). Why one file of some 650 lines: each screen's layout is
// a short function, but they share the fitting rules (the physical minimums, text that wraps or is cut,
// two columns or one) and are read and changed together when a panel size is added; layout_test.cpp
// walks them all on every panel.

#include "layout.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace skm::ui {

float qrSide(const Theme& theme, int modules) { return std::max(2.0f, std::round(theme.mm(0.55f))) * static_cast<float>(modules); }

float marginFor(ImVec2 display) { return std::max(8.0f, 0.035f * std::min(display.x, display.y)); }
bool isPortrait(ImVec2 display) { return display.y > display.x * 1.1f; }

std::vector<std::string> wrapLines(ImFont* font, const std::string& text, float wrap)
{
    std::vector<std::string> lines;
    size_t from = 0;
    while (from <= text.size()) {
        // ImGui's word wrap does not break at '\n': each paragraph is wrapped on its own.
        const size_t nl = text.find('\n', from);
        const std::string para = text.substr(from, nl == std::string::npos ? std::string::npos : nl - from);
        const char* s = para.c_str();
        const char* end = s + para.size();
        if (s == end && nl != std::string::npos) lines.emplace_back();
        while (s < end) {
            const char* lineEnd = font->CalcWordWrapPositionA(1.0f, s, end, std::max(1.0f, wrap));
            if (lineEnd == s) ++lineEnd; // a word wider than the line: keep it whole
            const char* visibleEnd = lineEnd;
            while (visibleEnd > s && visibleEnd[-1] == ' ') --visibleEnd;
            lines.emplace_back(s, visibleEnd);
            s = lineEnd;
            while (s < end && *s == ' ') ++s;
        }
        if (nl == std::string::npos) break;
        from = nl + 1;
    }
    return lines;
}

bool shortPanel(ImVec2 display, const Theme& theme) { return display.y < lineHeight(theme.body) * 12.5f; }

float textWidth(ImFont* font, const std::string& text) { return font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, text.c_str()).x; }

TextBlock fitText(const std::string& text, float wrap, std::initializer_list<ImFont*> fonts, size_t maxLines)
{
    TextBlock b;
    for (ImFont* f : fonts) {
        b.font = f;
        b.lines = wrapLines(f, text, wrap);
        if (b.lines.size() <= maxLines) break;
    }
    return b;
}

float buttonHeight(const Theme& theme, ImFont* font, float lines) { return std::max(theme.minTarget(), font->FontSize * (lines * 1.15f + 0.45f)); }

float buttonWidth(const Theme& theme, ImFont* font, const std::string& label) { return std::max(theme.minTarget(), textWidth(font, label) + font->FontSize * 1.2f); }

float speakerSide(const Theme& theme) { return buttonHeight(theme, theme.label); }

namespace {
// The speaker button, square, a small gap left of the language button.
Rect speakerBeside(const Theme& theme, const Rect& language, float m)
{
    const float side = speakerSide(theme), right = language.min.x - m * 0.5f;
    return {ImVec2(right - side, language.min.y), ImVec2(right, language.min.y + side)};
}
} // namespace

HeaderLayout layoutHeader(ImVec2 display, const Theme& theme, const std::string& office, const std::string& counter, const std::string& languageLabel,
                          bool speaker)
{
    HeaderLayout h;
    const float m = marginFor(display);
    h.margin = m;
    const float langW = buttonWidth(theme, theme.label, languageLabel), langH = buttonHeight(theme, theme.label);
    h.language = {ImVec2(display.x - m - langW, m), ImVec2(display.x - m, m + langH)};
    if (speaker) h.speaker = speakerBeside(theme, h.language, m);
    const float textRight = (speaker ? h.speaker.min.x : h.language.min.x) - m;
    // One line when the office's and the counter's names fit side by side (a short panel needs the
    // room); else the office's name over two lines of the title font, or as many as it takes in the
    // body's, and the counter under it. Never cut.
    const float counterW = textWidth(theme.body, counter);
    const float sep = theme.body->FontSize * 1.5f;
    h.showCounter = !counter.empty();
    if (textWidth(theme.title, office) + sep + counterW <= textRight - m) {
        h.office = fitText(office, textRight - m, {theme.title}, 1);
        const float lineH = lineHeight(theme.title);
        const float contentH = std::max(langH, lineH);
        h.officePos = ImVec2(m, m + (contentH - lineH) * 0.5f);
        h.counterPos = ImVec2(textRight - counterW, h.officePos.y + (lineH - lineHeight(theme.body)) * 0.6f);
        h.bottom = m + contentH + m * 0.4f;
        h.officerGesture = {ImVec2(m, m * 0.5f), ImVec2(h.counterPos.x - sep * 0.5f, h.bottom)};
        h.adminGesture = {ImVec2(h.counterPos.x - sep * 0.5f, m * 0.5f), ImVec2(textRight, h.bottom)};
        return h;
    }
    h.office = fitText(office, textRight - m, {theme.title, theme.body}, 2);
    const float counterH = counter.empty() ? 0.0f : lineHeight(theme.body);
    const float blockH = h.office.height() + counterH;
    const float contentH = std::max(langH, blockH);
    h.officePos = ImVec2(m, m + (contentH - blockH) * 0.5f);
    h.counterPos = ImVec2(m, h.officePos.y + h.office.height());
    h.bottom = m + contentH + m * 0.4f;
    h.officerGesture = {ImVec2(m, m * 0.5f), ImVec2(textRight, h.counterPos.y)};
    h.adminGesture = {ImVec2(m, h.counterPos.y), ImVec2(textRight, h.bottom)};
    return h;
}

HeaderLayout layoutStatusHeader(ImVec2 display, const Theme& theme, const std::string& status, const std::string& languageLabel, bool icon,
                                bool speaker)
{
    HeaderLayout h;
    const float m = marginFor(display);
    h.margin = m;
    h.status = true;
    h.showCounter = false;
    const float langW = languageLabel.empty() ? 0.0f : buttonWidth(theme, theme.label, languageLabel);
    const float langH = languageLabel.empty() ? 0.0f : buttonHeight(theme, theme.label);
    h.language = {ImVec2(display.x - m - langW, m), ImVec2(display.x - m, m + langH)};
    float textRight = languageLabel.empty() ? display.x - m : h.language.min.x - m;
    if (speaker) {
        const float side = speakerSide(theme), right = languageLabel.empty() ? display.x - m : h.language.min.x - m * 0.5f;
        h.speaker = {ImVec2(right - side, m), ImVec2(right, m + side)};
        textRight = h.speaker.min.x - m;
    }
    const float iconW = icon ? theme.body->FontSize * 1.3f : 0.0f;
    h.office = fitText(status, textRight - m - iconW, {theme.body}, 3);
    const float contentH = std::max({langH, h.speaker.height(), h.office.height()});
    h.officePos = ImVec2(m + iconW, m + (contentH - h.office.height()) * 0.5f);
    h.bottom = m + contentH + m * 0.4f;
    return h;
}

FooterLayout layoutFooter(ImVec2 display, const Theme& theme, float m, const std::string& hint, const std::string& surveyLabel, bool surveyOffered)
{
    FooterLayout f;
    float btnH = 0;
    if (surveyOffered) {
        const float btnW = std::min(display.x * 0.5f, buttonWidth(theme, theme.label, surveyLabel));
        btnH = buttonHeight(theme, theme.label, static_cast<float>(wrapLines(theme.label, surveyLabel, btnW - theme.label->FontSize).size()));
        f.survey = {ImVec2(display.x - m - btnW, display.y - m * 0.6f - btnH), ImVec2(display.x - m, display.y - m * 0.6f)};
    }
    const float wrap = surveyOffered ? f.survey.min.x - 2 * m : display.x - 2 * m;
    f.hint = fitText(hint, wrap, {theme.body}, 99);
    const float h = std::max(btnH, f.hint.height());
    f.top = display.y - m * 0.6f - h;
    f.hintPos = ImVec2(m, f.top + (h - f.hint.height()) * 0.5f);
    return f;
}

namespace {

// `text` in `font` wrapped at `wrap`, then at the narrowest width that needs no more lines (a short
// caption broken into even lines, not one long and one short).
TextBlock balancedText(ImFont* font, const std::string& text, float wrap)
{
    TextBlock out = fitText(text, wrap, {font}, 99);
    const size_t lines = out.lines.size();
    for (float w = wrap - 2; w > font->FontSize && lines > 1; w -= 2) {
        TextBlock narrower = fitText(text, w, {font}, 99);
        if (narrower.lines.size() > lines) break;
        out = std::move(narrower);
    }
    return out;
}

// The panel in the column [left, left + width) from `top`: caption (unless `caption` is false), the
// name (large; or the headline that replaces it), the detail; the photo, if any, on the left; the QR
// code, if any, at the right end (the panel grows to hold it), its caption before it. With `photoAbove` (a narrow column) the photo goes over the text and the
// QR code is left to the caller.
ServingLayout layoutServing(const Theme& theme, float left, float width, float top, const ServingTexts& s, bool caption, bool bigName, bool photo,
                            bool photoAbove = false)
{
    ServingLayout L;
    L.caption = caption;
    const float pad = theme.body->FontSize * (caption ? 0.4f : 0.25f);
    if (photo && photoAbove) {
        // A narrow column: the photo (a 4:5 portrait, two lines tall) over the text.
        const float ph = lineHeight(theme.body) * 2.0f;
        L.photo = {ImVec2(left + pad, top + pad), ImVec2(left + pad + ph * 0.8f, top + pad + ph)};
        ServingTexts texts = s;
        texts.qrModules = 0;
        ServingLayout below = layoutServing(theme, left, width, L.photo.max.y, texts, caption, bigName, false);
        below.photo = L.photo;
        below.panel.min.y = top;
        return below;
    }
    const bool qr = s.qrModules > 0 && !photoAbove;
    float side = qr ? qrSide(theme, s.qrModules) : 0.0f, captionW = 0;
    if (qr) {
        L.qrCaption = balancedText(theme.body, s.qrCaption, std::max(side, theme.body->FontSize * 6.0f));
        for (const std::string& line : L.qrCaption.lines) captionW = std::max(captionW, textWidth(theme.body, line));
    }
    // The text first decides the height; the photo then takes a 4:5 portrait beside the text.
    const float qrRoom = qr ? captionW + side + 3 * pad : 0.0f;
    float textLeft = left + pad;
    float wrap = width - 2 * pad - qrRoom;
    float textH = 0, photoW = 0;
    for (int pass = 0; pass < 2; ++pass) {
        L.captionText = caption ? fitText(s.caption, wrap, {theme.body}, 99) : TextBlock{};
        L.name = bigName ? fitText(s.name, wrap, {theme.question, theme.title}, 1) : fitText(s.name, wrap, {theme.title}, 99);
        L.detail = fitText(s.detail, wrap, {theme.body}, 99);
        textH = L.captionText.height() + L.name.height() + L.detail.height();
        if (!photo || pass == 1) break;
        photoW = textH * 0.8f; // (the text may wrap to more lines beside it: the photo keeps this width)
        textLeft = left + pad + photoW + pad;
        wrap = left + width - pad - textLeft - qrRoom;
    }
    L.captionPos.x = textLeft;
    const float innerH = std::max(textH, std::max(side, L.qrCaption.height()));
    L.panel = {ImVec2(left, top), ImVec2(left + width, top + innerH + 2 * pad)};
    const float textTop = top + pad + (innerH - textH) * 0.5f; // beside a taller QR code: centred
    L.captionPos.y = textTop;
    L.namePos = ImVec2(L.captionPos.x, textTop + L.captionText.height());
    L.detailPos = ImVec2(L.captionPos.x, L.namePos.y + L.name.height());
    if (photo) L.photo = {ImVec2(left + pad, textTop), ImVec2(left + pad + photoW, textTop + textH)};
    if (qr) {
        const float qrLeft = std::round(left + width - pad - side);
        L.qr = {ImVec2(qrLeft, top + pad + (innerH - side) * 0.5f), ImVec2(qrLeft + side, top + pad + (innerH - side) * 0.5f + side)};
        L.qrCaptionAlign = 1; // right-aligned, before the code
        L.qrCaptionPos = ImVec2(qrLeft - pad, top + pad + (innerH - L.qrCaption.height()) * 0.5f);
    }
    return L;
}

// Four faces in `area`, `cols` to a row (4 or 2), with their labels under them.
void layoutFaces(AttractLayout& L, const Theme& theme, const Rect& area, int cols, float gap)
{
    const int rows = 4 / cols;
    const float labelH = lineHeight(theme.label) * 1.2f;
    const float cellW = (area.width() - (cols - 1) * gap) / cols;
    const float cellH = std::max(10.0f, (area.height() - (rows - 1) * gap) / rows);
    L.faceRadius = std::max(4.0f, std::min(cellW * 0.42f, (cellH - labelH) * 0.45f));
    const float rowH = std::min(cellH, 2 * L.faceRadius / 0.9f + labelH);
    const float usedH = rows * rowH + (rows - 1) * gap;
    const float top = area.min.y + std::max(0.0f, (area.height() - usedH) * 0.5f);
    for (int i = 0; i < 4; ++i) {
        const int score = 4 - i; // 4, 3, 2, 1: left to right, then the next row
        const int col = i % cols, row = i / cols;
        Rect cell;
        cell.min = ImVec2(area.min.x + col * (cellW + gap), top + row * (rowH + gap));
        cell.max = ImVec2(cell.min.x + cellW, cell.min.y + rowH);
        L.target[score - 1] = cell;
        L.faceCenter[score - 1] = ImVec2(cell.center().x, cell.min.y + (rowH - labelH) * 0.5f);
        L.labelCenter[score - 1] = ImVec2(cell.center().x, cell.max.y - labelH * 0.5f);
    }
}

} // namespace

AttractLayout layoutAttract(ImVec2 display, const Theme& theme, const HeaderLayout& header, const std::string& question, const ServingTexts* serving,
                            const FooterLayout& footer, bool combine)
{
    const float W = display.x;
    const float m = header.margin;
    const bool portrait = isPortrait(display);
    const float gap = m * 0.6f;
    const float minRadius = theme.minTarget() * 0.75f;
    const float top = header.bottom + m * 0.4f;
    const float bottom = footer.top - m * 0.4f;
    AttractLayout L;

    // Stacked: who serves, the question, the faces in a row (two by two on a tall display). The
    // roomiest arrangement that leaves the faces their size; then a smaller question; then a panel
    // without its caption; then all of that again without the QR code (the faces come first).
    const bool withQr = serving && serving->qrModules > 0;
    for (int attempt = 0; attempt < (withQr ? 6 : 3); ++attempt) {
        L = AttractLayout{};
        L.header = header;
        L.footer = footer;
        L.questionCenterX = W * 0.5f;
        float y = top;
        ServingTexts texts = serving ? *serving : ServingTexts{};
        if (attempt >= 3) texts.qrModules = 0;
        const int step = attempt % 3;
        if (serving && combine) {
            ServingTexts headline = texts;
            headline.name = question;
            L.serving = L.combined = true;
            L.servingPanel = layoutServing(theme, m, W - 2 * m, y, headline, false, false, serving->photo);
            y = L.servingPanel.panel.max.y + m * 0.4f;
        } else {
            if (serving) {
                L.serving = true;
                L.servingPanel = layoutServing(theme, m, W - 2 * m, y, texts, step < 2, step < 2, serving->photo);
                y = L.servingPanel.panel.max.y + m * 0.4f;
            }
            L.question = step == 0 ? fitText(question, W - 2 * m, {theme.question, theme.title}, 2)
                                   : fitText(question, W - 2 * m, {theme.title, theme.body}, 2);
            L.questionTop = y;
            y += L.question.height() + m * 0.5f;
        }
        layoutFaces(L, theme, Rect{ImVec2(m, y), ImVec2(W - m, bottom)}, portrait ? 2 : 4, gap);
        if (L.faceRadius >= minRadius) break;
    }
    return L;
}

AttractLayout layoutAttractSideBySide(ImVec2 display, const Theme& theme, const HeaderLayout& header, const std::string& question,
                                      const ServingTexts& serving, const FooterLayout& footer, bool combine)
{
    const float W = display.x;
    const float m = header.margin;
    const float gap = m * 0.6f;
    const float top = header.bottom + m * 0.4f;
    const float bottom = footer.top - m * 0.4f;
    AttractLayout L;
    // Side by side: who serves and the question on the left, the faces two by two on the right.
    const float leftW = (W - 3 * m) * 0.48f;
    for (int attempt = 0; attempt < 4; ++attempt) {
        L = AttractLayout{};
        L.header = header;
        L.footer = footer;
        L.serving = true;
        // Less and less beside the name until it fits: the photo, then (with no case open) the
        // detail line, then the caption (which says "on a break": kept the longest).
        const bool photo = serving.photo && attempt < 1;
        const bool caption = !combine && attempt < 3;
        ServingTexts texts = serving;
        if (combine) texts.name = question;
        if (!combine && attempt >= 2) texts.detail.clear();
        L.combined = combine;
        L.servingPanel = layoutServing(theme, m, leftW, top, texts, caption, false, photo, true);
        float end = L.servingPanel.panel.max.y;
        if (!combine) {
            L.question = fitText(question, leftW, {theme.title, theme.body}, 99);
            L.questionTop = end + m * 0.4f;
            L.questionCenterX = m + leftW * 0.5f;
            end = L.questionTop + L.question.height();
        }
        // (The footer's left part is free here: the column may go down to the panel's edge.)
        const float limit = footer.hint.lines.empty() ? display.y - m * 0.6f : bottom;
        L.fits = end <= limit;
        if (!L.fits) continue;
        // The QR code under the rest, in what the column has left; none when it has too little.
        if (serving.qrModules > 0) {
            // (At its usual size, else at its smallest: two pixels a module.)
            const float usual = qrSide(theme, serving.qrModules), smallest = 2.0f * static_cast<float>(serving.qrModules);
            const TextBlock caption = balancedText(theme.body, serving.qrCaption, leftW);
            const float qrTop = end + m * 0.4f;
            const float side = qrTop + usual + caption.height() <= limit ? usual : smallest;
            if (qrTop + side + caption.height() <= limit) {
                const float centreX = std::round(m + leftW * 0.5f);
                L.servingPanel.qr = {ImVec2(std::round(centreX - side * 0.5f), qrTop), ImVec2(std::round(centreX - side * 0.5f) + side, qrTop + side)};
                L.servingPanel.qrCaption = caption;
                L.servingPanel.qrCaptionPos = ImVec2(centreX, qrTop + side);
                L.servingPanel.qrCaptionAlign = 0;
            }
        }
        break;
    }
    layoutFaces(L, theme, Rect{ImVec2(2 * m + leftW, top), ImVec2(W - m, bottom)}, 2, gap);
    return L;
}

FollowUpLayout layoutFollowUp(ImVec2 display, const Theme& theme, const HeaderLayout& header, const std::string& question, const std::string& hint,
                              const std::vector<std::string>& chipLabels, const std::string& skipLabel, const std::string& doneLabel, bool speaker)
{
    FollowUpLayout L;
    L.header = header;
    const float W = display.x, H = display.y;
    const float m = header.margin;
    float y = header.bottom + m * 0.3f;
    L.savedTop = y;
    if (!header.status) y += lineHeight(theme.body) + m * 0.2f; // (in the status header on a short panel)
    L.question = fitText(question, W - 2 * m, {theme.question, theme.title}, 1);
    L.questionTop = y;
    y += L.question.height();
    L.hint = fitText(hint, W - 2 * m, {theme.body}, 2);
    L.hintTop = y;
    const float yWithoutHint = y + m * 0.4f;
    y += L.hint.height() + m * 0.4f;

    // Bottom row: the countdown on the left, Lewati and Selesai (the primary action) on the right.
    const float btnH = buttonHeight(theme, theme.label);
    const float doneW = std::max(buttonWidth(theme, theme.label, doneLabel), 200.0f * theme.scale);
    const float skipW = std::max(buttonWidth(theme, theme.label, skipLabel), 200.0f * theme.scale);
    const float gap = m * 0.5f;
    L.done = {ImVec2(W - m - doneW, H - m - btnH), ImVec2(W - m, H - m)};
    L.skip = {ImVec2(L.done.min.x - gap - skipW, H - m - btnH), ImVec2(L.done.min.x - gap, H - m)};
    if (speaker) {
        const float side = speakerSide(theme);
        L.speaker = {ImVec2(L.skip.min.x - gap - side, H - m - btnH), ImVec2(L.skip.min.x - gap, H - m - btnH + side)};
    }
    L.countdownWrap = std::max(0.0f, (speaker ? L.speaker.min.x : L.skip.min.x) - 2 * m);
    L.countdownPos = ImVec2(m, H - m - btnH * 0.5f);

    float chipsTop = y;
    const float chipsBottom = L.done.min.y - m * 0.5f;
    const bool portrait = isPortrait(display);
    const size_t n = std::max<size_t>(1, chipLabels.size());
    const size_t cols = portrait ? std::min<size_t>(2, n) : std::min<size_t>(4, n <= 3 ? n : (n + 1) / 2);
    const size_t rows = (n + cols - 1) / cols;
    const float chipW = (W - 2 * m - (cols - 1) * gap) / cols;
    auto linesIn = [&](ImFont* f) {
        size_t lines = 1;
        for (const std::string& label : chipLabels) lines = std::max(lines, wrapLines(f, label, buttonTextWrap(chipW, f)).size());
        return lines;
    };
    L.chipFont = linesIn(theme.label) <= 2 ? theme.label : theme.body;
    const size_t maxLines = linesIn(L.chipFont);
    const float minChipH = buttonHeight(theme, L.chipFont, static_cast<float>(maxLines));
    if (rows * minChipH + (rows - 1) * gap > chipsBottom - chipsTop) {
        // A short panel: the hint ("choose one, or skip") gives its line to the chips.
        L.hint.lines.clear();
        chipsTop = yWithoutHint;
    }
    const float chipH = std::max(minChipH, std::min(160.0f * theme.scale, (chipsBottom - chipsTop - (rows - 1) * gap) / rows));
    const float usedH = rows * chipH + (rows - 1) * gap;
    const float top = chipsTop + std::max(0.0f, (chipsBottom - chipsTop - usedH) * 0.5f);
    for (size_t i = 0; i < chipLabels.size(); ++i) {
        const size_t col = i % cols, row = i / cols;
        // A last row that is not full is centred.
        const size_t inRow = std::min(cols, chipLabels.size() - row * cols);
        const float rowLeft = m + (cols - inRow) * (chipW + gap) * 0.5f;
        const ImVec2 min(rowLeft + col * (chipW + gap), top + row * (chipH + gap));
        L.chips.push_back({min, ImVec2(min.x + chipW, min.y + chipH)});
    }
    return L;
}

CommentLayout layoutComment(ImVec2 display, const Theme& theme, const HeaderLayout& header, size_t keyboardRows)
{
    CommentLayout L;
    L.header = header;
    const float W = display.x, H = display.y;
    const float m = header.margin;
    const bool portrait = isPortrait(display);
    const float gap = m * 0.4f;
    // The prompt: under the header, or (a short panel) the header's status line itself.
    L.promptTop = header.bottom + m * 0.3f;
    const float boxTop = header.status ? header.bottom + m * 0.3f : L.promptTop + lineHeight(theme.title) + (H >= 700 ? lineHeight(theme.body) : 0.0f) + m * 0.3f;
    const float btnH = buttonHeight(theme, theme.label);
    const float rows = static_cast<float>(std::max<size_t>(1, keyboardRows));
    const float keyGap = m * 0.25f;
    if (portrait) {
        // Tall display: a full-width text box, the two buttons under it, the keyboard at the bottom.
        L.textBox = {ImVec2(m, boxTop), ImVec2(W - m, boxTop + lineHeight(theme.body) * 4 + theme.body->FontSize)};
        L.counterPos = ImVec2(L.textBox.max.x, L.textBox.max.y + theme.body->FontSize * 0.15f);
        L.countdownPos = ImVec2(L.textBox.min.x, L.counterPos.y);
        const float btnTop = L.textBox.max.y + lineHeight(theme.body) + gap;
        const float btnW = (W - 2 * m - gap) * 0.5f;
        L.skip = {ImVec2(m, btnTop), ImVec2(m + btnW, btnTop + btnH * 1.3f)};
        L.send = {ImVec2(W - m - btnW, btnTop), ImVec2(W - m, btnTop + btnH * 1.3f)};
        const float kbTop = L.skip.max.y + m;
        const float kbH = std::min(H - m - kbTop, (W - 2 * m) * 0.75f);
        L.keyboard = {ImVec2(m, H - m - kbH), ImVec2(W - m, H - m)};
    } else {
        const float boxH = header.status ? btnH : std::max(btnH, lineHeight(theme.body) * 2 + theme.body->FontSize * 0.8f);
        const float btnW = std::max(210.0f * theme.scale, btnH * 2.2f);
        L.textBox = {ImVec2(m, boxTop), ImVec2(W - m - 2 * btnW - 2 * gap, boxTop + boxH)};
        L.skip = {ImVec2(L.textBox.max.x + gap, boxTop), ImVec2(L.textBox.max.x + gap + btnW, boxTop + boxH)};
        L.send = {ImVec2(L.skip.max.x + gap, boxTop), ImVec2(W - m, boxTop + boxH)};
        L.counterPos = ImVec2(W - m, L.textBox.max.y + theme.body->FontSize * 0.1f);
        L.countdownPos = ImVec2(L.textBox.min.x, L.counterPos.y);
        const float kbTop = L.textBox.max.y + lineHeight(theme.body) + theme.body->FontSize * 0.2f;
        L.keyboard = {ImVec2(m, kbTop), ImVec2(W - m, H - m * 0.6f)};
    }
    L.keyHeight = (L.keyboard.height() - (rows - 1) * keyGap) / rows;
    return L;
}

float answerPadding(const Theme& theme) { return theme.label->FontSize * 0.35f; }

SurveyLayout layoutSurvey(ImVec2 display, const Theme& theme, const HeaderLayout& header, const std::string& question,
                          const std::vector<std::string>& labels, bool withFaces, bool skip, bool speaker)
{
    SurveyLayout L;
    L.header = header;
    const float W = display.x, H = display.y, s = theme.scale;
    const float m = header.margin;
    const bool portrait = isPortrait(display);
    // The section line: under the header, or (a short panel) the header's status line itself.
    L.sectionTop = header.bottom + m * 0.3f;
    L.questionTop = header.status ? header.bottom + m * 0.5f : L.sectionTop + lineHeight(theme.body) + m * 0.3f;
    const float btnH = buttonHeight(theme, theme.label);
    if (header.language.width() <= 0) {
        // The bottom row: back, language, (the speaker, square), (skip), stop, the others evenly.
        const float gapX = m * 0.4f;
        std::vector<Rect*> order = {&L.back, &L.language};
        if (skip) order.push_back(&L.skip);
        order.push_back(&L.quit);
        const float side = speaker ? speakerSide(theme) : 0.0f;
        const size_t count = order.size() + (speaker ? 1 : 0);
        const float w = (W - 2 * m - (count - 1) * gapX - side) / static_cast<float>(order.size());
        float x = m;
        for (size_t i = 0; i < order.size(); ++i) {
            *order[i] = {ImVec2(x, H - m - btnH), ImVec2(x + w, H - m)};
            x += w + gapX;
            if (speaker && order[i] == &L.language) {
                L.speaker = {ImVec2(x, H - m - btnH), ImVec2(x + side, H - m)};
                x += side + gapX;
            }
        }
    } else {
        const float btnW = std::min((W - 4 * m) / 3, std::max(300.0f * s, btnH * 2.5f));
        L.back = {ImVec2(m, H - m - btnH), ImVec2(m + btnW, H - m)};
        L.skip = {ImVec2((W - btnW) * 0.5f, H - m - btnH), ImVec2((W + btnW) * 0.5f, H - m)};
        L.quit = {ImVec2(W - m - btnW, H - m - btnH), ImVec2(W - m, H - m)};
    }

    const size_t n = std::max<size_t>(1, labels.size());
    const float gap = m * 0.5f;
    // A short panel (a status header) packs the question and the answers tighter.
    const float space = header.status ? m * 0.3f : m * 0.6f;
    const float bottom = L.back.min.y - space;
    const float pad = answerPadding(theme);
    // Each answer: its face (at least as tall as a line) on the left, the label beside it.
    const float faceR = withFaces ? std::max(theme.minTarget() * 0.45f, lineHeight(theme.label) * 0.45f) : 0.0f;
    L.faceRadius = faceR;

    // An arrangement: the question over the answers (stacked), or the question on the left and the
    // answers on the right (a short landscape panel); the answers `cols` to a row, in the bold face or,
    // if that needs more than two lines, the regular one.
    struct Grid {
        float x = 0, w = 0;   // the answers' column
        size_t cols = 1;
        bool faceAbove = false;
        ImFont* font = nullptr;
        float h = 1e6f;       // each answer's height; 1e6: does not work
    };
    // `faceAbove`: the face over the label (narrow columns), which may then take three lines.
    auto grid = [&](float x, float width, size_t cols, bool faceAbove = false) {
        Grid g{x, width, cols, faceAbove};
        const float w = (width - (cols - 1) * gap) / cols;
        const float abovePad = pad * 0.5f;
        const float labelW = faceAbove ? w - 2 * abovePad : w - 2 * pad - (withFaces ? 2 * faceR + pad : 0.0f);
        for (ImFont* f : {theme.label, theme.body}) {
            size_t lines = 1;
            for (const std::string& l : labels) lines = std::max(lines, wrapLines(f, l, labelW).size());
            if (lines > (faceAbove ? 3u : 2u)) continue; // more lines read badly
            g.font = f;
            g.h = faceAbove ? 2 * faceR + 3 * abovePad + lines * lineHeight(f)
                            : std::max(buttonHeight(theme, f, static_cast<float>(lines)), withFaces ? 2 * faceR + 2 * pad : 0.0f);
            return g;
        }
        return g;
    };
    auto rowsOf = [&](size_t count, size_t cols) { return (count + cols - 1) / cols; };
    std::vector<size_t> wideCols;
    if (!portrait) wideCols.push_back(n <= 4 ? n : (n + 1) / 2);
    wideCols.push_back(std::min<size_t>(2, n));
    wideCols.push_back(1);

    bool fitted = false;
    Grid chosen;
    float answersTop = 0;
    float questionX = m, questionW = W - 2 * m;
    // Stacked first, the largest question font that leaves the answers their room, the fewest rows.
    for (ImFont* f : {theme.question, theme.title, theme.body}) {
        L.question = fitText(question, W - 2 * m, {f}, 99);
        const float top = L.questionTop + L.question.height() + space;
        for (size_t cols : wideCols) {
            const Grid g = grid(m, W - 2 * m, cols);
            if (g.h < 1e5f && top + rowsOf(n, cols) * (g.h + gap) - gap <= bottom) {
                chosen = g;
                answersTop = top;
                fitted = true;
                break;
            }
        }
        if (fitted) break;
    }
    if (!fitted && withFaces && !portrait) {
        // An unsur's four answers in a row, each face over its label: never split over pages.
        L.question = fitText(question, W - 2 * m, {theme.body}, 99);
        const float top = L.questionTop + L.question.height() + space;
        const Grid g = grid(m, W - 2 * m, n, true);
        if (g.h < 1e5f && top + g.h <= bottom) {
            chosen = g;
            answersTop = top;
            fitted = true;
        }
    }
    if (!fitted && !portrait) {
        // Side by side: the question (body) on the left, the answers in one or two columns on the right.
        const float leftW = (W - 3 * m) * 0.45f;
        const Grid g1 = grid(2 * m + leftW, W - 3 * m - leftW, 1), g2 = grid(2 * m + leftW, W - 3 * m - leftW, 2);
        const TextBlock q = fitText(question, leftW, {theme.body}, 99);
        for (const Grid& g : {g1, g2}) {
            if (g.h < 1e5f && L.questionTop + q.height() <= bottom && L.questionTop + rowsOf(n, g.cols) * (g.h + gap) - gap <= bottom) {
                L.question = q;
                questionX = m;
                questionW = leftW;
                chosen = g;
                answersTop = L.questionTop;
                fitted = true;
                break;
            }
        }
    }
    size_t slots = n;
    if (!fitted) {
        // Pages: the question stacked in the body's face, the arrangement that shows the most answers.
        L.question = fitText(question, W - 2 * m, {theme.body}, 99);
        answersTop = L.questionTop + L.question.height() + space;
        size_t best = 0;
        for (size_t cols : wideCols) {
            const Grid g = grid(m, W - 2 * m, cols);
            if (g.h > 1e5f) continue;
            const size_t rowsFit = static_cast<size_t>(std::max(1.0f, std::floor((bottom - answersTop + gap) / (g.h + gap))));
            if (rowsFit * cols > best) {
                best = rowsFit * cols;
                chosen = g;
            }
        }
        if (best == 0) {
            chosen = grid(m, W - 2 * m, 1);
            chosen.font = theme.body;
            chosen.h = buttonHeight(theme, theme.body, 2.0f);
        }
        slots = std::max<size_t>(2, best);
        L.perPage = slots - 1;
    }
    L.questionCenterX = questionX + questionW * 0.5f;
    L.answerFont = chosen.font ? chosen.font : theme.label;
    L.faceAbove = chosen.faceAbove;
    const size_t cols = chosen.cols;
    const size_t rows = rowsOf(slots, cols);
    const float w = (chosen.w - (cols - 1) * gap) / cols;
    const float h = std::max(chosen.h, std::min(std::max(200.0f * s, chosen.h), (bottom - answersTop - (rows - 1) * gap) / rows));
    const float usedH = rows * h + (rows - 1) * gap;
    const float y0 = answersTop + std::max(0.0f, (bottom - answersTop - usedH) * 0.5f);
    for (size_t i = 0; i < slots; ++i) {
        const size_t col = i % cols, row = i / cols;
        const ImVec2 min(chosen.x + col * (w + gap), y0 + row * (h + gap));
        L.options.push_back({min, ImVec2(min.x + w, min.y + h)});
    }
    return L;
}

ConfirmLayout layoutConfirm(ImVec2 display, const Theme& theme, ImFont* titleFont, ImFont* bodyFont, const std::string& title, const std::string& detail,
                            const std::string& noLabel, const std::string& yesLabel)
{
    ConfirmLayout L;
    const float m = marginFor(display);
    const float w = std::min(display.x - 2 * m, std::max(900.0f * theme.scale, display.x * 0.6f));
    const float pad = titleFont->FontSize * 0.8f;
    L.title = fitText(title, w - 2 * pad, {titleFont}, 99);
    L.detail = fitText(detail, w - 2 * pad, {bodyFont}, 99);
    const float bw = (w - 3 * pad) * 0.5f;
    const size_t lines = std::max(wrapLines(theme.label, noLabel, buttonTextWrap(bw, theme.label)).size(),
                                  wrapLines(theme.label, yesLabel, buttonTextWrap(bw, theme.label)).size());
    const float btnH = buttonHeight(theme, theme.label, static_cast<float>(lines));
    const float h = pad + L.title.height() + pad * 0.5f + L.detail.height() + pad + btnH + pad;
    const float top = std::max(m, (display.y - h) * 0.5f);
    L.panel = {ImVec2((display.x - w) * 0.5f, top), ImVec2((display.x + w) * 0.5f, top + h)};
    L.titleTop = top + pad;
    L.detailTop = L.titleTop + L.title.height() + pad * 0.5f;
    const float by = L.panel.max.y - pad - btnH;
    L.cancel = {ImVec2(L.panel.min.x + pad, by), ImVec2(L.panel.min.x + pad + bw, by + btnH)};
    L.confirm = {ImVec2(L.panel.max.x - pad - bw, by), ImVec2(L.panel.max.x - pad, by + btnH)};
    return L;
}

} // namespace skm::ui
