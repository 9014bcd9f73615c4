// The optional comment: an on-screen keyboard (Indonesian QWERTY, lower case, with a digits and
// punctuation layer), backspace, space, and the length limit shown as you type. Send or skip. The same
// text entry (drawTextEntry) is the survey's last step, the saran.

#include "common.hpp"

#include "../draw_util.hpp"
#include "../layout.hpp"
#include "../widgets.hpp"

#include <string>
#include <vector>

namespace skm::ui {

namespace {

// One key: what it types (or a special action), and its width in key units.
struct Key {
    std::string chars; // empty for a special key
    enum class Special { None, Backspace, Space, Layer } special = Special::None;
    float units = 1.0f;
};

using Row = std::vector<Key>;

Row letters(const char* s)
{
    Row r;
    for (const char* p = s; *p; ++p) r.push_back({std::string(1, *p)});
    return r;
}

const std::vector<Row>& layer(bool digits)
{
    static const std::vector<Row> abc = [] {
        std::vector<Row> rows = {letters("qwertyuiop"), letters("asdfghjkl"), letters("zxcvbnm")};
        rows[2].push_back({"", Key::Special::Backspace, 2.0f});
        rows.push_back({{"", Key::Special::Layer, 1.5f}, {","}, {"", Key::Special::Space, 5.0f}, {"."}, {"?", Key::Special::None, 1.5f}});
        return rows;
    }();
    static const std::vector<Row> num = [] {
        std::vector<Row> rows = {letters("1234567890"), letters("-/:;()\"'@"), letters("!&+=%#*")};
        rows[2].push_back({"", Key::Special::Backspace, 2.0f});
        rows.push_back({{"", Key::Special::Layer, 1.5f}, {","}, {"", Key::Special::Space, 5.0f}, {"."}, {"?", Key::Special::None, 1.5f}});
        return rows;
    }();
    return digits ? num : abc;
}

std::string keyName(const Key& k)
{
    switch (k.special) {
    case Key::Special::Backspace: return "key.backspace";
    case Key::Special::Space: return "key.space";
    case Key::Special::Layer: return "key.layer";
    case Key::Special::None: break;
    }
    return "key." + k.chars;
}

// Draws `text` left-aligned and wrapped inside `box`; when it overflows, the last lines stay visible.
void drawTextBox(ImDrawList* dl, const Rect& box, const std::string& text, const std::string& placeholder, const Theme& t)
{
    const float rounding = t.body->FontSize * 0.3f;
    dl->AddRectFilled(box.min, box.max, t.surface, rounding);
    dl->AddRect(box.min, box.max, t.border, rounding, 0, 2.0f);
    const float pad = t.body->FontSize * 0.5f;
    const ImVec2 inner(box.min.x + pad, box.min.y + pad);
    const float wrap = box.width() - 2 * pad;
    ImFont* f = t.body;
    if (text.empty()) {
        dl->AddRectFilled(ImVec2(inner.x, inner.y), ImVec2(inner.x + 2, inner.y + f->FontSize), t.text);
        drawText(dl, f, ImVec2(inner.x + f->FontSize * 0.3f, inner.y), t.textMuted, placeholder);
        return;
    }
    const ImVec2 size = f->CalcTextSizeA(f->FontSize, FLT_MAX, wrap, text.c_str());
    const float visibleH = box.height() - 2 * pad;
    const float offset = std::max(0.0f, size.y - visibleH);
    dl->PushClipRect(ImVec2(box.min.x + 1, box.min.y + 1), ImVec2(box.max.x - 1, box.max.y - 1), true);
    dl->AddText(f, f->FontSize, ImVec2(inner.x, inner.y - offset), t.text, text.c_str(), nullptr, wrap);
    // The caret after the last character.
    const char* lastLine = text.c_str();
    for (const char* p = text.c_str(); *p;) {
        const char* e = f->CalcWordWrapPositionA(1.0f, p, text.c_str() + text.size(), wrap);
        if (e == p) ++e;
        lastLine = p;
        p = e;
        if (*p == ' ' && !*(p + 1)) break;
    }
    const float lastW = f->CalcTextSizeA(f->FontSize, FLT_MAX, 0, lastLine).x;
    const float caretY = inner.y - offset + size.y - f->FontSize;
    dl->AddRectFilled(ImVec2(inner.x + lastW + 1, caretY), ImVec2(inner.x + lastW + 3, caretY + f->FontSize), t.text);
    dl->PopClipRect();
}

Intent drawKeyboard(const Snapshot& s, const Theme& t, bool digits, const Rect& area, float keyH, float gap)
{
    Intent intent;
    const auto& rows = layer(digits);
    const float unit = (area.width() - 9 * gap) / 10.0f;
    ImFont* font = t.label;
    for (size_t r = 0; r < rows.size(); ++r) {
        auto keyWidth = [&](const Key& k) { return k.units * unit + (k.units - 1) * gap; }; // a wide key spans the gaps too
        float rowW = (rows[r].size() - 1) * gap;
        for (const Key& k : rows[r]) rowW += keyWidth(k);
        float x = area.min.x + (area.width() - rowW) * 0.5f;
        const float y = area.min.y + r * (keyH + gap);
        for (const Key& k : rows[r]) {
            const float w = keyWidth(k);
            const Rect rect{ImVec2(x, y), ImVec2(x + w, y + keyH)};
            std::string label = k.chars;
            if (k.special == Key::Special::Backspace) label = s.t("comment.backspace");
            if (k.special == Key::Special::Space) label = s.t("comment.space");
            if (k.special == Key::Special::Layer) label = s.t(digits ? "comment.layer_letters" : "comment.layer_digits");
            const ButtonStyle style = k.special == Key::Special::None || k.special == Key::Special::Space ? chipButton(t) : secondaryButton(t);
            if (touchButton(keyName(k), rect, label.c_str(), font, style)) {
                switch (k.special) {
                case Key::Special::None: intent = Intent::of(Intent::Kind::Type, k.chars); break;
                case Key::Special::Space: intent = Intent::of(Intent::Kind::Type, " "); break;
                case Key::Special::Backspace: intent = Intent::of(Intent::Kind::Backspace); break;
                case Key::Special::Layer: intent = Intent::of(Intent::Kind::ToggleKeyboardLayer); break;
                }
            }
            x += w + gap;
        }
    }
    return intent;
}

class CommentScreen final : public Screen {
public:
    Intent draw(const Snapshot& s, const Theme& t) override
    {
        TextEntry e;
        e.prompt = s.t("comment.prompt");
        e.hint = s.t("comment.hint");
        e.placeholder = s.t("comment.placeholder");
        e.text = &s.citizen.comment;
        e.chars = s.citizen.commentChars;
        e.maxChars = s.citizen.commentMax;
        e.digits = s.citizen.keyboardDigits;
        e.skipName = "comment.skip";
        e.sendName = "comment.send";
        e.sendLabel = s.t("comment.send");
        return drawTextEntry(s, t, e, "##comment");
    }
};

} // namespace

Intent drawTextEntry(const Snapshot& s, const Theme& t, const TextEntry& e, const char* windowName)
{
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    // A short panel: the prompt is the header's status line and the hint gives its room to the keys.
    const bool compact = shortPanel(display, t);
    const HeaderLayout header = compact ? layoutStatusHeader(display, t, e.prompt, s.t("lang.switch"), false) : headerFor(s, t);
    const CommentLayout L = layoutComment(display, t, header, layer(e.digits).size());
    beginFullscreen(windowName);
    Intent intent = drawHeader(s, t, header);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float m = L.header.margin;
    if (!header.status) {
        const std::string& prompt = e.prompt;
        // A long prompt (a survey's question) is cut to the line; the hint follows when there is room.
        const std::string shown = fitWithEllipsis(t.title, prompt, display.x - 2 * m);
        drawText(dl, t.title, ImVec2(m, L.promptTop), t.text, shown);
        // The hint goes on its own line on a tall panel, after the prompt when there is room.
        const float promptW = textWidth(t.title, shown);
        const bool hintBelow = L.textBox.min.y - L.promptTop > lineHeight(t.title) + lineHeight(t.body);
        const ImVec2 hintPos = hintBelow ? ImVec2(m, L.promptTop + lineHeight(t.title))
                                         : ImVec2(m + promptW + t.body->FontSize * 0.6f, L.promptTop + (lineHeight(t.title) - lineHeight(t.body)) * 0.5f);
        const std::string& hint = e.hint;
        if (hintPos.x + textWidth(t.body, hint) <= display.x - m) drawText(dl, t.body, hintPos, t.textMuted, hint);
    }

    static const std::string none;
    drawTextBox(dl, L.textBox, e.text ? *e.text : none, e.placeholder, t);
    const bool full = static_cast<int>(e.chars) >= e.maxChars;
    std::string count = s.catalog->format(s.lang, "comment.count", {{"n", formatCount(static_cast<long long>(e.chars), s.lang)}, {"max", formatCount(e.maxChars, s.lang)}});
    if (full) count = s.t("comment.full") + "  " + count;
    const float cw = t.body->CalcTextSizeA(t.body->FontSize, FLT_MAX, 0, count.c_str()).x;
    drawText(dl, t.body, ImVec2(L.counterPos.x - cw, L.counterPos.y), full ? t.warning : t.textMuted, count);
    if (s.countdownSeconds >= 0) {
        // How long until the screen returns to the start, left of the count (cut short on a narrow panel).
        const std::string line = s.catalog->format(s.lang, "common.returns_in", {{"s", formatCount(s.countdownSeconds, s.lang)}});
        const std::string fitted = fitWithEllipsis(t.body, line, L.counterPos.x - cw - t.body->FontSize - L.countdownPos.x);
        drawText(dl, t.body, L.countdownPos, t.textMuted, fitted);
    }

    if (touchButton(e.skipName, L.skip, s.t("common.skip").c_str(), t.label, secondaryButton(t))) intent = Intent::of(Intent::Kind::Skip);
    if (touchButton(e.sendName, L.send, e.sendLabel.c_str(), t.label, primaryButton(t))) intent = Intent::of(Intent::Kind::Send);

    const Intent key = drawKeyboard(s, t, e.digits, L.keyboard, L.keyHeight, m * 0.25f);
    if (key.kind != Intent::Kind::None) intent = key;
    endFullscreen();
    return intent;
}

std::unique_ptr<Screen> makeCommentScreen() { return std::make_unique<CommentScreen>(); }

} // namespace skm::ui
