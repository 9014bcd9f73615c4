// One question of the SKM survey: where we are ("Pertanyaan 3 dari 9 · Waktu Penyelesaian"), the
// question, its answers as large buttons, and Kembali / Lewati / Berhenti. An unsur's four answers run
// in the faces' direction (the best on the left, value 4, down to 1 on the right) and each carries the
// face of the same value, so the scale reads the same way as the attract screen's and a citizen who
// reads poorly can answer by the faces; no digits that read as marks. Profile questions list their
// options in the definition's order. The answer chosen before (after going back) is marked.

#include "common.hpp"

#include "../draw_util.hpp"
#include "../faces.hpp"
#include "../layout.hpp"
#include "../widgets.hpp"

#include <string>

namespace skm::ui {

namespace {

class SurveyScreen final : public Screen {
public:
    Intent draw(const Snapshot& s, const Theme& t) override
    {
        const ImVec2 display = ImGui::GetIO().DisplaySize;
        beginFullscreen("##survey");
        if (!s.confirm.empty()) {
            const Intent intent = drawConfirm(s, t, t.title, t.body);
            endFullscreen();
            return intent;
        }
        const Snapshot::SurveyView& v = s.survey;
        // A short panel: "Pertanyaan 3 dari 9 · ..." is the header's status line.
        const bool compact = shortPanel(display, t);
        const HeaderLayout header = compact ? layoutStatusHeader(display, t, v.section, s.t("lang.switch"), false) : headerFor(s, t);
        std::vector<std::string> labels;
        for (const ReasonChip& o : v.options) labels.push_back(o.label);
        const SurveyLayout L = layoutSurvey(display, t, header, v.question, labels, v.scale);
        Intent intent = drawHeader(s, t, header);
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const float m = header.margin;

        // Progress: a thin bar under the header, then the section line (unless the header holds it).
        const float barH = std::max(4.0f, 6.0f * t.scale);
        const float barY = header.status ? header.bottom - barH * 0.5f : L.sectionTop;
        const float frac = v.steps > 0 ? static_cast<float>(v.step) / static_cast<float>(v.steps) : 0.0f;
        dl->AddRectFilled(ImVec2(m, barY), ImVec2(display.x - m, barY + barH), t.surfacePressed, barH * 0.5f);
        dl->AddRectFilled(ImVec2(m, barY), ImVec2(m + (display.x - 2 * m) * frac, barY + barH), t.text, barH * 0.5f);
        if (!header.status) drawText(dl, t.body, ImVec2(m, barY + barH + 2.0f), t.textMuted, fitWithEllipsis(t.body, v.section, display.x - 2 * m));
        drawLines(dl, L.question, ImVec2(display.x * 0.5f, L.questionTop + barH), Align::Center, t.text);

        for (size_t i = 0; i < v.options.size() && i < L.options.size(); ++i) {
            const ReasonChip& o = v.options[i];
            const bool chosen = o.code == v.selected;
            const Rect& r = L.options[i];
            if (v.scale) {
                // An unsur answer: its face on the left, its label beside it.
                bool held = false;
                if (touchArea("answer." + o.code, r, &held)) intent = Intent::of(Intent::Kind::Answer, o.code);
                const ButtonStyle style = chosen ? primaryButton(t) : chipButton(t);
                const float rounding = std::min(r.height(), r.width()) * 0.12f;
                dl->AddRectFilled(r.min, r.max, held ? style.fillPressed : style.fill, rounding);
                dl->AddRect(r.min, r.max, style.border, rounding, 0, std::max(1.5f, t.label->FontSize * 0.07f));
                const float pad = answerPadding(t);
                const float radius = std::min(L.faceRadius, r.height() * 0.5f - pad);
                const ImVec2 faceC(r.min.x + pad + radius, r.center().y);
                drawFace(dl, faceC, radius, std::stoi(o.code), held);
                const float textLeft = faceC.x + radius + pad;
                const TextBlock label = fitText(o.label, r.max.x - pad - textLeft, {t.label}, 2);
                drawLines(dl, label, ImVec2(textLeft, r.center().y - label.height() * 0.5f), Align::Left, style.text);
                if (!focusedByKeyboard()) continue;
                if (const Target* f = focusedTarget(); f && f->name == "answer." + o.code) {
                    const float w = std::max(3.0f, t.label->FontSize * 0.12f);
                    dl->AddRect(ImVec2(r.min.x - w, r.min.y - w), ImVec2(r.max.x + w, r.max.y + w), IM_COL32(0xE0, 0x8A, 0x00, 0xFF), rounding + w, 0, w);
                }
            } else if (touchButton("answer." + o.code, r, o.label.c_str(), t.label, chosen ? primaryButton(t) : chipButton(t))) {
                intent = Intent::of(Intent::Kind::Answer, o.code);
            }
        }
        if (v.canBack && touchButton("survey.back", L.back, s.t("survey.back").c_str(), t.label, secondaryButton(t))) intent = Intent::of(Intent::Kind::Back);
        if (v.canSkip && touchButton("skip", L.skip, s.t("common.skip").c_str(), t.label, secondaryButton(t))) intent = Intent::of(Intent::Kind::Skip);
        if (touchButton("survey.quit", L.quit, s.t("survey.quit").c_str(), t.label, secondaryButton(t))) intent = Intent::of(Intent::Kind::Quit);
        endFullscreen();
        return intent;
    }
};

} // namespace

std::unique_ptr<Screen> makeSurveyScreen() { return std::make_unique<SurveyScreen>(); }

} // namespace skm::ui
